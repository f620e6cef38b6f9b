using System;
using System.Collections.Immutable;

namespace Nn;

/// <summary>
/// Gradient descent with Nesterov momentum, in the form that needs no look-ahead gradient:
/// v ← μ v − η g; θ ← θ + μ v − η g (the new v).
/// </summary>
public sealed record Nesterov : Optimizer
{
    /// <summary>Creates the rule.</summary>
    /// <param name="LearningRate">η, positive and finite.</param>
    /// <param name="Coefficient">μ, in [0, 1).</param>
    public Nesterov(double LearningRate, double Coefficient = Momentum.DefaultCoefficient)
    {
        Guard.Positive(nameof(LearningRate), LearningRate);
        Guard.InRange(nameof(Coefficient), Coefficient, 0, 1);
        this.LearningRate = LearningRate;
        this.Coefficient = Coefficient;
    }

    /// <summary>The rule's entry in <see cref="OptimizerKinds"/>.</summary>
    internal static OptimizerKind Kind { get; } = new(
        "nesterov", "Nesterov momentum, v ← μv − ηg, θ ← θ + μv − ηg",
        [new("learning rate η", "η", "lr", 0.05), new("momentum coefficient μ", "μ", "momentum", Momentum.DefaultCoefficient)],
        values => new Nesterov(values[0], values[1]));

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>μ.</summary>
    public double Coefficient { get; }

    /// <inheritdoc/>
    public override string Name => Kind.Name;

    /// <inheritdoc/>
    public override int MomentCount => 1;

    /// <inheritdoc/>
    public override ImmutableArray<Hyperparameter> Hyperparameters => Kind.Values(LearningRate, Coefficient);

    internal override void UpdateInPlace<T>(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments)
    {
        var velocity = moments[0].AsSpan(0, theta.Length);
        var mu = T.CreateChecked(Coefficient);
        var minusEta = T.CreateChecked(-step.LearningRate(LearningRate));
        Kernels.TensorKernels.Multiply(velocity, mu, velocity);
        Kernels.TensorKernels.MultiplyAdd(gradient, minusEta, velocity, velocity);
        Kernels.TensorKernels.MultiplyAdd(velocity, mu, theta, theta);
        Kernels.TensorKernels.MultiplyAdd(gradient, minusEta, theta, theta);
    }
}
