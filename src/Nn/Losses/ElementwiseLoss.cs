using System;

namespace Nn;

/// <summary>The <see cref="Loss"/> built from a user's <see cref="IElementwiseLoss"/>; defined for every output activation.</summary>
/// <typeparam name="TFunction">The type that supplies c and ∂c/∂a.</typeparam>
internal sealed record ElementwiseLoss<TFunction> : Loss
    where TFunction : IElementwiseLoss
{
    public static ElementwiseLoss<TFunction> Instance { get; } = new();

    public override string Name => TFunction.Name;

    public override bool Supports(Activation output) => true;

    public override T SumOfCosts<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output)
    {
        CheckBatch(z, a, target, width, output);
        var sum = T.Zero;
        for (var i = 0; i < a.Length; i++)
        {
            sum += TFunction.Value(a[i], target[i]);
        }

        return sum;
    }

    public override void OutputDeltaInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output, Span<T> delta)
    {
        CheckBatch(z, a, target, width, output, delta);
        for (var i = 0; i < a.Length; i++)
        {
            delta[i] = TFunction.Derivative(a[i], target[i]);
        }

        ChainThroughActivation(z, a, width, output, delta);
    }
}
