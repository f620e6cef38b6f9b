using System;

namespace Nn;

/// <summary>
/// Deflate's matches (RFC 1951, 3.2.5): what a length or distance symbol and its extra bits stand for, and the copy
/// that repeats earlier output. Shared by the inflater's general path and the bit reader's fast loop.
/// </summary>
internal static class DeflateMatches
{
    /// <summary>How many length symbols there are: 257 to 285.</summary>
    public const int LengthSymbols = 29;

    /// <summary>The number of distance symbols a valid stream uses (30 and 31 never occur).</summary>
    public const int DistanceSymbols = 30;

    /// <summary>The shortest length of each length symbol, 257 first.</summary>
    public static ReadOnlySpan<ushort> LengthBase => [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];

    /// <summary>How many extra bits follow each length symbol.</summary>
    public static ReadOnlySpan<byte> LengthExtra => [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];

    /// <summary>The shortest distance of each distance symbol.</summary>
    public static ReadOnlySpan<ushort> DistanceBase => [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];

    /// <summary>How many extra bits follow each distance symbol.</summary>
    public static ReadOnlySpan<byte> DistanceExtra => [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

    /// <summary>
    /// Writes <paramref name="length"/> bytes at <paramref name="at"/> that repeat the output from
    /// <paramref name="distance"/> bytes back; the caller has checked that the distance reaches into the data.
    /// </summary>
    public static void Repeat(byte[] output, int at, int distance, int length)
    {
        // A match longer than its distance repeats the bytes it is writing. Copying what lies between its source and
        // the write position never overlaps, and doubles each time: a run of 258 zeros takes nine copies, not 258.
        var from = at - distance;
        var end = at + length;
        while (at < end)
        {
            var n = Math.Min(at - from, end - at);
            output.AsSpan(from, n).CopyTo(output.AsSpan(at));
            at += n;
        }
    }
}
