using System;

namespace Nn;

/// <summary>
/// Adam: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η m̂ / (√v̂ + ε) with the bias corrections
/// m̂ = m / (1 − β₁^t), v̂ = v / (1 − β₂^t).
/// </summary>
public sealed record Adam : Optimizer
{
    /// <summary>Creates the rule.</summary>
    /// <param name="LearningRate">η, positive and finite.</param>
    /// <param name="Beta1">β₁ in [0, 1).</param>
    /// <param name="Beta2">β₂ in [0, 1).</param>
    /// <param name="Epsilon">ε, positive.</param>
    public Adam(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8)
    {
        Guard.Positive(nameof(LearningRate), LearningRate);
        Guard.InRange(nameof(Beta1), Beta1, 0, 1);
        Guard.InRange(nameof(Beta2), Beta2, 0, 1);
        Guard.Positive(nameof(Epsilon), Epsilon);
        this.LearningRate = LearningRate;
        this.Beta1 = Beta1;
        this.Beta2 = Beta2;
        this.Epsilon = Epsilon;
    }

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "adam";

    /// <inheritdoc/>
    public override int MomentCount => 2;

    internal override void UpdateInPlace<T>(long step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments) =>
        UpdateInto<T>(step, theta, gradient, moments, moments, theta);

    internal override bool UpdateInto<T>(long step, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next) =>
        UpdateRangeInto(step, 0, theta.Length, theta, gradient, moments, nextMoments, next);

    internal override bool UpdatesByRange => true;

    internal override bool UpdateRangeInto<T>(long step, int from, int to, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next)
    {
        var length = to - from;
        var m = moments[0].AsSpan(from, length);
        var v = moments[1].AsSpan(from, length);
        var beta1 = T.CreateChecked(Beta1);
        var beta2 = T.CreateChecked(Beta2);

        // Folding both bias corrections into the step size keeps the loop to one division per element.
        var correction1 = 1 - Math.Pow(Beta1, step);
        var correction2 = 1 - Math.Pow(Beta2, step);
        var stepSize = T.CreateChecked(LearningRate * Math.Sqrt(correction2) / correction1);
        var epsilon = T.CreateChecked(Epsilon * Math.Sqrt(correction2));
        return Kernels.VectorKernels.AdamUpdate(
            theta.Slice(from, length), gradient.Slice(from, length), m, v, beta1, beta2, stepSize, epsilon,
            next.Slice(from, length), nextMoments[0].AsSpan(from, length), nextMoments[1].AsSpan(from, length));
    }
}
