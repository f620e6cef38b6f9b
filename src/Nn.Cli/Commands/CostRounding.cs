using System;
using System.Globalization;
using System.Linq;

namespace Nn.Cli.Commands;

/// <summary>
/// What the rounding of the cost lets <c>nn gradcheck</c>'s central differences measure. A central difference
/// (C(θ + εeᵢ) − C(θ − εeᵢ)) / 2ε of a cost C held in float64 can be off by about ulp(C)/2ε, whatever the derivative:
/// the cost's rounding over a step of 2ε. For a cost near 1 that is 1e-10 and beneath notice; raw inputs of 1e9 make
/// the cost of a ReLU network about 1e8 and the rounding about 1e-2, more than a tolerance of 1e-6 allows for
/// derivatives near 1, so a correct backpropagation fails blocks it has no fault in.
/// </summary>
internal static class CostRounding
{
    /// <summary>ulp(|C|) / 2ε: how far a central difference of a cost of <paramref name="cost"/> can be off by rounding alone.</summary>
    public static double Of(double cost, double step)
    {
        var c = Math.Abs(cost);
        return (Math.BitIncrement(c) - c) / (2 * step);
    }

    /// <summary>
    /// Refuses a cost C so large that its rounding over a step of 2ε is not below the largest derivative
    /// backpropagation gives: every central difference is then 0 or a multiple of the rounding, so nothing is measured
    /// and a correct gradient would fail (targets of ±3e38 make a quadratic cost about 1e77). A gradient exactly zero
    /// everywhere is left to the check, which reports that nothing was compared.
    /// </summary>
    public static void RefuseUnmeasurable(LossAndGradient<double> cost, double step, string subject, string samplesChecked)
    {
        var rounding = Of(cost.Loss, step);
        var largest = ScaledSquares.LargestMagnitude(cost.Gradient.AsSpan());

        if (largest > 0 && rounding >= largest)
        {
            throw new BadInputException(string.Create(
                CultureInfo.InvariantCulture,
                $"{subject} has a cost of {cost.Loss:E3} on {samplesChecked}, too large for a central difference of ε = {step:G} to measure: its rounding over a step of 2ε, {rounding:E3}, is not below the largest derivative backpropagation gives, {largest:E3}; scale the targets down (or the inputs) and check again."));
        }
    }

    /// <summary>
    /// A line for after a failed verdict naming the failing blocks whose every |a − n| is within what rounding alone
    /// can make a central difference miss by: the cost's rounding over a step of 2ε, plus the rounding of the layer's
    /// weighted inputs z. A step of ε on a bias moves z by ε, but z + ε is rounded to ulp(z), so where |z| is large the
    /// step taken is off by up to ulp(z)/2ε of itself and so is the derivative measured; a weight's step moves z by ε
    /// times its input, off by the same amount of z, so its derivative's error is bounded the same way in the units of
    /// the layer's bias derivatives (whose largest measured value stands for them). Their central differences then
    /// cannot tell a right derivative from one that far off, so their failure says nothing about backpropagation.
    /// Null when no failing block is within it, so a failure the measurement can resolve is never explained away. The
    /// verdict itself is unchanged: the check did not pass.
    /// </summary>
    /// <param name="report">The check's report.</param>
    /// <param name="tolerance">The relative tolerance the verdict used.</param>
    /// <param name="floor">The absolute floor the verdict used, if any.</param>
    /// <param name="cost">The cost at θ, as the check computed it (the L2 term included).</param>
    /// <param name="step">The central differences' ε.</param>
    /// <param name="trace">The forward pass of the samples checked, for each layer's z.</param>
    public static string? Note(GradientCheckReport report, double tolerance, double? floor, double cost, double step, ForwardTrace<double> trace)
    {
        var failing = floor is { } f ? report.FailingBlocks(tolerance, f) : report.FailingBlocks(tolerance);
        if (report.NothingCompared || failing.IsEmpty)
        {
            return null;
        }

        var rounding = Of(cost, step);

        // Written as "within" so that a NaN difference, which compares false, is never explained as rounding.
        var within = failing.Where(b => b.MaxAbsolute <= rounding + StepRounding(report, b.Layer, step, trace)).ToArray();
        if (within.Length == 0)
        {
            return null;
        }

        var names = string.Join(", ", within.Select(b => string.Create(CultureInfo.InvariantCulture, $"layer {b.Layer} {b.Block}")));
        var which = within.Length == failing.Length
            ? within.Length == 1 ? $"the failing block, {names}, differs" : $"all {within.Length} failing blocks, {names}, differ"
            : string.Create(CultureInfo.InvariantCulture, $"{within.Length} of the {failing.Length} failing blocks, {names}, {(within.Length == 1 ? "differs" : "differ")}");
        var largest = trace.Z.Max(z => ScaledSquares.LargestMagnitude(z.AsSpan()));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"note: {which} by no more than rounding alone can make a central difference of ε = {step:G} miss by (the cost is {cost:E3}, the largest |z| {largest:E3}): these derivatives cannot be measured to {tolerance:R} at this scale, so their failure says nothing about backpropagation; scale the inputs (or the targets) down, try a larger --epsilon, or allow a looser --tolerance.");
    }

    /// <summary>
    /// ulp(max |z|)/2ε of layer <paramref name="layer"/> times the largest derivative measured for its bias: how far
    /// rounding the step on z can put that layer's central differences off; 0 for a layer without a bias block.
    /// </summary>
    private static double StepRounding(GradientCheckReport report, int layer, double step, ForwardTrace<double> trace)
    {
        if (layer < 0 || layer >= trace.Z.Length || report.Blocks.FirstOrDefault(b => b.Layer == layer && b.Block == "bias") is not { } bias)
        {
            return 0;
        }

        var z = ScaledSquares.LargestMagnitude(trace.Z[layer].AsSpan());
        return (Math.BitIncrement(z) - z) / (2 * step) * bias.MaxNumeric;
    }
}
