using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Numerics;

namespace Nn;

/// <summary>
/// Labelled samples: inputs X (one row per sample), targets Y (one row per sample, e.g. one-hot) and the class
/// label of each row. Immutable; <see cref="Dataset"/> builds and splits them.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Dataset<T> : IEquatable<Dataset<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal Dataset(Matrix<T> inputs, Matrix<T> targets, ImmutableArray<int> labels)
    {
        Inputs = inputs;
        Targets = targets;
        Labels = labels;
    }

    /// <summary>X, rows = samples.</summary>
    public Matrix<T> Inputs { get; }

    /// <summary>Y, rows = samples.</summary>
    public Matrix<T> Targets { get; }

    /// <summary>The class of each sample (the index of its largest target).</summary>
    public ImmutableArray<int> Labels { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Inputs.Rows;

    /// <summary>The number of classes (target columns).</summary>
    public int ClassCount => Targets.Columns;

    /// <summary>The samples at the given indices, in that order (none for an empty span: a split's part may be empty).</summary>
    /// <param name="indices">Row indices, each in [0, <see cref="Count"/>); an index may repeat.</param>
    /// <returns>A new data set.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below <see cref="Count"/>.</exception>
    public Dataset<T> Select(ReadOnlySpan<int> indices)
    {
        var labels = ImmutableArray.CreateBuilder<int>(indices.Length);
        for (var k = 0; k < indices.Length; k++)
        {
            if ((uint)indices[k] >= (uint)Count)
            {
                Guard.Index($"indices[{k}]", indices[k], Count);
            }

            labels.Add(Labels[indices[k]]);
        }

        return new Dataset<T>(Inputs.SelectRows(indices), Targets.SelectRows(indices), labels.MoveToImmutable());
    }

    /// <inheritdoc/>
    public bool Equals(Dataset<T>? other) =>
        other is not null && Inputs.Equals(other.Inputs) && Targets.Equals(other.Targets) && Labels.SequenceEqual(other.Labels);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Dataset<T>);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Inputs, Targets);

    /// <inheritdoc/>
    public override string ToString() => $"Dataset<{typeof(T).Name}>({Count} samples, {Inputs.Columns} inputs, {ClassCount} classes)";
}

/// <summary>Building data sets: from labels or targets, and split into training and test parts.</summary>
/// <example><code>
/// var data = Dataset.FromLabels(inputs, labels, classCount: 10);
/// var (train, test) = Dataset.SplitEvery(data, 5);
/// </code></example>
public static partial class Dataset
{
    /// <summary>A data set with one-hot targets: <paramref name="on"/> at the label's column, <paramref name="off"/> elsewhere.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="inputs">X, finite, at least one row.</param>
    /// <param name="labels">One label per row, each in [0, classCount).</param>
    /// <param name="classCount">The number of classes, in 1..<see cref="Limits.MaxClasses"/>.</param>
    /// <param name="on">The target value for the true class (1, or the textbook's 0.99).</param>
    /// <param name="off">The target value for the other classes (0, or the textbook's 0.01).</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ArgumentException">
    /// A size is beyond <see cref="Limits"/>: more classes than <see cref="Limits.MaxClasses"/>, wider samples than
    /// <see cref="Limits.MaxWidth"/>, or more target elements than <see cref="Limits.MaxElements"/>; or
    /// <paramref name="on"/> or <paramref name="off"/> is not a finite number of <typeparamref name="T"/>
    /// (<see cref="ArgumentOutOfRangeException"/>), or they are equal in <typeparamref name="T"/>.
    /// </exception>
    public static Dataset<T> FromLabels<T>(Matrix<T> inputs, IReadOnlyList<int> labels, int classCount, double on = 1, double off = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        Guard.NotDefault(labels, nameof(labels));
        Limits.Size(nameof(classCount), classCount, Limits.MaxClasses, nameof(Limits.MaxClasses));
        Guard.Length(nameof(labels), inputs.Rows, labels.Count);
        CheckShape(inputs);
        var (onValue, offValue) = (TargetValue<T>(nameof(on), on), TargetValue<T>(nameof(off), off));
        if (onValue == offValue)
        {
            // As PixelScaling refuses TargetOn = TargetOff: every class would have the same target, so none could be learned.
            var type = on == off ? string.Empty : $" in {ElementTypes.Name<T>()}";
            throw new ArgumentException(
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"on must differ from off, but both are {onValue}{type}: the true class would have the same target as the others."),
                nameof(on));
        }

