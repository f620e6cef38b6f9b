using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;

namespace Nn;

/// <summary>
/// What makes a <see cref="Preprocessing"/> one that <see cref="Preprocessing.Fit"/> could have made and a model file
/// can hold: each field on its own (checked when it is set) and the fields together (checked when the record is
/// made and again before it is used, since a <c>with</c> expression sets its fields one at a time).
/// </summary>
internal static class PreprocessingRules
{
    /// <summary>The smallest and largest class-label offset: what a model file stores and whole-number labels reach.</summary>
    public const int MaxLabelOffset = 1 << 30;

    public static ImmutableArray<string> Columns(ImmutableArray<string> value)
    {
        Guard.Complete(value, nameof(Preprocessing.Columns), "a preprocessing's columns", "of at least one column", "column");
        NotEmpty(value.Length, nameof(Preprocessing.Columns), "column");
        foreach (var column in value)
        {
            FeatureColumn.CheckedText(column, nameof(Preprocessing.Columns), "a column's name", mayBeEmpty: false);
        }

        return Distinct(value, name => name, nameof(Preprocessing.Columns), "column");
    }

    public static ImmutableArray<FeatureColumn> Features(ImmutableArray<FeatureColumn> value)
    {
        Guard.Complete(value, nameof(Preprocessing.Features), "a preprocessing's features", "of at least one feature", "feature");
        NotEmpty(value.Length, nameof(Preprocessing.Features), "feature");
        var width = 0L;
        foreach (var feature in value)
        {
            feature.CheckWhole();
            width += feature.Width;
        }

        if (width > Limits.MaxWidth)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"the features give {width} inputs, more than Limits.MaxWidth = {Limits.MaxWidth}."), nameof(Preprocessing.Features));
        }

        return Distinct(value, feature => feature.Name, nameof(Preprocessing.Features), "feature");
    }

    public static ImmutableArray<string> Targets(ImmutableArray<string> value)
    {
        Guard.Complete(value, nameof(Preprocessing.Targets), "a preprocessing's targets", "of at least one target", "target");
        NotEmpty(value.Length, nameof(Preprocessing.Targets), "target");
        return Distinct(value, name => name, nameof(Preprocessing.Targets), "target");
    }

    public static TableTask Task(TableTask value) =>
        Enum.IsDefined(value) ? value
        : throw new ArgumentOutOfRangeException(nameof(Preprocessing.Task), $"the task must be Classification or Regression, not {(int)value}.");

    public static int LabelOffset(int value) =>
        value is >= -MaxLabelOffset and <= MaxLabelOffset ? value
        : throw new ArgumentOutOfRangeException(
            nameof(Preprocessing.LabelOffset), string.Create(CultureInfo.InvariantCulture, $"the label offset must be in {-MaxLabelOffset}..{MaxLabelOffset}, but is {value}."));

    public static int ClassCount(int value) =>
        value is >= 1 and <= Limits.MaxClasses ? value
        : throw new ArgumentOutOfRangeException(
            nameof(Preprocessing.ClassCount), string.Create(CultureInfo.InvariantCulture, $"the class count must be in 1..{Limits.MaxClasses} (Limits.MaxClasses), but is {value}."));

    /// <summary>The rules between fields: every feature and target a column, none both, and the task's counts.</summary>
    public static void Whole(
        ImmutableArray<string> columns, ImmutableArray<FeatureColumn> features, ImmutableArray<string> targets, TableTask task, int labelOffset, int classCount)
    {
        // Sets, not searches of the lists: a table of a million columns has a million features to look up.
        var columnSet = columns.ToHashSet(StringComparer.Ordinal);
        var targetSet = targets.ToHashSet(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            Among(columns, columnSet, target, nameof(Preprocessing.Targets), "target");
        }

        // Each feature's own rule (a one-hot column has no mean or deviation) was checked when Features was set.
        foreach (var feature in features)
        {
            Among(columns, columnSet, feature.Name, nameof(Preprocessing.Features), "feature");
            if (targetSet.Contains(feature.Name))
            {
                throw new ArgumentException($"column '{feature.Name}' is both a target and a feature.", nameof(Preprocessing.Features));
            }
        }

        if (task == TableTask.Classification && targets.Length != 1)
        {
            throw new ArgumentException($"classification takes one target column, but there are {targets.Length}.", nameof(Preprocessing.Targets));
        }

        if (task == TableTask.Regression && (labelOffset != 0 || classCount != targets.Length))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"regression has label offset 0 and one output per target ({targets.Length}), but has offset {labelOffset} and class count {classCount}."),
                nameof(Preprocessing.ClassCount));
        }
    }

    private static void NotEmpty(int length, string name, string item)
    {
        if (length == 0)
        {
            throw new ArgumentException($"a preprocessing needs at least one {item}.", name);
        }
    }

    private static void Among(ImmutableArray<string> columns, HashSet<string> columnSet, string name, string paramName, string what)
    {
        if (!columnSet.Contains(name))
        {
            throw new ArgumentException($"the {what} '{name}' is not one of the columns ({ColumnList.Of(columns)}).", paramName);
        }
    }

    private static ImmutableArray<T> Distinct<T>(ImmutableArray<T> value, Func<T, string> name, string paramName, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in value)
        {
            if (!seen.Add(name(item)))
            {
                throw new ArgumentException($"the {what} '{name(item)}' is listed twice.", paramName);
            }
        }

        return value;
    }
}
