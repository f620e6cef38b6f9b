using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// The buffers of one in-place step of an <see cref="IUpdateRule"/>: θ and the moments, which the rule updates, the
/// gradient, which it reads, and the step number. They belong to the library; the rule may change
/// <see cref="Theta"/> and the moments during the call and keep no reference to them.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public readonly ref struct RuleBuffers<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] moments;
    private readonly UpdateStep step;

    internal RuleBuffers(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments)
    {
        this.step = step;
        Theta = theta;
        Gradient = gradient;
        this.moments = moments;
    }

    /// <summary>t, the 1-based number of this step (for bias corrections such as Adam's).</summary>
    public long Step => step.Number;

    /// <summary>s(t), the learning-rate schedule's factor for this step (1 without a schedule).</summary>
    public double LearningRateFactor => step.Factor;

    /// <summary>θ, to update in place.</summary>
    public Span<T> Theta { get; }

    /// <summary>∇θ C, finite, the length of <see cref="Theta"/>.</summary>
    public ReadOnlySpan<T> Gradient { get; }

    /// <summary>The number of moment vectors (the rule's <see cref="IUpdateRule.MomentCount"/>).</summary>
    public int MomentCount => moments.Length;

    /// <summary>Moment vector <paramref name="index"/>, the length of <see cref="Theta"/>, to update in place.</summary>
    /// <param name="index">0 to <see cref="MomentCount"/> − 1.</param>
    /// <returns>The moment.</returns>
    public Span<T> Moment(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, moments.Length);
        return moments[index].AsSpan(0, Theta.Length);
    }

    /// <summary>η·s(t) as a <typeparamref name="T"/>: the learning rate this step uses.</summary>
    /// <param name="eta">The rule's η.</param>
    /// <returns>η scaled by the schedule.</returns>
    public T LearningRate(double eta) => T.CreateChecked(step.LearningRate(eta));

    /// <summary>
    /// Whether θ entry <paramref name="index"/> is a bias (rules such as AdamW do not decay biases). False for every
    /// entry when the architecture is not known (<see cref="Optimizer.Apply{T}"/> without one).
    /// </summary>
    /// <param name="index">0 to the length of <see cref="Theta"/> − 1.</param>
    /// <returns>Whether it is a bias.</returns>
    public bool IsBias(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Theta.Length);
        return step.Architecture is { } architecture && ParameterRoles.IsBias(architecture, index);
    }
}
