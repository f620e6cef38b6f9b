using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// Where a Network A block (784-100-10 sigmoid, quadratic cost, per-sample SGD, 32 samples with the first layer's
/// updates deferred; optionally 784-H-10) spends its time on 1 and on 2 threads when it takes the two-thread regions
/// (which a training run's <c>SplitChooser</c> gives it only while they are the faster): the whole block
/// (<c>DeferredSgd.TryRun</c>); its region
/// before the per-sample loop (X W¹ᵀ and the Gram matrix X Xᵀ's first row sliver; on one thread, as on two, only that
/// sliver is timed here), run again on its own; the first layer's update W¹' = W¹₀ + Uᵀ X as a region of its own
/// (<c>DeferredSgdRegions.Update</c>, which a block runs when its loop cannot keep its thread; a two-thread block
/// normally runs the update inside the loop's region, <c>SamplesAndUpdate</c>); and by difference the rest, the
/// per-sample loop, which runs on one thread whatever the thread count and so bounds the gain (on two threads the
/// other one computes the rest of X Xᵀ beside it; on one thread the difference includes that rest). Each timed with a
/// stopwatch, medians over the first 10,000 Fashion-MNIST images' blocks, 1 and 2 threads alternating every round. A
/// guide for optimising, not a figure for docs/benchmarks.md (that is <see cref="ThreadScaling"/>).
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- a-profile [rounds] [H]</c>.
/// </summary>
internal static class NetworkAProfile
{
    private const int Block = 32;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int rounds, int hidden)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var data = FashionMnist.Train(NetworkABenchmarks.Samples).ToDataset();
        var architecture = Architecture.Input(784).Dense(hidden, Activation.Sigmoid).Dense(10, Activation.Sigmoid);
        var theta = Network.Create<float>(architecture, Initializer.NormalInverseSqrtInputs, 1).Parameters.ToArray();
        string[] names = ["whole block (DeferredSgd.TryRun)", "region before the loop: X W¹ᵀ and X Xᵀ's first rows", "the update W¹' = W¹₀ + Uᵀ X as a region of its own", "per-sample loop, the rest of X Xᵀ beside it (the difference)"];
        var timings = names.Select(_ => new List<double>[] { [], [] }).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which thread count goes first, so a slow stretch of the machine hits both.
            foreach (var threads in round % 2 == 0 ? new[] { 1, 2 } : [2, 1])
            {
                var times = Profile(architecture, theta, data, threads);
                for (var i = 0; i < names.Length; i++)
                {
                    timings[i][threads - 1].AddRange(times[i]);
                }
            }
        }

        Console.WriteLine(string.Format(C, "784-{0}-10; medians over {1} rounds of {2} blocks of {3} samples per thread count; kernel path {4}.", hidden, rounds, data.Count / Block, Block, KernelSelection.Default));
        Console.WriteLine();
        Console.WriteLine("| phase of a block | 1 thread (µs) | 2 threads (µs) | 1 ÷ 2 |");
        Console.WriteLine("|---|---:|---:|---:|");
        for (var i = 0; i < names.Length; i++)
        {
            double one = Timing.Median(timings[i][0]), two = Timing.Median(timings[i][1]);
            Console.WriteLine(string.Format(C, "| {0} | {1:F1} | {2:F1} | {3:F2}× |", names[i], one, two, one / two));
        }

        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }

    /// <summary>Per phase, the microseconds of every block of one pass over the data on <paramref name="threads"/> threads.</summary>
    private static List<double>[] Profile(Architecture architecture, float[] theta, Dataset<float> data, int threads)
    {
        using var pool = new WorkerPool(threads);
        var team = threads > 1 ? new GemmTeam<float>(pool) : null;
        var workspace = new Workspace<float>(architecture, Block, team);
        var deferred = new DeferredSgd<float>(architecture, Loss.Quadratic, 0.1f, Block);
        var regions = new DeferredSgdRegions<float>(pool);
        var first = architecture.Layers[0];
        var weights = theta.AsSpan(architecture.WeightOffset(0), first.WeightCount).ToArray();
        var next = new float[theta.Length];
        var scratch = new float[theta.Length];
        var products = new float[Block * first.Outputs];
        var gram = new float[Block * Block];
        var updates = Enumerable.Range(0, Block * first.Outputs).Select(i => 1e-3f * ((i % 13) - 6)).ToArray();
        var costs = new double[Block];
        var predictions = new int[Block];
        var inputs = data.Inputs.AsSpan();
        var targets = data.Targets.AsSpan();
        var times = new List<double>[] { [], [], [], [] };
        for (var start = 0; start + Block <= data.Count; start += Block)
        {
            var x = inputs.Slice(start * first.Inputs, Block * first.Inputs);
            var y = targets.Slice(start * architecture.OutputSize, Block * architecture.OutputSize);
            var clock = Stopwatch.GetTimestamp();
            deferred.TryRun(theta, x, y, Block, next, costs, predictions, workspace, scratch);
            var whole = Microseconds(ref clock);
            regions.Products(workspace.Path, x, Block, first.Inputs, weights, first.Outputs, products, gram, overlapped: true);
            var before = Microseconds(ref clock);
            regions.Update(workspace.Path, updates, x, Block, first.Inputs, first.Outputs, scratch.AsSpan(0, first.WeightCount), weights, next.AsSpan(0, first.WeightCount));
            var after = Microseconds(ref clock);
            times[0].Add(whole);
            times[1].Add(before);
            times[2].Add(after);
            times[3].Add(whole - before - after);
        }

        return times;
    }

    private static double Microseconds(ref long clock)
    {
        var now = Stopwatch.GetTimestamp();
        var elapsed = (now - clock) * 1e6 / Stopwatch.Frequency;
        clock = now;
        return elapsed;
    }
}
