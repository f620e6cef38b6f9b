using System;
using System.Runtime.CompilerServices;

namespace Nn;

/// <summary>
/// A canonical Huffman code of deflate (RFC 1951, 3.2.2), built from each symbol's code length and read from
/// <see cref="DeflateBits"/>. Codes of up to <see cref="FastBits"/> bits are found by one table lookup; longer ones
/// (up to 15 bits) by walking the lengths. Sets of lengths no encoder can produce are refused as zlib refuses them:
/// over-subscribed sets always, incomplete ones unless the code is a single code of 1 bit (an alphabet with one
/// symbol) or empty, which only a distance code may be.
/// </summary>
internal sealed class HuffmanCode
{
    /// <summary>The longest code deflate allows.</summary>
    public const int MaxBits = 15;
    /// <summary>Codes up to this long are found by one lookup; dynamic codes for byte data are mostly 7–12 bits.</summary>
    private const int FastBits = 12;

    /// <summary>Per pattern of the next <see cref="FastBits"/> bits: symbol × 16 + length, or 0 for a longer code.</summary>
    private readonly ushort[] fast = new ushort[1 << FastBits];

    /// <summary>
    /// The one-lookup table: indexed by the next <see cref="FastBits"/> bits, symbol × 16 + code length, or 0 where
    /// the code is longer (or, in an incomplete code, absent).
    /// </summary>
    public ushort[] FastTable => fast;

    /// <summary>How many codes have each length.</summary>
    private readonly int[] countOfLength = new int[MaxBits + 1];

    /// <summary>The symbols in canonical order: by length, then by symbol.</summary>
    private readonly ushort[] symbols;

    /// <summary>An empty code for alphabets of up to <paramref name="symbolCount"/> symbols, to be <see cref="Assign"/>ed.</summary>
    public HuffmanCode(int symbolCount) => symbols = new ushort[symbolCount];

    /// <summary>A new code whose symbol i has the code length <paramref name="lengths"/>[i] (see <see cref="Assign"/>).</summary>
    public static HuffmanCode Build(ReadOnlySpan<byte> lengths, bool incompleteAllowed, string what)
    {
        var code = new HuffmanCode(lengths.Length);
        code.Assign(lengths, incompleteAllowed, what);
        return code;
    }

    /// <summary>
    /// Makes this the code whose symbol i has the code length <paramref name="lengths"/>[i] (0 for unused); a
    /// decoder reuses one code per role for every dynamic block instead of allocating tables for each.
    /// </summary>
    /// <param name="lengths">The code lengths, 0..15; at most as many as this code was made for.</param>
    /// <param name="incompleteAllowed">Whether a single 1-bit code or no code at all is acceptable (not for the code-length code).</param>
    /// <param name="what">The code's name in an error ("literal/length code").</param>
    public void Assign(ReadOnlySpan<byte> lengths, bool incompleteAllowed, string what)
    {
        var code = this;
        Array.Clear(fast);
        Array.Clear(countOfLength);
        foreach (var length in lengths)
        {
            code.countOfLength[length]++;
        }

        code.countOfLength[0] = 0;
        var left = 1;
        var longest = 0;
        for (var length = 1; length <= MaxBits; length++)
        {
            left = (left << 1) - code.countOfLength[length];
            if (left < 0)
            {
                throw Damaged($"an over-subscribed {what}");
            }

            if (code.countOfLength[length] > 0)
            {
                longest = length;
            }
        }

        if (left > 0 && !(incompleteAllowed && longest <= 1))
        {
            throw Damaged($"an incomplete {what}");
        }

        // Canonical order, and each length's first code (RFC 1951's next_code).
        Span<int> offset = stackalloc int[MaxBits + 2];
        Span<int> next = stackalloc int[MaxBits + 1];
        var first = 0;
        for (var length = 1; length <= MaxBits; length++)
        {
            offset[length + 1] = offset[length] + code.countOfLength[length];
            first = (first + code.countOfLength[length - 1]) << 1;
            next[length] = first;
        }

        for (var symbol = 0; symbol < lengths.Length; symbol++)
        {
            var length = lengths[symbol];
            if (length == 0)
            {
                continue;
            }

            code.symbols[offset[length]++] = (ushort)symbol;
            if (length <= FastBits)
            {
                // The stream holds a code's bits first bit first, so the table is indexed by the code reversed.
                var reversed = Reverse(next[length], length);
                for (var pattern = reversed; pattern < 1 << FastBits; pattern += 1 << length)
                {
                    code.fast[pattern] = (ushort)((symbol << 4) | length);
                }
            }

            next[length]++;
        }
    }

    /// <summary>Takes the next code from <paramref name="bits"/> and gives its symbol.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(DeflateBits bits)
    {
        // A valid member has its 8-byte trailer after the last code, so 15 bits are there unless the file is cut.
        bits.TryFill(MaxBits);
        var entry = fast[bits.Peek(FastBits)];
        if (entry != 0 && (entry & 15) <= bits.Count)
        {
            bits.Drop(entry & 15);
            return entry >> 4;
        }

        return DecodeLong(bits);
    }

    /// <summary>Canonical decoding, one bit at a time: the codes of one length are consecutive numbers.</summary>
    private int DecodeLong(DeflateBits bits)
    {
        var pattern = bits.Peek(MaxBits);
        var available = Math.Min(MaxBits, bits.Count);
        int code = 0, firstCode = 0, index = 0;
        for (var length = 1; length <= available; length++)
        {
            code |= (int)(pattern >> (length - 1)) & 1;
            var count = countOfLength[length];
            if (code - firstCode < count)
            {
                bits.Drop(length);
                return symbols[index + code - firstCode];
            }

            index += count;
            firstCode = (firstCode + count) << 1;
            code <<= 1;
        }

        throw available < MaxBits ? DeflateBits.Truncated() : Damaged("a code that is not in the block's Huffman code");
    }

    private static int Reverse(int code, int length)
    {
        var reversed = 0;
        for (var i = 0; i < length; i++)
        {
            reversed = (reversed << 1) | ((code >> i) & 1);
        }

        return reversed;
    }

    private static GzipDataException Damaged(string detail) => new(GzipFault.Damaged, detail);
}
