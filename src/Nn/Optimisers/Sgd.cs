using System;
using System.Collections.Immutable;

namespace Nn;

/// <summary>Plain gradient descent, θ ← θ − η ∇θ C. With batch size 1 it is the classic per-sample SGD.</summary>
public sealed record Sgd : Optimizer
{
    /// <summary>Creates the rule.</summary>
    /// <param name="LearningRate">η, positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">η is not positive and finite.</exception>
    public Sgd(double LearningRate)
    {
        Guard.Positive(nameof(LearningRate), LearningRate);
        this.LearningRate = LearningRate;
    }

    /// <summary>The rule's entry in <see cref="OptimizerKinds"/>.</summary>
    internal static OptimizerKind Kind { get; } = new(
        "sgd", "plain gradient descent, θ ← θ − ηg", [new("learning rate η", "η", "lr", 0.5)], values => new Sgd(values[0]));

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <inheritdoc/>
    public override string Name => Kind.Name;

    /// <inheritdoc/>
    public override int MomentCount => 0;

    /// <inheritdoc/>
    public override ImmutableArray<Hyperparameter> Hyperparameters => Kind.Values(LearningRate);

    internal override void UpdateInPlace<T>(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments) =>
        Kernels.VectorKernels.MultiplyAdd(T.CreateChecked(-step.LearningRate(LearningRate)), gradient, theta);

    internal override bool UpdateInto<T>(UpdateStep step, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next) =>
        Kernels.VectorKernels.MultiplyAddFinite(T.CreateChecked(-step.LearningRate(LearningRate)), gradient, theta, next);

    internal override bool UpdatesByRange => true;

    internal override bool UpdateRangeInto<T>(UpdateStep step, int from, int to, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next, int momentStart = 0) =>
        Kernels.VectorKernels.MultiplyAddFinite(T.CreateChecked(-step.LearningRate(LearningRate)), gradient[from..to], theta[from..to], next[from..to]);
}
