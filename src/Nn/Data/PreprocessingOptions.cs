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
/// <exception cref="ArgumentNullException"><paramref name="Targets"/> is null.</exception>
/// <exception cref="ArgumentException"><paramref name="Targets"/>, <paramref name="Features"/> or <paramref name="Categorical"/> is a default ImmutableArray.</exception>
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
    // Checked here and in C#'s with, as TrainingState is: a default array was taken, and Fit or Equals threw
    // InvalidOperationException (a null Targets NullReferenceException) naming no option.
    private readonly IReadOnlyList<string> targets = CheckedTargets(Targets);
    private readonly IReadOnlyList<string>? features = NotDefault(Features, nameof(Features));
    private readonly IReadOnlyList<string>? categorical = NotDefault(Categorical, nameof(Categorical));

    /// <summary>The target columns: one for classification, one or more for regression.</summary>
    public IReadOnlyList<string> Targets { get => targets; init => targets = CheckedTargets(value); }

    /// <summary>The input columns; null means every column that is not a target.</summary>
    public IReadOnlyList<string>? Features { get => features; init => features = NotDefault(value, nameof(Features)); }

    /// <summary>Feature columns to one-hot encode, one 0/1 input per category seen in training.</summary>
    public IReadOnlyList<string>? Categorical { get => categorical; init => categorical = NotDefault(value, nameof(Categorical)); }

    /// <summary>The categorical columns, never null.</summary>
    public IReadOnlyList<string> CategoricalColumns => Categorical ?? Array.Empty<string>();

    /// <inheritdoc/>
    public bool Equals(PreprocessingOptions? other) =>
        other is not null && Targets.SequenceEqual(other.Targets) && (Features ?? []).SequenceEqual(other.Features ?? [])
        && (Features is null) == (other.Features is null) && CategoricalColumns.SequenceEqual(other.CategoricalColumns)
        && Standardize == other.Standardize && Task == other.Task && LabelOffset == other.LabelOffset;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Targets.Count, Standardize, Task, LabelOffset);

    private static IReadOnlyList<string> CheckedTargets(IReadOnlyList<string> value) =>
        NotDefault(value ?? throw new ArgumentNullException(nameof(Targets)), nameof(Targets))!;

    private static IReadOnlyList<string>? NotDefault(IReadOnlyList<string>? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        Guard.NotDefault(value, name);
        // A copy: the caller's list, kept, let options already made (and their hash and equality) change with it.
        return ImmutableArray.CreateRange(value);
    }
}
