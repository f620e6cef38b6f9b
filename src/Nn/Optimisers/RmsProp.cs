using System;
using System.Collections.Immutable;

namespace Nn;

/// <summary>RMSProp: E ← ρE + (1 − ρ)g²; θ ← θ − η g / (√E + ε), the step scaled by a running mean of squared gradients.</summary>
public sealed record RmsProp : Optimizer
{
    /// <summary>Creates the rule.</summary>
    /// <param name="LearningRate">η, positive and finite.</param>
    /// <param name="Rho">ρ, the decay of the mean, in [0, 1).</param>
    /// <param name="Epsilon">ε, positive.</param>
    public RmsProp(double LearningRate, double Rho = DefaultRho, double Epsilon = Adam.DefaultEpsilon)
    {
        Guard.Positive(nameof(LearningRate), LearningRate);
        Guard.InRange(nameof(Rho), Rho, 0, 1);
        Guard.Positive(nameof(Epsilon), Epsilon);
        this.LearningRate = LearningRate;
        this.Rho = Rho;
        this.Epsilon = Epsilon;
    }

    /// <summary>ρ when not given: 0.9.</summary>
    public const double DefaultRho = 0.9;

    /// <summary>The rule's entry in <see cref="OptimizerKinds"/>.</summary>
    internal static OptimizerKind Kind { get; } = new(
        "rmsprop", "RMSProp, E ← ρE + (1 − ρ)g², θ ← θ − ηg/(√E + ε)",
        [new("learning rate η", "η", "lr", 0.001), new("RMSProp ρ", "ρ", "rho", DefaultRho), new("ε", "ε", "eps", Adam.DefaultEpsilon)],
        values => new RmsProp(values[0], values[1], values[2]));

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>ρ.</summary>
    public double Rho { get; }

    /// <summary>ε, added to √E.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => Kind.Name;

    /// <inheritdoc/>
    public override int MomentCount => 1;

    /// <inheritdoc/>
    public override ImmutableArray<Hyperparameter> Hyperparameters => Kind.Values(LearningRate, Rho, Epsilon);

    internal override string? SquaresMoment(int index) => index == 0 ? "RMSProp's mean of squares E of 0 or more" : null;

    internal override void UpdateInPlace<T>(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments)
    {
        var mean = moments[0].AsSpan(0, theta.Length);
        var eta = T.CreateChecked(step.LearningRate(LearningRate));
        var rho = T.CreateChecked(Rho);
        var oneMinusRho = T.One - rho;
        var epsilon = T.CreateChecked(Epsilon);
        for (var i = 0; i < theta.Length; i++)
        {
            var g = gradient[i];
            mean[i] = (rho * mean[i]) + (oneMinusRho * g * g);
            theta[i] -= eta * g / (T.Sqrt(mean[i]) + epsilon);
        }
    }
}
