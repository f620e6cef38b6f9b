using System;
using System.Collections.Immutable;

namespace Nn;

/// <summary>AdaGrad: G ← G + g²; θ ← θ − η g / (√G + ε), each parameter's step shrinking with its gradients' history.</summary>
public sealed record AdaGrad : Optimizer
{
    /// <summary>Creates the rule.</summary>
    /// <param name="LearningRate">η, positive and finite.</param>
    /// <param name="Epsilon">ε, positive.</param>
    public AdaGrad(double LearningRate, double Epsilon = Adam.DefaultEpsilon)
    {
        Guard.Positive(nameof(LearningRate), LearningRate);
        Guard.Positive(nameof(Epsilon), Epsilon);
        this.LearningRate = LearningRate;
        this.Epsilon = Epsilon;
    }

    /// <summary>The rule's entry in <see cref="OptimizerKinds"/>.</summary>
    internal static OptimizerKind Kind { get; } = new(
        "adagrad", "AdaGrad, G ← G + g², θ ← θ − ηg/(√G + ε)",
        [new("learning rate η", "η", "lr", 0.05), new("ε", "ε", "eps", Adam.DefaultEpsilon)],
        values => new AdaGrad(values[0], values[1]));

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>ε, added to √G.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => Kind.Name;

    /// <inheritdoc/>
    public override int MomentCount => 1;

    /// <inheritdoc/>
    public override ImmutableArray<Hyperparameter> Hyperparameters => Kind.Values(LearningRate, Epsilon);

    internal override string? SquaresMoment(int index) => index == 0 ? "AdaGrad's sum of squares G of 0 or more" : null;

    internal override void UpdateInPlace<T>(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments)
    {
        var sum = moments[0].AsSpan(0, theta.Length);
        var eta = T.CreateChecked(step.LearningRate(LearningRate));
        var epsilon = T.CreateChecked(Epsilon);
        for (var i = 0; i < theta.Length; i++)
        {
            var g = gradient[i];
            sum[i] += g * g;
            theta[i] -= eta * g / (T.Sqrt(sum[i]) + epsilon);
        }
    }
}
