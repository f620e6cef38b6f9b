using System;

namespace Nn;

/// <summary>
/// Decodes one deflate stream (RFC 1951) at a time from <see cref="DeflateBits"/>: stored, fixed-code and
/// dynamic-code blocks, back-references into the last 32 KiB of the same stream. Everything a decoder could be
/// asked to do that the format forbids is refused as damaged (a reserved block type, a stored length without its
/// complement, a code set no encoder makes, a length or distance symbol out of range, a distance before the stream's
/// start), so that only a stream zlib also reads gives bytes. Owned by one <see cref="GzipReader"/>.
/// </summary>
internal sealed class Inflater(DeflateBits bits)
{
    private const int Window = 1 << 15;
    private const int LongestMatch = 258;

    /// <summary>The order in which a dynamic block lists the code-length code's lengths.</summary>
    private static readonly byte[] CodeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

    private static readonly HuffmanCode FixedLiterals = HuffmanCode.Build(FixedLengths(288, i => i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8), false, "fixed literal/length code");
    private static readonly HuffmanCode FixedDistances = HuffmanCode.Build(FixedLengths(32, _ => 5), false, "fixed distance code");

    /// <summary>Decoded bytes: the window behind <see cref="written"/>, and what <see cref="Read"/> has not handed out.</summary>
    private readonly byte[] output = new byte[4 * Window];
    private int written;
    private int delivered;

    /// <summary>
    /// How far back a distance may reach from position 0 of <see cref="output"/>: from position p, this stream has
    /// p + <see cref="reachBefore"/> bytes behind it. Negative when the stream began further into the buffer.
    /// </summary>
    private long reachBefore;

    private State state = State.Done;
    private bool finalBlock;
    private int storedLeft;
    private readonly HuffmanCode dynamicLiterals = new(286);
    private readonly HuffmanCode dynamicDistances = new(30);
    private readonly HuffmanCode codeLengths = new(19);
    private HuffmanCode literals = FixedLiterals;
    private HuffmanCode distances = FixedDistances;

    private enum State
    {
        BlockHeader,
        Stored,
        Coded,
        Done,
    }

    /// <summary>Begins a new deflate stream, which cannot refer back into the one before.</summary>
    public void Start()
    {
        state = State.BlockHeader;
        reachBefore = -written;
    }

    /// <summary>Gives the next decoded bytes; 0 once the stream's final block has ended and everything is handed out.</summary>
    public int Read(Span<byte> into)
    {
        if (delivered == written)
        {
            if (state == State.Done)
            {
                return 0;
            }

            Decode();
        }

        var n = Math.Min(into.Length, written - delivered);
        output.AsSpan(delivered, n).CopyTo(into);
        delivered += n;
        return n;
    }

    /// <summary>Decodes until the buffer is nearly full or the stream ends; called with everything handed out.</summary>
    private void Decode()
    {
        if (written > output.Length - Window)
        {
            // Keep the window a distance may reach; the rest has been handed out.
            output.AsSpan(written - Window, Window).CopyTo(output);
            reachBefore += written - Window;
            written = Window;
            delivered = Window;
        }

        while (written < output.Length - LongestMatch && state != State.Done)
        {
            switch (state)
            {
                case State.BlockHeader:
                    ReadBlockHeader();
                    break;
                case State.Stored:
                    CopyStored();
                    break;
                default:
                    DecodeCoded();
                    break;
            }
        }
    }

    private void ReadBlockHeader()
    {
        finalBlock = bits.Take(1) == 1;
        switch (bits.Take(2))
        {
            case 0:
                bits.AlignToByte();
                var length = (int)bits.Take(16);
                if (length != (~bits.Take(16) & 0xFFFF))
                {
                    throw Damaged("a stored block whose length does not match its complement");
                }

                storedLeft = length;
                state = State.Stored;
                break;
            case 1:
                (literals, distances) = (FixedLiterals, FixedDistances);
                state = State.Coded;
                break;
            case 2:
                (literals, distances) = ReadDynamicCodes();
                state = State.Coded;
                break;
            default:
                throw Damaged("a block of the reserved type 3");
        }
    }

