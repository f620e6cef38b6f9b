using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;

namespace Nn;

/// <summary>
/// A learning-rate schedule: a pure function s(t) of the 1-based step t that scales a rule's η, so step t uses
/// η·s(t). Attach one with <see cref="Optimizer.WithSchedule"/>; checkpoints record it with the rule, and because it
/// depends on the step alone a resumed run continues it bit for bit.
/// </summary>
/// <example><code>
/// // 100 steps of linear warm-up, then a cosine decay over 900 steps.
/// var schedule = LearningRateSchedule.Warmup(100, LearningRateSchedule.Cosine(900));
/// var rule = new Adam(1e-3).WithSchedule(schedule);
/// </code></example>
public abstract record LearningRateSchedule
{
    /// <summary>The name a checkpoint stores, e.g. "cosine".</summary>
    public abstract string Name { get; }

    /// <summary>The numbers that define the schedule, in the order a checkpoint stores them.</summary>
    public abstract ImmutableArray<double> Parameters { get; }

    /// <summary>s(t), the factor on η at step t.</summary>
    /// <param name="step">t, at least 1.</param>
    /// <returns>s(t), positive and at most 1 for the built-in schedules.</returns>
    public double Factor(long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1L);
        return FactorAt(step);
    }

    /// <summary>s(t) for t ≥ 1.</summary>
    private protected abstract double FactorAt(long step);

    /// <summary>
    /// The most stages one schedule chains (a warm-up and what it hands over to count one each): what a checkpoint
    /// stores, and a bound on the depth every comparison and description of a chain recurses to.
    /// </summary>
    internal const int MaxStages = 8;

    /// <summary>The schedule that follows this one, for those that hand over (warm-up); null otherwise.</summary>
    internal virtual LearningRateSchedule? Next => null;

    /// <summary>s(t) = 1: η throughout.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>Step decay: s(t) = γ^⌊(t − 1)/E⌋, η multiplied by γ every E steps.</summary>
    /// <param name="every">E, the steps between decays, at least 1.</param>
    /// <param name="factor">γ, in (0, 1].</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule StepDecay(long every, double factor) => new StepDecaySchedule(every, factor);

    /// <summary>Cosine decay: s(t) = f + (1 − f)·½(1 + cos(π·min(t − 1, T)/T)), from 1 at the first step to f after T steps.</summary>
    /// <param name="steps">T, the steps the decay takes, at least 1.</param>
    /// <param name="floor">f, the factor it ends at, in [0, 1).</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule Cosine(long steps, double floor = 0) => new CosineSchedule(steps, floor);

    /// <summary>Linear warm-up: s(t) = t/W for t ≤ W, then <paramref name="then"/> from its own step 1 (s(t) = then(t − W)).</summary>
    /// <param name="steps">W, the warm-up steps, at least 1.</param>
    /// <param name="then">The schedule after the warm-up; <see cref="Constant"/> when null.</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule Warmup(long steps, LearningRateSchedule? then = null) => new WarmupSchedule(steps, then ?? Constant);

    /// <summary>The stages a checkpoint stores, first to last: each name and its numbers (warm-up hands over to the next).</summary>
    internal IEnumerable<LearningRateSchedule> Stages()
    {
        for (LearningRateSchedule? stage = this; stage is not null; stage = stage.Next)
        {
            yield return stage;
        }
    }

    /// <summary>
    /// The makers of each stage by name: the count of numbers it stores and how to build it from them and the stage
    /// after it (null for the last). One line per schedule kind; checkpoints read through it.
    /// </summary>
    internal static ImmutableSortedDictionary<string, (int Count, Func<IReadOnlyList<double>, LearningRateSchedule?, LearningRateSchedule> Make)> Kinds { get; } =
        new Dictionary<string, (int, Func<IReadOnlyList<double>, LearningRateSchedule?, LearningRateSchedule>)>
        {
            ["constant"] = (0, (_, _) => Constant),
            ["step"] = (2, (p, _) => StepDecay(Steps("E", p[0]), p[1])),
            ["cosine"] = (2, (p, _) => Cosine(Steps("T", p[0]), p[1])),
            ["warmup"] = (1, (p, then) => Warmup(Steps("W", p[0]), then ?? throw new ArgumentException("a warm-up must be followed by the schedule it hands over to."))),
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>A step count stored as a number: a whole number from 1 to 2^53.</summary>
    private static long Steps(string name, double value) =>
        value >= 1 && value <= 9007199254740992 && Math.Floor(value) == value
            ? (long)value
            : throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number of steps from 1, but is {value}."));

    /// <summary>Guards a step count at least 1.</summary>
    private protected static void AtLeastOne(string name, long value)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be at least 1 step, but is {value}."));
        }
    }
}
