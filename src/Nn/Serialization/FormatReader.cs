using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Nn;

/// <summary>
/// Reads the little-endian fields of a model or checkpoint file from its bytes, checking each one and throwing
/// <see cref="ModelFormatException"/> with the offset when the file ends early or a value is out of range.
/// </summary>
internal sealed class FormatReader(byte[] bytes, string fileName)
{
    public int Offset { get; private set; }

    public string FileName => fileName;

    /// <summary>How many bytes are left before the checksum.</summary>
    public int Remaining => bytes.Length - SHA256.HashSizeInBytes - Offset;

    public ModelFormatException Error(long offset, string expected, string actual) => new(fileName, offset, expected, actual);

    /// <summary>The magic, version and checksum checks shared by both file kinds; returns the element size (4 or 8).</summary>
    public int ReadHeader(ReadOnlySpan<byte> magic, string kind, ushort version) => ReadHeader(magic, kind, version, version, out _);

    /// <summary>
    /// <see cref="ReadHeader(ReadOnlySpan{byte}, string, ushort)"/> for a reader that knows the versions
    /// <paramref name="oldest"/> to <paramref name="newest"/>; <paramref name="version"/> is the file's.
    /// </summary>
    public int ReadHeader(ReadOnlySpan<byte> magic, string kind, ushort oldest, ushort newest, out ushort version)
    {
        if (bytes.Length < magic.Length || !bytes.AsSpan(0, magic.Length).SequenceEqual(magic))
        {
            var found = bytes.Length < magic.Length ? $"a {bytes.Length}-byte file" : $"'{Printable(bytes.AsSpan(0, magic.Length))}'{OtherKind(bytes)}";
            throw Error(0, $"the {kind} magic '{Encoding.ASCII.GetString(magic)}'", found);
        }

        if (bytes.Length < magic.Length + 2)
        {
            throw Error(bytes.Length, "a 2-byte format version", $"the end of a {bytes.Length}-byte file (truncated)");
        }

        var fileVersion = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(magic.Length, 2));
        Offset = magic.Length + 2;
        if (fileVersion < oldest || fileVersion > newest)
        {
            throw Error(magic.Length, oldest == newest ? $"format version {newest}" : $"format version {oldest} to {newest}", $"version {fileVersion}");
        }

        version = fileVersion;

        if (bytes.Length < Offset + 2 + SHA256.HashSizeInBytes)
        {
            throw Error(bytes.Length, $"at least {Offset + 2 + SHA256.HashSizeInBytes} bytes (header and checksum)", $"a {bytes.Length}-byte file (truncated)");
        }

