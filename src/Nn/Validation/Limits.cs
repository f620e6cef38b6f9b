using System;
using System.Globalization;

namespace Nn;

/// <summary>
/// The largest sizes the library accepts, checked up front so that no size arithmetic can wrap around. Every
/// buffer is one .NET array indexed by <see cref="int"/>, so a count of elements must stay within
/// <see cref="MaxElements"/>; widths are bounded far below that so that the products the library forms
/// (batch × width, outputs × inputs) are computed in 64 bits and compared with a limit rather than overflowing.
/// Whether memory for a size within these limits is actually available is the caller's business: the limits are
/// the same on every machine.
/// </summary>
/// <example><code>
/// if (hiddenWidth &gt; Limits.MaxWidth) { /* ask for a smaller layer */ }
/// </code></example>
public static class Limits
{
    /// <summary>The most elements any one vector, matrix or buffer holds: <see cref="Array.MaxLength"/>, 2,147,483,591.</summary>
    public const int MaxElements = 0x7FFFFFC7;

    /// <summary>The most parameters a network has: θ is one array, so <see cref="MaxElements"/>.</summary>
    public const int MaxParameterCount = MaxElements;

    /// <summary>The widest input, layer or sample: 2^24 = 16,777,216 (a 4096 × 4096 image).</summary>
    public const int MaxWidth = 1 << 24;

    /// <summary>
    /// The most classes (target columns) of a data set: 2^14 = 16,384. Evaluation keeps a classes × classes
    /// confusion matrix, which at this limit already takes 1 GiB.
    /// </summary>
    public const int MaxClasses = 1 << 14;

    /// <summary>
    /// The longest line of CSV text, in characters: 2^28 = 268,435,456 (16 per value of a sample at
    /// <see cref="MaxWidth"/>). A longer line — a file with no line breaks, an endless stream — is refused when its
    /// length passes this, rather than read on until the runtime cannot grow a string.
    /// </summary>
    public const int MaxLineLength = 1 << 28;

    /// <summary>The most layers a network has.</summary>
    public const int MaxLayers = 4096;

    /// <summary>
    /// The most threads a training run or a forward pass is split over: 256. Each is an operating-system thread
    /// started for the run, and a step's products are too small to share among more.
    /// </summary>
    public const int MaxThreads = 256;

    /// <summary>Throws unless 1 ≤ <paramref name="value"/> ≤ <paramref name="limit"/>, naming the value and the limit.</summary>
    internal static void Size(string name, long value, int limit, string limitName)
    {
        if (value < 1 || value > limit)
        {
            // The value is in the message only: the constructor taking it would append it again in the thread's culture.
            throw new ArgumentOutOfRangeException(
                name,
                string.Create(CultureInfo.InvariantCulture, $"{name} must be in 1..{limit} (Limits.{limitName}), but is {value}."));
        }
    }

    /// <summary>
    /// <paramref name="rows"/> × <paramref name="columns"/> computed in 64 bits, or an exception naming
    /// <paramref name="what"/> when it exceeds <see cref="MaxElements"/>.
    /// </summary>
    internal static int Elements(string name, long rows, long columns, string what)
    {
        var count = checked(rows * columns);
        if (count > MaxElements)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{what}: {rows} × {columns} = {count} elements, more than Limits.MaxElements = {MaxElements}."),
                name);
        }

        return (int)count;
    }
}
