using System;
using System.Buffers.Binary;
using System.IO;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Nn;

/// <summary>Writes the little-endian fields of a model or checkpoint file into memory, then appends the SHA-256 checksum.</summary>
internal sealed class FormatWriter
{
    private readonly MemoryStream buffer = new();

    public void Header(ReadOnlySpan<byte> magic, ushort version, int elementSize)
    {
        buffer.Write(magic);
        UInt16(version);
        Byte((byte)elementSize);
        Byte(0);
    }

    public void Byte(byte value) => buffer.WriteByte(value);

    public void UInt16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        buffer.Write(b);
    }

    public void Int32(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        buffer.Write(b);
    }

    public void Int64(long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        buffer.Write(b);
    }

    public void UInt64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        buffer.Write(b);
    }

    public void Double(double value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        buffer.Write(b);
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    public void Name(string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name);
        Byte((byte)bytes.Length);
        buffer.Write(bytes);
    }

    public void Vector<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<byte> b = stackalloc byte[8];
        foreach (var value in values)
        {
            if (typeof(T) == typeof(float))
            {
                BinaryPrimitives.WriteSingleLittleEndian(b, float.CreateChecked(value));
                buffer.Write(b[..4]);
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(b, double.CreateChecked(value));
                buffer.Write(b);
            }
        }
    }

    /// <summary>The bytes written so far followed by their SHA-256.</summary>
    public byte[] Finish()
    {
        var body = buffer.ToArray();
        var result = new byte[body.Length + SHA256.HashSizeInBytes];
        body.CopyTo(result, 0);
        SHA256.HashData(body, result.AsSpan(body.Length));
        return result;
    }
}
