using System.Collections.Immutable;
using System.Globalization;
using System.Linq;

namespace Nn;

/// <summary>Linear warm-up (<see cref="LearningRateSchedule.Warmup"/>): s(t) = t/W for t ≤ W, then <see cref="Then"/>(t − W).</summary>
public sealed record WarmupSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="Steps">W, at least 1.</param>
    /// <param name="Then">The schedule after the warm-up, counted from its own step 1; with the warm-up, at most 8 stages.</param>
    /// <exception cref="System.ArgumentException">The chain would exceed 8 stages.</exception>
    public WarmupSchedule(long Steps, LearningRateSchedule Then)
    {
        AtLeastOne(nameof(Steps), Steps);
        System.ArgumentNullException.ThrowIfNull(Then);
        var stages = Then.Stages().Count() + 1;
        if (stages > MaxStages)
        {
            // A longer chain would save a checkpoint no reader loads, and its Equals and ToString recurse once per stage.
            throw new System.ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"a schedule chains at most {MaxStages} stages (what a checkpoint stores), but this warm-up would make {stages}."), nameof(Then));
        }

        this.Steps = Steps;
        this.Then = Then;
    }

    /// <summary>W.</summary>
    public long Steps { get; }

    /// <summary>The schedule after the warm-up.</summary>
    public LearningRateSchedule Then { get; }

    /// <inheritdoc/>
    public override string Name => "warmup";

    /// <inheritdoc/>
    public override ImmutableArray<double> Parameters => [Steps];

    internal override LearningRateSchedule? Next => Then;

    private protected override double FactorAt(long step) => step <= Steps ? (double)step / Steps : Then.Factor(step - Steps);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"warm-up over {Steps} steps, then {Then}");
}
