using System;
using System.Collections.Immutable;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>The <see cref="Activation"/> built from a user's <see cref="IElementwiseActivation"/>.</summary>
/// <typeparam name="TFunction">The type that supplies σ and σ'.</typeparam>
internal sealed record ElementwiseActivation<TFunction> : Activation
    where TFunction : IElementwiseActivation
{
    public static ElementwiseActivation<TFunction> Instance { get; } = new();

    public override string Name => TFunction.Name;

    public override ImmutableArray<double> Kinks => TFunction.Kinks;

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width)
    {
        CheckForward(z, a, width);
        Forward(z, a);
    }

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        CheckBackward(z, a, gradientA, gradientZ, width);
        Backward(z, a, gradientA, gradientZ);
    }

    internal override unsafe SampleActivation<T> SampleSteps<T>() => new(&Forward<T>, &BackwardInPlace<T>);

    private static void Forward<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < z.Length; i++)
        {
            a[i] = TFunction.Value(z[i]);
        }
    }

    private static void BackwardInPlace<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T> => Backward<T>(z, a, gradient, gradient);

    private static void Backward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < z.Length; i++)
        {
            gradientZ[i] = gradientA[i] * TFunction.Derivative(z[i], a[i]);
        }
    }
}
