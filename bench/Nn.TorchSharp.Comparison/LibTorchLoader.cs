using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace Nn.TorchSharp.Comparison;

/// <summary>
/// Lets TorchSharp-cpu 0.107.0 load on Debian 12. Its libLibTorchSharp.so, built with GCC 13, asks for the symbol
/// version GLIBCXX_3.4.32, which Debian 12's libstdc++ (up to 3.4.30) lacks, so dlopen refuses it. The only symbol
/// behind that version is a marker that nothing calls, so marking the requirement weak (VER_FLG_WEAK) is enough.
/// Only the copy in this program's own output folder is changed, never the NuGet cache.
/// </summary>
internal static class LibTorchLoader
{
    private const uint VersionNeedsSection = 0x6ffffffe; // SHT_GNU_verneed
    private const ushort WeakFlag = 0x2;                 // VER_FLG_WEAK
    private const string MissingVersion = "GLIBCXX_3.4.32";

    /// <summary>Marks the missing version requirement weak, once; later calls find it already weak.</summary>
    /// <returns>How many requirements were changed now (0 when none needed changing or the file is absent).</returns>
    public static int Prepare()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
        {
            return 0;
        }

        var image = File.ReadAllBytes(path);
        var changed = WeakenRequirement(image, MissingVersion);
        if (changed > 0)
        {
            File.WriteAllBytes(path, image);
        }

        return changed;
    }

    private static int WeakenRequirement(byte[] image, string version)
    {
        var span = image.AsSpan();
        if (span.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[4] != 2)
        {
            throw new InvalidDataException("libLibTorchSharp.so is not a 64-bit ELF file.");
        }

        var sectionTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        var sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        var sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);

        var changed = 0;
        for (var s = 0; s < sectionCount; s++)
        {
            var header = span[(sectionTable + (s * sectionSize))..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != VersionNeedsSection)
            {
                continue;
            }

            var strings = (int)SectionOffset(span, sectionTable, sectionSize, (int)BinaryPrimitives.ReadUInt32LittleEndian(header[40..]));
            var needCount = BinaryPrimitives.ReadUInt32LittleEndian(header[44..]);
            var need = (int)SectionOffset(span, sectionTable, sectionSize, s);
            for (var n = 0; n < needCount; n++)
            {
                var auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]);
                    var end = span[name..].IndexOf((byte)0);
                    var flags = BinaryPrimitives.ReadUInt16LittleEndian(span[(aux + 4)..]);
                    if (Encoding.ASCII.GetString(span.Slice(name, end)) == version && (flags & WeakFlag) == 0)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(span[(aux + 4)..], (ushort)(flags | WeakFlag));
                        changed++;
                    }

                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                }

                var next = BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
                if (next == 0)
                {
                    break;
                }

                need += (int)next;
            }
        }

        return changed;
    }

    private static long SectionOffset(ReadOnlySpan<byte> image, int sectionTable, int sectionSize, int section) =>
        (long)BinaryPrimitives.ReadUInt64LittleEndian(image[(sectionTable + (section * sectionSize) + 24)..]);
}