    private void CopyStored()
    {
        var n = Math.Min(storedLeft, output.Length - written);
        bits.TakeBytes(output.AsSpan(written, n));
        written += n;
        storedLeft -= n;
        if (storedLeft == 0)
        {
            EndBlock();
        }
    }

    private void DecodeCoded()
    {
        var limit = output.Length - LongestMatch;
        var bytes = output;
        var literalCode = literals;
        while (written < limit)
        {
            // Most symbols take the bit reader's own loop, which stops at anything else: this general path goes on
            // from there, and decodes or refuses what stopped it.
            var at = written;
            bits.TakeSymbols(literalCode, distances, bytes, ref at, limit, reachBefore);
            written = at;
            if (written >= limit)
            {
                return;
            }

            var symbol = literalCode.Decode(bits);
            if (symbol < 256)
            {
                bytes[written++] = (byte)symbol;
                continue;
            }

            if (symbol == 256)
            {
                EndBlock();
                return;
            }

            symbol -= 257;
            if (symbol >= DeflateMatches.LengthSymbols)
            {
                throw Damaged("a length symbol out of range");
            }

            var length = DeflateMatches.LengthBase[symbol] + (int)bits.Take(DeflateMatches.LengthExtra[symbol]);
            var code = distances.Decode(bits);
            if (code >= DeflateMatches.DistanceSymbols)
            {
                throw Damaged("a distance symbol out of range");
            }

            var distance = DeflateMatches.DistanceBase[code] + (int)bits.Take(DeflateMatches.DistanceExtra[code]);
            if (distance > reachBefore + written)
            {
                throw Damaged("a distance reaching back before the start of the data");
            }

            DeflateMatches.Repeat(bytes, written, distance, length);
            written += length;
        }
    }

    private void EndBlock() => state = finalBlock ? State.Done : State.BlockHeader;

    /// <summary>Reads a dynamic block's codes into the decoder's two reusable codes.</summary>
    private (HuffmanCode Literals, HuffmanCode Distances) ReadDynamicCodes()
    {
        var literalCount = (int)bits.Take(5) + 257;
        var distanceCount = (int)bits.Take(5) + 1;
        var codeLengthCount = (int)bits.Take(4) + 4;
        if (literalCount > 286 || distanceCount > 30)
        {
            throw Damaged("a dynamic block with more than 286 literal/length or 30 distance codes");
        }

        Span<byte> codeLengthLengths = stackalloc byte[19];
        for (var i = 0; i < codeLengthCount; i++)
        {
            codeLengthLengths[CodeLengthOrder[i]] = (byte)bits.Take(3);
        }

        codeLengths.Assign(codeLengthLengths, false, "code-length code");
        Span<byte> lengths = stackalloc byte[literalCount + distanceCount];
        for (var i = 0; i < lengths.Length;)
        {
            var symbol = codeLengths.Decode(bits);
            if (symbol < 16)
            {
                lengths[i++] = (byte)symbol;
                continue;
            }

            var (value, repeat) = symbol switch
            {
                16 when i == 0 => throw Damaged("a repeat of the previous code length at the first one"),
                16 => (lengths[i - 1], 3 + (int)bits.Take(2)),
                17 => ((byte)0, 3 + (int)bits.Take(3)),
                _ => ((byte)0, 11 + (int)bits.Take(7)),
            };
            if (i + repeat > lengths.Length)
            {
                throw Damaged("code lengths repeated past the end of the list");
            }

            lengths.Slice(i, repeat).Fill(value);
            i += repeat;
        }

        if (lengths[256] == 0)
        {
            throw Damaged("a dynamic block with no end-of-block code");
        }

        dynamicLiterals.Assign(lengths[..literalCount], true, "literal/length code");
        dynamicDistances.Assign(lengths[literalCount..], true, "distance code");
        return (dynamicLiterals, dynamicDistances);
    }

    private static byte[] FixedLengths(int count, Func<int, int> length)
    {
        var lengths = new byte[count];
        for (var i = 0; i < count; i++)
        {
            lengths[i] = (byte)length(i);
        }

        return lengths;
    }

    private static GzipDataException Damaged(string detail) => new(GzipFault.Damaged, detail);
}
