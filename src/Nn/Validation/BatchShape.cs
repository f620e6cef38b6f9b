using System;
using System.Globalization;

namespace Nn;

/// <summary>
/// The checks at the door of the span-level passes of <see cref="Activation"/> and <see cref="Loss"/>: a batch is
/// rows × <c>width</c> values, and every span a pass reads or writes holds exactly that many.
/// </summary>
internal static class BatchShape
{
    /// <summary>
    /// Refuses a width outside 1..<see cref="Limits.MaxWidth"/> (a zero width left a row loop stepping by nothing
    /// forever) and a <paramref name="count"/> that is not a whole number of rows of it.
    /// </summary>
    /// <param name="first">The name of the span whose length is <paramref name="count"/>.</param>
    /// <param name="count">Its length, the batch's number of values.</param>
    /// <param name="width">The number of units a row holds.</param>
    public static void Rows(string first, int count, int width)
    {
        if (width < 1 || width > Limits.MaxWidth)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width),
                string.Create(CultureInfo.InvariantCulture, $"width must be in 1..{Limits.MaxWidth} (Limits.MaxWidth), but is {width}."));
        }

        if (count % width != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{first} must hold whole rows of width {width}, but has length {count}."),
                first);
        }
    }

    /// <summary>Refuses a span whose length differs from the batch's, naming it.</summary>
    public static void Same(string name, int expected, int actual) => Guard.Length(name, expected, actual);
}
