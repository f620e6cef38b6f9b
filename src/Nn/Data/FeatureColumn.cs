using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Nn;

/// <summary>
/// How one input column becomes network inputs: a number x becomes (x − <see cref="Mean"/>) / <see cref="Deviation"/>
/// (0 and 1 when not standardised); a category becomes one 0/1 input per entry of <see cref="Categories"/>, all 0
/// for a category not seen in training. An empty category is a value of its own (a missing field).
/// </summary>
/// <param name="Name">The column's name in the training table: 1 to <see cref="MaxTextBytes"/> UTF-8 bytes.</param>
/// <param name="Mean">Subtracted from a number; finite (0 for a one-hot column).</param>
/// <param name="Deviation">A number is divided by it after the mean is subtracted; positive and finite (1 for a one-hot column).</param>
/// <param name="Categories">
/// The categories in input order, distinct, none null or longer than <see cref="MaxTextBytes"/> UTF-8 bytes; empty
/// (or a default array) for a numeric column.
/// </param>
/// <exception cref="ArgumentException">A field breaks its rule above, or a one-hot column has a mean or deviation.</exception>
public sealed record FeatureColumn(string Name, double Mean, double Deviation, ImmutableArray<string> Categories)
{
    /// <summary>The longest column name or category, in UTF-8 bytes: what a model file stores.</summary>
    public const int MaxTextBytes = 4096;

    private readonly string name = CheckedName(Name);
    private readonly double mean = CheckedMean(Mean);
    private readonly double deviation = CheckedDeviation(Deviation);
    private readonly ImmutableArray<string> categories = CheckedOneHot(Name, Mean, Deviation, CheckedCategories(Categories, Name));

    /// <summary>The column's name in the training table.</summary>
    public string Name { get => name; init => name = CheckedName(value); }

    /// <summary>Subtracted from a number.</summary>
    public double Mean { get => mean; init => mean = CheckedMean(value); }

    /// <summary>A number is divided by it after the mean is subtracted.</summary>
    public double Deviation { get => deviation; init => deviation = CheckedDeviation(value); }

    /// <summary>The categories in input order; empty for a numeric column.</summary>
    public ImmutableArray<string> Categories { get => categories; init => categories = CheckedCategories(value, name); }

    /// <summary>Whether the column is one-hot encoded.</summary>
    public bool IsCategorical => !Categories.IsDefaultOrEmpty;

    /// <summary>The number of network inputs the column gives: 1, or one per category.</summary>
    public int Width => IsCategorical ? Categories.Length : 1;

    /// <summary>A numeric column.</summary>
    /// <param name="name">The column.</param>
    /// <param name="mean">Subtracted first.</param>
    /// <param name="deviation">Divided by next; positive and finite.</param>
    /// <returns>The column.</returns>
    public static FeatureColumn Numeric(string name, double mean = 0, double deviation = 1) => new(name, mean, deviation, []);

    /// <summary>A one-hot column.</summary>
    /// <param name="name">The column.</param>
    /// <param name="categories">The categories, at least one, distinct, in input order.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentException"><paramref name="categories"/> is empty (a column without categories is numeric), or as for the constructor.</exception>
    public static FeatureColumn OneHot(string name, IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        Guard.NotDefault(categories, nameof(categories));
        if (categories.Count == 0)
        {
            // The record reads empty categories as a numeric column: the one-hot column asked for would silently be one.
            throw new ArgumentException($"a one-hot column needs at least one category, but '{name}' has none.", nameof(categories));
        }

        return new(name, 0, 1, categories.ToImmutableArray());
    }

    /// <inheritdoc/>
    public bool Equals(FeatureColumn? other) =>
        other is not null && Name == other.Name && Mean.Equals(other.Mean) && Deviation.Equals(other.Deviation)
        && Categories.AsSpan().SequenceEqual(other.Categories.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Mean, Deviation, Categories.Length);

    /// <summary>
    /// The rule that ties the fields together, which a <c>with</c> expression setting them one at a time cannot check:
    /// a one-hot column has mean 0 and deviation 1. <see cref="Preprocessing"/> checks it again for every column it takes.
    /// </summary>
    internal void CheckWhole() => CheckedOneHot(Name, Mean, Deviation, Categories);

    /// <summary>The UTF-8 length of a name or category, refused beyond <see cref="MaxTextBytes"/>.</summary>
    internal static string CheckedText(string text, string paramName, string what, bool mayBeEmpty)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        return (bytes > 0 || mayBeEmpty) && bytes <= MaxTextBytes ? text
            : throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{what} must be {(mayBeEmpty ? 0 : 1)}..{MaxTextBytes} UTF-8 bytes (what a model file stores), but '{Shortened(text)}' is {bytes}."),
                paramName);
    }

    private static string Shortened(string text) => text.Length <= 40 ? text : $"{text[..40]}…";

    private static string CheckedName(string value)
    {
        ArgumentNullException.ThrowIfNull(value, nameof(Name));
        return CheckedText(value, nameof(Name), "a feature column's name", mayBeEmpty: false);
    }

    private static double CheckedMean(double value) =>
        double.IsFinite(value) ? value
        : throw new ArgumentOutOfRangeException(nameof(Mean), string.Create(CultureInfo.InvariantCulture, $"a feature column's mean must be finite, but is {value}."));

    private static double CheckedDeviation(double value) =>
        value > 0 && double.IsFinite(value) ? value
        : throw new ArgumentOutOfRangeException(nameof(Deviation), string.Create(CultureInfo.InvariantCulture, $"a feature column's deviation must be positive and finite, but is {value}."));

    private static ImmutableArray<string> CheckedCategories(ImmutableArray<string> value, string? column)
    {
        if (value.IsDefaultOrEmpty)
        {
            return value;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < value.Length; k++)
        {
            var category = value[k] ?? throw new ArgumentException($"category {k} of column '{column}' is null.", nameof(Categories));
            CheckedText(category, nameof(Categories), $"category {k} of column '{column}'", mayBeEmpty: true);
            if (!seen.Add(category))
            {
                throw new ArgumentException($"column '{column}' lists the category '{Shortened(category)}' twice; each category is one input.", nameof(Categories));
            }
        }

        return value.Length <= Limits.MaxWidth ? value
            : throw new ArgumentException($"column '{column}' has {value.Length} categories, more than Limits.MaxWidth = {Limits.MaxWidth} inputs.", nameof(Categories));
    }

    private static ImmutableArray<string> CheckedOneHot(string name, double mean, double deviation, ImmutableArray<string> categories) =>
        categories.IsDefaultOrEmpty || (mean == 0 && deviation == 1)
            ? categories
            : throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"the one-hot column '{name}' takes no mean or deviation (0 and 1), but has {mean} and {deviation}."), nameof(Mean));

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(FeatureColumn), PrintMembers);
}
