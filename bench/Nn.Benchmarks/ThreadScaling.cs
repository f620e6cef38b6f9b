using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// The thread-scaling table of issue 16, timed with a stopwatch rather than BenchmarkDotNet so that one and two
/// threads alternate inside every round and a whole table takes well under a minute: each workload on 1 and 2
/// threads with the ratio, the cost of synchronising itself, the bytes a step allocates, and the FMA probe on
/// one core and on both at once. Uses only internals that also exist before the threading rework, so
/// bench/thread-scaling.sh can build the same file against an older commit and alternate the two.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- scaling [rounds]</c>.
/// </summary>
internal static class ThreadScaling
{
    // The split-or-alone trials of Network A's two-thread runs (SplitChooser), summed over the rounds.
    private static int aTrials;
    private static int aSplitTrials;

    // The split-or-alone trials of the mini-batch rows' two-thread runs (StepSplitChooser), and the runs that ended alone.
    private static int stepTrials;
    private static int stepAloneEnds;
    private static int stepRuns;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int rounds)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var coresBefore = CrossCoreProbe.Measure();
        var rows = new List<(string Name, string Unit, Func<int, double> Measure)>();
        var b = FashionMnist.Available ? FashionMnist.Train(NetworkBBenchmarks.Samples).ToDataset() : null;
        var a = FashionMnist.Train(NetworkABenchmarks.Samples).ToDataset();
        if (b is null)
        {
            // Without this line a table with the training rows missing reads as a complete run.
            Console.WriteLine(string.Format(C, "{0} is missing: the Network B and LeNet-5 rows are skipped, and Network A and inference run on random images.", FashionMnist.Folder));
        }
        else
        {
            rows.Add(("B NnStep (one step, batch 128)", "ms", threads => NetworkBStep(b, threads) * 1e3));
            rows.Add(("B NnSteps (469 steps)", "s", threads => StepsSeconds(ShapeB, NetworkBBenchmarks.Batch, b, threads)));
            rows.Add(("B NnEpoch (Trainer.Train)", "s", threads => NetworkBEpoch(b, threads)));
            var lenet = FashionMnist.Train(LeNetSteps * LeNetBenchmarks.Batch).ToDataset();
            rows.Add((string.Format(C, "LeNet-5 NnSteps ({0} steps, batch 128)", LeNetSteps), "s", threads => StepsSeconds(LeNetBenchmarks.Shape, LeNetBenchmarks.Batch, lenet, threads)));
        }

        rows.Add(("A NnSteps (10,000 per-sample steps; median of 5)", "s", threads => NetworkASteps(a, threads)));
        rows.Add(("A NnEpoch (Trainer.Train; median of 5)", "s", threads => NetworkAEpoch(a, threads)));
        rows.Add(("Inference: B forward, 10,000 rows (median of 5 calls)", "ms", threads => Inference(ShapeB, a, threads) * 1e3));
        rows.Add(("Inference: LeNet-5 forward, 10,000 rows (median of 5 calls)", "ms", threads => Inference(LeNetBenchmarks.Shape, a, threads) * 1e3));

        var times = rows.Select(_ => new List<double>[] { [], [] }).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                // Alternate which thread count goes first, so a slow stretch of the machine hits both.
                foreach (var threads in round % 2 == 0 ? new[] { 1, 2 } : [2, 1])
                {
                    times[r][threads - 1].Add(rows[r].Measure(threads));
                }
            }
        }

        Console.WriteLine(string.Format(C, "Medians of {0} rounds, 1 and 2 threads alternating; kernel path {1}.", rounds, KernelSelection.Default));
        Console.WriteLine();
        Console.WriteLine("| workload | 1 thread | 2 threads | 1 ÷ 2 |");
        Console.WriteLine("|---|---:|---:|---:|");
        for (var r = 0; r < rows.Count; r++)
        {
            double one = Timing.Median(times[r][0]), two = Timing.Median(times[r][1]);
            Console.WriteLine(string.Format(C, "| {0} | {1:F3} {3} | {2:F3} {3} | {4:F2}× |", rows[r].Name, one, two, rows[r].Unit, one / two));
        }

        Console.WriteLine();
        Console.WriteLine(string.Format(C, "A NnSteps on 2 threads: {0} of {1} split-or-alone trials chose to split the blocks", aSplitTrials, aTrials));
        Console.WriteLine(string.Format(C, "B and LeNet-5 NnSteps on 2 threads: {0} runs, {1} split-or-alone trials, {2} runs ended with their steps alone", stepRuns, stepTrials, stepAloneEnds));
        if (b is not null)
        {
            Console.WriteLine(string.Format(C, "Bytes per B step after warm-up (process-wide), 1 / 2 threads: {0:F1} / {1:F1}", StepBytes(b, 1), StepBytes(b, 2)));
        }

        PrintCrossCore("before the workloads", coresBefore);
        var (empty, claim) = SynchronisationCost.Measure();
        Console.WriteLine(string.Format(C, "Empty parallel region on 2 threads (median of 20,000, back to back): {0:F2} µs", empty));
        Console.WriteLine(string.Format(C, "Time until the second thread claims a part, regions 50 µs apart (median of 2,000): {0:F2} µs", claim));
        PrintCrossCore("after the workloads", CrossCoreProbe.Measure());
        var (single, both) = Probe();
        Console.WriteLine(string.Format(C, "FMA probe fp32 {3}: one core alone {0:F1} GFLOP/s; both cores at once {1:F1} GFLOP/s in total ({2:F2}×)", single, both, both / single, KernelSelection.Default));
        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }

    /// <summary>The hand-over's price between the two vCPUs, which on a VM can change while the table runs.</summary>
    private static void PrintCrossCore(string when, CrossCoreProbe.Figures cores) =>
        Console.WriteLine(string.Format(C, "Cores, {0}: {1}", when, CrossCoreProbe.Describe(cores)));

    private static readonly Architecture ShapeB = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax);
    private static readonly Architecture ShapeA = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid);

    private static TrainingRun<float> RunB(Dataset<float> data, int threads, out TrainingState<float> start)
    {
        var rule = new Adam(1e-3);
        start = Trainer.Start(Network.Create<float>(ShapeB, Initializer.He, 1), rule, 1);
        var run = new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, new TrainingOptions(1, NetworkBBenchmarks.Batch, 1, Shuffle: false, Threads: threads));
        run.Load(start);
        return run;
    }

    /// <summary>The median of 200 single steps after 20 warm-up steps.</summary>
    private static double NetworkBStep(Dataset<float> data, int threads)
    {
        using var run = RunB(data, threads, out _);
        var times = new List<double>();
        for (var s = 0; s < 220; s++)
        {
            var t = Timing.Seconds(() => run.Step(s + 1, (s * NetworkBBenchmarks.Batch) % (data.Count - NetworkBBenchmarks.Batch), NetworkBBenchmarks.Batch));
            if (s >= 20)
            {
                times.Add(t);
            }
        }

        return Timing.Median(times);
    }

    /// <summary>
    /// An Adam run of <paramref name="shape"/> (He start, seed 1, softmax cross-entropy) over all of
    /// <paramref name="data"/> in batches of <paramref name="batch"/>, unshuffled: the time of a pass of its steps after a
    /// warm-up pass, as NetworkBBenchmarks.NnSteps and LeNetBenchmarks.NnSteps take them.
    /// </summary>
    private static double StepsSeconds(Architecture shape, int batch, Dataset<float> data, int threads)
    {
        var rule = new Adam(1e-3);
        var start = Trainer.Start(Network.Create<float>(shape, Initializer.He, 1), rule, 1);
        using var run = new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, new TrainingOptions(1, batch, 1, Shuffle: false, Threads: threads));
        void Steps()
        {
            run.Load(start);
            for (var b = 0; b * batch < data.Count; b++)
            {
                run.Step(b + 1, b * batch, Math.Min(batch, data.Count - (b * batch)));
            }
        }

        Steps();
        var seconds = Timing.Seconds(Steps);
        // Read by name: bench/thread-scaling.sh builds this file into older trees, which have no StepSplitChooser.
        if (run.Strategy.GetType().GetProperty("Chooser")?.GetValue(run.Strategy) is { } chooser)
        {
            stepTrials += (int)chooser.GetType().GetProperty("Trials")!.GetValue(chooser)!;
            stepAloneEnds += (bool)chooser.GetType().GetProperty("Splitting")!.GetValue(chooser)! ? 0 : 1;
            stepRuns++;
        }

        return seconds;
    }

    /// <summary>LeNet-5's steps (issue 10's 2-thread target), a sixth of an epoch so that a round stays short.</summary>
    private const int LeNetSteps = 80;

    private static double NetworkBEpoch(Dataset<float> data, int threads)
    {
        var network = Network.Create<float>(ShapeB, Initializer.He, 1);
        return Timing.Seconds(() => Trainer.Train(network, Loss.SoftmaxCrossEntropy, new Adam(1e-3), data, new TrainingOptions(1, NetworkBBenchmarks.Batch, 1, Threads: threads)));
    }

    private static double NetworkASteps(Dataset<float> data, int threads)
    {
        var rule = new Sgd(0.1);
        var start = Trainer.Start(Network.Create<float>(ShapeA, Initializer.NormalInverseSqrtInputs, 1), rule, 1);
        using var run = new TrainingRun<float>(start, Loss.Quadratic, rule, data, new TrainingOptions(1, 1, 1, Shuffle: false, Threads: threads));
        void Epoch()
        {
            run.Load(start);
            for (var s = 0; s < data.Count;)
            {
                s += run.Advance(s + 1, s, Math.Min(run.SamplesPerAdvance, data.Count - s)).Done;
            }
        }

        Epoch();
        var seconds = MedianOf(ARepeats, () => Timing.Seconds(Epoch));
        // Read by name: bench/thread-scaling.sh builds this file into older trees, which have no SplitChooser.
        if (run.Strategy.GetType().GetProperty("Chooser")?.GetValue(run.Strategy) is { } chooser)
        {
            aTrials += (int)chooser.GetType().GetProperty("Trials")!.GetValue(chooser)!;
            aSplitTrials += (int)chooser.GetType().GetProperty("SplitTrials")!.GetValue(chooser)!;
        }

        return seconds;
    }

    /// <summary>
    /// Network A's rows time an epoch of 60–120 ms, short enough for one descheduled stretch of the VM's second vCPU to
    /// move a single timing by a third; each of their measurements is the median of this many.
    /// </summary>
    private const int ARepeats = 5;

    private static double MedianOf(int count, Func<double> measure) => Timing.Median(Enumerable.Range(0, count).Select(_ => measure()).ToArray());

    private static double NetworkAEpoch(Dataset<float> data, int threads)
    {
        var network = Network.Create<float>(ShapeA, Initializer.NormalInverseSqrtInputs, 1);
        return MedianOf(ARepeats, () => Timing.Seconds(() => Trainer.Train(network, Loss.Quadratic, new Sgd(0.1), data, new TrainingOptions(1, 1, 1, Threads: threads))));
    }

    /// <summary>
    /// A forward pass of <paramref name="shape"/> over 10,000 rows through the public call, on the threads the threaded
    /// Forward takes (an idle team kept between calls, or a new one), each with its own rows: the median of
    /// <see cref="ARepeats"/> calls, as a loop of calls makes them (one timed call of 30–70 ms was at the mercy of a
    /// single hiccup of the machine).
    /// </summary>
    private static double Inference(Architecture shape, Dataset<float> data, int threads)
    {
        // The public call a user makes, with whatever workspace and threads it sets up for itself.
        var network = Network.Create<float>(shape, Initializer.He, 1);
        return MedianOf(ARepeats, () => Timing.Seconds(() => _ = threads == 1 ? Network.Forward(network, data.Inputs) : Network.Forward(network, data.Inputs, threads)));
    }

    private static double StepBytes(Dataset<float> data, int threads)
    {
        using var run = RunB(data, threads, out _);
        for (var s = 0; s < 50; s++)
        {
            run.Step(s + 1, s * NetworkBBenchmarks.Batch, NetworkBBenchmarks.Batch);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var s = 0; s < 200; s++)
        {
            run.Step(s + 1, s * NetworkBBenchmarks.Batch, NetworkBBenchmarks.Batch);
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / 200.0;
    }

    /// <summary>
    /// The fp32 probe's throughput at the default kernel path's width with one thread, and with two threads running it at the same time: 1,000
    /// calls per thread, the whole span timed (both threads start together and are timed to the last one's end),
    /// best of three.
    /// </summary>
    private static (double Single, double Both) Probe()
    {
        const int calls = 1000;
        var flops = PeakProbe.Fp32For(new PeakProbe(), KernelSelection.Default).Flops;
        static void Calls()
        {
            var probe = new PeakProbe();
            var (call, _) = PeakProbe.Fp32For(probe, KernelSelection.Default);
            for (var i = 0; i < calls; i++)
            {
                probe.Sink += call();
            }
        }

        double Throughput(int threads)
        {
            var best = double.MaxValue;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var workers = Enumerable.Range(0, threads).Select(_ => new Thread(Calls)).ToArray();
                best = Math.Min(best, Timing.Seconds(() =>
                {
                    foreach (var worker in workers)
                    {
                        worker.Start();
                    }

                    foreach (var worker in workers)
                    {
                        worker.Join();
                    }
                }));
            }

            return threads * calls * flops / best * 1e-9;
        }

        return (Throughput(1), Throughput(2));
    }
}
