using System;
using System.Collections.Generic;
using System.Globalization;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// Inference over 10,000 Fashion-MNIST rows through Network B and LeNet-5 on two threads, the two ways the library can
/// split it, alternating in one process: each layer of each piece split over the threads (a workspace with a
/// <c>GemmTeam</c>, how <c>Network.Forward(network, inputs, threads)</c> ran until 2026-12-02), and each thread taking
/// its own share of the rows through its own workspace (<c>ParallelPieces</c>, how it runs now); beside one thread.
/// "Fresh" makes the buffers inside the timing, as a public call does; "warm" reuses them, as a training run's
/// measuring passes do after their first.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- inference-shares [rounds]</c>.
/// </summary>
internal static class InferenceShares
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int rounds)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var data = FashionMnist.Train(10_000).ToDataset();
        var shapes = new[]
        {
            ("Network B", NetworkBBenchmarks.Shape),
            ("LeNet-5", LeNetBenchmarks.Shape),
        };
        Console.WriteLine(string.Format(C, "Medians of {0} rounds, the five alternating; ms for 10,000 rows.", rounds));
        Console.WriteLine();
        Console.WriteLine("| network | 1 thread, fresh | 2 threads, each layer split, fresh | 2 threads, own shares, fresh | 1 thread, warm | 2 threads, own shares, warm |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, shape) in shapes)
        {
            var network = Network.Create<float>(shape, Initializer.He, 1);
            var theta = network.Parameters.AsSpan().ToArray();
            var statistics = network.State.AsSpan().ToArray();
            var x = data.Inputs.AsSpan().ToArray();
            var outputs = new float[data.Count * shape.OutputSize];
            using var one = new WorkerPool(1);
            using var two = new WorkerPool(2);
            var warmOne = new ParallelPieces<float>(shape, data.Count, one);
            var warmTwo = new ParallelPieces<float>(shape, data.Count, two);
            var times = new List<double>[5];
            for (var i = 0; i < times.Length; i++)
            {
                times[i] = [];
            }

            for (var round = 0; round < rounds; round++)
            {
                times[0].Add(Timing.Seconds(() => Network.Forward(network, data.Inputs)));
                times[1].Add(Timing.Seconds(() =>
                {
                    var workspace = new Workspace<float>(shape, PiecewiseForward.WorkspaceRows<float>(shape, data.Count), new GemmTeam<float>(two));
                    PiecewiseForward.Forward(shape, theta, statistics, x, data.Count, workspace, new float[outputs.Length]);
                }));
                times[2].Add(Timing.Seconds(() => new ParallelPieces<float>(shape, data.Count, two).Forward(theta, statistics, x, data.Count, new float[outputs.Length])));
                times[3].Add(Timing.Seconds(() => warmOne.Forward(theta, statistics, x, data.Count, outputs)));
                times[4].Add(Timing.Seconds(() => warmTwo.Forward(theta, statistics, x, data.Count, outputs)));
            }

            var medians = Array.ConvertAll(times, t => Timing.Median(t) * 1e3);
            Console.WriteLine(string.Format(
                C,
                "| {0} | {1:F1} | {2:F1} ({6:F2}×) | {3:F1} ({7:F2}×) | {4:F1} | {5:F1} ({8:F2}×) |",
                name,
                medians[0],
                medians[1],
                medians[2],
                medians[3],
                medians[4],
                medians[0] / medians[1],
                medians[0] / medians[2],
                medians[3] / medians[4]));
        }

        Console.WriteLine();
        Console.WriteLine(string.Format(C, "Cores: {0}", CrossCoreProbe.Describe(CrossCoreProbe.Measure())));
        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }
}
