using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace Nn;

/// <summary>
/// Everything that turns a raw table row into network inputs and a target back into a class label, learned from
/// the training rows only (<see cref="Fit"/>) and applied to any rows with the same columns (<see cref="Inputs{T}"/>,
/// <see cref="Dataset{T}"/>). Pure and immutable; model files store it (docs/file-format.md, version 3) so that
/// evaluation and prediction read raw rows.
/// </summary>
/// <param name="Columns">The training table's column names in file order; rows without a header are matched to them by position.</param>
/// <param name="Features">The input columns in input order, each numeric (standardised or not) or one-hot.</param>
/// <param name="Targets">The target columns.</param>
/// <param name="Task">Classification (one target) or regression.</param>
/// <param name="LabelOffset">Classification: the raw label of class 0 (labels offset..offset+ClassCount−1). Regression: 0.</param>
/// <param name="ClassCount">Classification: the number of classes. Regression: the number of targets.</param>
/// <example><code>
/// var table = Table.Load("binary.csv", header: true);
/// var preprocessing = Preprocessing.Fit(table, new PreprocessingOptions(["admit"], Categorical: ["rank"], Standardize: true));
/// Dataset&lt;double&gt; data = preprocessing.Dataset&lt;double&gt;(table);   // 6 inputs: gre, gpa, rank=1..4
/// </code></example>
public sealed record Preprocessing(
    ImmutableArray<string> Columns, ImmutableArray<FeatureColumn> Features, ImmutableArray<string> Targets, TableTask Task, int LabelOffset, int ClassCount)
{
    /// <summary>The most distinct whole-number target values that <see cref="ChooseTask"/> still takes for classes.</summary>
    public const int MaxDefaultClasses = 20;

    /// <summary>The number of network inputs: the sum of the features' widths.</summary>
    public int InputWidth => Features.Sum(feature => feature.Width);

    /// <summary>The number of network outputs: one per class, or one per regression target.</summary>
    public int OutputWidth => Task == TableTask.Classification ? ClassCount : Targets.Length;

    /// <summary>The names of the network's inputs: a numeric column's name, or NAME=CATEGORY for each one-hot input.</summary>
    public ImmutableArray<string> InputNames =>
        Features.SelectMany(feature => feature.IsCategorical ? feature.Categories.Select(c => $"{feature.Name}={c}") : [feature.Name]).ToImmutableArray();

    /// <summary>
    /// The task a target calls for when none is asked: classification for one target whose training values are all
    /// whole numbers, at most <see cref="MaxDefaultClasses"/> distinct; regression otherwise.
    /// </summary>
    /// <param name="train">The training table.</param>
    /// <param name="targets">The target columns, by name or 1-based number.</param>
    /// <returns>The task.</returns>
    public static TableTask ChooseTask(Table train, IReadOnlyList<string> targets)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count != 1)
        {
            return TableTask.Regression;
        }

        var column = train.ColumnIndex(targets[0]);
        var values = new HashSet<double>();
        foreach (var row in train.Rows)
        {
            if (!TryNumber(row[column], out var value) || value != Math.Floor(value))
            {
                return TableTask.Regression;
            }

            values.Add(value);
        }

        return values.Count <= MaxDefaultClasses ? TableTask.Classification : TableTask.Regression;
    }

    /// <summary>Learns the preprocessing from training rows: means, sample standard deviations (n − 1), categories, classes.</summary>
    /// <param name="train">The training rows only, so nothing of the test rows leaks into the inputs.</param>
    /// <param name="options">The columns and choices.</param>
    /// <returns>The preprocessing.</returns>
    /// <exception cref="ArgumentException">A column is unknown, a target is also a feature, a categorical column is not a feature, classification has more than one target, or no feature is left.</exception>
    /// <exception cref="DataFormatException">A numeric field is not a number, or a class label is not a whole number at or above the offset.</exception>
    public static Preprocessing Fit(Table train, PreprocessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Targets.Count == 0)
        {
            throw new ArgumentException("at least one target column must be named.", nameof(options));
        }

        var targets = Distinct(options.Targets.Select(train.ColumnIndex), train, "target");
        var features = options.Features is null
            ? Enumerable.Range(0, train.Columns.Length).Where(c => !targets.Contains(c)).ToArray()
            : Distinct(options.Features.Select(train.ColumnIndex), train, "feature");
        var categorical = options.CategoricalColumns.Select(train.ColumnIndex).ToHashSet();
        if (features.FirstOrDefault(targets.Contains, -1) is var both and >= 0)
        {
            throw new ArgumentException($"column '{train.Columns[both]}' is both a target and a feature.", nameof(options));
        }

        if (categorical.FirstOrDefault(c => !features.Contains(c), -1) is var stray and >= 0)
        {
            throw new ArgumentException($"categorical column '{train.Columns[stray]}' is not a feature (the features are {string.Join(", ", features.Select(f => train.Columns[f]))}).", nameof(options));
        }

        if (features.Length == 0)
        {
            throw new ArgumentException("no feature column is left once the targets are taken out.", nameof(options));
        }

        var task = options.Task ?? ChooseTask(train, options.Targets);
        if (task == TableTask.Classification && targets.Length != 1)
        {
            throw new ArgumentException($"classification takes one target column, but {targets.Length} are named; regression takes several.", nameof(options));
        }

        var columns = features.Select(f => categorical.Contains(f) ? FitCategories(train, f) : FitNumber(train, f, options.Standardize)).ToImmutableArray();
        var targetNames = targets.Select(t => train.Columns[t]).ToImmutableArray();
        if (task == TableTask.Regression)
        {
            return new Preprocessing(train.Columns, columns, targetNames, task, 0, targets.Length);
        }

        var labels = train.Rows.Select((row, i) => WholeNumber(train, i, targets[0])).ToArray();
        var offset = options.LabelOffset ?? (labels.Min() == 1 ? 1 : 0);
        var classCount = labels.Max() - offset + 1;
        if (labels.Min() < offset || classCount > Limits.MaxClasses)
        {
            throw new DataFormatException(
                train.Source, $"column '{targetNames[0]}'", $"class labels in {offset}..{offset + Limits.MaxClasses - 1} (label offset {offset})", $"labels {labels.Min()}..{labels.Max()}");
        }

        return new Preprocessing(train.Columns, columns, targetNames, task, offset, classCount);
    }

    /// <summary>The network inputs for every row: one row of <see cref="InputWidth"/> values per table row.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="table">Rows with the training columns (matched by name with a header, by position without; the targets may be left out).</param>
    /// <returns>The inputs.</returns>
    /// <exception cref="DataFormatException">A column is missing or a numeric field is not a number.</exception>
    public Matrix<T> Inputs<T>(Table table)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(table);
        var positions = Features.Select(feature => Locate(table, feature.Name)).ToArray();
        var width = InputWidth;
        var values = new T[checked(table.Count * width)];
        for (var r = 0; r < table.Count; r++)
        {
            var at = r * width;
            for (var f = 0; f < Features.Length; f++)
            {
                var feature = Features[f];
                var field = table.Rows[r][positions[f]];
                if (feature.IsCategorical)
                {
                    var category = feature.Categories.IndexOf(field);
                    if (category >= 0)
                    {
                        values[at + category] = T.One;
                    }

                    at += feature.Width;
                    continue;
                }

                var value = T.CreateChecked((Number(table, r, positions[f]) - feature.Mean) / feature.Deviation);
                values[at++] = T.IsFinite(value) ? value
                    : throw new DataFormatException(table.Source, Where(table, r, positions[f]), $"a value that stays finite as {typeof(T).Name}", $"'{field}'");
            }
        }

        return Matrix<T>.Own(table.Count, width, values);
    }

    /// <summary>Inputs and targets for every row: class labels minus <see cref="LabelOffset"/>, or the numeric targets.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="table">Rows with the training columns, targets included.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="DataFormatException">A column is missing, a field is not a number, or a label is outside the training classes.</exception>
    public Dataset<T> Dataset<T>(Table table)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(table);
        var inputs = Inputs<T>(table);
        var targets = Targets.Select(name => Locate(table, name)).ToArray();
        if (Task == TableTask.Classification)
        {
            var labels = new int[table.Count];
            for (var r = 0; r < table.Count; r++)
            {
                labels[r] = WholeNumber(table, r, targets[0]) - LabelOffset;
                if ((uint)labels[r] >= (uint)ClassCount)
                {
                    throw new DataFormatException(table.Source, Where(table, r, targets[0]), $"a class label in {LabelOffset}..{LabelOffset + ClassCount - 1} (the training data's)", table.Rows[r][targets[0]]);
                }
            }

            return Nn.Dataset.FromLabels(inputs, labels, ClassCount);
        }

        var values = new T[checked(table.Count * targets.Length)];
        for (var r = 0; r < table.Count; r++)
        {
            for (var t = 0; t < targets.Length; t++)
            {
                values[(r * targets.Length) + t] = T.CreateChecked(Number(table, r, targets[t]));
            }
        }

        return Nn.Dataset.FromTargets(inputs, Matrix<T>.Own(table.Count, targets.Length, values));
    }

    /// <summary>The raw label of a class index: index + <see cref="LabelOffset"/>.</summary>
    /// <param name="classIndex">The network's class, 0..ClassCount−1.</param>
    /// <returns>The label as the training data wrote it.</returns>
    public int ClassLabel(int classIndex) => classIndex + LabelOffset;

    /// <inheritdoc/>
    public bool Equals(Preprocessing? other) =>
        other is not null && Columns.AsSpan().SequenceEqual(other.Columns.AsSpan()) && Features.AsSpan().SequenceEqual(other.Features.AsSpan())
        && Targets.AsSpan().SequenceEqual(other.Targets.AsSpan()) && Task == other.Task && LabelOffset == other.LabelOffset && ClassCount == other.ClassCount;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Columns.Length, Features.Length, Targets.Length, Task, LabelOffset, ClassCount);

    /// <summary>
    /// Where a training column is in <paramref name="table"/>: by name when the table has a header; by position
    /// without one, either among all training columns or among them with the targets left out (rows to predict).
    /// </summary>
    private int Locate(Table table, string name)
    {
        if (table.Header != TableHeader.Absent)
        {
            var index = table.Columns.IndexOf(name);
            return index >= 0 ? index
                : throw new DataFormatException(table.Source, "the header", $"a column named '{name}' (the model's columns are {string.Join(", ", Columns)})", string.Join(", ", table.Columns));
        }

        var position = Columns.IndexOf(name);
        if (table.Columns.Length == Columns.Length)
        {
            return position;
        }

        var withoutTargets = Columns.Where(c => !Targets.Contains(c)).ToList();
        if (table.Columns.Length == withoutTargets.Count && withoutTargets.IndexOf(name) is var reduced and >= 0)
        {
            return reduced;
        }

        throw new DataFormatException(
            table.Source, "line 1", $"{Columns.Length} fields ({string.Join(", ", Columns)}) or {withoutTargets.Count} without the targets, or a header naming them", $"{table.Columns.Length}");
    }

    private static FeatureColumn FitNumber(Table train, int column, bool standardize)
    {
        var values = train.Rows.Select((row, i) => Number(train, i, column)).ToArray();
        if (!standardize)
        {
            return FeatureColumn.Numeric(train.Columns[column]);
        }

        var mean = values.Average();
        var deviation = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));

        // A constant column carries no information; dividing by 1 keeps it at 0 instead of dividing by zero.
        return FeatureColumn.Numeric(train.Columns[column], mean, deviation > 0 && double.IsFinite(deviation) ? deviation : 1);
    }

    private static FeatureColumn FitCategories(Table train, int column)
    {
        var seen = train.Rows.Select(row => row[column]).Distinct(StringComparer.Ordinal).ToList();

        // Numbers in numeric order (rank 1..4, not 1, 10, 2), words in ordinal order: the same file gives the same inputs.
        var ordered = seen.All(Table.IsNumber)
            ? seen.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture)).ThenBy(v => v, StringComparer.Ordinal)
            : seen.OrderBy(v => v, StringComparer.Ordinal);
        return FeatureColumn.OneHot(train.Columns[column], ordered.ToList());
    }

    private static int[] Distinct(IEnumerable<int> columns, Table table, string what)
    {
        var list = columns.ToArray();
        var repeated = list.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? list : throw new ArgumentException($"{what} column '{table.Columns[repeated.Key]}' is named twice.");
    }

    private static double Number(Table table, int row, int column) =>
        TryNumber(table.Rows[row][column], out var value) ? value
        : throw new DataFormatException(table.Source, Where(table, row, column), "a finite number", $"'{table.Rows[row][column]}'");

    private static int WholeNumber(Table table, int row, int column)
    {
        var value = Number(table, row, column);
        return value == Math.Floor(value) && Math.Abs(value) <= int.MaxValue / 2 ? (int)value
            : throw new DataFormatException(table.Source, Where(table, row, column), "a whole-number class label", $"'{table.Rows[row][column]}'");
    }

    private static bool TryNumber(string field, out double value) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static string Where(Table table, int row, int column) => $"data row {row + 1}, column '{table.Columns[column]}'";
}
