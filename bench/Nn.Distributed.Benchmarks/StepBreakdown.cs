using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Nn.Distributed;

/// <summary>
/// Every rank's step time phase by phase (<see cref="StepTimeline"/>), gathered to rank 0 and printed as one table:
/// the median and the mean of each phase over the last steps, per rank. A rank that waits long in a sum arrived
/// before the others: that is imbalance or jitter between the processes, not the cost of moving the data.
/// </summary>
internal static class StepBreakdown
{
    private static readonly (TimedPhase Phase, string Name)[] Rows =
    [
        (TimedPhase.Gather, "gather this rank's rows"),
        (TimedPhase.Propagate, "forward/backward of its rows"),
        (TimedPhase.ReduceScatterWait, "reduce-scatter: waiting"),
        (TimedPhase.ReduceScatter, "reduce-scatter: moving, adding"),
        (TimedPhase.Update, "update of its block"),
        (TimedPhase.AllGatherWait, "all-gather: waiting"),
        (TimedPhase.AllGather, "all-gather: copying"),
        (TimedPhase.SumWait, "cost and verdict apart: waiting"),
        (TimedPhase.Sum, "cost and verdict apart: sum"),
        (TimedPhase.Loop, "bookkeeping, between steps"),
    ];

    /// <summary>
    /// Gathers every rank's medians and means of its last <paramref name="count"/> steps (a sum every rank takes part
    /// in) and returns the table's lines, for rank 0 to print.
    /// </summary>
    public static IReadOnlyList<string> Lines(MpiGroup group, StepTimeline timeline, int count)
    {
        var phases = StepTimeline.PhaseCount;

        // Each rank's figures in its own slot, zeros elsewhere: the sum is then every rank's figures, exactly.
        var figures = new double[group.Size * (phases + 1) * 2];
        var steps = timeline.Steps.Skip(Math.Max(0, timeline.Steps.Count - count)).ToArray();
        var slot = group.Rank * (phases + 1) * 2;
        for (var p = 0; p < phases; p++)
        {
            figures[slot + (2 * p)] = Median(steps.Select(s => s[p]));
            figures[slot + (2 * p) + 1] = steps.Length == 0 ? 0 : steps.Average(s => s[p]);
        }

        figures[slot + (2 * phases)] = Median(steps.Select(s => s.Sum()));
        figures[slot + (2 * phases) + 1] = steps.Length == 0 ? 0 : steps.Average(s => s.Sum());
        group.Sum(figures.AsSpan());

        string Cell(int rank, int row) =>
            string.Create(CultureInfo.InvariantCulture, $"{figures[(rank * (phases + 1) * 2) + (2 * row)] * 1e3,6:F3} {figures[(rank * (phases + 1) * 2) + (2 * row) + 1] * 1e3,6:F3}");

        var ranks = Enumerable.Range(0, group.Size).ToArray();
        var lines = new List<string>
        {
            $"where a step's time goes, ms per step over the last {steps.Length} steps (median, mean) on each rank:",
            $"  {"phase",-32}" + string.Concat(ranks.Select(r => $"  {"rank " + r.ToString(CultureInfo.InvariantCulture),-13}")),
        };
        foreach (var (phase, name) in Rows)
        {
            lines.Add($"  {name,-32}" + string.Concat(ranks.Select(r => "  " + Cell(r, (int)phase))));
        }

        lines.Add($"  {"whole step",-32}" + string.Concat(ranks.Select(r => "  " + Cell(r, phases))));
        return lines;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
