using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;

namespace Nn;

/// <summary>
/// The bits of a deflate stream, least significant first, and the whole bytes around it (gzip's header and trailer),
/// read from a source in large chunks. At most 57 bits are held at once; a request the source cannot fill reports
/// the end instead, which the callers turn into a truncation. Owned by one <see cref="GzipReader"/>.
/// </summary>
internal sealed class DeflateBits(Stream source)
{
    /// <summary>The most bits one request may ask for: whole bytes are added only while all 8 fit in 64.</summary>
    public const int MaxRequest = 57;

    /// <summary>
    /// The bits <see cref="TakeSymbols"/> holds before each symbol: a match takes at most 42 (a one-lookup length code
    /// of 12 bits, 5 extra bits, a one-lookup distance code of 12 and 13 extra), and a refill below 48 gives at least 56.
    /// </summary>
    private const int LongestSymbol = 48;

    private readonly byte[] chunk = new byte[1 << 16];
    private int position;
    private int length;
    private bool sourceEnded;
    private ulong held;

    /// <summary>How many bits are held, read from the source and not yet taken.</summary>
    public int Count { get; private set; }

    /// <summary>Holds at least <paramref name="bits"/> bits (at most <see cref="MaxRequest"/>) if the source has them.</summary>
    /// <returns>False when the source ended first; what it had is held.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFill(int bits) => Count >= bits || FillFromChunk(bits);

    private bool FillFromChunk(int bits)
    {
        while (Count < bits)
        {
            if (position == length && !ReadChunk())
            {
                return false;
            }

            if (length - position >= 8)
            {
                // Whole bytes of one little-endian word, as many as fit in 64 bits (at most 7, so the mask's shift
                // stays below 64): one load instead of up to seven.
                var bytes = Math.Min(7, (64 - Count) >> 3);
                var word = BinaryPrimitives.ReadUInt64LittleEndian(chunk.AsSpan(position)) & ((1UL << (bytes * 8)) - 1);
                held |= word << Count;
                position += bytes;
                Count += bytes * 8;
            }
            else
            {
                held |= (ulong)chunk[position++] << Count;
                Count += 8;
            }
        }

        return true;
    }

    /// <summary>Holds at least <paramref name="bits"/> bits, or throws a truncation.</summary>
    public void Fill(int bits)
    {
        if (!TryFill(bits))
        {
            throw Truncated();
        }
    }

    /// <summary>The next <paramref name="bits"/> held bits (at most 32), without taking them.</summary>
    public uint Peek(int bits) => (uint)(held & ((1UL << bits) - 1));

    /// <summary>Takes <paramref name="bits"/> held bits.</summary>
    public void Drop(int bits)
    {
        held >>= bits;
        Count -= bits;
    }

    /// <summary>Takes the next <paramref name="bits"/> bits (at most 32) as a number, least significant first.</summary>
    public uint Take(int bits)
    {
        Fill(bits);
        var value = Peek(bits);
        Drop(bits);
        return value;
    }

    /// <summary>Drops the bits up to the next byte boundary (a stored block's start, a member's trailer).</summary>
    public void AlignToByte() => Drop(Count & 7);

    /// <summary>The next whole byte after <see cref="AlignToByte"/>, or −1 at the source's end.</summary>
    public int TakeByteOrEnd()
    {
        if (!TryFill(8))
        {
            return -1;
        }

        var value = (int)Peek(8);
        Drop(8);
        return value;
    }

    /// <summary>Fills <paramref name="into"/> with the next whole bytes after <see cref="AlignToByte"/>, or throws a truncation.</summary>
    public void TakeBytes(Span<byte> into)
    {
        while (!into.IsEmpty && Count >= 8)
        {
            into[0] = (byte)Peek(8);
            Drop(8);
            into = into[1..];
        }

        while (!into.IsEmpty)
        {
            if (position == length && !ReadChunk())
            {
                throw Truncated();
            }

            var n = Math.Min(into.Length, length - position);
            chunk.AsSpan(position, n).CopyTo(into);
            position += n;
            into = into[n..];
        }
    }

