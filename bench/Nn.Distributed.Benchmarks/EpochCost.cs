using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime;
using Nn.Distributed;

/// <summary>
/// What an epoch cost a rank beyond its wall-clock time: the processor time of its training thread and of the whole
/// process (the difference is the runtime's other threads: the tiered JIT's background compiling, the GC), and the
/// time the JIT spent compiling (on any thread, and on the training thread itself) with the methods it compiled. These
/// are counts and processor times, so they hold on a machine shared with other work, where epoch times do not: a
/// first epoch that compiles for a second on a machine whose every CPU computes a rank waits for that second.
/// </summary>
internal readonly record struct EpochCost(double ThreadSeconds, double ProcessSeconds, double JitSeconds, double JitOnThreadSeconds, long JitMethods, double GcPauseSeconds, long PageFaults)
{
    /// <summary>The calling thread's and process's totals so far.</summary>
    public static EpochCost Now() => new(
        ThreadClock.OnCpuSeconds(),
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        JitInfo.GetCompilationTime(currentThread: false).TotalSeconds,
        JitInfo.GetCompilationTime(currentThread: true).TotalSeconds,
        JitInfo.GetCompiledMethodCount(currentThread: false),
        GC.GetTotalPauseDuration().TotalSeconds,
        Nn.Benchmarks.PageFaults.Minor() ?? 0);

    public static EpochCost operator -(EpochCost later, EpochCost earlier) => new(
        later.ThreadSeconds - earlier.ThreadSeconds,
        later.ProcessSeconds - earlier.ProcessSeconds,
        later.JitSeconds - earlier.JitSeconds,
        later.JitOnThreadSeconds - earlier.JitOnThreadSeconds,
        later.JitMethods - earlier.JitMethods,
        later.GcPauseSeconds - earlier.GcPauseSeconds,
        later.PageFaults - earlier.PageFaults);

    /// <summary>
    /// Every rank's costs of every epoch, gathered to every rank (each rank sums its values into its own slots) and
    /// formatted one line per rank and epoch, for rank 0 to print.
    /// </summary>
    public static IReadOnlyList<string> Lines(MpiGroup group, IReadOnlyList<EpochCost> epochs)
    {
        const int Fields = 7;
        var all = new double[group.Size * epochs.Count * Fields];
        for (var e = 0; e < epochs.Count; e++)
        {
            var at = ((group.Rank * epochs.Count) + e) * Fields;
            var cost = epochs[e];
            all[at] = cost.ThreadSeconds;
            all[at + 1] = cost.ProcessSeconds;
            all[at + 2] = cost.JitSeconds;
            all[at + 3] = cost.JitOnThreadSeconds;
            all[at + 4] = cost.JitMethods;
            all[at + 5] = cost.GcPauseSeconds;
            all[at + 6] = cost.PageFaults;
        }

        group.Sum(all.AsSpan());
        var lines = new List<string> { "per epoch and rank: training thread's CPU s, process CPU s, JIT s (on the training thread), methods compiled, GC pauses s, page faults" };
        for (var r = 0; r < group.Size; r++)
        {
            var cells = Enumerable.Range(0, epochs.Count).Select(e =>
            {
                var at = ((r * epochs.Count) + e) * Fields;
                return string.Create(CultureInfo.InvariantCulture, $"{all[at]:F2}, {all[at + 1]:F2}, {all[at + 2]:F3} ({all[at + 3]:F3}), {all[at + 4]:F0}, {all[at + 5]:F3}, {all[at + 6]:F0}");
            });
            lines.Add($"  rank {r}: {string.Join(" | ", cells)}");
        }

        return lines;
    }
}
