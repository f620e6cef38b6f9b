using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// Network B's training step (batch 128, Adam) taken whole (<c>OptimizerSteps</c>: the gather, the first product by
/// columns, the two regions of <c>DenseStepRegions</c>, the update) and in two shares of the batch
/// (<c>BatchShareSteps</c>: one region per share, one for the sums and the update), on 1 and 2 threads, the four
/// alternating in blocks of 25 steps in one process, so a slow stretch of a shared machine hits all of them. Prints, per
/// variant, the median and the 10th percentile of the wall time of a step and, on one thread, of the calling thread's
/// CPU time (which another process's load on the other core does not inflate).
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- share-profile [steps]</c>.
/// </summary>
internal static class ShareStepsProfile
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Steps of one variant in a row, after <see cref="Warm"/> untimed ones.</summary>
    private const int Block = 25;
    private const int Warm = 3;

    public static void Run(int steps)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var data = FashionMnist.Train(NetworkBBenchmarks.Samples).ToDataset();
        var architecture = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax);
        var network = Network.Create<float>(architecture, Initializer.He, 1);
        var rule = new Adam(1e-3);
        var variants = new List<(string Name, Func<int, long, double> Step, List<double> Wall, List<double> Cpu, WorkerPool? Pool)>();
        var pools = new List<IDisposable>();
        foreach (var threads in new[] { 1, 2 })
        {
            foreach (var shares in new[] { false, true })
            {
                var pool = threads > 1 ? new WorkerPool(threads) : null;
                if (pool is not null)
                {
                    pools.Add(pool);
                }

                var order = Enumerable.Range(0, data.Count).ToArray();
                var workspace = new Workspace<float>(architecture, NetworkBBenchmarks.Batch, pool is null ? null : new GemmTeam<float>(pool));
                var context = new StepContext<float>(architecture, Loss.SoftmaxCrossEntropy, rule, 0, data.Count, workspace, pool is null ? null : new ParallelUpdate<float>(pool));
                var buffers = new StepBuffers<float>(architecture.ParameterCount, 0, 2, NetworkBBenchmarks.Batch, 1, data, order, pool);
                network.Parameters.AsSpan().CopyTo(buffers.Theta);
                var whole = new OptimizerSteps<float>(context, buffers, NetworkBBenchmarks.Batch, null);
                StepStrategy<float> strategy = shares ? new BatchShareSteps<float>(context, buffers, whole, pool, NetworkBBenchmarks.Batch) : whole;
                variants.Add((
                    string.Format(C, "{0}, {1} thread{2}", shares ? "two shares" : "whole batch", threads, threads > 1 ? "s" : string.Empty),
                    (start, step) => strategy.Step(step, start, NetworkBBenchmarks.Batch).Cost,
                    [],
                    [],
                    pool));
            }
        }

        // Blocks of steps per variant, not single steps: a pool's worker stays hot only 2 ms after its last region, so
        // alternating every step would have each two-thread variant wake a parked worker at every step.
        var batches = data.Count / NetworkBBenchmarks.Batch;
        var step = 0L;
        for (var block = 0; block < (steps + Block - 1) / Block; block++)
        {
            foreach (var (_, take, wall, cpu, _) in variants)
            {
                for (var s = -Warm; s < Block; s++)
                {
                    var start = (int)(++step % batches) * NetworkBBenchmarks.Batch;
                    var cpu0 = Timing.ThreadMilliseconds();
                    var clock = Stopwatch.GetTimestamp();
                    take(start, step);
                    var elapsed = (Stopwatch.GetTimestamp() - clock) * 1e3 / Stopwatch.Frequency;
                    var used = Timing.ThreadMilliseconds() - cpu0;
                    if (s >= 0)
                    {
                        wall.Add(elapsed);
                        cpu.Add(used);
                    }
                }
            }
        }

        Console.WriteLine(string.Format(C, "Network B, batch 128, Adam; {0} steps of each variant, alternating in blocks of 25; kernel path {1}.", steps, KernelSelection.Default));
        Console.WriteLine();
        Console.WriteLine("| variant | wall, median | wall, 10th percentile | caller's CPU, median | caller's CPU, 10th percentile |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, _, wall, cpu, _) in variants)
        {
            Console.WriteLine(string.Format(
                C, "| {0} | {1:F1} µs | {2:F1} µs | {3:F1} µs | {4:F1} µs |", name, Timing.Median(wall) * 1e3, Percentile(wall, 0.1) * 1e3, Timing.Median(cpu) * 1e3, Percentile(cpu, 0.1) * 1e3));
        }

        Console.WriteLine();
        Console.WriteLine("Per step on 2 threads (the pool's counters over the whole run, warm-up included): regions, wake-ups of a parked worker, parts run by the caller / the worker, µs per part on each, µs the caller waited at regions' ends.");
        foreach (var (name, _, wall, _, pool) in variants)
        {
            if (pool is null)
            {
                continue;
            }

            var counters = pool.Counters;
            var count = (double)wall.Count * (Block + Warm) / Block;
            Console.WriteLine(string.Format(
                C,
                "{0}: {1:F1} regions, {7:F2} wake-ups, {2:F2} / {3:F2} parts, {4:F1} / {5:F1} µs a part, {6:F1} µs waiting",
                name,
                counters.Regions / count,
                counters.CallerParts / count,
                counters.WorkerParts / count,
                counters.CallerBusy.TotalMicroseconds / Math.Max(1, counters.CallerParts),
                counters.WorkerBusy.TotalMicroseconds / Math.Max(1, counters.WorkerParts),
                counters.TailTime.TotalMicroseconds / count,
                counters.Wakes / count));
        }

        foreach (var pool in pools)
        {
            pool.Dispose();
        }

        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[(int)(fraction * (sorted.Length - 1))];
    }
}
