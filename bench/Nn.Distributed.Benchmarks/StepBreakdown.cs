using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Nn.Distributed;

/// <summary>
/// Every rank's step time phase by phase (<see cref="StepTimeline"/>), gathered to rank 0 and printed as one table:
/// the median and the mean of each phase over the last steps, per rank. A rank that waits long in a sum arrived
/// before the others: that is imbalance or jitter between the processes, not the cost of moving the data. Below the
/// phases, where each rank ran (<see cref="StepPlacement"/>): the forward and backward pass's processor time against
/// its wall-clock time (shorter when the rank was kept off its CPU), preemptions and page faults per step, and the
/// CPUs its steps started on.
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
    /// Gathers every rank's medians and means of its <paramref name="count"/> steps from step <paramref name="skip"/>
    /// on (a sum every rank takes part in) and returns the table's lines, for rank 0 to print; <paramref name="which"/>
    /// names the steps in the title ("the last 235 steps").
    /// </summary>
    public static IReadOnlyList<string> Lines(MpiGroup group, StepTimeline timeline, int skip, int count, string which)
    {
        var steps = timeline.Steps.Skip(skip).Take(count).ToArray();
        var placed = timeline.Placements.Skip(skip).Take(count).ToArray();
        var cpus = MachineCpus();

        // Per rank: a (median, mean) pair for each phase, the whole step and the three placement rows, then the share of
        // steps started on each CPU and how often consecutive steps started on different CPUs.
        var statistics = new List<IEnumerable<double>>();
        statistics.AddRange(Enumerable.Range(0, StepTimeline.PhaseCount).Select(p => steps.Select(s => s[p])));
        statistics.Add(steps.Select(s => s.Sum()));
        statistics.Add(placed.Select(s => s.PropagationOnCpu));
        statistics.Add(placed.Select(s => (double)s.Preemptions));
        statistics.Add(placed.Select(s => (double)s.PageFaults));
        var perRank = (2 * statistics.Count) + cpus + 1;

        // Each rank's figures in its own slot, zeros elsewhere: the sum is then every rank's figures, exactly.
        var figures = new double[group.Size * perRank];
        var slot = group.Rank * perRank;
        for (var i = 0; i < statistics.Count; i++)
        {
            var values = statistics[i].ToArray();
            figures[slot + (2 * i)] = Median(values);
            figures[slot + (2 * i) + 1] = values.Length == 0 ? 0 : values.Average();
        }

        foreach (var step in placed.Where(s => s.Cpu >= 0 && s.Cpu < cpus))
        {
            figures[slot + (2 * statistics.Count) + step.Cpu] += 1.0 / placed.Length;
        }

        figures[slot + perRank - 1] = placed.Zip(placed.Skip(1)).Count(pair => pair.First.Cpu != pair.Second.Cpu);
        group.Sum(figures.AsSpan());

        var ranks = Enumerable.Range(0, group.Size).ToArray();
        string Pair(int rank, int row, double scale, string format) =>
            string.Create(CultureInfo.InvariantCulture, $"{(figures[(rank * perRank) + (2 * row)] * scale).ToString(format, CultureInfo.InvariantCulture),6} {(figures[(rank * perRank) + (2 * row) + 1] * scale).ToString(format, CultureInfo.InvariantCulture),6}");
        string Line(string name, Func<int, string> cell) => $"  {name,-32}" + string.Concat(ranks.Select(r => "  " + cell(r)));

        var lines = new List<string>
        {
            $"where a step's time goes, ms per step over {which} (median, mean) on each rank:",
            $"  {"phase",-32}" + string.Concat(ranks.Select(r => $"  {"rank " + r.ToString(CultureInfo.InvariantCulture),-13}")),
        };
        lines.AddRange(Rows.Select(row => Line(row.Name, r => Pair(r, (int)row.Phase, 1e3, "F3"))));
        var phases = StepTimeline.PhaseCount;
        lines.Add(Line("whole step", r => Pair(r, phases, 1e3, "F3")));
        lines.Add("where each rank ran, over the same steps:");
        lines.Add(Line("forward/backward on its CPU, ms", r => Pair(r, phases + 1, 1e3, "F3")));
        lines.Add(Line("preemptions per step", r => Pair(r, phases + 2, 1, "F3")));
        lines.Add(Line("page faults per step", r => Pair(r, phases + 3, 1, "F3")));
        lines.Add(Line("steps started on CPU 0, 1, …", r => string.Join("/", Enumerable.Range(0, cpus).Select(c => figures[(r * perRank) + (2 * statistics.Count) + c].ToString("P0", CultureInfo.InvariantCulture))).PadRight(13)));
        lines.Add(Line("CPU changes between steps", r => figures[(r * perRank) + perRank - 1].ToString("F0", CultureInfo.InvariantCulture).PadRight(13)));
        return lines;
    }

    /// <summary>
    /// The machine's CPUs, numbered 0 … n − 1 (what sched_getcpu reports), even when this process may run on fewer of
    /// them (taskset; Environment.ProcessorCount counts only those).
    /// </summary>
    private static int MachineCpus()
    {
        var listed = Directory.Exists("/sys/devices/system/cpu")
            ? Directory.GetDirectories("/sys/devices/system/cpu", "cpu*").Count(d => Path.GetFileName(d).Skip(3).All(char.IsAsciiDigit) && Path.GetFileName(d).Length > 3)
            : 0;
        return Math.Max(listed, Environment.ProcessorCount);
    }

    private static double Median(double[] values)
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
