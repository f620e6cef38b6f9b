using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>σ(z) = tanh z; σ'(z) = 1 − tanh² z, computed from the stored activation.</summary>
internal sealed record TanhActivation : Activation
{
    public override string Name => "tanh";

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width)
    {
        CheckForward(z, a, width);
        Forward(z, a);
    }

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        CheckBackward(z, a, gradientA, gradientZ, width);
        Backward(a, gradientA, gradientZ);
    }

    internal override unsafe SampleActivation<T> SampleSteps<T>() => new(&Forward<T>, &BackwardInPlace<T>);

    private static void Forward<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Tanh(z, a);

    private static void BackwardInPlace<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T> => Backward<T>(a, gradient, gradient);

    private static void Backward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < a.Length; i++)
        {
            gradientZ[i] = gradientA[i] * (T.One - (a[i] * a[i]));
        }
    }
}
