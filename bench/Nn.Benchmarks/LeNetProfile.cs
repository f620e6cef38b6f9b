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
            // The convolutions a training step runs fused with the pooling above them, by the index of the convolution.
            var pairs = Enumerable.Range(0, layers.Length - 2)
                .Where(l => layers[l] is Conv2DLayer convolution && layers[l + 1] is MaxPool2DLayer pooling && convolution.FusesWith(pooling, workspace.Buffers[l].Path, l == 0))
                .ToArray();
            var fusedForward = pairs.Select(_ => new double[repetitions]).ToArray();
            var fusedBackward = pairs.Select(_ => new double[repetitions]).ToArray();
            var fusedForwardCpu = pairs.Select(_ => new double[repetitions]).ToArray();
            var fusedBackwardCpu = pairs.Select(_ => new double[repetitions]).ToArray();
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

                // The training step's fused pairs, over the same batch and the δ the layers above just handed down, top
                // pair first as the step runs them (each overwrites its pooled δ; the next repetition makes it again).
                for (var p = pairs.Length - 1; p >= 0; p--)
                {
                    var l = pairs[p];
                    var convolution = (Conv2DLayer)layers[l];
                    var pooling = (MaxPool2DLayer)layers[l + 1];
                    var pooledSize = rows * pooling.OutputShape.Size;
                    var inputSize = rows * convolution.InputShape.Size;
                    var parameters = theta.AsSpan(architecture.WeightOffset(l), convolution.ParameterCount);
                    ReadOnlySpan<float> below = l == 0 ? x.AsSpan(0, inputSize) : workspace.A[l - 1].AsSpan(0, inputSize);
                    var inputGradient = l == 0 ? Span<float>.Empty : workspace.Delta[l - 1].AsSpan(0, inputSize);
                    var cpu = Timing.ThreadMilliseconds();
                    var clock = Stopwatch.StartNew();
                    convolution.ForwardPooled<float>(
                        parameters, below, rows, pooling, workspace.Z[l + 1].AsSpan(0, pooledSize), workspace.A[l + 1].AsSpan(0, pooledSize), workspace.Buffers[l + 1].Indices.AsSpan(0, pooledSize), workspace.Buffers[l]);
                    var forwardTime = clock.Elapsed.TotalMilliseconds;
                    var forwardCpuTime = Timing.ThreadMilliseconds() - cpu;
                    cpu = Timing.ThreadMilliseconds();
                    clock.Restart();
                    convolution.BackwardPooled<float>(
                        parameters,
                        below,
                        rows,
                        pooling,
                        workspace.Delta[l + 1].AsSpan(0, pooledSize),
                        workspace.A[l + 1].AsSpan(0, pooledSize),
                        workspace.Buffers[l + 1].Indices.AsSpan(0, pooledSize),
                        gradient.AsSpan(architecture.WeightOffset(l), convolution.ParameterCount),
                        false,
                        inputGradient,
                        workspace.Buffers[l]);
                    if (r >= 0)
                    {
                        (fusedForward[p][r], fusedForwardCpu[p][r]) = (forwardTime, forwardCpuTime);
                        (fusedBackward[p][r], fusedBackwardCpu[p][r]) = (clock.Elapsed.TotalMilliseconds, Timing.ThreadMilliseconds() - cpu);
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
            for (var p = 0; p < pairs.Length; p++)
            {
                var l = pairs[p];
                Console.WriteLine(string.Format(
                    C,
                    "| layers {0}-{1} separately | {2:F3} ({3:F3}) | {4:F3} ({5:F3}) |",
                    l,
                    l + 1,
                    Timing.Median(forward[l]) + Timing.Median(forward[l + 1]),
                    Timing.Median(forwardCpu[l]) + Timing.Median(forwardCpu[l + 1]),
                    Timing.Median(backward[l]) + Timing.Median(backward[l + 1]),
                    Timing.Median(backwardCpu[l]) + Timing.Median(backwardCpu[l + 1])));
                Console.WriteLine(string.Format(
                    C,
                    "| layers {0}-{1} fused, as a training step runs them | {2:F3} ({3:F3}) | {4:F3} ({5:F3}) |",
                    l,
                    l + 1,
                    Timing.Median(fusedForward[p]),
                    Timing.Median(fusedForwardCpu[p]),
                    Timing.Median(fusedBackward[p]),
                    Timing.Median(fusedBackwardCpu[p])));
            }
        }

        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }
}
