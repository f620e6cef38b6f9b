using System;

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

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <inheritdoc/>
    public override int MomentCount => 0;

    internal override void UpdateInPlace<T>(long step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments) =>
        Kernels.VectorKernels.MultiplyAdd(T.CreateChecked(-LearningRate), gradient, theta);

    internal override bool UpdateInto<T>(long step, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next) =>
        Kernels.VectorKernels.MultiplyAddFinite(T.CreateChecked(-LearningRate), gradient, theta, next);

    internal override bool UpdatesByRange => true;

    internal override bool UpdateRangeInto<T>(long step, int from, int to, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next) =>
        Kernels.VectorKernels.MultiplyAddFinite(T.CreateChecked(-LearningRate), gradient[from..to], theta[from..to], next[from..to]);
}
