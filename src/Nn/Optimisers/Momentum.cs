using System;
using System.Numerics.Tensors;

namespace Nn;

/// <summary>Gradient descent with momentum: v ← μ v − η ∇θ C; θ ← θ + v.</summary>
public sealed record Momentum : Optimizer
{
    /// <summary>Creates the rule.</summary>
    /// <param name="LearningRate">η, positive and finite.</param>
    /// <param name="Coefficient">μ, in [0, 1).</param>
    public Momentum(double LearningRate, double Coefficient = 0.9)
    {
        Guard.Positive(nameof(LearningRate), LearningRate);
        Guard.InRange(nameof(Coefficient), Coefficient, 0, 1);
        this.LearningRate = LearningRate;
        this.Coefficient = Coefficient;
    }

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>μ.</summary>
    public double Coefficient { get; }

    /// <inheritdoc/>
    public override string Name => "momentum";

    /// <inheritdoc/>
    public override int MomentCount => 1;

    internal override void UpdateInPlace<T>(long step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments)
    {
        var velocity = moments[0].AsSpan();
        TensorPrimitives.Multiply(velocity, T.CreateChecked(Coefficient), velocity);
        TensorPrimitives.MultiplyAdd(gradient, T.CreateChecked(-LearningRate), velocity, velocity);
        TensorPrimitives.Add(theta, velocity, theta);
    }
}
