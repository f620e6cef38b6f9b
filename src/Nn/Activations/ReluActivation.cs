using System;

namespace Nn;

/// <summary>σ(z) = max(0, z); σ'(z) = 1 for z &gt; 0 and 0 for z ≤ 0 (the kink belongs to the flat side).</summary>
internal sealed record ReluActivation : Activation
{
    public override string Name => "relu";

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width) => Kernels.TensorKernels.Max(z, T.Zero, a);

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width) =>
        Kernels.VectorKernels.ReluBackward(z, gradientA, gradientZ);
}
