using System;

namespace Nn;

/// <summary>σ(z) = tanh z; σ'(z) = 1 − tanh² z, computed from the stored activation.</summary>
internal sealed record TanhActivation : Activation
{
    public override string Name => "tanh";

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width) => Kernels.TensorKernels.Tanh(z, a);

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        for (var i = 0; i < a.Length; i++)
        {
            gradientZ[i] = gradientA[i] * (T.One - (a[i] * a[i]));
        }
    }
}
