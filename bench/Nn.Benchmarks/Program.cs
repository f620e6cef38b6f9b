using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Nn.Benchmarks;
using Nn.Kernels;

// All benchmarks run in this one process (in-process toolchain) with BenchmarkDotNet's short-run job, so ratios
// between them are measured under the same conditions. Then the derived table (GFLOP/s, % of the probe's peak,
// samples/s, s/epoch, bytes) is printed as markdown.
if (args is ["scaling", ..])
{
    // The quick alternating thread-scaling table (ThreadScaling.cs), outside BenchmarkDotNet.
    ThreadScaling.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return;
}

if (args is ["first-epochs", ..])
{
    // A fresh process's first one-epoch Trainer.Train calls, to compare the runtime's tiered compilation with none (FirstEpochs.cs).
    FirstEpochs.Run(args.Length > 1 ? args[1] : "b", args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1);
    return;
}

if (args is ["concurrent-products", ..])
{
    // Whether two threads running independent products at once slow each other down (ConcurrentProducts.cs).
    ConcurrentProducts.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3);
    return;
}

if (args is ["epoch-phases", ..])
{
    // Where a one-epoch Trainer.Train of Network B (or A) spends what its steps do not, with page faults (EpochPhases.cs).
    EpochPhases.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7, args.Length > 2 ? args[2] : "B");
    return;
}

if (args is ["cross-core", ..])
{
    // What a hand-over between the two threads costs now, repeated to show the VM's regime changing.
    CrossCoreProbe.Run(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5);
    return;
}

if (args is ["first-touch", ..])
{
    // The price of the first write to fresh memory, per page, on one thread and on two (FirstTouchProbe.cs).
    FirstTouchProbe.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7);
    return;
}

if (args is ["paths", ..])
{
    // The per-kernel-path table of issue 15 (KernelPaths.cs): each path this CPU runs, alternating.
    KernelPaths.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}


if (args is ["balance-profile", ..])
{
    // LeNet-5's or Network B's steps on two threads with the cut regions cut evenly and as learned (BalanceProfile.cs).
    BalanceProfile.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40, args.Length > 2 ? args[2] : "L");
    return;
}

if (args is ["inference-shares", ..])
{
    // Inference on two threads split per layer against each thread with its own rows (InferenceShares.cs).
    InferenceShares.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 9);
    return;
}

if (args is ["b-profile", ..])
{
    // Per-phase stopwatch timings of a Network B step on 1 and 2 threads (NetworkBProfile.cs), a guide for optimising.
    NetworkBProfile.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

if (args is ["a-shapes"])
{
    // One thread's share of a Network A block's products, and what packing an operand once saves (NetworkAShapes.cs).
    NetworkAShapes.Run();
    return;
}

if (args is ["split-shapes"])
{
    // One thread's half of Network B's products split by rows and by columns (SplitShapes.cs).
    SplitShapes.Run();
    return;
}

if (args is ["a-profile", ..])
{
    // Per-phase stopwatch timings of a Network A deferred block on 1 and 2 threads (NetworkAProfile.cs), a guide for
    // optimising; an optional third argument widens the first layer (784-H-10) to see where the regions start to pay.
    NetworkAProfile.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100);
    return;
}

if (args is ["loop-profile", ..])
{
    // The real training loops on 1 and 2 threads with the worker pool's counters: time inside and between regions (LoopProfile.cs).
    LoopProfile.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

if (args is ["lenet-cpu", ..])
{
    // LeNet-5 steps on one thread by thread CPU time, for comparing builds on a busy machine (LeNetStepCpu.cs).
    LeNetStepCpu.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9);
    return;
}

if (args is ["lenet-profile", ..])
{
    // Per-layer stopwatch timings of a LeNet-5 step (LeNetProfile.cs), a guide for optimising.
    LeNetProfile.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50);
    return;
}

var config = ManualConfig.CreateMinimumViable()
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
var types = new List<Type> { typeof(PeakProbe), typeof(GemmBenchmarks), typeof(GemmReferenceBenchmarks), typeof(NetworkABenchmarks) };
if (FashionMnist.Available)
{
    types.Add(typeof(NetworkBBenchmarks));
    types.Add(typeof(NetworkBReferenceBenchmarks));
    types.Add(typeof(LeNetBenchmarks));
}
else
{
    Console.WriteLine($"{FashionMnist.Folder} is missing: Network B is skipped and Network A uses random images.");
}

var switcherArgs = args.Length == 0 ? ["--filter", "*"] : args;
var summaries = BenchmarkSwitcher.FromTypes([.. types]).Run(switcherArgs, config).ToList();
Console.WriteLine();
Console.WriteLine(Derived.Table(summaries));

