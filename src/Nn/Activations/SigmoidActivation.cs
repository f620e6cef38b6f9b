using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>σ(z) = 1 / (1 + e^(−z)); σ'(z) = σ(z)(1 − σ(z)), computed from the stored activation.</summary>
internal sealed record SigmoidActivation : Activation
{
    public override string Name => "sigmoid";

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width)
    {
        CheckForward(z, a, width);
        Forward(z, a);
    }

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        CheckBackward(z, a, gradientA, gradientZ, width);
        VectorKernels.SigmoidBackward(a, gradientA, gradientZ);
    }

    internal override unsafe SampleActivation<T> SampleSteps<T>() => new(&Forward<T>, &Backward<T>);

    private static void Forward<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Sigmoid(z, a);

    private static void Backward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T> => VectorKernels.SigmoidBackward(a, gradient, gradient);
}
