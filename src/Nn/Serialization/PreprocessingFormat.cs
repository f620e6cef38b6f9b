using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Nn;

/// <summary>
/// The preprocessing section of a version-3 model file (docs/file-format.md): the training columns, the targets and
/// features by column index, each feature's mean and deviation or categories, the task and the class labels. Read
/// back with every field checked and the widths matched against the network's. Version 5 lets a category be empty
/// (a missing field in a categorical column); earlier versions have every text 1 byte or longer.
/// </summary>
internal static class PreprocessingFormat
{
    /// <summary>The first model file version whose categories may be empty.</summary>
    public const ushort EmptyCategoryVersion = 5;

    /// <summary>Whether the preprocessing needs <see cref="EmptyCategoryVersion"/>: a category is the empty string.</summary>
    public static bool HasEmptyCategory(Preprocessing preprocessing) =>
        preprocessing.Features.Any(feature => feature.IsCategorical && feature.Categories.Contains(string.Empty));

    public static void Write(FormatWriter writer, Preprocessing preprocessing)
    {
        preprocessing.CheckWhole();
        var columns = preprocessing.Columns;
        writer.Byte(preprocessing.Task == TableTask.Classification ? (byte)0 : (byte)1);
        writer.Int32(preprocessing.LabelOffset);
        writer.Int32(preprocessing.ClassCount);
        writer.Int32(columns.Length);
        foreach (var name in columns)
        {
            Text(writer, name);
        }

        var positions = ColumnList.Positions(columns);
        writer.Int32(preprocessing.Targets.Length);
        foreach (var target in preprocessing.Targets)
        {
            writer.Int32(positions[target]);
        }

        writer.Int32(preprocessing.Features.Length);
        foreach (var feature in preprocessing.Features)
        {
            writer.Int32(positions[feature.Name]);
            writer.Byte(feature.IsCategorical ? (byte)1 : (byte)0);
            if (feature.IsCategorical)
            {
                writer.Int32(feature.Categories.Length);
                foreach (var category in feature.Categories)
                {
                    Text(writer, category);
                }
            }
            else
            {
                writer.Double(feature.Mean);
                writer.Double(feature.Deviation);
            }
        }
    }

    public static Preprocessing Read(FormatReader reader, Architecture architecture, ushort version)
    {
        var taskAt = reader.Offset;
        try
        {
            return ReadChecked(reader, architecture, version >= EmptyCategoryVersion, taskAt);
        }
        catch (ArgumentException e)
        {
            // Each field is within its range but together they describe no preprocessing Fit could make (a column
            // named twice, a target that is also a feature): the record's own rules say which.
            throw reader.Error(taskAt, "a preprocessing section whose columns, features and targets fit together", Guard.BareMessage(e));
        }
    }

    private static Preprocessing ReadChecked(FormatReader reader, Architecture architecture, bool emptyCategories, long taskAt)
    {
        var task = reader.Byte("the task");
        if (task > 1)
        {
            throw reader.Error(taskAt, "the task 0 (classification) or 1 (regression)", $"{task}");
        }

        var offset = reader.Int32InRange("the label offset", -(1 << 30), 1 << 30);
        var classCount = reader.Int32InRange("the class count", 1, Limits.MaxClasses);
        var columnCountAt = reader.Offset;
        var columnCount = reader.Int32InRange("the column count", 1, Limits.MaxWidth);
        reader.EnsureRoom(columnCountAt, "the column count", columnCount, itemBytes: 5);
        var columns = ImmutableArray.CreateBuilder<string>(columnCount);
        for (var c = 0; c < columnCount; c++)
        {
            columns.Add(Text(reader, $"column {c}'s name", minimum: 1));
        }

        var targetCount = reader.Int32InRange("the target count", 1, task == 0 ? 1 : columnCount);
        var targets = ImmutableArray.CreateBuilder<string>(targetCount);
        for (var t = 0; t < targetCount; t++)
        {
            targets.Add(columns[reader.Int32InRange($"target {t}'s column", 0, columnCount - 1)]);
        }

        var featureCount = reader.Int32InRange("the feature count", 1, columnCount);
        var features = ImmutableArray.CreateBuilder<FeatureColumn>(featureCount);
        for (var f = 0; f < featureCount; f++)
        {
            var name = columns[reader.Int32InRange($"feature {f}'s column", 0, columnCount - 1)];
            var kindAt = reader.Offset;
            var kind = reader.Byte($"feature {f}'s kind");
            if (kind > 1)
            {
                throw reader.Error(kindAt, $"feature {f}'s kind 0 (number) or 1 (one-hot)", $"{kind}");
            }

            if (kind == 1)
            {
                var countAt = reader.Offset;
                var count = reader.Int32InRange($"feature {f}'s category count", 1, Limits.MaxWidth);
                reader.EnsureRoom(countAt, $"feature {f}'s category count", count, itemBytes: 4);
                var categories = new List<string>(count);
                for (var k = 0; k < count; k++)
                {
                    categories.Add(Text(reader, $"feature {f}'s category {k}", minimum: emptyCategories ? 0 : 1));
                }

                features.Add(FeatureColumn.OneHot(name, categories));
                continue;
            }

            var mean = reader.FiniteDouble($"feature {f}'s mean");
            var deviationAt = reader.Offset;
            var deviation = reader.FiniteDouble($"feature {f}'s deviation");
            features.Add(deviation > 0 ? FeatureColumn.Numeric(name, mean, deviation) : throw reader.Error(deviationAt, $"feature {f}'s deviation above 0", deviation.ToString("R", CultureInfo.InvariantCulture)));
        }

        var preprocessing = new Preprocessing(columns.MoveToImmutable(), features.MoveToImmutable(), targets.MoveToImmutable(), task == 0 ? TableTask.Classification : TableTask.Regression, offset, classCount);
        if (preprocessing.InputWidth != architecture.InputSize || preprocessing.OutputWidth != architecture.OutputSize)
        {
            throw reader.Error(
                taskAt, $"preprocessing giving the network's {architecture.InputSize} inputs and taking its {architecture.OutputSize} outputs", $"{preprocessing.InputWidth} inputs and {preprocessing.OutputWidth} outputs");
        }

        return preprocessing;
    }

    // Preprocessing and FeatureColumn hold every name and category to the lengths a file stores, so none is checked here.
    private static void Text(FormatWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        writer.Int32(bytes.Length);
        writer.Bytes(bytes);
    }

    private static string Text(FormatReader reader, string what, int minimum)
    {
        var length = reader.Int32InRange($"the length of {what}", minimum, FeatureColumn.MaxTextBytes);
        var at = reader.Offset;
        var bytes = reader.Bytes(length, what);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw reader.Error(at, $"{what} in UTF-8", "invalid bytes");
        }
    }
}
