using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// Where the real training loops lose time on two threads (issue 16): each workload's loop of steps as a training
/// run takes them, on 1 and 2 threads alternating, with every step timed (median, mean and the slowest, since a few
/// slow steps can hide behind a median) and the run's <see cref="WorkerPool.Counters"/> read around the loop — regions
/// and wake-ups per step, the caller's time inside regions and, by difference, between them (serial work: gather,
/// cost, predictions, anything not split), the caller's wait at regions' ends for the last part, and how long a part
/// waited to be claimed by the worker. Then what <see cref="Trainer.Train{T}"/> adds around the steps: a whole epoch
/// of the run, whole calls of one and two epochs — whose difference is what a call spends per epoch and, subtracted
/// from the one-epoch call, what it spends once — and the once-per-call pieces timed alone (the data check, making
/// the run, the objective on the divergence probe).
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- loop-profile [rounds]</c>.
/// </summary>
internal static class LoopProfile
{
    private const int LeNetSteps = 60;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private static readonly Architecture ShapeA = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid);

    /// <summary>One workload: its data, cost function, rule, starting state and batch size (1: per-sample steps).</summary>
    private sealed record Workload(string Name, Dataset<float> Data, Loss Loss, Optimizer Rule, TrainingState<float> Start, int Batch)
    {
        /// <summary>One epoch on <paramref name="threads"/> threads, shuffled, as the scaling table's NnEpoch trains it.</summary>
        public TrainingOptions Options(int threads, int epochs = 1) => new(epochs, Batch, 1, Threads: threads);

        public TrainingRun<float> Make(int threads) => new(Start, Loss, Rule, Data, Options(threads));

        public void Train(int threads, int epochs) => Trainer.Train(Start.Network, Loss, Rule, Data, Options(threads, epochs));
    }

    /// <summary>One loop's figures, and those of what <see cref="Trainer.Train{T}"/> does around an epoch's steps.</summary>
    private sealed record Loop(
        double[] StepSeconds, WorkerPoolCounters Counters, double ValidateSeconds, double MakeSeconds, double ProbeSeconds, double EpochSeconds, double TrainSeconds, double TwoEpochTrainSeconds)
    {
        /// <summary>What a call spends per epoch: a two-epoch call's time less a one-epoch call's, so every once-per-call cost cancels.</summary>
        public double FurtherEpochSeconds => TwoEpochTrainSeconds - TrainSeconds;

        /// <summary>What a call spends once, however many epochs it trains: a one-epoch call less one further epoch.</summary>
        public double OncePerCallSeconds => TrainSeconds - FurtherEpochSeconds;
    }

    public static void Run(int rounds)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var workloads = new List<Workload>();
        if (FashionMnist.Available)
        {
            var b = FashionMnist.Train(NetworkBBenchmarks.Samples).ToDataset();
            workloads.Add(Batched("B: 784-256-128-10, Adam, batch 128", NetworkBBenchmarks.Shape, b));
            var lenet = FashionMnist.Train(LeNetSteps * LeNetBenchmarks.Batch).ToDataset();
            workloads.Add(Batched(string.Format(C, "LeNet-5, Adam, batch 128 ({0} steps)", LeNetSteps), LeNetBenchmarks.Shape, lenet));
        }

        var a = FashionMnist.Train(NetworkABenchmarks.Samples).ToDataset();
        var ruleA = new Sgd(0.1);
        var startA = Trainer.Start(Network.Create<float>(ShapeA, Initializer.NormalInverseSqrtInputs, 1), ruleA, 1);
        workloads.Add(new Workload("A: 784-100-10, per-sample SGD in deferred blocks", a, Loss.Quadratic, ruleA, startA, 1));

        foreach (var workload in workloads)
        {
            var loops = new List<Loop>[] { [], [] };
            for (var round = 0; round < rounds; round++)
            {
                // Alternate which thread count goes first, so a slow stretch of the machine hits both.
                foreach (var threads in round % 2 == 0 ? new[] { 1, 2 } : [2, 1])
                {
                    loops[threads - 1].Add(Measure(workload, threads));
                }
            }

            Report(workload, rounds, loops);
        }

        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }

    private static Workload Batched(string name, Architecture shape, Dataset<float> data)
    {
        var rule = new Adam(1e-3);
        var start = Trainer.Start(Network.Create<float>(shape, Initializer.He, 1), rule, 1);
        return new Workload(name, data, Loss.SoftmaxCrossEntropy, rule, start, NetworkBBenchmarks.Batch);
    }

    /// <summary>
    /// What <see cref="Trainer.Train{T}"/> does before the steps (check the data, make the run), one pass of the
    /// workload's steps in the data's order after a warm-up pass with each advance timed, the run's measuring pass,
    /// then on the same run a whole epoch (shuffled, with its measuring pass), and whole <see cref="Trainer.Train{T}"/> calls of one and of two epochs.
    /// </summary>
    private static Loop Measure(Workload workload, int threads)
    {
        // The data set overload, which Trainer.Train calls: a Dataset's values were checked when it was made, so only shapes are.
        var validate = Timing.Seconds(() => Backprop.Validate(workload.Start.Network, workload.Loss, workload.Data, 0));
        var started = Stopwatch.GetTimestamp();
        using var run = workload.Make(threads);
        var make = (double)(Stopwatch.GetTimestamp() - started) / Stopwatch.Frequency;
        var samples = workload.Data.Count;
        var times = new List<double>();
        void Steps(bool record)
        {
            run.Load(workload.Start);
            for (var s = 0; s < samples;)
            {
                var rows = Math.Min(run.SamplesPerAdvance, samples - s);
                var started = Stopwatch.GetTimestamp();
                if (workload.Batch == 1)
                {
                    s += run.Advance(s + 1, s, rows).Done;
                }
                else
                {
                    run.Step((s / workload.Batch) + 1, s, rows);
                    s += rows;
                }

                if (record)
                {
                    times.Add((double)(Stopwatch.GetTimestamp() - started) / Stopwatch.Frequency);
                }
            }
        }

        Steps(record: false);
        var before = run.Pool?.Counters ?? default;
        Steps(record: true);
        var counters = run.Pool is { } pool ? pool.Counters.Since(before) : default;
        var probe = Timing.Seconds(() => run.Objective(workload.Start));
        var epoch = Timing.Seconds(() => run.Epoch(workload.Start, null, null));
        var train = Timing.Seconds(() => workload.Train(threads, 1));
        var twoEpochs = Timing.Seconds(() => workload.Train(threads, 2));
        return new Loop([.. times], counters, validate, make, probe, epoch, train, twoEpochs);
    }

    private static void Report(Workload workload, int rounds, List<Loop>[] loops)
    {
        Console.WriteLine();
        Console.WriteLine(string.Format(C, "{0}: {1} rounds, 1 and 2 threads alternating; kernel path {2}.", workload.Name, rounds, KernelSelection.Default));
        Console.WriteLine();
        Console.WriteLine("| per advance (µs) | 1 thread | 2 threads | 1 ÷ 2 |");
        Console.WriteLine("|---|---:|---:|---:|");
        void Row(string name, Func<Loop, double> seconds, double unit = 1e-6)
        {
            double one = Timing.Median(loops[0].Select(l => seconds(l) / unit)), two = Timing.Median(loops[1].Select(l => seconds(l) / unit));
            Console.WriteLine(string.Format(C, "| {0} | {1:F1} | {2:F1} | {3:F2}× |", name, one, two, one / two));
        }

        static double PerAdvance(Loop loop, TimeSpan time) => time.TotalSeconds / loop.StepSeconds.Length;
        Row("mean (the loop's total ÷ advances)", l => l.StepSeconds.Average());
        Row("median", l => Timing.Median(l.StepSeconds));
        Row("90th percentile", l => l.StepSeconds.Order().ElementAt(l.StepSeconds.Length * 9 / 10));
        Row("slowest", l => l.StepSeconds.Max());
        Row("inside parallel regions (caller's view; none on 1 thread)", l => PerAdvance(l, l.Counters.RegionTime));
        Row("between regions (mean − inside)", l => l.StepSeconds.Average() - PerAdvance(l, l.Counters.RegionTime));
        Row("caller waiting at regions' ends", l => PerAdvance(l, l.Counters.TailTime));
        Console.WriteLine();
        Console.WriteLine("| around the steps (ms) | 1 thread | 2 threads | 1 ÷ 2 |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("the steps above, in the data's order (the loop's total)", l => l.StepSeconds.Sum(), 1e-3);
        Row("one epoch of the run: shuffled steps and the measuring pass (`TrainingRun.Epoch`)", l => l.EpochSeconds, 1e-3);
        Row("a whole `Trainer.Train` call of one epoch", l => l.TrainSeconds, 1e-3);
        Row("in it, each further epoch (a 2-epoch call − a 1-epoch call)", l => l.FurtherEpochSeconds, 1e-3);
        Row("in it, once per call (a 1-epoch call − a further epoch)", l => l.OncePerCallSeconds, 1e-3);
        Row("of that: check the shapes (`Backprop.Validate` of a data set), timed alone", l => l.ValidateSeconds, 1e-3);
        Row("of that: make the run (buffers, workers), timed alone", l => l.MakeSeconds, 1e-3);
        Row("of that: the objective on the divergence probe at the start, timed alone", l => l.ProbeSeconds, 1e-3);
        var two = loops[1];
        double Sum(Func<WorkerPoolCounters, double> figure) => two.Sum(l => figure(l.Counters));
        var advances = two.Sum(l => l.StepSeconds.Length);
        var regions = Sum(c => c.Regions);
        Console.WriteLine();
        Console.WriteLine(string.Format(
            C,
            "2 threads, per advance: {0:F1} regions, {1:F2} wake-ups of a parked worker; the worker joined {2:P0} of regions and ran {3:P0} of parts; a part waited {4:F2} µs (mean) for the worker's first claim.",
            regions / advances,
            Sum(c => c.Wakes) / advances,
            Sum(c => c.JoinedRegions) / regions,
            Sum(c => c.WorkerParts) / Sum(c => c.WorkerParts + c.CallerParts),
            Sum(c => c.ClaimDelay.TotalSeconds) * 1e6 / Math.Max(1, Sum(c => c.JoinedRegions))));

        // Parts of one region are equal shares, so with each side running about half of them, a worker part slower than a
        // caller part means the other core is slower at the same work, which no hand-over can fix but a finer split can.
        Console.WriteLine(string.Format(
            C,
            "2 threads, inside parts per advance: caller {0:F1} µs in {1:F2} parts ({2:F1} µs a part), worker {3:F1} µs in {4:F2} parts ({5:F1} µs a part).",
            Sum(c => c.CallerBusy.TotalSeconds) * 1e6 / advances,
            Sum(c => c.CallerParts) / advances,
            Sum(c => c.CallerBusy.TotalSeconds) * 1e6 / Math.Max(1, Sum(c => c.CallerParts)),
            Sum(c => c.WorkerBusy.TotalSeconds) * 1e6 / advances,
            Sum(c => c.WorkerParts) / advances,
            Sum(c => c.WorkerBusy.TotalSeconds) * 1e6 / Math.Max(1, Sum(c => c.WorkerParts))));
    }
}
