using System;
using System.Collections.Immutable;
using System.Globalization;

namespace Nn;

/// <summary>Step decay (<see cref="LearningRateSchedule.StepDecay"/>): s(t) = γ^⌊(t − 1)/E⌋.</summary>
public sealed record StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="Every">E, the steps between decays, at least 1.</param>
    /// <param name="DecayFactor">γ, in (0, 1].</param>
    public StepDecaySchedule(long Every, double DecayFactor)
    {
        AtLeastOne(nameof(Every), Every);
        if (!(DecayFactor > 0 && DecayFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(DecayFactor), string.Create(CultureInfo.InvariantCulture, $"{nameof(DecayFactor)} must be in (0, 1] (a decay), but is {DecayFactor}."));
        }

        this.Every = Every;
        this.DecayFactor = DecayFactor;
    }

    /// <summary>E.</summary>
    public long Every { get; }

    /// <summary>γ.</summary>
    public double DecayFactor { get; }

    /// <inheritdoc/>
    public override string Name => "step";

    /// <inheritdoc/>
    public override ImmutableArray<double> Parameters => [Every, DecayFactor];

    private protected override double FactorAt(long step) => Math.Pow(DecayFactor, (step - 1) / Every);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"step decay ×{DecayFactor} every {Every} steps");
}
