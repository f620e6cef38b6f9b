using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// The measurements of a training run: its epochs' costs and accuracies on whole data sets, and the objective
/// divergence is judged on, each a forward pass through the run's own buffers on the run's threads.
/// </summary>
internal sealed partial class TrainingRun<T>
{
    /// <summary>
    /// Rows whose costs <see cref="Measure"/> sums together (each forward pass may take fewer,
    /// <see cref="MeasuringBuffers{T}.ForwardRowsFor"/>): enough for the GEMM kernels to reach speed.
    /// </summary>
    private const int MeasureRows = 256;

    /// <summary>The forward-pass buffers of <see cref="Measure"/>, made at its first call.</summary>
    private MeasuringBuffers<T>? measuring;

    /// <summary>The (label, predicted) counts of <see cref="Measure"/>, made with <see cref="measuring"/>.</summary>
    private int[]? confusion;

    /// <summary>With <see cref="group"/>, the rows of each measured data set this rank measures (made at first use).</summary>
    private readonly System.Collections.Generic.Dictionary<Dataset<T>, Dataset<T>> shards = new(System.Collections.Generic.ReferenceEqualityComparer.Instance);

    /// <summary>How many of the samples order[start .. start + count) the last advance's forward passes classified right.</summary>
    private int Correct(int start, int count)
    {
        var correct = 0;
        for (var i = 0; i < count; i++)
        {
            correct += buffers.Predictions[i] == train.Labels[order[start + i]] ? 1 : 0;
        }

        return correct;
    }

    /// <summary>The most samples one <see cref="Advance"/> takes: a deferred block, or one batch.</summary>
    internal int SamplesPerAdvance => Strategy.SamplesPerAdvance;

    /// <summary>The strategy's <see cref="StepStrategy{T}.Advance"/> (for tests and benchmarks that drive steps directly).</summary>
    internal (int Done, string? Failure) Advance(long step, int start, int rows) => Strategy.Advance(step, start, rows);

    /// <summary>The strategy's <see cref="StepStrategy{T}.Step"/>: one step, allocating nothing (for tests and benchmarks).</summary>
    internal (double Cost, string? Failure) Step(long step, int start, int rows) => Strategy.Step(step, start, rows);

    /// <summary>
    /// The mean cost (without L2) of θ on the samples divergence is judged on (see <see cref="Objective"/>): the bits
    /// <see cref="Measure"/> gives on a copy of the probe's rows, as the probe's groups of
    /// <see cref="MeasuringBuffers{T}.CostRows"/> rows are the groups of one pass over that copy and their sums are
    /// added in the same order.
    /// </summary>
    private double ProbeCost()
    {
        if (probe is null)
        {
            return Measure(train).Cost;
        }

        var (pass, counts) = Measuring(probe.Count);
        var costSum = T.Zero;
        for (var start = 0; start < probe.Count; start += pass.CostRows)
        {
            costSum += Evaluation.Measure<T>(architecture, buffers.Theta, buffers.Statistics, probe.Group(start, pass.CostRows), pass, counts, loss);
        }

        Span<double> sum = [double.CreateChecked(costSum)];
        group?.Sum(sum);
        return sum[0] / TrainingOptions.DivergenceProbeSamples;
    }

    /// <summary>The measuring buffers, made at the first measurement (of <paramref name="rows"/> rows), and the confusion counts, cleared.</summary>
    private (MeasuringBuffers<T> Pass, int[] Confusion) Measuring(int rows)
    {
        measuring ??= new MeasuringBuffers<T>(architecture, Math.Min(MeasureRows, Math.Max(rows, train.Count)), workspace.Team);
        var classes = architecture.OutputSize;
        confusion ??= new int[Evaluation.CountsLength(classes)];
        Array.Clear(confusion);
        return (measuring, confusion);
    }

    /// <summary>The L2 term λ/(2n) Σ W² of θ, which the run minimises together with the cost.</summary>
    private double Penalty() =>
        options.L2 == 0 ? 0 : double.CreateChecked(Propagation.L2Penalty<T>(architecture, buffers.Theta, T.CreateChecked(options.L2), train.Count));

    /// <summary>
    /// The mean cost (without L2) and the accuracy of θ on <paramref name="data"/>, from one forward pass with costs
    /// summed in groups of <see cref="MeasureRows"/> rows (<see cref="Evaluation.Measure{T}"/>) through the run's own buffers, its
    /// products split over the run's threads like a training step's. The same numbers as
    /// <see cref="Backprop.Cost{T}(Network{T}, Loss, Matrix{T}, Matrix{T}, double, int?)"/> and
    /// <see cref="Evaluation.Accuracy{T}"/> up to the order of the cost's sum.
    /// </summary>
    private (double Cost, double Accuracy) Measure(Dataset<T> data)
    {
        var (pass, counts) = Measuring(data.Count);
        var classes = architecture.OutputSize;
        var count = data.Count;
        double costSum;
        if (group is null)
        {
            costSum = double.CreateChecked(Evaluation.Measure<T>(architecture, buffers.Theta, buffers.Statistics, data, pass, counts, loss));
        }
        else
        {
            // Each rank measures its share of the rows; the counts and cost sums then add up to the whole set's.
            if (!shards.TryGetValue(data, out var shard))
            {
                shard = DataParallel.Shard(data, group.Rank, group.Size);
                shards.Add(data, shard);
            }

            Span<double> sum = [shard.Count == 0 ? 0 : double.CreateChecked(Evaluation.Measure<T>(architecture, buffers.Theta, buffers.Statistics, shard, pass, counts, loss))];
            group.Sum(sum);
            group.Sum(counts);
            costSum = sum[0];
        }

        var correct = 0;
        for (var c = 0; c < classes; c++)
        {
            correct += counts[(c * classes) + c];
        }

        // Rows whose outputs are not finite have no class to be right or wrong about (their cost is not finite either).
        return (costSum / count, Evaluation.RunAccuracy(correct, count, classes, Evaluation.NonFinite(counts, classes)));
    }
}