internal static class Derived
{
    public static string Table(IReadOnlyList<Summary> summaries)
    {
        var rows = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToList();
        double Median(string type, string method, params (string Name, object Value)[] parameters)
        {
            var report = Find(rows, type, method, parameters);
            return report is null ? double.NaN : report.ResultStatistics!.Median * 1e-9;
        }

        double Fastest(string type, string method)
        {
            var report = Find(rows, type, method, []);
            return report is null ? double.NaN : report.ResultStatistics!.Min * 1e-9;
        }

        long Bytes(string type, string method, params (string Name, object Value)[] parameters)
        {
            var report = Find(rows, type, method, parameters);
            return report is null ? -1 : report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
        }

        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        double Gflops(double flops, double seconds) => flops / seconds * 1e-9;

        var peak32 = Gflops(PeakProbe.Iterations * PeakProbe.Chains * 16.0 * 2, Fastest(nameof(PeakProbe), nameof(PeakProbe.Fp32Vector512)));
        var peak32x256 = Gflops(PeakProbe.Iterations * PeakProbe.Chains * 8.0 * 2, Fastest(nameof(PeakProbe), nameof(PeakProbe.Fp32Vector256)));
        var peak64 = Gflops(PeakProbe.Iterations * PeakProbe.Chains * 8.0 * 2, Fastest(nameof(PeakProbe), nameof(PeakProbe.Fp64Vector512)));
        var peak64x256 = Gflops(PeakProbe.Iterations * PeakProbe.Chains * 4.0 * 2, Fastest(nameof(PeakProbe), nameof(PeakProbe.Fp64Vector256)));
        var peak32x128 = Gflops(PeakProbe.Iterations * PeakProbe.ChainsNarrow * 4.0 * 2, Fastest(nameof(PeakProbe), nameof(PeakProbe.Fp32Vector128)));
        var peak64x128 = Gflops(PeakProbe.Iterations * PeakProbe.ChainsNarrow * 2.0 * 2, Fastest(nameof(PeakProbe), nameof(PeakProbe.Fp64Vector128)));
        var peak32x1 = Gflops(PeakProbe.Iterations * PeakProbe.ChainsNarrow * 1.0 * 2, Fastest(nameof(PeakProbe), nameof(PeakProbe.Fp32Scalar)));
        // On hardware without AVX-512 the Vector512 probe runs emulated and spills its chains, so the core's peak is
        // the fastest width, not the widest.
        var peak32Core = new[] { peak32, peak32x256, peak32x128, peak32x1 }.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        var peak64Core = new[] { peak64, peak64x256, peak64x128 }.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        lines.Add($"Kernel path: {KernelSelection.Default}. Medians of BenchmarkDotNet short runs, all in one process; the FMA peak is the fastest probe run of the fastest width.");
        lines.Add(string.Empty);
        lines.Add("| FMA peak probe (1 core, fastest run) | GFLOP/s |");
        lines.Add("|---|---:|");
        lines.Add(string.Format(c, "| fp32 Vector512 | {0:F1} |", peak32));
        lines.Add(string.Format(c, "| fp32 Vector256 | {0:F1} |", peak32x256));
        lines.Add(string.Format(c, "| fp64 Vector512 | {0:F1} |", peak64));
        lines.Add(string.Format(c, "| fp64 Vector256 | {0:F1} |", peak64x256));
        lines.Add(string.Format(c, "| fp32 Vector128 | {0:F1} |", peak32x128));
        lines.Add(string.Format(c, "| fp64 Vector128 | {0:F1} |", peak64x128));
        lines.Add(string.Format(c, "| fp32 scalar | {0:F1} |", peak32x1));
        lines.Add(string.Empty);
        lines.Add("| GEMM, batch 128 | threads | float GFLOP/s | % fp32 peak | double GFLOP/s | % fp64 peak | plain double loop GFLOP/s | previous float kernels GFLOP/s | bytes/op |");
        lines.Add("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var shape in Enum.GetValues<GemmShape>())
        {
            foreach (var threads in new[] { 1, 2 })
            {
                var flops = GemmShapes.Flops(shape);
                var f = Gflops(flops, Median(nameof(GemmBenchmarks), "Float", ("Shape", shape), ("Threads", threads)));
                var d = Gflops(flops, Median(nameof(GemmBenchmarks), "Double", ("Shape", shape), ("Threads", threads)));
                var plain = threads == 1 ? Gflops(flops, Median(nameof(GemmReferenceBenchmarks), "PlainLoopDouble", ("Shape", shape))) : double.NaN;
                var previous = threads == 1 ? Gflops(flops, Median(nameof(GemmReferenceBenchmarks), "PreviousKernelsFloat", ("Shape", shape))) : double.NaN;
                var bytes = Math.Max(Bytes(nameof(GemmBenchmarks), "Float", ("Shape", shape), ("Threads", threads)), Bytes(nameof(GemmBenchmarks), "Double", ("Shape", shape), ("Threads", threads)));
                lines.Add(string.Format(
                    c, "| {0} | {1} | {2:F1} | {3:F0}% | {4:F1} | {5:F0}% | {6} | {7} | {8} |", shape, threads, f, 100 * f / peak32Core, d, 100 * d / peak64Core,
                    double.IsNaN(plain) ? "" : plain.ToString("F2", c), double.IsNaN(previous) ? "" : previous.ToString("F1", c), bytes));
            }
        }

        lines.Add(string.Empty);
        lines.Add("| Network | variant | time | throughput | ratio to plain loop | bytes/op |");
        lines.Add("|---|---|---:|---:|---:|---:|");
        var plainA = Median(nameof(NetworkABenchmarks), nameof(NetworkABenchmarks.PlainLoop));
        foreach (var method in new[] { nameof(NetworkABenchmarks.NnSteps), nameof(NetworkABenchmarks.NnStepsOneByOne), nameof(NetworkABenchmarks.NnEpoch), nameof(NetworkABenchmarks.PlainLoop) })
        {
            var seconds = Median(nameof(NetworkABenchmarks), method);
            lines.Add(string.Format(
                c, "| A 784-100-10 sigmoid, per-sample SGD, {0:N0} samples | {1} | {2:F3} s | {3:N0} samples/s | {4:F1}× | {5} |",
                NetworkABenchmarks.Samples, method, seconds, NetworkABenchmarks.Samples / seconds, plainA / seconds, Bytes(nameof(NetworkABenchmarks), method)));
        }

        var plainB = Median(nameof(NetworkBReferenceBenchmarks), nameof(NetworkBReferenceBenchmarks.PlainLoopTenthEpoch)) * NetworkBBenchmarks.Samples / NetworkBReferenceBenchmarks.Samples;
        if (!double.IsNaN(plainB))
        {
            foreach (var threads in new[] { 1, 2 })
            {
                var steps = Median(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnSteps), ("Threads", threads));
                lines.Add(string.Format(
                    c, "| B 784-256-128-10 ReLU, softmax CE, Adam, batch 128, one epoch of steps | NnSteps, {0} thread(s) | {1:F3} s | {2:N0} samples/s | {3:F1}× | {4} |",
                    threads, steps, NetworkBBenchmarks.Samples / steps, plainB / steps, Bytes(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnSteps), ("Threads", threads))));
                var epoch = Median(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnEpoch), ("Threads", threads));
                lines.Add(string.Format(
                    c, "| B, the same epoch with Trainer.Train (adds the end-of-epoch accuracy pass) | NnEpoch, {0} thread(s) | {1:F3} s | {2:N0} samples/s | {3:F1}× | {4} |",
                    threads, epoch, NetworkBBenchmarks.Samples / epoch, plainB / epoch, Bytes(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnEpoch), ("Threads", threads))));
                var step = Median(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnStep), ("Threads", threads));
                // Forward (Z = X Wᵀ) and weight gradient (δᵀ X) on every layer, input gradient (δ W) on all but the
                // first, whose inputs are data: 2 flops per multiply-add.
                const double weights = (784 * 256) + (256 * 128) + (128 * 10);
                const double weightsAboveFirst = (256 * 128) + (128 * 10);
                var stepFlops = 2.0 * NetworkBBenchmarks.Batch * ((2 * weights) + weightsAboveFirst);
                lines.Add(string.Format(
                    c, "| B, one steady-state step | NnStep, {0} thread(s) | {1:F3} ms | {2:F1} GFLOP/s ({3:F0}% fp32 peak) | | {4} |",
                    threads, step * 1e3, Gflops(stepFlops, step), 100 * Gflops(stepFlops, step) / peak32Core, Bytes(nameof(NetworkBBenchmarks), nameof(NetworkBBenchmarks.NnStep), ("Threads", threads))));
            }

            lines.Add(string.Format(c, "| B | PlainLoop (double, ×10 of a tenth) | {0:F2} s | {1:N0} samples/s | 1.0× | |", plainB, NetworkBBenchmarks.Samples / plainB));
        }

        foreach (var threads in new[] { 1, 2 })
        {
            var step = Median(nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnStep), ("Threads", threads));
            var steps = Median(nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnSteps), ("Threads", threads));
            if (double.IsNaN(step))
            {
                continue;
            }

            lines.Add(string.Format(
                c, "| LeNet-5 conv6k5-maxpool2-conv16k5-maxpool2-120-84-10, Adam, batch 128, one steady-state step | NnStep, {0} thread(s) | {1:F3} ms | {2:F1} GFLOP/s ({3:F0}% fp32 peak) | | {4} |",
                threads, step * 1e3, Gflops(LeNetBenchmarks.StepFlops, step), 100 * Gflops(LeNetBenchmarks.StepFlops, step) / peak32Core,
                Bytes(nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnStep), ("Threads", threads))));
            lines.Add(string.Format(
                c, "| LeNet-5, one epoch of steps | NnSteps, {0} thread(s) | {1:F3} s | {2:N0} samples/s | | {3} |",
                threads, steps, LeNetBenchmarks.Samples / steps, Bytes(nameof(LeNetBenchmarks), nameof(LeNetBenchmarks.NnSteps), ("Threads", threads))));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static BenchmarkReport? Find(List<BenchmarkReport> rows, string type, string method, (string Name, object Value)[] parameters) =>
        rows.FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.Type.Name == type
            && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
            && parameters.All(p => Equals(r.BenchmarkCase.Parameters[p.Name], p.Value)));
}
