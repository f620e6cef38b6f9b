using System;
using System.Buffers.Binary;

namespace Nn;

/// <summary>
/// The CRC-32 a gzip member's trailer holds (ISO 3309; the reflected polynomial 0xEDB88320, started and finished with
/// all ones). Eight bytes are folded per step through eight tables, which keeps the check a small share of reading a
/// compressed file.
/// </summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320u;

    /// <summary>Table k maps a byte to its remainder k bytes further on, so eight bytes need one lookup each.</summary>
    private static readonly uint[] Tables = BuildTables();

    /// <summary>The CRC-32 of the bytes that gave <paramref name="crc"/> followed by <paramref name="bytes"/>.</summary>
    /// <param name="crc">The CRC-32 of everything before (0 for nothing).</param>
    /// <param name="bytes">The bytes that follow.</param>
    /// <returns>The CRC-32 of the whole.</returns>
    public static uint Append(uint crc, ReadOnlySpan<byte> bytes)
    {
        var tables = Tables;
        var c = ~crc;
        while (bytes.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(bytes) ^ c;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
            c = tables[(7 * 256) + (low & 0xFF)] ^ tables[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ tables[(5 * 256) + ((low >> 16) & 0xFF)] ^ tables[(4 * 256) + (low >> 24)]
                ^ tables[(3 * 256) + (high & 0xFF)] ^ tables[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ tables[256 + ((high >> 16) & 0xFF)] ^ tables[high >> 24];
            bytes = bytes[8..];
        }

        foreach (var b in bytes)
        {
            c = tables[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    private static uint[] BuildTables()
    {
        var tables = new uint[8 * 256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            tables[n] = c;
        }

        for (var k = 1; k < 8; k++)
        {
            for (var n = 0; n < 256; n++)
            {
                var previous = tables[((k - 1) * 256) + n];
                tables[(k * 256) + n] = (previous >> 8) ^ tables[previous & 0xFF];
            }
        }

        return tables;
    }
}
