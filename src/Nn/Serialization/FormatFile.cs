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
    public static byte[] Read(string path, ReadOnlySpan<byte> magic) => Read(path, magic, magic);

    /// <summary>
    /// <see cref="Read(string, ReadOnlySpan{byte})"/> for a file of either of two kinds (<c>nn info</c> reads a model
    /// or a checkpoint): the whole file when it starts with <paramref name="magic"/> or <paramref name="otherMagic"/>,
    /// of the same length; else its first bytes.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="magic">The first bytes one kind starts with.</param>
    /// <param name="otherMagic">The first bytes the other kind starts with.</param>
    /// <returns>The whole file, or its first bytes when they are neither magic.</returns>
    public static byte[] Read(string path, ReadOnlySpan<byte> magic, ReadOnlySpan<byte> otherMagic)
    {
        if (otherMagic.Length != magic.Length)
        {
            throw new ArgumentException("both kinds' magic must have the same length.", nameof(otherMagic));
        }

        // Opening a directory fails with "access denied", which would send its owner looking at permissions.
        if (Directory.Exists(path))
        {
            throw new IOException($"cannot load '{path}': it is a directory.");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var head = new byte[magic.Length];
        var count = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (count < head.Length || !(head.AsSpan().SequenceEqual(magic) || head.AsSpan().SequenceEqual(otherMagic)))
        {
            return head[..count];
        }

        // No file longer than one array can be read (nor written: ToBytes makes one array), so a longer one is refused
        // naming the file, rather than read for gigabytes until MemoryStream says only "Stream was too long".
        if (stream.CanSeek && stream.Length > Array.MaxLength)
        {
            throw TooLong(path, $"{stream.Length} bytes");
        }

        using var whole = new MemoryStream(stream.CanSeek ? (int)stream.Length : 0);
        whole.Write(head);

        // A pipe has no length to check first: it is refused once it passes the bound.
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (whole.Length + read > Array.MaxLength)
            {
                throw TooLong(path, "more bytes");
            }

            whole.Write(buffer, 0, read);
        }

        return whole.Length == whole.Capacity ? whole.GetBuffer() : whole.ToArray();
    }

    private static ModelFormatException TooLong(string path, string found) =>
        new(path, Array.MaxLength, $"the end of the file within {Array.MaxLength} bytes (the largest array .NET holds)", found);
}