        var targets = new T[Limits.Elements(nameof(classCount), labels.Count, classCount, "the one-hot targets, samples × classes")];
        targets.AsSpan().Fill(offValue);
        for (var i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"label {i} must be in [0, {classCount}), but is {labels[i]}.");
            }

            targets[(i * classCount) + labels[i]] = onValue;
        }

        return new Dataset<T>(inputs, Matrix<T>.Own(labels.Count, classCount, targets), labels.ToImmutableArray());
    }

    /// <summary>A data set from explicit targets (e.g. multi-label or soft); each row's label is the index of its largest target.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="inputs">X, finite, at least one row.</param>
    /// <param name="targets">Y, the same rows, finite, at most <see cref="Limits.MaxClasses"/> columns.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ArgumentException">
    /// The shapes differ, a value is not finite, or a width is beyond <see cref="Limits.MaxWidth"/> (inputs) or <see cref="Limits.MaxClasses"/> (targets).
    /// </exception>
    public static Dataset<T> FromTargets<T>(Matrix<T> inputs, Matrix<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Rows != inputs.Rows)
        {
            throw new ArgumentException($"targets must have {inputs.Rows} rows (one per input row), but have {targets.Rows}.", nameof(targets));
        }

        Limits.Size("targets.Columns", targets.Columns, Limits.MaxClasses, nameof(Limits.MaxClasses));
        CheckShape(inputs);
        Guard.FiniteData(nameof(targets), targets.AsSpan());
        var labels = ImmutableArray.CreateBuilder<int>(targets.Rows);
        for (var i = 0; i < targets.Rows; i++)
        {
            labels.Add(Kernels.TensorKernels.IndexOfMax(targets.Row(i)));
        }

        return new Dataset<T>(inputs, targets, labels.MoveToImmutable());
    }

    /// <summary>A one-hot target value in <typeparamref name="T"/>, refused when it is not finite there (1e300 is ∞ in float32).</summary>
    private static T TargetValue<T>(string name, double value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var converted = T.CreateChecked(value);
        return T.IsFinite(converted)
            ? converted
            : throw new ArgumentOutOfRangeException(name, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} must be a finite number in {ElementTypes.Name<T>()}, but is {value}."));
    }

    /// <summary>Throws unless the inputs hold at least one sample, of a width a network can take, all finite.</summary>
    private static void CheckShape<T>(Matrix<T> inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inputs.Rows == 0)
        {
            throw new ArgumentException("a data set must hold at least 1 sample, but has 0.", nameof(inputs));
        }

        Limits.Size("inputs.Columns", inputs.Columns, Limits.MaxWidth, nameof(Limits.MaxWidth));
        Guard.FiniteData(nameof(inputs), inputs.AsSpan());
    }

    /// <summary>A deterministic split: every <paramref name="period"/>-th sample (indices period−1, 2·period−1, …) is a test sample.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="data">The samples.</param>
    /// <param name="period">At least 2.</param>
    /// <returns>The training part and the test part, both in the original order.</returns>
    public static DatasetSplit<T> SplitEvery<T>(Dataset<T> data, int period)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (period < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"period must be at least 2, but is {period}.");
        }

        var train = new List<int>();
        var test = new List<int>();
        for (var i = 0; i < data.Count; i++)
        {
            (i % period == period - 1 ? test : train).Add(i);
        }

        if (train.Count == 0 || test.Count == 0)
        {
            throw new ArgumentException($"splitting {data.Count} samples every {period} leaves an empty part.", nameof(data));
        }

        return new DatasetSplit<T>(data.Select(train.ToArray()), data.Select(test.ToArray()));
    }

    /// <summary>A seeded random split with <paramref name="testCount"/> samples in the test part.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="data">The samples.</param>
    /// <param name="testCount">The size of the test part, in [1, Count − 1].</param>
    /// <param name="seed">The shuffle's seed.</param>
    /// <returns>The training part and the test part.</returns>
    public static DatasetSplit<T> SplitRandom<T>(Dataset<T> data, int testCount, ulong seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (testCount < 1 || testCount >= data.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(testCount), testCount, $"testCount must be in [1, {data.Count - 1}], but is {testCount}.");
        }

        var order = new int[data.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var random = new RandomGenerator(RandomState.FromSeed(seed));
        random.Shuffle(order);
        return new DatasetSplit<T>(data.Select(order.AsSpan(testCount)), data.Select(order.AsSpan(0, testCount)));
    }
}
