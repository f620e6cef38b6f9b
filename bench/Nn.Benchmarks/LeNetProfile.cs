using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// Where a LeNet-5 training step spends its time: each layer's forward and backward pass over one batch of 128
/// Fashion-MNIST images, timed with a stopwatch (the median of many repetitions), on 1 and 2 threads, plus the
/// whole step. A rough guide for optimising, not a figure for docs/benchmarks.md (that is <see cref="LeNetBenchmarks"/>).
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- lenet-profile [repetitions]</c>.
/// </summary>
internal static class LeNetProfile
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int repetitions)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var data = FashionMnist.Train(LeNetBenchmarks.Batch).ToDataset();
        var architecture = LeNetBenchmarks.Shape;
        var network = Network.Create<float>(architecture, Initializer.He, 1);
        var theta = network.Parameters.ToArray();
        var x = data.Inputs.AsSpan().ToArray();
        var rows = LeNetBenchmarks.Batch;
        foreach (var threads in new[] { 1, 2 })
        {
            using var pool = threads > 1 ? new WorkerPool(threads) : null;
            var workspace = new Workspace<float>(architecture, rows, pool is null ? null : new GemmTeam<float>(pool));
            var gradient = new float[theta.Length];
            var layers = architecture.Stack;
            var forward = layers.Select(_ => new double[repetitions]).ToArray();
            var backward = layers.Select(_ => new double[repetitions]).ToArray();
            var forwardCpu = layers.Select(_ => new double[repetitions]).ToArray();
            var backwardCpu = layers.Select(_ => new double[repetitions]).ToArray();
            var fused = layers[0] is Conv2DLayer first && layers[1] is MaxPool2DLayer pooling && first.FusesWith(pooling) ? (first, pooling) : default;
            double[] fusedForward = new double[repetitions], fusedBackward = new double[repetitions], fusedForwardCpu = new double[repetitions], fusedBackwardCpu = new double[repetitions];
            for (var r = -3; r < repetitions; r++)
            {
                ReadOnlySpan<float> input = x;
                for (var l = 0; l < layers.Length; l++)
                {
                    var layer = layers[l];
                    var size = rows * layer.OutputShape.Size;
                    var cpu = Timing.ThreadMilliseconds();
                    var clock = Stopwatch.StartNew();
                    layer.Forward<float>(
                        theta.AsSpan(architecture.WeightOffset(l), layer.ParameterCount), input, rows, workspace.Z[l].AsSpan(0, size), workspace.A[l].AsSpan(0, size), workspace.Buffers[l], PassMode<float>.Objective);
                    if (r >= 0)
                    {
                        forward[l][r] = clock.Elapsed.TotalMilliseconds;
                        forwardCpu[l][r] = Timing.ThreadMilliseconds() - cpu;
                    }

                    input = workspace.A[l].AsSpan(0, size);
                }

                for (var l = layers.Length - 1; l >= 0; l--)
                {
                    var layer = layers[l];
                    var inputSize = rows * layer.InputShape.Size;
                    ReadOnlySpan<float> below = l == 0 ? x.AsSpan(0, inputSize) : workspace.A[l - 1].AsSpan(0, inputSize);
                    var inputGradient = l == 0 ? Span<float>.Empty : workspace.Delta[l - 1].AsSpan(0, inputSize);
                    // As the step runs it: a convolution below the top applies its own σ' to ∂C/∂a inside its pass.
                    var cpu = Timing.ThreadMilliseconds();
                    var clock = Stopwatch.StartNew();
                    StackPropagation.BackwardLayer<float>(architecture, l, theta, below, rows, workspace, gradient, false, inputGradient, PassMode<float>.Objective);
                    if (r >= 0)
                    {
                        backward[l][r] = clock.Elapsed.TotalMilliseconds;
                        backwardCpu[l][r] = Timing.ThreadMilliseconds() - cpu;
                    }
                }

                // The training step's fused first convolution and pooling, over the same batch and the δ the second
                // convolution just handed down (which its backward pass overwrites; the next repetition makes it again).
                if (fused.first is { } convolution)
                {
                    var pooledSize = rows * fused.pooling.OutputShape.Size;
                    var parameters = theta.AsSpan(0, convolution.ParameterCount);
                    var cpu = Timing.ThreadMilliseconds();
                    var clock = Stopwatch.StartNew();
                    convolution.ForwardPooled<float>(
                        parameters, x, rows, fused.pooling, workspace.Z[1].AsSpan(0, pooledSize), workspace.A[1].AsSpan(0, pooledSize), workspace.Buffers[1].Indices.AsSpan(0, pooledSize), workspace.Buffers[0]);
                    var forwardTime = clock.Elapsed.TotalMilliseconds;
                    var forwardCpuTime = Timing.ThreadMilliseconds() - cpu;
                    cpu = Timing.ThreadMilliseconds();
                    clock.Restart();
                    convolution.BackwardPooled<float>(
                        x, rows, fused.pooling, workspace.Delta[1].AsSpan(0, pooledSize), workspace.A[1].AsSpan(0, pooledSize), workspace.Buffers[1].Indices.AsSpan(0, pooledSize), gradient.AsSpan(0, convolution.ParameterCount), false, workspace.Buffers[0]);
                    if (r >= 0)
                    {
                        (fusedForward[r], fusedForwardCpu[r]) = (forwardTime, forwardCpuTime);
                        (fusedBackward[r], fusedBackwardCpu[r]) = (clock.Elapsed.TotalMilliseconds, Timing.ThreadMilliseconds() - cpu);
                    }
                }
            }

            Console.WriteLine();
            Console.WriteLine(string.Format(C, "{0} thread(s), batch {1}, medians of {2} (ms; the calling thread's CPU time in parentheses):", threads, rows, repetitions));
            Console.WriteLine("| layer | forward | backward |");
            Console.WriteLine("|---|---:|---:|");
            for (var l = 0; l < layers.Length; l++)
            {
                Console.WriteLine(string.Format(
                    C, "| {0} | {1:F3} ({2:F3}) | {3:F3} ({4:F3}) |", layers[l], Timing.Median(forward[l]), Timing.Median(forwardCpu[l]), Timing.Median(backward[l]), Timing.Median(backwardCpu[l])));
            }

            Console.WriteLine(string.Format(
                C, "| all layers | {0:F3} ({1:F3}) | {2:F3} ({3:F3}) |", forward.Sum(Timing.Median), forwardCpu.Sum(Timing.Median), backward.Sum(Timing.Median), backwardCpu.Sum(Timing.Median)));
            if (fused.first is not null)
            {
                Console.WriteLine(string.Format(
                    C,
                    "| layers 0-1 separately | {0:F3} ({1:F3}) | {2:F3} ({3:F3}) |",
                    Timing.Median(forward[0]) + Timing.Median(forward[1]),
                    Timing.Median(forwardCpu[0]) + Timing.Median(forwardCpu[1]),
                    Timing.Median(backward[0]) + Timing.Median(backward[1]),
                    Timing.Median(backwardCpu[0]) + Timing.Median(backwardCpu[1])));
                Console.WriteLine(string.Format(
                    C, "| layers 0-1 fused, as a training step runs them | {0:F3} ({1:F3}) | {2:F3} ({3:F3}) |", Timing.Median(fusedForward), Timing.Median(fusedForwardCpu), Timing.Median(fusedBackward), Timing.Median(fusedBackwardCpu)));
            }
        }

        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }
}
