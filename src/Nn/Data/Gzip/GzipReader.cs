using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;

namespace Nn;

/// <summary>
/// The bytes a gzip file (RFC 1952) holds: one or more members, each a header, deflate data and a trailer with the
/// CRC-32 and length of its data, as gzip(1) writes them and reads them back. Unlike .NET's GZipStream, which ends
/// quietly at a member cut short (its trailer, and so its checksum, missing) or at stray bytes starting 0x1f, this
/// reader counts the file good only when every member is whole and checked and nothing follows the last one; it
/// throws <see cref="GzipDataException"/> otherwise. Decoding depends only on the bytes, never on how the source
/// hands them over, so a pipe and a file give the same result. Disposing it disposes the source.
/// </summary>
internal sealed class GzipReader : ReadOnlyPassThroughStream
{
    private const byte Magic1 = 0x1f;
    private const byte Magic2 = 0x8b;
    private const byte Deflate = 8;
    private const int HeaderCrcFlag = 2;
    private const int ExtraFlag = 4;
    private const int NameFlag = 8;
    private const int CommentFlag = 16;
    private const int ReservedFlags = 0xE0;

    private readonly DeflateBits bits;
    private readonly Inflater inflater;
    private readonly Crc32 crc = new();
    private uint size;
    private bool started;
    private bool ended;

    /// <summary>A reader of the gzip data <paramref name="compressed"/> holds from its current position.</summary>
    /// <param name="compressed">The compressed bytes; read forward only, and disposed with the reader.</param>
    public GzipReader(Stream compressed)
        : base(compressed)
    {
        bits = new DeflateBits(compressed);
        inflater = new Inflater(bits);
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (!started && !buffer.IsEmpty)
        {
            started = true;
            StartMember(bits.TakeByteOrEnd(), first: true);
        }

        while (!ended && !buffer.IsEmpty)
        {
            var n = inflater.Read(buffer);
            if (n > 0)
            {
                crc.Append(buffer[..n]);
                size += (uint)n;
                return n;
            }

            EndMember();
            var next = bits.TakeByteOrEnd();
            if (next < 0)
            {
                ended = true;
            }
            else
            {
                StartMember(next, first: false);
            }
        }

        return 0;
    }

    /// <summary>Reads a member's header (its first byte already taken, −1 for none) and begins its deflate data.</summary>
    private void StartMember(int firstByte, bool first)
    {
        // Only a magic number starts a member: anything else after one is not gzip data at all, while its first byte
        // alone at the end is a member cut short.
        var second = firstByte == Magic1 ? bits.TakeByteOrEnd() : -1;
        if (second != Magic2)
        {
            throw (firstByte, second, first) switch
            {
                (Magic1, -1, _) => DeflateBits.Truncated(),
                (_, _, true) => Damaged("data that does not start with gzip's magic number 0x1f 0x8b"),
                _ => new GzipDataException(GzipFault.TrailingBytes, "trailing bytes that are not gzip data"),
            };
        }

        Span<byte> fixedPart = stackalloc byte[10];
        fixedPart[0] = Magic1;
        fixedPart[1] = Magic2;
        bits.TakeBytes(fixedPart[2..]);
        if (fixedPart[2] != Deflate)
        {
            throw Damaged($"a gzip member with compression method {fixedPart[2]}, not deflate (8)");
        }

        int flags = fixedPart[3];
        if ((flags & ReservedFlags) != 0)
        {
            throw Damaged("a gzip member header with reserved flags set");
        }

        var headerCrc = new Crc32();
        headerCrc.Append(fixedPart);
        if ((flags & ExtraFlag) != 0)
        {
            Span<byte> extraLength = stackalloc byte[2];
            bits.TakeBytes(extraLength);
            headerCrc.Append(extraLength);
            Span<byte> extra = stackalloc byte[256];
            for (var left = (int)BinaryPrimitives.ReadUInt16LittleEndian(extraLength); left > 0; left -= extra.Length)
            {
                var part = extra[..Math.Min(left, extra.Length)];
                bits.TakeBytes(part);
                headerCrc.Append(part);
            }
        }

        foreach (var flag in (ReadOnlySpan<int>)[NameFlag, CommentFlag])
        {
            if ((flags & flag) != 0)
            {
                SkipZeroTerminated(headerCrc);
            }
        }

        if ((flags & HeaderCrcFlag) != 0)
        {
            Span<byte> stored = stackalloc byte[2];
            bits.TakeBytes(stored);
            if (BinaryPrimitives.ReadUInt16LittleEndian(stored) != (ushort)headerCrc.GetCurrentHashAsUInt32())
            {
                throw Damaged("a gzip member header whose checksum does not match it");
            }
        }

        crc.Reset();
        size = 0;
        inflater.Start();
    }

    /// <summary>Skips a header's file name or comment, which end at a zero byte, adding them to the header's CRC.</summary>
    private void SkipZeroTerminated(Crc32 headerCrc)
    {
        Span<byte> one = stackalloc byte[1];
        do
        {
            bits.TakeBytes(one);
            headerCrc.Append(one);
        }
        while (one[0] != 0);
    }

    /// <summary>Checks a member's trailer against the data it gave: its CRC-32 and its length modulo 2^32.</summary>
    private void EndMember()
    {
        bits.AlignToByte();
        Span<byte> trailer = stackalloc byte[8];
        bits.TakeBytes(trailer);
        if (BinaryPrimitives.ReadUInt32LittleEndian(trailer) != crc.GetCurrentHashAsUInt32())
        {
            throw Damaged("a checksum that does not match the member's data");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) != size)
        {
            throw Damaged("a length that does not match the member's data");
        }
    }

    private static GzipDataException Damaged(string detail) => new(GzipFault.Damaged, detail);
}
