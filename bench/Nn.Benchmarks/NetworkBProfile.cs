using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// Where a Network B training step (784-256-128-10 ReLU, softmax cross-entropy, Adam, batch 128) spends its time on
/// 1 and on 2 threads: the batch gather, each product, each element-wise pass between products, the cost and
/// δ^L, and the Adam update, each timed with a stopwatch (median of many repetitions, 1 and 2 threads alternating
/// every round), beside the whole step: once one product and one pass at a time (each split on its own, as a step
/// was taken before the two regions), once as the step takes it now (<c>DenseStepRegions</c>: the rows through every
/// layer, then every weight gradient), so the 2-thread column shows which phases hold the step's scaling back. A guide for optimising, not a figure for docs/benchmarks.md
/// (that is <see cref="ThreadScaling"/>).
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- b-profile [repetitions]</c>.
/// </summary>
internal static class NetworkBProfile
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int repetitions)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var data = FashionMnist.Train(NetworkBBenchmarks.Samples).ToDataset();
        var architecture = NetworkBBenchmarks.Shape;
        var theta = Network.Create<float>(architecture, Initializer.He, 1).Parameters.ToArray();
        foreach (var regions in new[] { false, true })
        {
            Console.WriteLine();
            Console.WriteLine(regions
                ? "The step as Propagation takes it now: two regions (rows through every layer, then every ∂W and ∂b); on 1 thread the same calls on a pool of one."
                : "The step one product and one element-wise pass at a time, each split on its own (the structure before the two regions).");
            Profile(architecture, theta, data, repetitions, regions);
        }

        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }

    private static void Profile(Architecture architecture, float[] theta, Dataset<float> data, int repetitions, bool regions)
    {
        var timings = new Dictionary<string, List<double>>[] { [], [] };
        var names = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            // Alternate which thread count goes first, so a slow stretch of the machine hits both.
            foreach (var threads in round % 2 == 0 ? new[] { 1, 2 } : [2, 1])
            {
                using var pool = threads > 1 || regions ? new WorkerPool(threads) : null;
                var profile = new StepProfile(architecture, theta, data, pool);
                for (var r = -5; r < repetitions; r++)
                {
                    var start = (r + 5) * NetworkBBenchmarks.Batch % (data.Count - NetworkBBenchmarks.Batch);
                    var phases = regions ? profile.StepInRegions(start) : profile.Step(start);
                    foreach (var (name, milliseconds) in phases)
                    {
                        if (r < 0)
                        {
                            continue;
                        }

                        if (!timings[threads - 1].TryGetValue(name, out var list))
                        {
                            timings[threads - 1][name] = list = [];
                            if (!names.Contains(name))
                            {
                                names.Add(name);
                            }
                        }

                        list.Add(milliseconds);
                    }
                }
            }
        }

        Console.WriteLine(string.Format(C, "Medians of 3 × {0} steps per thread count; kernel path {1}.", repetitions, KernelSelection.Default));
        Console.WriteLine();
        Console.WriteLine("| phase | 1 thread (µs) | 2 threads (µs) | 1 ÷ 2 |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var name in names)
        {
            double one = Timing.Median(timings[0][name]) * 1e3, two = Timing.Median(timings[1][name]) * 1e3;
            Console.WriteLine(string.Format(C, "| {0} | {1:F1} | {2:F1} | {3:F2}× |", name, one, two, one / two));
        }
    }

    /// <summary>One run's buffers and a step taken phase by phase, the way <c>OptimizerSteps</c> and <c>Propagation</c> take it.</summary>
    private sealed class StepProfile
    {
        private readonly Architecture architecture;
        private readonly float[] theta;
        private readonly float[] next;
        private readonly float[] gradient;
        private readonly float[][] moments;
        private readonly float[][] nextMoments;
        private readonly float[] inputs;
        private readonly float[] targets;
        private readonly BatchGather<float> gather;
        private readonly Workspace<float> workspace;
        private readonly ParallelUpdate<float>? update;
        private readonly Adam rule = new(1e-3);
        private readonly List<(string, double)> phases = [];

        /// <summary>Per layer, the names of its phases, made once so that no formatting falls inside a timed phase.</summary>
        private readonly string[][] names;
        private long step;

        public StepProfile(Architecture architecture, float[] theta, Dataset<float> data, WorkerPool? pool)
        {
            this.architecture = architecture;
            this.theta = (float[])theta.Clone();
            next = new float[theta.Length];
            gradient = new float[theta.Length];
            moments = [new float[theta.Length], new float[theta.Length]];
            nextMoments = [new float[theta.Length], new float[theta.Length]];
            var rows = NetworkBBenchmarks.Batch;
            inputs = new float[rows * architecture.InputSize];
            targets = new float[rows * architecture.OutputSize];
            gather = new BatchGather<float>(data, Enumerable.Range(0, data.Count).ToArray(), inputs, targets, pool);
            workspace = new Workspace<float>(architecture, rows, pool is null ? null : new GemmTeam<float>(pool));
            update = pool is null ? null : new ParallelUpdate<float>(pool);
            names = architecture.Layers.Select((layer, l) => new[]
            {
                string.Format(C, "layer {0} forward: Z = X Wᵀ ({1} × {2}, k = {3})", l + 1, rows, layer.Outputs, layer.Inputs),
                string.Format(C, "layer {0} forward: + b, σ", l + 1),
                string.Format(C, "layer {0} backward: ∂W = δᵀ X", l + 1),
                string.Format(C, "layer {0} backward: ∂X = δ W", l + 1),
                string.Format(C, "layer {0} backward: ∂b, σ' below", l + 1),
            }).ToArray();
        }

        /// <summary>One step from sample <paramref name="start"/> in the two regions of <c>DenseStepRegions</c>: each phase's time in milliseconds, then the sum.</summary>
        public List<(string Name, double Milliseconds)> StepInRegions(int start)
        {
            phases.Clear();
            var rows = NetworkBBenchmarks.Batch;
            var whole = Stopwatch.GetTimestamp();
            var clock = Stopwatch.GetTimestamp();
            void Lap(string name)
            {
                var now = Stopwatch.GetTimestamp();
                phases.Add((name, (now - clock) * 1e3 / Stopwatch.Frequency));
                clock = now;
            }

            var regions = workspace.StepRegions!;
            gather.Gather(start, rows);
            Lap("gather 128 rows");
            regions.ForwardAndDeltas(Loss.SoftmaxCrossEntropy, theta, inputs, targets, rows);
            Lap("layer 1 product by columns, then region 1: rows through the forward pass, δ^L and δ^l");
            Propagation.MeanCost(architecture, Loss.SoftmaxCrossEntropy, targets, rows, workspace);
            Lap("cost (one thread)");
            regions.Gradients(inputs, rows, gradient, true);
            Lap("region 2: every ∂W = δᵀ X and ∂b");
            var at = new UpdateStep(++step, architecture);
            var _ = update?.UpdateInto(rule, at, theta, gradient, moments, nextMoments, next) ?? rule.UpdateInto<float>(at, theta, gradient, moments, nextMoments, next);
            Lap("Adam update of θ and moments");
            phases.Add(("whole step (sum of the above)", (Stopwatch.GetTimestamp() - whole) * 1e3 / Stopwatch.Frequency));
            return phases;
        }

        /// <summary>One step from sample <paramref name="start"/>, one product and pass at a time: each phase's time in milliseconds, then the sum.</summary>
        public List<(string Name, double Milliseconds)> Step(int start)
        {
            phases.Clear();
            var rows = NetworkBBenchmarks.Batch;
            var layers = architecture.Layers;
            var whole = Stopwatch.GetTimestamp();
            var clock = Stopwatch.GetTimestamp();
            void Lap(string name)
            {
                var now = Stopwatch.GetTimestamp();
                phases.Add((name, (now - clock) * 1e3 / Stopwatch.Frequency));
                clock = now;
            }

            gather.Gather(start, rows);
            Lap("gather 128 rows");
            ReadOnlySpan<float> input = inputs;
            for (var l = 0; l < layers.Length; l++)
            {
                var layer = layers[l];
                var z = workspace.Z[l].AsSpan(0, rows * layer.Outputs);
                var a = workspace.A[l].AsSpan(0, rows * layer.Outputs);
                DenseKernels.MultiplyByTranspose<float>(input, rows, layer.Inputs, theta.AsSpan(architecture.WeightOffset(l), layer.WeightCount), layer.Outputs, z, workspace.Path, workspace.Team);
                Lap(names[l][0]);
                var bias = theta.AsSpan(architecture.BiasOffset(l), layer.Outputs);
                if (workspace.RowPasses is { } passes)
                {
                    passes.BiasAndActivation(layer.Activation, bias, rows, layer.Outputs, z, a);
                }
                else
                {
                    DenseKernels.AddRowVectorInto<float>(bias, rows, z);
                    layer.Activation.ForwardInto<float>(z, a, layer.Outputs);
                }

                Lap(names[l][1]);
                input = a;
            }

            var last = layers.Length - 1;
            var outputs = architecture.OutputSize;
            Propagation.MeanCost(architecture, Loss.SoftmaxCrossEntropy, targets, rows, workspace);
            var deltaL = workspace.Delta[last].AsSpan(0, rows * outputs);
            Loss.SoftmaxCrossEntropy.OutputDeltaInto<float>(workspace.Z[last].AsSpan(0, deltaL.Length), workspace.A[last].AsSpan(0, deltaL.Length), targets, outputs, layers[last].Activation, deltaL);
            TensorKernels.Multiply(deltaL, 1f / rows, deltaL);
            Lap("cost and δ^L");
            for (var l = last; l >= 0; l--)
            {
                var layer = layers[l];
                var delta = workspace.Delta[l].AsSpan(0, rows * layer.Outputs);
                ReadOnlySpan<float> below = l == 0 ? inputs : workspace.A[l - 1].AsSpan(0, rows * layer.Inputs);
                DenseKernels.TransposeProduct<float>(delta, rows, layer.Outputs, below, layer.Inputs, gradient.AsSpan(architecture.WeightOffset(l), layer.WeightCount), false, workspace.Path, workspace.Team);
                Lap(names[l][2]);
                var deltaBelow = Span<float>.Empty;
                if (l > 0)
                {
                    deltaBelow = workspace.Delta[l - 1].AsSpan(0, rows * layer.Inputs);
                    DenseKernels.Multiply<float>(delta, rows, layer.Outputs, theta.AsSpan(architecture.WeightOffset(l), layer.WeightCount), layer.Inputs, deltaBelow, workspace.Path, workspace.Team);
                    Lap(names[l][3]);
                }

                var biasGradient = gradient.AsSpan(architecture.BiasOffset(l), layer.Outputs);
                biasGradient.Clear();
                var belowLayer = layers[Math.Max(l - 1, 0)];
                var zBelow = workspace.Z[Math.Max(l - 1, 0)].AsSpan(0, deltaBelow.Length);
                var aBelow = workspace.A[Math.Max(l - 1, 0)].AsSpan(0, deltaBelow.Length);
                if (workspace.RowPasses is { } passes)
                {
                    passes.BiasGradientAndActivationBackward(delta, rows, layer.Outputs, biasGradient, belowLayer.Activation, belowLayer.Outputs, zBelow, aBelow, deltaBelow);
                }
                else
                {
                    DenseKernels.AddColumnSumsInto<float>(delta, rows, biasGradient);
                    belowLayer.Activation.BackwardInto<float>(zBelow, aBelow, deltaBelow, deltaBelow, belowLayer.Outputs);
                }

                Lap(names[l][4]);
            }

            var at = new UpdateStep(++step, architecture);
            var _ = update?.UpdateInto(rule, at, theta, gradient, moments, nextMoments, next) ?? rule.UpdateInto<float>(at, theta, gradient, moments, nextMoments, next);
            Lap("Adam update of θ and moments");
            phases.Add(("whole step (sum of the above)", (Stopwatch.GetTimestamp() - whole) * 1e3 / Stopwatch.Frequency));
            return phases;
        }
    }
}
