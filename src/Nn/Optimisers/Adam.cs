using System;
using System.Collections.Immutable;

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
    public Adam(double LearningRate = 1e-3, double Beta1 = DefaultBeta1, double Beta2 = DefaultBeta2, double Epsilon = DefaultEpsilon)
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

    /// <summary>β₁ when not given: 0.9.</summary>
    public const double DefaultBeta1 = 0.9;

    /// <summary>β₂ when not given: 0.999.</summary>
    public const double DefaultBeta2 = 0.999;

    /// <summary>ε when not given (here and in the other rules that divide by a root): 10⁻⁸.</summary>
    public const double DefaultEpsilon = 1e-8;

    /// <summary>The rule's entry in <see cref="OptimizerKinds"/>.</summary>
    internal static OptimizerKind Kind { get; } = new(
        "adam", "Adam, θ ← θ − η m̂/(√v̂ + ε)",
        [new("learning rate η", "η", "lr", 0.005), new("Adam β₁", "β₁", "beta1", DefaultBeta1), new("Adam β₂", "β₂", "beta2", DefaultBeta2), new("Adam ε", "ε", "eps", DefaultEpsilon)],
        values => new Adam(values[0], values[1], values[2], values[3]));

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => Kind.Name;

    /// <inheritdoc/>
    public override int MomentCount => 2;

    /// <inheritdoc/>
    public override ImmutableArray<Hyperparameter> Hyperparameters => Kind.Values(LearningRate, Beta1, Beta2, Epsilon);

    internal override string? SquaresMoment(int index) => index == 1 ? "Adam's second moment v of 0 or more (a mean of squares)" : null;

    internal override void UpdateInPlace<T>(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments) =>
        UpdateInto<T>(step, theta, gradient, moments, moments, theta);

    internal override bool UpdateInto<T>(UpdateStep step, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next) =>
        UpdateRangeInto(step, 0, theta.Length, theta, gradient, moments, nextMoments, next);

    internal override bool UpdatesByRange => true;

    internal override bool UpdateRangeInto<T>(UpdateStep step, int from, int to, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next, int momentStart = 0) =>
        Update(step.LearningRate(LearningRate), Beta1, Beta2, Epsilon, step.Number, from, to, theta, gradient, moments, nextMoments, next, momentStart);

    /// <summary>
    /// Adam's step with the given hyperparameters on elements from … to − 1 (AdamW shares it), whose moments are at
    /// from − <paramref name="momentStart"/> … in the moment buffers.
    /// </summary>
    internal static bool Update<T>(
        double eta, double beta1, double beta2, double epsilon, long step, int from, int to, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next, int momentStart)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var length = to - from;
        var at = from - momentStart;
        var m = moments[0].AsSpan(at, length);
        var v = moments[1].AsSpan(at, length);

        // Folding both bias corrections into the step size keeps the loop to one division per element.
        var correction1 = 1 - Math.Pow(beta1, step);
        var correction2 = 1 - Math.Pow(beta2, step);
        var stepSize = T.CreateChecked(eta * Math.Sqrt(correction2) / correction1);
        var folded = T.CreateChecked(epsilon * Math.Sqrt(correction2));
        return Kernels.VectorKernels.AdamUpdate(
            theta.Slice(from, length), gradient.Slice(from, length), m, v, T.CreateChecked(beta1), T.CreateChecked(beta2), stepSize, folded,
            next.Slice(from, length), nextMoments[0].AsSpan(at, length), nextMoments[1].AsSpan(at, length));
    }
}
