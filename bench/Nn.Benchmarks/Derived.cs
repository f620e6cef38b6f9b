using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Reports;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// The markdown table printed after BenchmarkDotNet's own: GFLOP/s, % of the probe's peak, samples/s, seconds per
/// epoch, bytes, and Network B's and LeNet-5's two-thread ratios. A benchmark a --filter left out has no row (a row of
/// NaN would read as a measurement that failed), and a ratio whose other side did not run is left blank.
/// </summary>
internal static class Derived
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Table(IReadOnlyList<Summary> summaries)
    {
        var results = new Results(summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToList());
        var lines = new List<string>
        {
            $"Kernel path: {KernelSelection.Default}. Medians of BenchmarkDotNet short runs, all in one process; the FMA peak is the fastest probe run of the fastest width.",
        };
        var (peak32, peak64) = PeakRows(results, lines);
        GemmRows(results, lines, peak32, peak64);
        NetworkRows(results, lines, peak32);
        ThreadRatios(results, lines);
        return string.Join(Environment.NewLine, lines);
    }

    private static double Gflops(double flops, double seconds) => flops / seconds * 1e-9;

    private static string Cell(double value, string format) => double.IsFinite(value) ? value.ToString(format, C) : string.Empty;

    private static (double Peak32, double Peak64) PeakRows(Results results, List<string> lines)
    {
        double Probe(string method, int chains, double lanes) => Gflops(PeakProbe.Iterations * chains * lanes * 2, results.Fastest(nameof(PeakProbe), method));
        var probes = new (string Name, double Gflops, bool Single)[]
        {
            ("fp32 Vector512", Probe(nameof(PeakProbe.Fp32Vector512), PeakProbe.Chains, 16), true),
            ("fp32 Vector256", Probe(nameof(PeakProbe.Fp32Vector256), PeakProbe.Chains, 8), true),
            ("fp64 Vector512", Probe(nameof(PeakProbe.Fp64Vector512), PeakProbe.Chains, 8), false),
            ("fp64 Vector256", Probe(nameof(PeakProbe.Fp64Vector256), PeakProbe.Chains, 4), false),
            ("fp32 Vector128", Probe(nameof(PeakProbe.Fp32Vector128), PeakProbe.ChainsNarrow, 4), true),
            ("fp64 Vector128", Probe(nameof(PeakProbe.Fp64Vector128), PeakProbe.ChainsNarrow, 2), false),
            ("fp32 scalar", Probe(nameof(PeakProbe.Fp32Scalar), PeakProbe.ChainsNarrow, 1), true),
        };
        var ran = probes.Where(p => double.IsFinite(p.Gflops)).ToList();
        if (ran.Count > 0)
        {
            lines.Add(string.Empty);
            lines.Add("| FMA peak probe (1 core, fastest run) | GFLOP/s |");
            lines.Add("|---|---:|");
            lines.AddRange(ran.Select(p => string.Format(C, "| {0} | {1:F1} |", p.Name, p.Gflops)));
        }

        // On hardware without AVX-512 the Vector512 probe runs emulated and spills its chains, so the core's peak is
        // the fastest width, not the widest.
        static double Fastest(IEnumerable<double> values) => values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        return (Fastest(ran.Where(p => p.Single).Select(p => p.Gflops)), Fastest(ran.Where(p => !p.Single).Select(p => p.Gflops)));
    }

    private static void GemmRows(Results results, List<string> lines, double peak32, double peak64)
    {
        var rows = new List<string>();
        foreach (var shape in Enum.GetValues<GemmShape>())
        {
            foreach (var threads in new[] { 1, 2 })
            {
                var flops = GemmShapes.Flops(shape);
                var f = Gflops(flops, results.Median(nameof(GemmBenchmarks), "Float", ("Shape", shape), ("Threads", threads)));
                var d = Gflops(flops, results.Median(nameof(GemmBenchmarks), "Double", ("Shape", shape), ("Threads", threads)));
                var plain = threads == 1 ? Gflops(flops, results.Median(nameof(GemmReferenceBenchmarks), "PlainLoopDouble", ("Shape", shape))) : double.NaN;
                var previous = threads == 1 ? Gflops(flops, results.Median(nameof(GemmReferenceBenchmarks), "PreviousKernelsFloat", ("Shape", shape))) : double.NaN;
                if (!double.IsFinite(f) && !double.IsFinite(d) && !double.IsFinite(plain) && !double.IsFinite(previous))
                {
                    continue;
                }

                var bytes = Math.Max(results.Bytes(nameof(GemmBenchmarks), "Float", ("Shape", shape), ("Threads", threads)), results.Bytes(nameof(GemmBenchmarks), "Double", ("Shape", shape), ("Threads", threads)));
                rows.Add(string.Format(
                    C, "| {0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} | {8} |", shape, threads, Cell(f, "F1"), Percent(f, peak32), Cell(d, "F1"), Percent(d, peak64),
                    Cell(plain, "F2"), Cell(previous, "F1"), bytes < 0 ? string.Empty : bytes.ToString(C)));
            }
        }

        if (rows.Count > 0)
        {
            lines.Add(string.Empty);
            lines.Add("| GEMM, batch 128 | threads | float GFLOP/s | % fp32 peak | double GFLOP/s | % fp64 peak | plain double loop GFLOP/s | previous float kernels GFLOP/s | bytes/op |");
            lines.Add("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            lines.AddRange(rows);
        }
    }

    private static string Percent(double gflops, double peak) => double.IsFinite(gflops) && double.IsFinite(peak) ? string.Format(C, "{0:F0}%", 100 * gflops / peak) : string.Empty;

    private static void NetworkRows(Results results, List<string> lines, double peak32)
    {
        var rows = new List<string>();
        var plainA = results.Median(nameof(NetworkABenchmarks), nameof(NetworkABenchmarks.PlainLoop));
        foreach (var method in new[] { nameof(NetworkABenchmarks.NnSteps), nameof(NetworkABenchmarks.NnStepsOneByOne), nameof(NetworkABenchmarks.NnEpoch), nameof(NetworkABenchmarks.PlainLoop) })
        {
            var seconds = results.Median(nameof(NetworkABenchmarks), method);
            if (double.IsFinite(seconds))
            {
                rows.Add(string.Format(
                    C, "| A 784-100-10 sigmoid, per-sample SGD, {0:N0} samples | {1} | {2:F3} s | {3:N0} samples/s | {4} | {5} |",
                    NetworkABenchmarks.Samples, method, seconds, NetworkABenchmarks.Samples / seconds, Ratio(plainA, seconds), results.BytesCell(nameof(NetworkABenchmarks), method)));
            }
        }

        var plainB = results.Median(nameof(NetworkBReferenceBenchmarks), nameof(NetworkBReferenceBenchmarks.PlainLoopTenthEpoch)) * NetworkBBenchmarks.Samples / NetworkBReferenceBenchmarks.Samples;
        foreach (var threads in new[] { 1, 2 })
        {
            var steps = results.Median(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnSteps), ("Threads", threads));
            if (double.IsFinite(steps))
            {
                rows.Add(string.Format(
                    C, "| B 784-256-128-10 ReLU, softmax CE, Adam, batch 128, one epoch of steps | NnSteps, {0} thread(s) | {1:F3} s | {2:N0} samples/s | {3} | {4} |",
                    threads, steps, NetworkBBenchmarks.Samples / steps, Ratio(plainB, steps), results.BytesCell(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnSteps), ("Threads", threads))));
            }

            var epoch = results.Median(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnEpoch), ("Threads", threads));
            if (double.IsFinite(epoch))
            {
                rows.Add(string.Format(
                    C, "| B, the same epoch with Trainer.Train (adds the end-of-epoch accuracy pass) | NnEpoch, {0} thread(s) | {1:F3} s | {2:N0} samples/s | {3} | {4} |",
                    threads, epoch, NetworkBBenchmarks.Samples / epoch, Ratio(plainB, epoch), results.BytesCell(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnEpoch), ("Threads", threads))));
            }

            var step = results.Median(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnStep), ("Threads", threads));
            if (double.IsFinite(step))
            {
                // Forward (Z = X Wᵀ) and weight gradient (δᵀ X) on every layer, input gradient (δ W) on all but the
                // first, whose inputs are data: 2 flops per multiply-add.
                const double weights = (784 * 256) + (256 * 128) + (128 * 10);
                const double weightsAboveFirst = (256 * 128) + (128 * 10);
                var stepFlops = 2.0 * NetworkBBenchmarks.Batch * ((2 * weights) + weightsAboveFirst);
                rows.Add(string.Format(
                    C, "| B, one steady-state step | NnStep, {0} thread(s) | {1:F3} ms | {2:F1} GFLOP/s{3} | | {4} |",
                    threads, step * 1e3, Gflops(stepFlops, step), double.IsFinite(peak32) ? string.Format(C, " ({0})", Percent(Gflops(stepFlops, step), peak32) + " fp32 peak") : string.Empty,
                    results.BytesCell(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnStep), ("Threads", threads))));
            }
        }

        if (double.IsFinite(plainB))
        {
            rows.Add(string.Format(C, "| B | PlainLoop (double, ×10 of a tenth) | {0:F2} s | {1:N0} samples/s | 1.0× | |", plainB, NetworkBBenchmarks.Samples / plainB));
        }

        foreach (var threads in new[] { 1, 2 })
        {
            var step = results.Median(nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnStep), ("Threads", threads));
            if (double.IsFinite(step))
            {
                rows.Add(string.Format(
                    C, "| LeNet-5 conv6k5-maxpool2-conv16k5-maxpool2-120-84-10, Adam, batch 128, one steady-state step | NnStep, {0} thread(s) | {1:F3} ms | {2:F1} GFLOP/s{3} | | {4} |",
                    threads, step * 1e3, Gflops(LeNetBenchmarks.StepFlops, step),
                    double.IsFinite(peak32) ? string.Format(C, " ({0})", Percent(Gflops(LeNetBenchmarks.StepFlops, step), peak32) + " fp32 peak") : string.Empty,
                    results.BytesCell(nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnStep), ("Threads", threads))));
            }

            var steps = results.Median(nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnSteps), ("Threads", threads));
            if (double.IsFinite(steps))
            {
                rows.Add(string.Format(
                    C, "| LeNet-5, one epoch of steps | NnSteps, {0} thread(s) | {1:F3} s | {2:N0} samples/s | | {3} |",
                    threads, steps, LeNetBenchmarks.Samples / steps, results.BytesCell(nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnSteps), ("Threads", threads))));
            }
        }

        if (rows.Count > 0)
        {
            lines.Add(string.Empty);
            lines.Add("| Network | variant | time | throughput | ratio to plain loop | bytes/op |");
            lines.Add("|---|---|---:|---:|---:|---:|");
            lines.AddRange(rows);
        }
    }

    private static string Ratio(double reference, double seconds) => double.IsFinite(reference) ? string.Format(C, "{0:F1}×", reference / seconds) : string.Empty;

    /// <summary>Issue 16's view: each threaded workload's 1-thread and 2-thread medians and their ratio, where both ran.</summary>
    private static void ThreadRatios(Results results, List<string> lines)
    {
        var workloads = new (string Name, string Type, string Method)[]
        {
            ("B NnStep", nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnStep)),
            ("B NnSteps", nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnSteps)),
            ("B NnEpoch", nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnEpoch)),
            ("LeNet-5 NnStep", nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnStep)),
            ("LeNet-5 NnSteps", nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnSteps)),
        };
        var rows = new List<string>();
        foreach (var (name, type, method) in workloads)
        {
            var one = results.Median(type, method, ("Threads", 1));
            var two = results.Median(type, method, ("Threads", 2));
            if (double.IsFinite(one) && double.IsFinite(two))
            {
                rows.Add(string.Format(C, "| {0} | {1:F3} ms | {2:F3} ms | {3:F2}× |", name, one * 1e3, two * 1e3, one / two));
            }
        }

        if (rows.Count > 0)
        {
            lines.Add(string.Empty);
            lines.Add("| workload | 1 thread | 2 threads | 1 ÷ 2 |");
            lines.Add("|---|---:|---:|---:|");
            lines.AddRange(rows);
        }
    }

    /// <summary>The reports that have statistics, looked up by type, method and parameters.</summary>
    private sealed class Results(List<BenchmarkReport> reports)
    {
        public double Median(string type, string method, params (string Name, object Value)[] parameters) =>
            Find(type, method, parameters) is { } report ? report.ResultStatistics!.Median * 1e-9 : double.NaN;

        public double Fastest(string type, string method) =>
            Find(type, method, []) is { } report ? report.ResultStatistics!.Min * 1e-9 : double.NaN;

        public long Bytes(string type, string method, params (string Name, object Value)[] parameters) =>
            Find(type, method, parameters) is { } report ? report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1 : -1;

        public string BytesCell(string type, string method, params (string Name, object Value)[] parameters) =>
            Bytes(type, method, parameters) is >= 0 and var bytes ? bytes.ToString(C) : string.Empty;

        private BenchmarkReport? Find(string type, string method, (string Name, object Value)[] parameters) =>
            reports.FirstOrDefault(r =>
                r.BenchmarkCase.Descriptor.Type.Name == type
                && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
                && parameters.All(p => Equals(r.BenchmarkCase.Parameters[p.Name], p.Value)));
    }
}
