using System;
using System.Numerics;

namespace Nn;

/// <summary>The <see cref="Activation"/> built from a user's <see cref="IElementwiseActivation"/>.</summary>
/// <typeparam name="TFunction">The type that supplies σ and σ'.</typeparam>
internal sealed record ElementwiseActivation<TFunction> : Activation
    where TFunction : IElementwiseActivation
{
    public static ElementwiseActivation<TFunction> Instance { get; } = new();

    public override string Name => TFunction.Name;

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width)
    {
        for (var i = 0; i < z.Length; i++)
        {
            a[i] = TFunction.Value(z[i]);
        }
    }

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        for (var i = 0; i < z.Length; i++)
        {
            gradientZ[i] = gradientA[i] * TFunction.Derivative(z[i], a[i]);
        }
    }
}
