using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Nn.Benchmarks;

/// <summary>
/// Where a one-epoch <see cref="Trainer.Train{T}"/> of Network B (Fashion-MNIST, batch 128, Adam), Network A
/// (784-100-10 sigmoid, 10,000 images, per-sample SGD 0.1, quadratic cost) or LeNet-5 (60,000 images, batch 128, Adam) spends what its
/// steps do not: making the run, loading θ and the moments, the divergence probe's first pass (fresh buffers) and a
/// repeat of it (warm), the epoch (its steps, the probe after it and the snapshot), and disposing of the run; then a
/// whole <c>Trainer.Train</c> call. 1 and 2 threads alternate in every round; each figure is the median over the
/// rounds, with the page faults (first touches of fresh memory) counted from /proc/self/stat where Linux has it.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- epoch-phases [rounds] [B|A|L]</c>.
/// </summary>
internal static class EpochPhases
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private static readonly string[] Phases = ["make the run", "load θ and moments", "first probe pass", "probe pass again", "epoch", "dispose", "whole Trainer.Train"];

    /// <summary>One network's run: its data, shape, start, cost, rule and batch.</summary>
    private sealed record Workload(string Name, Dataset<float> Data, Architecture Shape, Initializer Start, Loss Loss, Func<Optimizer> Rule, int Batch);

    public static void Run(int rounds, string which)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var workload = which switch
        {
            "A" => new Workload(
                "Network A (784-100-10 sigmoid), 10,000 images, per-sample SGD 0.1, quadratic cost",
                FashionMnist.Train(NetworkABenchmarks.Samples).ToDataset(),
                Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid),
                Initializer.NormalInverseSqrtInputs,
                Loss.Quadratic,
                () => new Sgd(0.1),
                1),
            "L" => new Workload(
                "LeNet-5 (1x28x28-conv6k5-maxpool2-conv16k5-maxpool2-120-84-10 ReLU), 60,000 images, batch 128, Adam",
                FashionMnist.Train(LeNetBenchmarks.Samples).ToDataset(),
                LeNetBenchmarks.Shape,
                Initializer.He,
                Loss.SoftmaxCrossEntropy,
                () => new Adam(1e-3),
                LeNetBenchmarks.Batch),
            _ => new Workload(
                "Network B (784-256-128-10 ReLU), one epoch, batch 128, Adam",
                FashionMnist.Train(NetworkBBenchmarks.Samples).ToDataset(),
                NetworkBBenchmarks.Shape,
                Initializer.He,
                Loss.SoftmaxCrossEntropy,
                () => new Adam(1e-3),
                NetworkBBenchmarks.Batch),
        };
        var data = workload.Data;
        var times = new[] { Phases.Select(_ => new List<double>()).ToArray(), Phases.Select(_ => new List<double>()).ToArray() };
        var faults = new[] { Phases.Select(_ => new List<double>()).ToArray(), Phases.Select(_ => new List<double>()).ToArray() };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var threads in round % 2 == 0 ? new[] { 1, 2 } : [2, 1])
            {
                var network = Network.Create<float>(workload.Shape, workload.Start, 1);
                var options = new TrainingOptions(1, workload.Batch, 1, Threads: threads);
                var start = Trainer.Start(network, workload.Rule(), 1);
                TrainingRun<float>? run = null;
                Action[] phases =
                [
                    () => run = new TrainingRun<float>(start, workload.Loss, workload.Rule(), data, options),
                    () => run!.Load(start),
                    () => run!.Objective(start),
                    () => run!.Objective(start),
                    () => run!.Epoch(start, null, null),
                    () => run!.Dispose(),
                    () => Trainer.Train(network, workload.Loss, workload.Rule(), data, options),
                ];
                for (var p = 0; p < phases.Length; p++)
                {
                    var before = PageFaults.Minor() ?? double.NaN;
                    times[threads - 1][p].Add(Timing.Seconds(phases[p]) * 1e3);
                    faults[threads - 1][p].Add((PageFaults.Minor() ?? double.NaN) - before);
                }
            }
        }

        // The probe passes call Objective, which loads θ and the moments again (into warm buffers, a few microseconds).
        Console.WriteLine(string.Format(C, "{0}; medians of {1} rounds, 1 and 2 threads alternating.", workload.Name, rounds));
        Console.WriteLine();
        Console.WriteLine("| phase | 1 thread | page faults | 2 threads | page faults | 1 ÷ 2 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (var p = 0; p < Phases.Length; p++)
        {
            double one = Timing.Median(times[0][p]), two = Timing.Median(times[1][p]);
            Console.WriteLine(string.Format(
                C, "| {0} | {1:F2} ms | {2:F0} | {3:F2} ms | {4:F0} | {5:F2}× |", Phases[p], one, Timing.Median(faults[0][p]), two, Timing.Median(faults[1][p]), one / two));
        }

        Console.WriteLine();
        Console.WriteLine(string.Format(C, "Cores: {0}", CrossCoreProbe.Describe(CrossCoreProbe.Measure())));
        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }
}
