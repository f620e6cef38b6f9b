using System;
using System.Globalization;

namespace Nn;

/// <summary>
/// When a mini-batch run has diverged although every number stayed finite. Both rules compare the objective the run
/// minimises (the mean cost plus the L2 term, on the training set or, when it is larger than
/// <see cref="TrainingOptions.DivergenceProbeSamples"/>, on that many of its samples spread evenly over it) with
/// its value for the network the run started from: a cost that grows by more than <see cref="TrainingOptions.DivergenceFactor"/> has blown up, and a
/// run whose last network costs more than its first made the network worse (a saturated network does this while its
/// bounded cost stays far below any blow-up factor).
/// </summary>
internal static class Divergence
{
    /// <summary>
    /// Why the epoch's network has blown up, or null when it has not. A cost of NaN has blown up: every step's cost was
    /// finite, but the last step left a network whose outputs for some sample are not (the comparison alone would let
    /// it pass, as nothing compares greater than NaN).
    /// </summary>
    /// <param name="startCost">The cost of the network the run started from.</param>
    /// <param name="cost">The cost after the epoch.</param>
    /// <param name="factor">The growth that counts as blowing up.</param>
    /// <remarks>
    /// A negative starting cost (a loss of one's own, or binary cross-entropy on targets outside [0, 1]) grows a
    /// hundredfold in size by falling: such a cost has blown up when it rises above the start by more than
    /// (factor − 1) times the start's size, as a positive one does at factor times the start. Compared with
    /// factor × start, every decrease of a negative cost had blown up.
    /// </remarks>
    public static string? BlownUp(double startCost, double cost, double factor) =>
        double.IsNaN(cost)
            ? Invariant($"the training cost went from {Number(startCost)} to NaN (the network's outputs for some training samples are no longer finite)")
            : startCost >= 0 && !(cost <= factor * startCost)
            ? Invariant($"the training cost grew from {Number(startCost)} to {Number(cost)}, more than {Number(factor)} times")
            : startCost < 0 && !(cost <= startCost + ((factor - 1) * -startCost))
            ? Invariant($"the training cost rose from {Number(startCost)} to {Number(cost)}, by more than {Number(factor - 1)} times the size of where it began")
            : null;

    /// <summary>Why the run's final network is worse than its first, or null when it is not (NaN counts as worse).</summary>
    public static string? Worsened(double startCost, double cost) =>
        !(cost <= startCost)
            ? Invariant($"the training cost rose from {Number(startCost)} to {Number(cost)} over the run, so the network got worse instead of better")
            : null;

    /// <summary>A cost as people read it: fixed-point in the usual range, scientific notation for very large or small values.</summary>
    public static string Number(double value) =>
        value == 0 || !double.IsFinite(value) || (Math.Abs(value) >= 1e-4 && Math.Abs(value) < 1e6)
            ? value.ToString("0.######", CultureInfo.InvariantCulture)
            : value.ToString("0.####E+0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
