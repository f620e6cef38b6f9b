using System.Globalization;

namespace Nn;

/// <summary>
/// A count with its noun in the number it takes ("1 epoch", "2 epochs"), for the messages training and the program
/// write: a run of one epoch said "completed 1 epochs".
/// </summary>
internal static class Counted
{
    /// <summary>
    /// <paramref name="count"/> in the invariant culture followed by <paramref name="noun"/>, or by
    /// <paramref name="plural"/> (the noun with an s when not given) unless the count is exactly 1.
    /// </summary>
    public static string Of(long count, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? noun : plural ?? noun + "s")}");
}