        var body = bytes.AsSpan(0, bytes.Length - SHA256.HashSizeInBytes);
        var stored = bytes.AsSpan(body.Length);
        Span<byte> computed = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, computed);
        if (!computed.SequenceEqual(stored))
        {
            throw Error(body.Length, $"the SHA-256 checksum {Convert.ToHexStringLower(computed)} of bytes 0..{body.Length - 1}", $"{Convert.ToHexStringLower(stored)} (the file is corrupt or truncated)");
        }

        var elementOffset = Offset;
        var elementSize = Byte("the element type");
        if (elementSize is not (4 or 8))
        {
            throw Error(elementOffset, "element type 4 (float32) or 8 (float64)", $"{elementSize}");
        }

        var reserved = Byte("a reserved byte");
        if (reserved != 0)
        {
            throw Error(Offset - 1, "a reserved byte 0", $"{reserved}");
        }

        return elementSize;
    }

    /// <summary>Throws unless exactly the checksum remains.</summary>
    public void ExpectChecksumNext()
    {
        var remaining = bytes.Length - SHA256.HashSizeInBytes - Offset;
        if (remaining != 0)
        {
            throw Error(Offset, "the checksum next", $"{remaining} more bytes");
        }
    }

    public byte Byte(string what) => Take(1, what)[0];

    public ushort UInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public int Int32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

    public long Int64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

    public ulong UInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public double Double(string what) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what));

    /// <summary>An int in [low, high].</summary>
    public int Int32InRange(string what, int low, int high)
    {
        var at = Offset;
        var value = Int32(what);
        if (value < low || value > high)
        {
            throw Error(at, $"{what} in {low}..{high}", $"{value}");
        }

        return value;
    }

    /// <summary>
    /// Refuses <paramref name="count"/> items of at least <paramref name="itemBytes"/> bytes each (the count read at
    /// <paramref name="at"/>) when the bytes before the checksum cannot hold them, so that room is never made for more
    /// items than the file could hold: a few bytes claiming ten million names would take 80 MB for their references.
    /// </summary>
    public void EnsureRoom(long at, string what, int count, int itemBytes)
    {
        var most = Remaining / itemBytes;
        if (count > most)
        {
            throw Error(at, $"{what} of at most {most} ({itemBytes} or more bytes each)", $"{count}");
        }
    }

    /// <summary>A name: one length byte (1..64), then ASCII letters, digits or '-'.</summary>
    public string Name(string what)
    {
        var at = Offset;
        var length = Byte($"the length of {what}");
        if (length is 0 or > 64)
        {
            throw Error(at, $"the length of {what} in 1..64", $"{length}");
        }

        var text = Take(length, what);
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || c == '-'))
            {
                throw Error(at + 1, $"{what} in ASCII letters, digits and '-'", $"'{Printable(text)}'");
            }
        }

        return Encoding.ASCII.GetString(text);
    }

    /// <summary>The next <paramref name="count"/> bytes, uninterpreted.</summary>
    public ReadOnlySpan<byte> Bytes(int count, string what) => Take(count, what);

    /// <summary>A double that must be finite.</summary>
    public double FiniteDouble(string what)
    {
        var at = Offset;
        var value = Double(what);
        if (!double.IsFinite(value))
        {
            throw Error(at, $"a finite {what}", value.ToString("R", CultureInfo.InvariantCulture));
        }

        return value;
    }

    /// <summary>A vector of <paramref name="count"/> finite numbers stored with <paramref name="elementSize"/> bytes each, converted to T.</summary>
    public T[] Vector<T>(int count, int elementSize, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var at = Offset;
        var raw = Take((long)count * elementSize, what);
        var values = new T[count];
        for (var i = 0; i < count; i++)
        {
            var stored = elementSize == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4))
                : BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8, 8));
            var value = T.CreateChecked(stored);
            if (!T.IsFinite(value))
            {
                // The value in the file, in the invariant culture; a finite float64 beyond float32's range says so.
                var found = double.IsFinite(stored)
                    ? string.Create(CultureInfo.InvariantCulture, $"{stored:R} at element {i}, which is infinite in {ElementTypes.Name<T>()}")
                    : string.Create(CultureInfo.InvariantCulture, $"{stored} at element {i}");
                throw Error(at + ((long)i * elementSize), $"finite numbers in {what}", found);
            }

            values[i] = value;
        }

        return values;
    }

    /// <summary>The next bytes; the count is 64-bit so that a large declared vector is reported as too long, not wrapped.</summary>
    private ReadOnlySpan<byte> Take(long count, string what)
    {
        var end = bytes.Length - SHA256.HashSizeInBytes;
        if (count < 0 || Offset + count > end)
        {
            throw Error(Offset, $"{count} bytes of {what}", $"only {Math.Max(0, end - Offset)} bytes before the checksum");
        }

        var span = bytes.AsSpan(Offset, (int)count);
        Offset += (int)count;
        return span;
    }

    private static string Printable(ReadOnlySpan<byte> text)
    {
        var builder = new StringBuilder();
        foreach (var b in text)
        {
            builder.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        }

        return builder.ToString();
    }

    /// <summary>
    /// What a file of the other kind is for, when it starts with that kind's magic: a checkpoint given where a model
    /// goes (or the reverse) is a mix-up of files, not damage, and the message says which command reads it.
    /// </summary>
    private static string OtherKind(byte[] bytes) =>
        bytes.AsSpan().StartsWith(CheckpointFile.Magic) ? " (a checkpoint: nn train --resume and nn info read it, CheckpointFile.Load in code)"
        : bytes.AsSpan().StartsWith(ModelFile.Magic) ? " (a model file: nn eval, predict, info, export and gradcheck read it, ModelFile.Load in code)"
        : string.Empty;
}
