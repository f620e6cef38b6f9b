using System.Collections.Immutable;

namespace Nn;

/// <summary>s(t) = 1: the rule's η at every step (<see cref="LearningRateSchedule.Constant"/>).</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    /// <inheritdoc/>
    public override string Name => "constant";

    /// <inheritdoc/>
    public override ImmutableArray<double> Parameters => [];

    private protected override double FactorAt(long step) => 1;

    /// <inheritdoc/>
    public override string ToString() => "constant";
}
