using System;
using System.IO;

namespace Nn;

/// <summary>Reads a model or checkpoint file from disk for the format readers.</summary>
internal static class FormatFile
{
    /// <summary>
    /// The bytes of <paramref name="path"/>, but only as far as its first bytes when they are not
    /// <paramref name="magic"/>: the reader refuses those bytes with the same message it would give for the whole file,
    /// and a wrong path (a data set, a disk image, /dev/zero) is then refused at once instead of being read into memory
    /// to its end, or until memory runs out. The file is read once, so it may be a pipe.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="magic">The first bytes the file kind starts with.</param>
    /// <returns>The whole file, or its first bytes when they are not the magic.</returns>
    public static byte[] Read(string path, ReadOnlySpan<byte> magic)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var head = new byte[magic.Length];
        var count = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (count < head.Length || !head.AsSpan().SequenceEqual(magic))
        {
            return head[..count];
        }

        using var whole = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, Array.MaxLength) : 0);
        whole.Write(head);
        stream.CopyTo(whole);
        return whole.Length == whole.Capacity ? whole.GetBuffer() : whole.ToArray();
    }
}
