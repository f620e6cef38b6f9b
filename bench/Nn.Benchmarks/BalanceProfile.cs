using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace Nn.Benchmarks;

/// <summary>
/// LeNet-5's or Network B's training steps (Fashion-MNIST, batch 128, Adam) on two threads with the regions that
/// <c>WorkerPool.RunCut</c> runs (LeNet-5's per-sample passes; Network B's weight gradients; either's update) cut evenly
/// between the threads and cut where the pool's <c>TwoWayBalance</c> has learned to cut them, alternating in blocks of
/// 25 steps in one run, so that both meet the same state of the two vCPUs. The even blocks turn learning off and put
/// the cut back to even; the learned blocks start again from even and learn within their first steps. Prints each
/// mode's median and mean step, the time each side spent inside its parts per step, the share learned at the end and
/// the cores' regime. Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- balance-profile [blocks] [L|B]</c>.
/// </summary>
internal static class BalanceProfile
{
    private const int StepsPerBlock = 25;

    /// <summary>Blocks run before the timing: the JIT's tiers take the first few hundred steps to settle.</summary>
    private const int WarmUpBlocks = 12;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int blocks, string which)
    {
        var (name, shape) = which == "B"
            ? ("Network B", NetworkBBenchmarks.Shape)
            : ("LeNet-5", LeNetBenchmarks.Shape);
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var batches = 60;
        var data = FashionMnist.Train(LeNetBenchmarks.Batch * batches).ToDataset();
        var rule = new Adam(1e-3);
        var start = Trainer.Start(Network.Create<float>(shape, Initializer.He, 1), rule, 1);
        var options = new TrainingOptions(1, LeNetBenchmarks.Batch, 1, Shuffle: false, Threads: 2);
        using var run = new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, options);
        var pool = run.Pool ?? throw new InvalidOperationException("a two-thread run has a pool");
        run.Load(start);
        string[] modes = ["even cut", "learned cut"];
        var times = modes.Select(_ => new List<double>()).ToArray();
        var caller = new double[2];
        var worker = new double[2];
        var step = 0;
        for (var block = 0; block < blocks + WarmUpBlocks; block++)
        {
            var mode = block % 2;
            pool.Balance.Even();
            pool.Balance.Learning = mode == 1;
            var before = pool.Counters;
            for (var i = 0; i < StepsPerBlock; i++, step++)
            {
                var started = Stopwatch.GetTimestamp();
                run.Step(step + 1, step % batches * LeNetBenchmarks.Batch, LeNetBenchmarks.Batch);
                if (block >= WarmUpBlocks)
                {
                    times[mode].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                }
            }

            if (block >= WarmUpBlocks)
            {
                var counters = pool.Counters.Since(before);
                caller[mode] += counters.CallerBusy.TotalMicroseconds;
                worker[mode] += counters.WorkerBusy.TotalMicroseconds;
            }
        }

        var share = pool.Balance.Share;
        Console.WriteLine(string.Format(C, "{0}, batch 128, 2 threads, {1} blocks of {2} steps alternating (µs per step).", name, blocks, StepsPerBlock));
        Console.WriteLine();
        Console.WriteLine("| cut | median step | mean step | caller inside parts | worker inside parts |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        for (var mode = 0; mode < 2; mode++)
        {
            var count = times[mode].Count;
            Console.WriteLine(string.Format(
                C, "| {0} | {1:F1} | {2:F1} | {3:F1} | {4:F1} |", modes[mode], Timing.Median(times[mode]), times[mode].Average(), caller[mode] / count, worker[mode] / count));
        }

        Console.WriteLine();
        Console.WriteLine(string.Format(C, "The caller's share of the cut regions at the end: {0:F3}", share));
        Console.WriteLine(string.Format(C, "Cores: {0}", CrossCoreProbe.Describe(CrossCoreProbe.Measure())));
        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }
}
