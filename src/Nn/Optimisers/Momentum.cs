using System;
using System.Collections.Immutable;

namespace Nn;

/// <summary>Gradient descent with momentum: v ← μ v − η ∇θ C; θ ← θ + v.</summary>
public sealed record Momentum : Optimizer
{
    /// <summary>Creates the rule.</summary>
    /// <param name="LearningRate">η, positive and finite.</param>
    /// <param name="Coefficient">μ, in [0, 1).</param>
    public Momentum(double LearningRate, double Coefficient = DefaultCoefficient)
    {
        Guard.Positive(nameof(LearningRate), LearningRate);
        Guard.InRange(nameof(Coefficient), Coefficient, 0, 1);
        this.LearningRate = LearningRate;
        this.Coefficient = Coefficient;
    }

    /// <summary>μ when not given: 0.9.</summary>
    public const double DefaultCoefficient = 0.9;

    /// <summary>The rule's entry in <see cref="OptimizerKinds"/>.</summary>
    internal static OptimizerKind Kind { get; } = new(
        "momentum", "gradient descent with momentum, v ← μv − ηg, θ ← θ + v",
        [new("learning rate η", "η", "lr", 0.05), new("momentum coefficient μ", "μ", "momentum", DefaultCoefficient)],
        values => new Momentum(values[0], values[1]));

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
        var velocity = moments[0].AsSpan();
        Kernels.TensorKernels.Multiply(velocity, T.CreateChecked(Coefficient), velocity);
        Kernels.TensorKernels.MultiplyAdd(gradient, T.CreateChecked(-step.LearningRate(LearningRate)), velocity, velocity);
        Kernels.TensorKernels.Add(theta, velocity, theta);
    }
}
