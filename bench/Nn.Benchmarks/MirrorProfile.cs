using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Nn.Benchmarks;

/// <summary>
/// Network B's two-thread steps with the batch's x gathered once (each thread reading the other's half) and twice
/// (the second thread its own copy, <c>InputMirror</c>), alternating in blocks of 25 steps inside one run, so both
/// meet the same states of the machine; then one thread's steps for the ratio.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- mirror-profile 40</c>.
/// </summary>
internal static class MirrorProfile
{
    private const int Block = 25;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int blocks)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        Console.WriteLine(string.Format(C, "Cores, before: {0}", CrossCoreProbe.Describe(CrossCoreProbe.Measure())));
        var data = FashionMnist.Train(NetworkBBenchmarks.Samples).ToDataset();
        var shape = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax);
        double[] Steps(int threads, Func<int, bool> mirrored)
        {
            var rule = new Adam(1e-3);
            var start = Trainer.Start(Network.Create<float>(shape, Initializer.He, 1), rule, 1);
            using var run = new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, new TrainingOptions(1, 128, 1, Shuffle: false, Threads: threads));
            run.Load(start);
            var times = new List<double>[] { [], [] };
            var batches = data.Count / 128;
            for (var s = 0; s < (blocks * Block) + 50; s++)
            {
                var on = mirrored(s / Block);
                Nn.InputMirrors.Enabled = on;
                var step = s;
                var seconds = Timing.Seconds(() => run.Step(step + 1, (step % batches) * 128, 128));
                if (s >= 50)
                {
                    times[on ? 1 : 0].Add(seconds * 1e6);
                }
            }

            Nn.InputMirrors.Enabled = true;
            double MedianOf(List<double> values) => values.Count > 0 ? Timing.Median(values) : double.NaN;
            double MeanOf(List<double> values) => values.Count > 0 ? values.Average() : double.NaN;
            return [MedianOf(times[0]), MedianOf(times[1]), MeanOf(times[0]), MeanOf(times[1])];
        }

        var two = Steps(2, block => block % 2 == 1);
        var one = Steps(1, _ => false);
        Console.WriteLine(string.Format(C, "µs per Network B step, {0} blocks of {1} steps each way after 50 of warm-up:", blocks / 2, Block));
        Console.WriteLine(string.Format(C, "1 thread: median {0:F1}, mean {1:F1}", one[0], one[2]));
        Console.WriteLine(string.Format(C, "2 threads, x gathered once: median {0:F1} ({1:F2}×), mean {2:F1}", two[0], one[0] / two[0], two[2]));
        Console.WriteLine(string.Format(C, "2 threads, x gathered twice: median {0:F1} ({1:F2}×), mean {2:F1}", two[1], one[0] / two[1], two[3]));
        Console.WriteLine(string.Format(C, "Cores, after: {0}", CrossCoreProbe.Describe(CrossCoreProbe.Measure())));
        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }
}
