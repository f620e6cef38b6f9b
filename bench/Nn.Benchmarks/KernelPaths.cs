using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// The per-path table of issue 15, timed with a stopwatch so that the paths alternate inside every round: for each
/// kernel path this CPU runs, the fp32 FMA probe at that width, the GEMM of Network B's first layer at batch 128
/// against it, Network A's per-sample steps, a tenth of an epoch of Network B's steps, and (once, after the rounds)
/// Network B's held-out accuracy after one epoch on that path.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- paths [rounds]</c>.
/// </summary>
internal static class KernelPaths
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private static readonly Architecture ShapeA = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid);

    /// <summary>Network A's per-sample steps timed per round (the Portable path takes about a second for these).</summary>
    private const int SamplesA = 2_000;

    /// <summary>Network B's steps timed per round: a tenth of an epoch of 469.</summary>
    private const int StepsB = 47;

    public static void Run(int rounds)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var paths = KernelSelection.Supported();
        var all = FashionMnist.Train(NetworkBBenchmarks.Samples).ToDataset();
        var a = all.Select(Enumerable.Range(0, SamplesA).ToArray());
        var probe = new PeakProbe();
        var rows = new (string Name, string Unit, Func<KernelPath, double> Measure)[]
        {
            ("fp32 FMA probe, 1 core (fastest of 20 calls)", "GFLOP/s", path => Peak(probe, path)),
            ("GEMM Z = X Wᵀ, 128 × 784 × 256, float, 1 thread (median of 20 calls)", "GFLOP/s", path => Gemm(path, fastest: false)),
            ("the same GEMM, fastest of 20 calls (the probe's statistic)", "GFLOP/s", path => Gemm(path, fastest: true)),
            ($"A 784-100-10 sigmoid, {SamplesA:N0} per-sample SGD steps", "s", path => StepsA(a, path)),
            ($"B 784-256-128-10 ReLU, Adam, batch 128, {StepsB} steps, ×10 per epoch", "s", path => 10 * StepsOfB(all, path)),
        };

        var times = rows.Select(_ => paths.Select(_ => new List<double>()).ToArray()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var r = 0; r < rows.Length; r++)
            {
                // Rotate which path goes first, so a slow stretch of the machine hits every path.
                for (var k = 0; k < paths.Length; k++)
                {
                    var p = (k + round) % paths.Length;
                    times[r][p].Add(rows[r].Measure(paths[p]));
                }
            }
        }

        Console.WriteLine(string.Format(C, "Medians of {0} rounds, the paths alternating; best path {1}, default {2}.", rounds, KernelSelection.Best, KernelSelection.Default));
        Console.WriteLine();
        Console.WriteLine($"| workload | {string.Join(" | ", paths)} |");
        Console.WriteLine($"|---|{string.Concat(paths.Select(_ => "---:|"))}");
        var peaks = paths.Select((_, p) => times[0][p].Max()).ToArray();
        for (var r = 0; r < rows.Length; r++)
        {
            var cells = paths.Select((path, p) =>
            {
                var value = r == 0 ? peaks[p] : Timing.Median(times[r][p]);
                var note = r is 1 or 2 ? string.Format(C, " ({0:F0}% of peak)", 100 * value / peaks[p])
                    : r >= 3 && path != KernelPath.Portable ? string.Format(C, " ({0:F1}× Portable)", Timing.Median(times[r][0]) / value)
                    : string.Empty;
                return string.Format(C, "{0:F2} {1}{2}", value, rows[r].Unit, note);
            });
            Console.WriteLine($"| {rows[r].Name} | {string.Join(" | ", cells)} |");
        }

        if (FashionMnist.Available)
        {
            var train = all.Select(Enumerable.Range(0, 50_000).ToArray());
            var held = all.Select(Enumerable.Range(50_000, 10_000).ToArray());
            var accuracies = paths.Select(path => AccuracyOfB(train, held, path).ToString("F4", C));
            Console.WriteLine($"| B, held-out accuracy (images 50,000–59,999) after one epoch on images 0–49,999 | {string.Join(" | ", accuracies)} |");
        }

        Console.WriteLine();
        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }

    /// <summary>The probe of the path's width: its chains × lanes × 2 flops per FMA and iteration.</summary>
    private static double Peak(PeakProbe probe, KernelPath path)
    {
        var (call, flops) = PeakProbe.Fp32For(probe, path);
        var best = double.MaxValue;
        for (var i = 0; i < 20; i++)
        {
            best = Math.Min(best, Timing.Seconds(() => probe.Sink += call()));
        }

        return flops / best * 1e-9;
    }

    /// <summary>
    /// GFLOP/s of Z = X Wᵀ for Network B's first layer at batch 128 over 20 calls after 3 warm-up calls: their median,
    /// or their fastest — the statistic the peak probe takes, so that the ratio to the probe compares like with like
    /// when the shared machine slows some calls.
    /// </summary>
    private static double Gemm(KernelPath path, bool fastest)
    {
        const int rows = 128, inputs = 784, outputs = 256;
        var random = new Random(1);
        var x = Enumerable.Range(0, rows * inputs).Select(_ => (float)random.NextDouble()).ToArray();
        var w = Enumerable.Range(0, outputs * inputs).Select(_ => (float)random.NextDouble()).ToArray();
        var z = new float[rows * outputs];
        var times = new List<double>();
        for (var i = 0; i < 23; i++)
        {
            var t = Timing.Seconds(() => DenseKernels.MultiplyByTransposeInto<float>(x, rows, inputs, w, outputs, z, path));
            if (i >= 3)
            {
                times.Add(t);
            }
        }

        return 2.0 * rows * inputs * outputs / (fastest ? times.Min() : Timing.Median(times)) * 1e-9;
    }

    private static double StepsA(Dataset<float> data, KernelPath path)
    {
        // A run's workspaces take their path where they are made, so the run is made inside the scope.
        using var scope = KernelScope.Enter(path);
        var rule = new Sgd(0.1);
        var start = Trainer.Start(Network.Create<float>(ShapeA, Initializer.NormalInverseSqrtInputs, 1), rule, 1);
        using var run = new TrainingRun<float>(start, Loss.Quadratic, rule, data, new TrainingOptions(1, 1, 1, Shuffle: false) { Kernels = path });
        void Steps()
        {
            run.Load(start);
            for (var s = 0; s < data.Count;)
            {
                s += run.Advance(s + 1, s, Math.Min(run.SamplesPerAdvance, data.Count - s)).Done;
            }
        }

        Steps();
        return Timing.Seconds(Steps);
    }

    private static double StepsOfB(Dataset<float> data, KernelPath path)
    {
        using var scope = KernelScope.Enter(path);
        var rule = new Adam(1e-3);
        var start = Trainer.Start(Network.Create<float>(NetworkBBenchmarks.Shape, Initializer.He, 1), rule, 1);
        using var run = new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, new TrainingOptions(1, NetworkBBenchmarks.Batch, 1, Shuffle: false) { Kernels = path });
        void Steps()
        {
            run.Load(start);
            for (var b = 0; b < StepsB; b++)
            {
                run.Step(b + 1, b * NetworkBBenchmarks.Batch, NetworkBBenchmarks.Batch);
            }
        }

        Steps();
        return Timing.Seconds(Steps);
    }

    private static double AccuracyOfB(Dataset<float> train, Dataset<float> held, KernelPath path)
    {
        var network = Network.Create<float>(NetworkBBenchmarks.Shape, Initializer.He, 1);
        var options = new TrainingOptions(1, NetworkBBenchmarks.Batch, 1) { Kernels = path };
        var trained = Trainer.Train(network, Loss.SoftmaxCrossEntropy, new Adam(1e-3), train, options).Network;
        using var scope = KernelScope.Enter(path);
        return Evaluation.Accuracy(trained, held);
    }
}