    /// <summary>
    /// Decodes literals and matches of <paramref name="literals"/> and <paramref name="distances"/> into
    /// <paramref name="output"/> from <paramref name="at"/>, stopping before <paramref name="limit"/>, at the end of the
    /// block, before a code longer than the one-lookup tables, before anything the format forbids, and near the end of
    /// the chunk read; the caller's general path goes on from there and decodes or refuses what stopped this loop. Most
    /// of a file is such symbols, and this loop keeps the bits in registers, where the general path reads and writes
    /// them in this object for every code and extra field.
    /// </summary>
    /// <param name="literals">The block's literal/length code.</param>
    /// <param name="distances">The block's distance code.</param>
    /// <param name="output">The inflater's output, whose last 32 KiB before <paramref name="at"/> matches may repeat.</param>
    /// <param name="at">Where the next byte goes; moved past the bytes written.</param>
    /// <param name="limit">The position at which to stop; at least 258 bytes of room follow it, for a match.</param>
    /// <param name="reachBefore">How far back a distance may reach from position 0 of <paramref name="output"/> (from
    /// position p, <paramref name="reachBefore"/> + p bytes): the stream's data before it, which may be negative.</param>
    public void TakeSymbols(HuffmanCode literals, HuffmanCode distances, byte[] output, ref int at, int limit, long reachBefore)
    {
        var literalTable = literals.FastTable;
        var literalMask = (ulong)(literalTable.Length - 1);
        var distanceTable = distances.FastTable;
        var distanceMask = (ulong)(distanceTable.Length - 1);
        var bits = held;
        var count = Count;
        var next = position;
        var end = length;
        var bytes = chunk;
        var write = at;
        while (write < limit)
        {
            if (count < LongestSymbol)
            {
                if (end - next < 8)
                {
                    break;
                }

                var whole = Math.Min(7, (64 - count) >> 3);
                bits |= (BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(next)) & ((1UL << (whole * 8)) - 1)) << count;
                next += whole;
                count += whole * 8;
            }

            int entry = literalTable[(int)(bits & literalMask)];
            var symbol = entry >> 4;
            var used = entry & 15;
            if (symbol < 256)
            {
                if (entry == 0)
                {
                    break;
                }

                bits >>= used;
                count -= used;
                output[write++] = (byte)symbol;
                continue;
            }

            var lengthIndex = symbol - 257;
            if ((uint)lengthIndex >= DeflateMatches.LengthSymbols)
            {
                break;
            }

            int lengthExtra = DeflateMatches.LengthExtra[lengthIndex];
            var matchLength = DeflateMatches.LengthBase[lengthIndex] + (int)((bits >> used) & ((1UL << lengthExtra) - 1));
            used += lengthExtra;
            int distanceEntry = distanceTable[(int)((bits >> used) & distanceMask)];
            var code = distanceEntry >> 4;
            if (distanceEntry == 0 || code >= DeflateMatches.DistanceSymbols)
            {
                break;
            }

            used += distanceEntry & 15;
            int distanceExtra = DeflateMatches.DistanceExtra[code];
            var distance = DeflateMatches.DistanceBase[code] + (int)((bits >> used) & ((1UL << distanceExtra) - 1));
            used += distanceExtra;
            if (distance > reachBefore + write)
            {
                break;
            }

            bits >>= used;
            count -= used;
            DeflateMatches.Repeat(output, write, distance, matchLength);
            write += matchLength;
        }

        held = bits;
        Count = count;
        position = next;
        at = write;
    }

    /// <summary>The exception for a source that ended inside a member.</summary>
    public static GzipDataException Truncated() => new(GzipFault.Truncated, "the end of the file inside a gzip member (truncated)");

    private bool ReadChunk()
    {
        if (sourceEnded)
        {
            return false;
        }

        length = source.Read(chunk);
        position = 0;
        sourceEnded = length == 0;
        return !sourceEnded;
    }
}
