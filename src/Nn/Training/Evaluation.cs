using System;
using System.Collections.Immutable;
using System.Linq;
using System.Numerics;
using System.Text;

namespace Nn;

/// <summary>
/// Accuracy, per-class accuracy and the confusion matrix of a classifier on labelled data. A sample whose outputs are
/// not all finite has no predicted class (the largest of several NaNs is no answer the network gave): it is counted in
/// <see cref="NonFiniteSamples"/> instead of the matrix, and the accuracies it would enter are NaN.
/// </summary>
/// <param name="Accuracy">The fraction of samples whose largest output is at the label; NaN when any sample's outputs are not finite.</param>
/// <param name="PerClassAccuracy">For each class, the fraction of its samples classified correctly (NaN when a class has no samples, or one of them has outputs that are not finite).</param>
/// <param name="Confusion">Counts of (actual, predicted) pairs over the samples with finite outputs.</param>
/// <exception cref="ArgumentException"><paramref name="PerClassAccuracy"/> is a default array.</exception>
/// <exception cref="ArgumentNullException"><paramref name="Confusion"/> is null.</exception>
public sealed record ClassificationReport(double Accuracy, ImmutableArray<double> PerClassAccuracy, ConfusionMatrix Confusion)
{
    // Checked here and in C#'s with, as TrainingState is: a report without them threw when compared or printed.
    private readonly ImmutableArray<double> perClassAccuracy = CheckedPerClass(PerClassAccuracy);
    private readonly ConfusionMatrix confusion = Confusion ?? throw new ArgumentNullException(nameof(Confusion));

    /// <summary>For each class, the fraction of its samples classified correctly.</summary>
    public ImmutableArray<double> PerClassAccuracy { get => perClassAccuracy; init => perClassAccuracy = CheckedPerClass(value); }

    /// <summary>Counts of (actual, predicted) pairs over the samples with finite outputs.</summary>
    public ConfusionMatrix Confusion { get => confusion; init => confusion = value ?? throw new ArgumentNullException(nameof(Confusion)); }

    /// <summary>How many samples gave an output that is NaN or infinite (0 for a network that stays finite on the data).</summary>
    public int NonFiniteSamples { get; init; }

    /// <inheritdoc/>
    public bool Equals(ClassificationReport? other) =>
        other is not null && Accuracy.Equals(other.Accuracy) && PerClassAccuracy.SequenceEqual(other.PerClassAccuracy) && Confusion.Equals(other.Confusion)
        && NonFiniteSamples == other.NonFiniteSamples;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Accuracy, Confusion, NonFiniteSamples);

    private static ImmutableArray<double> CheckedPerClass(ImmutableArray<double> value) =>
        value.IsDefault
            ? throw new ArgumentException("the per-class accuracies must be an array (one entry per class), not a default ImmutableArray.", nameof(PerClassAccuracy))
            : value;

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(ClassificationReport), PrintMembers);
}

/// <summary>An immutable confusion matrix: <c>this[actual, predicted]</c> counts the samples of class actual predicted as predicted.</summary>
public sealed class ConfusionMatrix : IEquatable<ConfusionMatrix>
{
    private readonly int[] counts;

    internal ConfusionMatrix(int classCount, int[] counts)
    {
        ClassCount = classCount;
        this.counts = counts;
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The number of samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    /// <param name="actual">The true class, 0 to <see cref="ClassCount"/> − 1.</param>
    /// <param name="predicted">The predicted class, 0 to <see cref="ClassCount"/> − 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside 0 to <see cref="ClassCount"/> − 1.</exception>
    public int this[int actual, int predicted]
    {
        get
        {
            // Checked one by one: the flat index of (0, ClassCount) is (1, 0)'s, so a wrong column could read another row.
            Guard.Index(nameof(actual), actual, ClassCount);
            Guard.Index(nameof(predicted), predicted, ClassCount);
            return counts[(actual * ClassCount) + predicted];
        }
    }

    /// <summary>The number of samples counted.</summary>
    public int Total => counts.Sum();

    /// <summary>The matrix as text: one row per actual class, one column per predicted class.</summary>
    /// <returns>A table.</returns>
    public override string ToString()
    {
        var text = new StringBuilder("actual\\pred");
        for (var p = 0; p < ClassCount; p++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{p,6}");
        }

        for (var a = 0; a < ClassCount; a++)
        {
            text.Append('\n').Append(System.Globalization.CultureInfo.InvariantCulture, $"{a,11}");
            for (var p = 0; p < ClassCount; p++)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{this[a, p],6}");
            }
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(ConfusionMatrix? other) => other is not null && ClassCount == other.ClassCount && counts.AsSpan().SequenceEqual(other.counts);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ConfusionMatrix);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ClassCount, Total);
}

