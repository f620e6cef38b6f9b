using System;
using System.Collections.Immutable;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>σ(z) = max(0, z); σ'(z) = 1 for z &gt; 0 and 0 for z ≤ 0 (the kink belongs to the flat side).</summary>
internal sealed record ReluActivation : Activation
{
    /// <summary>Shared, so that two ReLU records stay equal: a record compares its fields, and arrays by reference.</summary>
    private static readonly ImmutableArray<double> AtZero = [0.0];

    public override string Name => "relu";

    public override ImmutableArray<double> Kinks => AtZero;

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width)
    {
        CheckForward(z, a, width);
        Forward(z, a);
    }

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        CheckBackward(z, a, gradientA, gradientZ, width);
        VectorKernels.ReluBackward(z, gradientA, gradientZ);
    }

    internal override unsafe SampleActivation<T> SampleSteps<T>() => new(&Forward<T>, &Backward<T>);

    private static void Forward<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Max(z, T.Zero, a);

    private static void Backward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T> => VectorKernels.ReluBackward(z, gradient, gradient);
}
