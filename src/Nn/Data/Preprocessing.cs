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
public sealed partial record Preprocessing(
    ImmutableArray<string> Columns, ImmutableArray<FeatureColumn> Features, ImmutableArray<string> Targets, TableTask Task, int LabelOffset, int ClassCount)
{
    private readonly ImmutableArray<string> columns = PreprocessingRules.Columns(Columns);
    private readonly ImmutableArray<FeatureColumn> features = PreprocessingRules.Features(Features);
    private readonly ImmutableArray<string> targets = PreprocessingRules.Targets(Targets);
    private readonly TableTask task = PreprocessingRules.Task(Task);
    private readonly int labelOffset = PreprocessingRules.LabelOffset(LabelOffset);
    private readonly int classCount = Whole(Columns, Features, Targets, Task, LabelOffset, PreprocessingRules.ClassCount(ClassCount));

    /// <summary>The most distinct whole-number target values that <see cref="ChooseTask"/> still takes for classes.</summary>
    public const int MaxDefaultClasses = 20;

    /// <summary>The training table's column names in file order: at least one, distinct, each 1 to <see cref="FeatureColumn.MaxTextBytes"/> UTF-8 bytes.</summary>
    public ImmutableArray<string> Columns { get => columns; init => columns = PreprocessingRules.Columns(value); }

    /// <summary>The input columns in input order: at least one, distinct, each a column and not a target.</summary>
    public ImmutableArray<FeatureColumn> Features { get => features; init => features = PreprocessingRules.Features(value); }

    /// <summary>The target columns: at least one (exactly one for classification), distinct, each a column.</summary>
    public ImmutableArray<string> Targets { get => targets; init => targets = PreprocessingRules.Targets(value); }

    /// <summary>Classification (one target) or regression.</summary>
    public TableTask Task { get => task; init => task = PreprocessingRules.Task(value); }

    /// <summary>Classification: the raw label of class 0, in ±2³⁰. Regression: 0.</summary>
    public int LabelOffset { get => labelOffset; init => labelOffset = PreprocessingRules.LabelOffset(value); }

    /// <summary>Classification: the number of classes, 1 to <see cref="Limits.MaxClasses"/>. Regression: the number of targets.</summary>
    public int ClassCount { get => classCount; init => classCount = PreprocessingRules.ClassCount(value); }

    /// <summary>The number of network inputs: the sum of the features' widths.</summary>
    public int InputWidth => Features.Sum(feature => feature.Width);

    /// <summary>The number of network outputs: one per class, or one per regression target.</summary>
    public int OutputWidth => Task == TableTask.Classification ? ClassCount : Targets.Length;

    /// <summary>The names of the network's inputs: a numeric column's name, or NAME=CATEGORY for each one-hot input.</summary>
    public ImmutableArray<string> InputNames =>
        Features.SelectMany(feature => feature.IsCategorical ? feature.Categories.Select(c => $"{feature.Name}={c}") : [feature.Name]).ToImmutableArray();

    /// <summary>The network inputs for every row: one row of <see cref="InputWidth"/> values per table row.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="table">Rows with the training columns (matched by name with a header, by position without; the targets may be left out).</param>
    /// <returns>The inputs.</returns>
    /// <exception cref="DataFormatException">A column is missing or a numeric field is not a number.</exception>
    public Matrix<T> Inputs<T>(Table table)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(table);
        CheckWhole();
        var locate = Locator(table);
        var positions = Features.Select(feature => locate(feature.Name)).ToArray();
        var width = InputWidth;
        var values = new T[table.MatrixLength(width, "inputs")];
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
                    : throw new DataFormatException(table.Source, Where(table, r, positions[f]), FiniteInput(feature, ElementTypes.Name<T>()), $"'{field}'");
            }
        }

        return Matrix<T>.Own(table.Count, width, values);
    }

    /// <summary>Inputs and targets for every row: class labels minus <see cref="LabelOffset"/>, or the numeric targets.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="table">Rows with the training columns, targets included.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="DataFormatException">A column is missing, a field is not a number, a label is outside the training classes, or a numeric target is not finite as <typeparamref name="T"/>.</exception>
    public Dataset<T> Dataset<T>(Table table)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(table);
        CheckWhole();
        var inputs = Inputs<T>(table);
        var locate = Locator(table);
        var targets = Targets.Select(name => locate(name)).ToArray();
        if (Task == TableTask.Classification)
        {
            var labels = new int[table.Count];
            for (var r = 0; r < table.Count; r++)
            {
                var label = (long)WholeNumber(table, r, targets[0]) - LabelOffset;
                labels[r] = label >= 0 && label < ClassCount ? (int)label
                    : throw new DataFormatException(table.Source, Where(table, r, targets[0]), $"a class label in {LabelOffset}..{LabelOffset + ClassCount - 1} (the training data's)", table.Rows[r][targets[0]]);
            }

            return Nn.Dataset.FromLabels(inputs, labels, ClassCount);
        }

        var values = new T[table.MatrixLength(targets.Length, "targets")];
        for (var r = 0; r < table.Count; r++)
        {
            for (var t = 0; t < targets.Length; t++)
            {
                // A target beyond the type's range (1e39 in float32) is refused naming its field, as an input is; it
                // became ∞ and reached FromTargets, whose refusal named no file, row or column.
                var value = T.CreateChecked(Number(table, r, targets[t]));
                values[(r * targets.Length) + t] = T.IsFinite(value) ? value
                    : throw new DataFormatException(table.Source, Where(table, r, targets[t]), $"a target that is finite as {ElementTypes.Name<T>()}", $"'{table.Rows[r][targets[t]]}'");
            }
        }

        return Nn.Dataset.FromTargets(inputs, Matrix<T>.Own(table.Count, targets.Length, values));
    }

    /// <summary>The raw label of a class index: index + <see cref="LabelOffset"/>.</summary>
    /// <param name="classIndex">The network's class, 0..ClassCount−1.</param>
    /// <returns>The label as the training data wrote it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is not a class of this preprocessing.</exception>
    public int ClassLabel(int classIndex)
    {
        Guard.Index(nameof(classIndex), classIndex, ClassCount);
        return classIndex + LabelOffset;
    }

    /// <inheritdoc/>
    public bool Equals(Preprocessing? other) =>
        other is not null && Columns.AsSpan().SequenceEqual(other.Columns.AsSpan()) && Features.AsSpan().SequenceEqual(other.Features.AsSpan())
        && Targets.AsSpan().SequenceEqual(other.Targets.AsSpan()) && Task == other.Task && LabelOffset == other.LabelOffset && ClassCount == other.ClassCount;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Columns.Length, Features.Length, Targets.Length, Task, LabelOffset, ClassCount);

    /// <summary>The rules between the fields, which a <c>with</c> expression setting them one at a time cannot check; see <see cref="PreprocessingRules"/>.</summary>
    /// <exception cref="ArgumentException">A feature or target is not a column, a column is both, or the counts do not fit the task.</exception>
    internal void CheckWhole() => Whole(Columns, Features, Targets, Task, LabelOffset, ClassCount);

    private static int Whole(
        ImmutableArray<string> columns, ImmutableArray<FeatureColumn> features, ImmutableArray<string> targets, TableTask task, int labelOffset, int classCount)
    {
        PreprocessingRules.Whole(columns, features, targets, task, labelOffset, classCount);
        return classCount;
    }

    /// <summary>
    /// Where each training column is in <paramref name="table"/>: by name when the table has a header; by position
    /// without one, either among all training columns or among them with the targets left out (rows to predict). The
    /// positions are looked up once for all columns, not searched for each (<see cref="ColumnList.Positions"/>).
    /// </summary>
    private Func<string, int> Locator(Table table)
    {
        if (table.Header != TableHeader.Absent)
        {
            var named = ColumnList.Positions(table.Columns);
            return name => named.TryGetValue(name, out var index) ? index
                : throw new DataFormatException(table.Source, "the header", $"a column named '{name}' (the model's columns are {ColumnList.Of(Columns)})", ColumnList.Of(table.Columns));
        }

        if (table.Columns.Length == Columns.Length)
        {
            var all = ColumnList.Positions(Columns);
            return name => all.GetValueOrDefault(name, -1);
        }

        var targets = Targets.ToHashSet(StringComparer.Ordinal);
        var withoutTargets = Columns.Where(c => !targets.Contains(c)).ToList();
        var reduced = ColumnList.Positions(withoutTargets);
        return name => table.Columns.Length == withoutTargets.Count && reduced.TryGetValue(name, out var position) ? position
            : throw new DataFormatException(
                table.Source, "line 1", $"{Columns.Length} fields ({ColumnList.Of(Columns)}) or {withoutTargets.Count} without the targets, or a header naming them", $"{table.Columns.Length}");
    }

    private static double Number(Table table, int row, int column) =>
        FieldNumber.TryRead(table.Rows[row][column], out var value) ? value
        : throw new DataFormatException(table.Source, Where(table, row, column), NumberExpected(table.Rows[row][column], "a finite number"), $"'{table.Rows[row][column]}'");

    /// <summary>
    /// What a numeric column expects, said for the field found: a missing-value mark (empty, NA, NaN, N/A, null, None
    /// or ?, as R, pandas, spreadsheets and UCI files write them) is named as one, since nothing fills missing numbers in.
    /// </summary>
    private static string NumberExpected(string field, string otherwise) =>
        field is "" or "NA" or "NaN" or "nan" or "N/A" or "n/a" or "null" or "NULL" or "None" or "?"
            ? "a finite number (a missing value is not filled in: fill it or drop the row)"
            : otherwise;

    private static int WholeNumber(Table table, int row, int column)
    {
        var value = Number(table, row, column);
        return value == Math.Floor(value) && Math.Abs(value) <= PreprocessingRules.MaxLabelOffset ? (int)value
            : throw new DataFormatException(
                table.Source, Where(table, row, column), $"a whole-number class label in {-PreprocessingRules.MaxLabelOffset}..{PreprocessingRules.MaxLabelOffset}", $"'{table.Rows[row][column]}'");
    }

    /// <summary>What an input must be: finite as the network's type once its column's mean and deviation are applied.</summary>
    private static string FiniteInput(FeatureColumn feature, string typeName) =>
        feature is { Mean: 0, Deviation: 1 }
            ? $"a value that is finite as {typeName}"
            : string.Create(CultureInfo.InvariantCulture, $"a value that stays finite as {typeName} once standardised, (x − {feature.Mean:R}) / {feature.Deviation:R}");

    private static string Where(Table table, int row, int column) => $"data row {table.DataRow(row)}, column '{table.Columns[column]}'";
}