/// <summary>Measuring a classifier.</summary>
/// <example><code>
/// var report = Evaluation.Evaluate(network, test);
/// Console.WriteLine($"accuracy {report.Accuracy:P2}");
/// </code></example>
public static class Evaluation
{
    private const int ChunkRows = PiecewiseForward.PieceCapacity;

    /// <summary>
    /// Accuracy, per-class accuracy and the confusion matrix of <paramref name="network"/> on <paramref name="data"/>,
    /// in inference mode (running statistics, no dropout).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The classifier: its largest output is its prediction.</param>
    /// <param name="data">Labelled samples with the network's input size and class count, at least 2 classes.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">The data does not fit the network, or has a single class, which every output would classify right.</exception>
    public static ClassificationReport Evaluate<T>(Network<T> network, Dataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        Network.ValidateInputShape(network, data.Inputs);
        if (data.ClassCount != network.OutputSize)
        {
            throw new ArgumentException($"data must have {network.OutputSize} classes (the network's output size), but has {data.ClassCount}.", nameof(data));
        }

        if (data.ClassCount < 2)
        {
            // The largest of one output is always at class 0, so the accuracy would be 1 whatever the network computed.
            throw new ArgumentException(
                "data must have at least 2 classes to measure a classifier, but has 1: every sample would be classified right whatever the network's output (for one output, such as a sigmoid's probability, see RegressionReport).",
                nameof(data));
        }

        var classes = data.ClassCount;
        var counts = new int[CountsLength(classes)];
        Measure(network.Architecture, network.Parameters.AsSpan(), network.State.AsSpan(), data, new MeasuringBuffers<T>(network.Architecture, Math.Min(ChunkRows, data.Count), null), counts, null);
        var confusion = new ConfusionMatrix(classes, counts[..(classes * classes)]);
        var correct = 0;
        var perClass = ImmutableArray.CreateBuilder<double>(classes);
        for (var c = 0; c < classes; c++)
        {
            correct += confusion[c, c];
            var total = 0;
            for (var p = 0; p < classes; p++)
            {
                total += confusion[c, p];
            }

            perClass.Add(total == 0 || NonFinite(counts, classes, c) > 0 ? double.NaN : (double)confusion[c, c] / total);
        }

        var nonFinite = NonFinite(counts, classes);
        return new ClassificationReport(nonFinite > 0 ? double.NaN : (double)correct / data.Count, perClass.MoveToImmutable(), confusion) { NonFiniteSamples = nonFinite };
    }

    /// <summary>
    /// The length of the counts <see cref="Measure{T}"/> fills for <paramref name="classes"/> classes: the confusion
    /// matrix (classes × classes, row = label), then one count per label of the samples whose outputs are not all finite.
    /// </summary>
    internal static int CountsLength(int classes) => classes * (classes + 1);

    /// <summary>
    /// A training run's accuracy from <paramref name="correct"/> of <paramref name="count"/> samples: NaN for a network
    /// of one output, whose every row is "class 0" (its accuracy would be 1 whatever it outputs), and when
    /// <paramref name="nonFinite"/> samples had outputs that are not all finite (they have no class to be right about).
    /// </summary>
    internal static double RunAccuracy(int correct, int count, int classes, int nonFinite = 0) =>
        classes < 2 || nonFinite > 0 ? double.NaN : (double)correct / count;

    /// <summary>How many samples in <paramref name="counts"/> (see <see cref="CountsLength"/>) had outputs that are not all finite: those labelled <paramref name="label"/>, or all of them when it is null.</summary>
    internal static int NonFinite(ReadOnlySpan<int> counts, int classes, int? label = null)
    {
        var perLabel = counts.Slice(classes * classes, classes);
        if (label is { } c)
        {
            return perLabel[c];
        }

        var sum = 0;
        foreach (var count in perLabel)
        {
            sum += count;
        }

        return sum;
    }

    /// <summary>Adds a sample with <paramref name="label"/> and <paramref name="outputs"/> to <paramref name="counts"/> (see <see cref="CountsLength"/>).</summary>
    private static void Count<T>(Span<int> counts, int label, ReadOnlySpan<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var classes = outputs.Length;
        var predicted = Kernels.TensorKernels.IndexOfMaxIfFinite(outputs);
        counts[predicted < 0 ? (classes * classes) + label : (label * classes) + predicted]++;
    }

