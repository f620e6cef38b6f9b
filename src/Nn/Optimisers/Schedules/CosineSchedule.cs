using System;
using System.Collections.Immutable;
using System.Globalization;

namespace Nn;

/// <summary>Cosine decay (<see cref="LearningRateSchedule.Cosine"/>): s(t) = f + (1 − f)·½(1 + cos(π·min(t − 1, T)/T)).</summary>
public sealed record CosineSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="Steps">T, at least 1.</param>
    /// <param name="Floor">f, in [0, 1).</param>
    public CosineSchedule(long Steps, double Floor = 0)
    {
        AtLeastOne(nameof(Steps), Steps);
        Guard.InRange(nameof(Floor), Floor, 0, 1);
        this.Steps = Steps;
        this.Floor = Floor;
    }

    /// <summary>T, the steps from 1 down to f.</summary>
    public long Steps { get; }

    /// <summary>f, the factor after T steps.</summary>
    public double Floor { get; }

    /// <inheritdoc/>
    public override string Name => "cosine";

    /// <inheritdoc/>
    public override ImmutableArray<double> Parameters => [Steps, Floor];

    private protected override double FactorAt(long step) =>
        Floor + ((1 - Floor) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step - 1, Steps) / Steps)));

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cosine over {Steps} steps to {Floor}");
}
