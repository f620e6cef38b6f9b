using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Nn;

/// <summary>What a table's target columns are to be predicted as.</summary>
public enum TableTask
{
    /// <summary>One target holding whole-number class labels; one network output per class.</summary>
    Classification,

    /// <summary>One or more numeric targets; one network output per target.</summary>
    Regression,
}

/// <summary>
/// What to learn from a training table (<see cref="Preprocessing.Fit"/>): which columns are targets and features,
/// which features are categories to one-hot encode, whether to standardise the numeric ones, the task and the
/// class-label offset. Columns are given by name or by 1-based number (see <see cref="Table.ColumnIndex"/>).
/// </summary>
/// <param name="Targets">The target columns: one for classification, one or more for regression.</param>
/// <param name="Features">The input columns; null means every column that is not a target.</param>
/// <param name="Categorical">Feature columns to one-hot encode, one 0/1 input per category seen in training.</param>
/// <param name="Standardize">Whether numeric features become (x − mean) / standard deviation, both from the training rows.</param>
/// <param name="Task">The task; null chooses by <see cref="Preprocessing.ChooseTask"/>.</param>
/// <param name="LabelOffset">The smallest class label (labels offset..offset+K−1 become classes 0..K−1); null: 1 when the smallest label seen is 1, else 0.</param>
/// <example><code>
/// var options = new PreprocessingOptions(["admit"], Categorical: ["rank"], Standardize: true);
/// </code></example>
public sealed record PreprocessingOptions(
    IReadOnlyList<string> Targets,
    IReadOnlyList<string>? Features = null,
    IReadOnlyList<string>? Categorical = null,
    bool Standardize = false,
    TableTask? Task = null,
    int? LabelOffset = null)
{
    /// <summary>The categorical columns, never null.</summary>
    public IReadOnlyList<string> CategoricalColumns => Categorical ?? Array.Empty<string>();

    /// <inheritdoc/>
    public bool Equals(PreprocessingOptions? other) =>
        other is not null && Targets.SequenceEqual(other.Targets) && (Features ?? []).SequenceEqual(other.Features ?? [])
        && (Features is null) == (other.Features is null) && CategoricalColumns.SequenceEqual(other.CategoricalColumns)
        && Standardize == other.Standardize && Task == other.Task && LabelOffset == other.LabelOffset;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Targets.Count, Standardize, Task, LabelOffset);
}

/// <summary>
/// How one input column becomes network inputs: a number x becomes (x − <see cref="Mean"/>) / <see cref="Deviation"/>
/// (0 and 1 when not standardised); a category becomes one 0/1 input per entry of <see cref="Categories"/>, all 0
/// for a category not seen in training.
/// </summary>
/// <param name="Name">The column's name in the training table.</param>
/// <param name="Mean">Subtracted from a number.</param>
/// <param name="Deviation">A number is divided by it after the mean is subtracted; positive.</param>
/// <param name="Categories">The categories in input order; empty for a numeric column.</param>
public sealed record FeatureColumn(string Name, double Mean, double Deviation, ImmutableArray<string> Categories)
{
    /// <summary>Whether the column is one-hot encoded.</summary>
    public bool IsCategorical => !Categories.IsDefaultOrEmpty;

    /// <summary>The number of network inputs the column gives: 1, or one per category.</summary>
    public int Width => IsCategorical ? Categories.Length : 1;

    /// <summary>A numeric column.</summary>
    /// <param name="name">The column.</param>
    /// <param name="mean">Subtracted first.</param>
    /// <param name="deviation">Divided by next; positive and finite.</param>
    /// <returns>The column.</returns>
    public static FeatureColumn Numeric(string name, double mean = 0, double deviation = 1)
    {
        Guard.Positive(nameof(deviation), deviation);
        Guard.Finite(nameof(mean), [mean]);
        return new FeatureColumn(name, mean, deviation, []);
    }

    /// <summary>A one-hot column.</summary>
    /// <param name="name">The column.</param>
    /// <param name="categories">The categories, distinct, in input order.</param>
    /// <returns>The column.</returns>
    public static FeatureColumn OneHot(string name, IReadOnlyList<string> categories) => new(name, 0, 1, categories.ToImmutableArray());

    /// <inheritdoc/>
    public bool Equals(FeatureColumn? other) =>
        other is not null && Name == other.Name && Mean.Equals(other.Mean) && Deviation.Equals(other.Deviation)
        && Categories.AsSpan().SequenceEqual(other.Categories.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Mean, Deviation, Categories.Length);
}
