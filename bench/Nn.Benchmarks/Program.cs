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

if (args is ["many-epochs", ..])
{
    // What an epoch costs against the epochs behind it, in a run of many short ones (ManyEpochs.cs).
    ManyEpochs.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000);
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

if (args is ["independent-steps", ..])
{
    // Each CPU training its own copy of Network B on one thread, alone and both at once: the hardware's ceiling (IndependentSteps.cs).
    IndependentSteps.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3);
    return;
}

if (args is ["mirror-profile", ..])
{
    // Network B's two-thread steps with x gathered once and twice, alternating in one run (MirrorProfile.cs).
    MirrorProfile.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40);
    return;
}

if (args is ["gzip", ..])
{
    // The library's gzip reader against .NET's GZipStream on Fashion-MNIST's training images (GzipReading.cs).
    GzipReading.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7, args.Length > 2 ? args[2] : null);
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
