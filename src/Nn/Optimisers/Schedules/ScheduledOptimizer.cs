using System;
using System.Collections.Immutable;

namespace Nn;

/// <summary>
/// A rule with a learning-rate schedule (<see cref="Optimizer.WithSchedule"/>): the rule's update at step t with its
/// η scaled by s(t). Its name, hyperparameters and moments are the rule's.
/// </summary>
internal sealed record ScheduledOptimizer : Optimizer
{
    public ScheduledOptimizer(Optimizer rule, LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(schedule);
        if (rule is ScheduledOptimizer)
        {
            throw new ArgumentException($"the rule already has the schedule {rule.Schedule}; give one schedule (LearningRateSchedule.Warmup hands over to another).", nameof(rule));
        }

        Rule = rule;
        Scheduled = schedule;
    }

    /// <summary>The rule without its schedule.</summary>
    public Optimizer Rule { get; }

    /// <summary>s(t).</summary>
    public LearningRateSchedule Scheduled { get; }

    /// <inheritdoc/>
    public override LearningRateSchedule Schedule => Scheduled;

    /// <inheritdoc/>
    public override Optimizer WithoutSchedule => Rule;

    /// <inheritdoc/>
    public override string Name => Rule.Name;

    /// <inheritdoc/>
    public override int MomentCount => Rule.MomentCount;

    /// <inheritdoc/>
    public override ImmutableArray<Hyperparameter> Hyperparameters => Rule.Hyperparameters;

    internal override void UpdateInPlace<T>(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments) =>
        Rule.UpdateInPlace(Scale(step), theta, gradient, moments);

    internal override bool UpdateInto<T>(UpdateStep step, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next) =>
        Rule.UpdateInto(Scale(step), theta, gradient, moments, nextMoments, next);

    internal override bool UpdatesByRange => Rule.UpdatesByRange;

    internal override bool UpdateRangeInto<T>(UpdateStep step, int from, int to, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next, int momentStart = 0) =>
        Rule.UpdateRangeInto(Scale(step), from, to, theta, gradient, moments, nextMoments, next, momentStart);

    internal override string? SquaresMoment(int index) => Rule.SquaresMoment(index);

    private UpdateStep Scale(UpdateStep step) => step with { Factor = step.Factor * Scheduled.Factor(step.Number) };

    /// <inheritdoc/>
    private protected override string Description => $"{Rule} with {Scheduled}";
}
