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