    /// <summary>
    /// One forward pass over <paramref name="data"/>, in inference mode with the running <paramref name="statistics"/>
    /// (batch normalisation's, in the architecture's state layout): adds each sample's (label, predicted class) to
    /// <paramref name="confusion"/> (classes × classes, row = label), or, when its outputs are not all finite, its label to
    /// the per-label counts that follow the matrix (<see cref="CountsLength"/> entries in all), and, when <paramref name="loss"/> is given, returns
    /// the sum of the samples' costs (zero otherwise), summed in groups of <see cref="MeasuringBuffers{T}.CostRows"/>
    /// rows, each group's sum as one forward pass over it would give, whatever rows each forward pass takes. Shared by
    /// <see cref="Evaluate{T}"/> and the training loop's measuring, which brings its own threaded buffers.
    /// </summary>
    internal static T Measure<T>(
        Architecture architecture, ReadOnlySpan<T> theta, ReadOnlySpan<T> statistics, Dataset<T> data, MeasuringBuffers<T> buffers, Span<int> confusion, Loss? loss)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var classes = data.ClassCount;
        var inputs = data.Inputs.AsSpan();
        var targets = data.Targets.AsSpan();
        var staged = buffers.ForwardRows < buffers.CostRows;
        var last = architecture.Stack.Length - 1;
        var costSum = T.Zero;
        for (var start = 0; start < data.Count; start += buffers.CostRows)
        {
            var group = Math.Min(buffers.CostRows, data.Count - start);
            if (buffers.Pieces is { } pieces)
            {
                costSum += MeasureOnThreads(pieces, theta, statistics, data, start, group, buffers, confusion, loss);
                continue;
            }

            var workspace = buffers.Workspace!;
            int rows;
            for (var at = 0; at < group; at += rows)
            {
                rows = PiecewiseForward.PieceRows(group - at, buffers.ForwardRows);
                Propagation.Forward(architecture, theta, inputs.Slice((start + at) * architecture.InputSize), rows, workspace, PassMode<T>.Inference(statistics), outputsOnly: true);
                var output = workspace.Output(rows);
                for (var i = 0; i < rows; i++)
                {
                    Count(confusion, data.Labels[start + at + i], output.Slice(i * classes, classes));
                }

                if (loss is not null && staged)
                {
                    workspace.Z[last].AsSpan(0, rows * classes).CopyTo(buffers.Z.AsSpan(at * classes));
                    output.CopyTo(buffers.A.AsSpan(at * classes));
                }
            }

            if (loss is not null)
            {
                var y = targets.Slice(start * classes);
                costSum += staged
                    ? loss.SumOfCosts<T>(buffers.Z.AsSpan(0, group * classes), buffers.A.AsSpan(0, group * classes), y.Slice(0, group * classes), classes, architecture.OutputActivation)
                    : Propagation.SumOfCosts(architecture, loss, y, group, workspace);
            }
        }

        return costSum;
    }

    /// <summary>
    /// One group of <see cref="Measure{T}"/> with its rows shared out over the run's threads, each through its own
    /// workspace into the group's last-layer z and a, then counted and summed on the calling thread from those: the
    /// same bits as a pass on one thread, since each row's outputs are, and the sum runs over the same arrays in the
    /// same order.
    /// </summary>
    private static T MeasureOnThreads<T>(
        ParallelPieces<T> pieces, ReadOnlySpan<T> theta, ReadOnlySpan<T> statistics, Dataset<T> data, int start, int group, MeasuringBuffers<T> buffers, Span<int> confusion, Loss? loss)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var classes = data.ClassCount;
        var z = buffers.Z.AsSpan(0, group * classes);
        var a = buffers.A.AsSpan(0, group * classes);
        pieces.Forward(theta, statistics, data.Inputs.AsSpan().Slice(start * pieces.Architecture.InputSize), group, a, z);
        for (var i = 0; i < group; i++)
        {
            Count(confusion, data.Labels[start + i], a.Slice(i * classes, classes));
        }

        return loss is null
            ? T.Zero
            : loss.SumOfCosts<T>(z, a, data.Targets.AsSpan().Slice(start * classes, group * classes), classes, pieces.Architecture.OutputActivation);
    }

    /// <summary>The fraction of samples classified correctly.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The classifier.</param>
    /// <param name="data">Labelled samples of at least 2 classes.</param>
    /// <returns>The accuracy in [0, 1], or NaN when the network's outputs for a sample are not all finite.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Evaluate{T}"/>.</exception>
    public static double Accuracy<T>(Network<T> network, Dataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T> => Evaluate(network, data).Accuracy;
}
