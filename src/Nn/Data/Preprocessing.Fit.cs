using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Nn;

/// <summary>How a preprocessing is learned from the training rows: the task, the features' means and categories, the classes.</summary>
public sealed partial record Preprocessing
{
    /// <summary>
    /// The task a target calls for when none is asked: classification for one target whose training values are all
    /// whole numbers, at most <see cref="MaxDefaultClasses"/> distinct; regression otherwise.
    /// </summary>
    /// <param name="train">The training table.</param>
    /// <param name="targets">The target columns, by name or 1-based number; at least one.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentException"><paramref name="targets"/> is empty or a default ImmutableArray, or its only target is no column of <paramref name="train"/>.</exception>
    public static TableTask ChooseTask(Table train, IReadOnlyList<string> targets)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(targets);
        Guard.NotDefault(targets, nameof(targets));
        if (targets.Count == 0)
        {
            // No target has no task: "regression" of nothing was answered, and a fit would then refuse the empty list anyway.
            throw new ArgumentException("at least one target column must be named.", nameof(targets));
        }

        if (targets.Count != 1)
        {
            return TableTask.Regression;
        }

        var column = train.ColumnIndex(targets[0]);
        var values = new HashSet<double>();
        foreach (var row in train.Rows)
        {
            if (!FieldNumber.TryRead(row[column], out var value) || value != Math.Floor(value))
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
        // Sets, not searches of the lists: a wide table can have tens of thousands of targets, features and categorical columns.
        var targetSet = targets.ToHashSet();
        var features = options.Features is null
            ? Enumerable.Range(0, train.Columns.Length).Where(c => !targetSet.Contains(c)).ToArray()
            : Distinct(options.Features.Select(train.ColumnIndex), train, "feature");
        var featureSet = features.ToHashSet();
        var categorical = options.CategoricalColumns.Select(train.ColumnIndex).ToHashSet();
        if (features.FirstOrDefault(targetSet.Contains, -1) is var both and >= 0)
        {
            throw new ArgumentException($"column '{train.Columns[both]}' is both a target and a feature.", nameof(options));
        }

        if (categorical.FirstOrDefault(c => !featureSet.Contains(c), -1) is var stray and >= 0)
        {
            throw new ArgumentException($"categorical column '{train.Columns[stray]}' is not a feature (the features are {ColumnList.Of(features.Select(f => train.Columns[f]))}).", nameof(options));
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
        var offset = PreprocessingRules.LabelOffset(options.LabelOffset ?? (labels.Min() == 1 ? 1 : 0));
        var classCount = (long)labels.Max() - offset + 1;
        if (labels.Min() < offset || classCount > Limits.MaxClasses)
        {
            throw new DataFormatException(
                train.Source, $"column '{targetNames[0]}'", $"class labels in {offset}..{(long)offset + Limits.MaxClasses - 1} (label offset {offset})", $"labels {labels.Min()}..{labels.Max()}");
        }

        return new Preprocessing(train.Columns, columns, targetNames, task, offset, (int)classCount);
    }

    private static FeatureColumn FitNumber(Table train, int column, bool standardize)
    {
        var values = train.Rows.Select((row, i) => FieldNumber.TryRead(row[column], out var value) ? value
            : throw new DataFormatException(
                train.Source, Where(train, i, column), NumberExpected(row[column], "a finite number (a feature column of words is read when named categorical, one-hot encoded)"), $"'{row[column]}'")).ToArray();
        if (!standardize)
        {
            return FeatureColumn.Numeric(train.Columns[column]);
        }

        // Identical values are a constant column, kept at 0 by its own value and a deviation of 1: their mean, summed in
        // rounding, can be an ulp off them (three 0.1s average to 0.10000000000000002), which gave a deviation of about
        // 1e-17, and a later value of 0.2 became an input of about 6e15.
        if (Array.TrueForAll(values, v => v == values[0]))
        {
            return FeatureColumn.Numeric(train.Columns[column], values[0], 1);
        }

        // Values near double's largest overflow their sum; dividing each first keeps the mean finite.
        var mean = values.Average() is var average && double.IsFinite(average) ? average : values.Sum(v => v / values.Length);
        var deviation = Deviation(values, mean);

        // A constant column carries no information; dividing by 1 keeps it at 0 instead of dividing by zero.
        return FeatureColumn.Numeric(train.Columns[column], mean, deviation > 0 && double.IsFinite(deviation) ? deviation : 1);
    }

    /// <summary>
    /// The sample standard deviation √(Σ(v − mean)² / (n − 1)); 0 for fewer than two values. Squares of differences
    /// above 1e154 overflow and squares below 1e-162 vanish, so such a column is measured again in units of its largest
    /// magnitude s, as s·√(Σ(v/s − mean/s)² / (n − 1)): its deviation was taken as infinite, or as 0 for a column of
    /// 1e-200, 2e-200 and 3e-200 (a constant one), and the column divided by 1 instead.
    /// </summary>
    private static double Deviation(double[] values, double mean)
    {
        if (values.Length < 2)
        {
            return 0;
        }

        var plain = Math.Sqrt(ScaledSquares.Sum(values, mean, 1) / (values.Length - 1));
        if (double.IsFinite(plain) && plain >= 1e-140)
        {
            return plain;
        }

        var scale = ScaledSquares.LargestMagnitude(values);
        return scale * Math.Sqrt(ScaledSquares.Sum(values, mean, scale) / (values.Length - 1));
    }

    private static FeatureColumn FitCategories(Table train, int column)
    {
        var seen = train.Rows.Select(row => row[column]).Distinct(StringComparer.Ordinal).ToList();
        if (seen.FirstOrDefault(v => Encoding.UTF8.GetByteCount(v) > FeatureColumn.MaxTextBytes) is { } tooLong)
        {
            var row = Enumerable.Range(0, train.Count).First(r => train.Rows[r][column] == tooLong);
            throw new DataFormatException(
                train.Source, Where(train, row, column), $"a category of at most {FeatureColumn.MaxTextBytes} UTF-8 bytes (what a model file stores)", $"{Encoding.UTF8.GetByteCount(tooLong)} bytes");
        }

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
}
