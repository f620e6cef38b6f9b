using System;

namespace Nn;

/// <summary>σ(z) = 1 / (1 + e^(−z)); σ'(z) = σ(z)(1 − σ(z)), computed from the stored activation.</summary>
internal sealed record SigmoidActivation : Activation
{
    public override string Name => "sigmoid";

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width) => Kernels.TensorKernels.Sigmoid(z, a);

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width) =>
        Kernels.VectorKernels.SigmoidBackward(a, gradientA, gradientZ);
}
