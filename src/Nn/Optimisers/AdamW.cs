using System;
using System.Collections.Immutable;

namespace Nn;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019): Adam's step plus a decoupled weight decay, θ ← θ − η m̂/(√v̂ + ε) − ηλθ on
/// weights only; biases get Adam's step alone, and the decay is not added to the gradient.
/// </summary>
public sealed record AdamW : Optimizer
{
    /// <summary>Creates the rule.</summary>
    /// <param name="LearningRate">η, positive and finite.</param>
    /// <param name="WeightDecay">λ, at least 0 (0 is Adam).</param>
    /// <param name="Beta1">β₁ in [0, 1).</param>
    /// <param name="Beta2">β₂ in [0, 1).</param>
    /// <param name="Epsilon">ε, positive.</param>
    public AdamW(double LearningRate = 1e-3, double WeightDecay = DefaultWeightDecay, double Beta1 = Adam.DefaultBeta1, double Beta2 = Adam.DefaultBeta2, double Epsilon = Adam.DefaultEpsilon)
    {
        Guard.Positive(nameof(LearningRate), LearningRate);
        Guard.NonNegative(nameof(WeightDecay), WeightDecay);
        Guard.InRange(nameof(Beta1), Beta1, 0, 1);
        Guard.InRange(nameof(Beta2), Beta2, 0, 1);
        Guard.Positive(nameof(Epsilon), Epsilon);
        this.LearningRate = LearningRate;
        this.WeightDecay = WeightDecay;
        this.Beta1 = Beta1;
        this.Beta2 = Beta2;
        this.Epsilon = Epsilon;
    }

    /// <summary>λ when not given: 0.01.</summary>
    public const double DefaultWeightDecay = 0.01;

    /// <summary>The rule's entry in <see cref="OptimizerKinds"/>.</summary>
    internal static OptimizerKind Kind { get; } = new(
        "adamw", "AdamW, Adam with decoupled weight decay −ηλθ on the weights",
        [
            new("learning rate η", "η", "lr", 0.005), new("weight decay λ", "λ", "weight-decay", DefaultWeightDecay),
            new("Adam β₁", "β₁", "beta1", Adam.DefaultBeta1), new("Adam β₂", "β₂", "beta2", Adam.DefaultBeta2), new("Adam ε", "ε", "eps", Adam.DefaultEpsilon),
        ],
        values => new AdamW(values[0], values[1], values[2], values[3], values[4]));

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>λ, the decoupled decay of the weights.</summary>
    public double WeightDecay { get; }

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
    public override ImmutableArray<Hyperparameter> Hyperparameters => Kind.Values(LearningRate, WeightDecay, Beta1, Beta2, Epsilon);

    internal override string? SquaresMoment(int index) => index == 1 ? "AdamW's second moment v of 0 or more (a mean of squares)" : null;

    internal override void UpdateInPlace<T>(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments) =>
        UpdateInto<T>(step, theta, gradient, moments, moments, theta);

    internal override bool UpdateInto<T>(UpdateStep step, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next) =>
        UpdateRangeInto(step, 0, theta.Length, theta, gradient, moments, nextMoments, next);

    internal override bool UpdatesByRange => true;

    internal override bool UpdateRangeInto<T>(UpdateStep step, int from, int to, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next, int momentStart = 0)
    {
        // The decay reads θ before Adam's step: θ(1 − ηλ) goes into θ' first, then Adam's step reads and rewrites θ'
        // element by element, which is right whether or not θ' is θ itself.
        var eta = step.LearningRate(LearningRate);
        var keep = T.CreateChecked(1 - (eta * WeightDecay));
        theta[from..to].CopyTo(next[from..to]);

        for (var run = 0; run < ParameterRoles.WeightRunCount(step.Architecture); run++)
        {
            var (start, end) = ParameterRoles.WeightRun(step.Architecture, run, from, to);
            if (start < end)
            {
                Kernels.TensorKernels.Multiply(theta[start..end], keep, next[start..end]);
            }
        }

        return Adam.Update(eta, Beta1, Beta2, Epsilon, step.Number, from, to, next, gradient, moments, nextMoments, next, momentStart);
    }
}
