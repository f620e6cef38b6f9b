using System;

namespace Nn;

/// <summary>C = ½ Σ_j (y_j − a_j)²; ∇_a C = a − y, so δ^L = (a − y) ⊙ σ'(z^L).</summary>
internal sealed record QuadraticLoss : Loss
{
    public override string Name => "quadratic";

    public override bool Supports(Activation output) => true;

    public override T SumOfCosts<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output)
    {
        CheckBatch(z, a, target, width, output);
        return HalfSquaredDistance(a, target);
    }

    public override void OutputDeltaInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output, Span<T> delta)
    {
        CheckBatch(z, a, target, width, output, delta);
        Kernels.TensorKernels.Subtract(a, target, delta);
        ChainThroughActivation(z, a, width, output, delta);
    }

    private static T HalfSquaredDistance<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> target)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // Summing the squared differences directly avoids the cancellation of the expanded form a² − 2ay + y².
        var sum = T.Zero;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - target[i];
            sum += d * d;
        }

        return sum / T.CreateChecked(2);
    }
}
