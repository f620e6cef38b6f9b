using System;
using System.Buffers.Binary;
using System.IO;
using System.Numerics;

namespace Nn;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, data type 0x08 for unsigned bytes, the
/// number of dimensions), one big-endian 32-bit size per dimension, then the bytes. Images files have 3 dimensions
/// (count, rows, columns), labels files 1. Files may be gzip-compressed (recognised by their first two bytes, not
/// their name); they are streamed in chunks and never need seeking, so a pipe, a FIFO or standard input reads like a
/// regular file (see <see cref="Read{T}"/>); concatenated gzip members read as one file, as gzip(1) reads them.
/// Reading takes about two bytes per pixel besides the result. A wrong magic, a truncated file, trailing bytes (after
/// the data, or after the last gzip member), a gzip member cut short or damaged (every member's CRC-32 and length are
/// checked), mismatched counts or a label out of range throw
/// <see cref="DataFormatException"/> with the byte offset (in the decompressed stream for .gz files), and nothing is
/// returned.
/// </summary>
/// <example><code>
/// var test = IdxData.Load&lt;float&gt;("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
/// </code></example>
public static class IdxData
{
    /// <summary>The IDX code of unsigned-byte data, the only type MNIST-style files use.</summary>
    public const byte UnsignedByte = 0x08;

    private const int ChunkSize = 1 << 16;

    /// <summary>Reads an images file and its labels file into a data set with one-hot targets.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="imagesPath">The images file (2 or more dimensions: count, then the image shape).</param>
    /// <param name="labelsPath">The labels file (1 dimension: count), as many labels as images.</param>
    /// <param name="scaling">How pixels become inputs and the target values; null means x/255.</param>
    /// <param name="classCount">The number of classes, in 1..<see cref="Limits.MaxClasses"/>; every label must be below it.</param>
    /// <returns>The data set: one row of pixels per image, in file order.</returns>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="DataFormatException">A file is malformed, or the counts differ.</exception>
    public static Dataset<T> Load<T>(string imagesPath, string labelsPath, PixelScaling? scaling = null, int classCount = 10)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        Limits.Size(nameof(classCount), classCount, Limits.MaxClasses, nameof(Limits.MaxClasses));
        using var images = File.OpenRead(imagesPath);
        using var labels = File.OpenRead(labelsPath);
        return Read<T>(images, imagesPath, labels, labelsPath, scaling, classCount);
    }

    /// <summary>
    /// Reads IDX images and labels from two streams, which need not support seeking: a pipe, a FIFO or standard
    /// input gives exactly what a regular file with the same bytes gives. Each stream is read to its end.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="images">The images (2 or more dimensions: count, then the image shape), plain or gzip.</param>
    /// <param name="imagesName">The name used in error messages for <paramref name="images"/>.</param>
    /// <param name="labels">The labels (1 dimension: count), plain or gzip, as many labels as images.</param>
    /// <param name="labelsName">The name used in error messages for <paramref name="labels"/>.</param>
    /// <param name="scaling">How pixels become inputs and the target values; null means x/255.</param>
    /// <param name="classCount">The number of classes, in 1..<see cref="Limits.MaxClasses"/>; every label must be below it.</param>
    /// <param name="checkShape">
    /// Called with the sizes the images header announces once it is read, before any of the data is read or allocated;
    /// whatever it throws ends the read and reaches the caller unchanged (a caller refuses sizes its memory cannot
    /// hold this way). Null checks nothing beyond the library's <see cref="Limits"/>.
    /// </param>
    /// <returns>The data set: one row of pixels per image, in stream order.</returns>
    /// <exception cref="DataFormatException">A stream is malformed, or the counts differ.</exception>
    /// <exception cref="ArgumentException">The scaling takes a pixel value out of the range of <typeparamref name="T"/>.</exception>
    public static Dataset<T> Read<T>(
        Stream images, string imagesName, Stream labels, string labelsName, PixelScaling? scaling = null, int classCount = 10, Action<IdxShape>? checkShape = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(imagesName);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(labelsName);
        Limits.Size(nameof(classCount), classCount, Limits.MaxClasses, nameof(Limits.MaxClasses));
        var table = PixelTable<T>(scaling ?? PixelScaling.Bytes);
        var (shape, pixels) = ReadBytes(images, imagesName, minimumDimensions: 2, maximumDimensions: byte.MaxValue, table, checkShape);
        var (_, rawLabels) = ReadBytes<T>(labels, labelsName, minimumDimensions: 1, maximumDimensions: 1, table: null, onePer: (shape.Count, imagesName));
        var labelValues = new int[rawLabels.Bytes!.Length];
        for (var i = 0; i < labelValues.Length; i++)
        {
            labelValues[i] = rawLabels.Bytes[i];
            if (labelValues[i] >= classCount)
            {
                throw new DataFormatException(labelsName, $"byte {8 + i}", $"a label in 0..{classCount - 1}", $"{labelValues[i]} (label {i})");
            }
        }

        scaling ??= PixelScaling.Bytes;
        return Dataset.FromLabels(Matrix<T>.Own(shape.Count, shape.SampleSize, pixels.Values!), labelValues, classCount, scaling.TargetOn, scaling.TargetOff);
    }

    /// <summary>Reads IDX images without labels (images to predict), from a stream that need not support seeking.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="images">The images (2 or more dimensions: count, then the image shape), plain or gzip; read to its end.</param>
    /// <param name="imagesName">The name used in error messages.</param>
    /// <param name="scaling">How pixels become inputs; null means x/255.</param>
    /// <param name="checkShape">Called with the header's sizes before any data is read or allocated, as <see cref="Read{T}"/> calls it; null checks nothing.</param>
    /// <returns>One row of scaled pixels per image, in stream order.</returns>
    /// <exception cref="DataFormatException">The stream is malformed.</exception>
    /// <exception cref="ArgumentException">The scaling takes a pixel value out of the range of <typeparamref name="T"/>.</exception>
    public static Matrix<T> ReadImages<T>(Stream images, string imagesName, PixelScaling? scaling = null, Action<IdxShape>? checkShape = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(imagesName);
        var (shape, pixels) = ReadBytes(images, imagesName, minimumDimensions: 2, maximumDimensions: byte.MaxValue, PixelTable<T>(scaling ?? PixelScaling.Bytes), checkShape);
        return Matrix<T>.Own(shape.Count, shape.SampleSize, pixels.Values!);
    }

    /// <summary>The 256 possible pixel values scaled, so that scaling is one lookup per byte.</summary>
    private static T[] PixelTable<T>(PixelScaling scaling)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var table = new T[256];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = T.CreateChecked(scaling.Scale(i));
            if (!T.IsFinite(table[i]))
            {
                throw new ArgumentException($"the scaling takes the pixel value {i} beyond the range of {ElementTypes.Name<T>()}; scale by a larger maximum.", nameof(scaling));
            }
        }

        return table;
    }

    /// <summary>The payload: raw bytes, or values already mapped through a table.</summary>
    private readonly record struct Payload<T>(byte[]? Bytes, T[]? Values);

    /// <summary>Whether bytes start a gzip stream (the magic 0x1f 0x8b), the only compression IDX files come in.</summary>
    /// <param name="head">The first bytes of a file (two are enough).</param>
    /// <returns>True when the bytes start with the gzip magic.</returns>
    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    /// <summary>
    /// Reads one IDX stream. <paramref name="checkShape"/> sees an images header's sizes before the data behind them;
    /// <paramref name="onePer"/>, for a labels stream, is the count of the images it labels: a header announcing
    /// another is refused before its data is read, which a hostile stream could make gigabytes long.
    /// </summary>
    private static (IdxShape Shape, Payload<T> Payload) ReadBytes<T>(
        Stream source, string path, int minimumDimensions, int maximumDimensions, T[]? table, Action<IdxShape>? checkShape = null, (int Count, string Name)? onePer = null)
    {
        // The caller owns the source: disposing the peek (and the gzip) stream over it leaves it open.
        var file = PeekStream.Open(source, 2, leaveOpen: true);
        var compressed = IsGzip(file.Head.Span);
        using Stream stream = compressed ? new GzipReader(file) : file;
        var where = compressed ? " (decompressed)" : string.Empty;
        var reader = new CountingReader(stream, path, where);

        Span<byte> word = stackalloc byte[4];
        reader.ReadExactly(word, "a 4-byte IDX magic number");
        if (word[0] != 0 || word[1] != 0)
        {
            throw new DataFormatException(path, "byte 0", "an IDX magic number starting 0x00 0x00", $"0x{word[0]:X2} 0x{word[1]:X2} (not an IDX file)");
        }

        if (word[2] != UnsignedByte)
        {
            throw new DataFormatException(path, "byte 2", $"data type 0x{UnsignedByte:X2} (unsigned byte)", $"0x{word[2]:X2}");
        }

        int rank = word[3];
        if (rank < minimumDimensions || rank > maximumDimensions)
        {
            var expected = minimumDimensions == maximumDimensions ? $"{minimumDimensions}" : $"at least {minimumDimensions}";
            throw new DataFormatException(path, "byte 3", $"{expected} dimensions", $"{rank}");
        }

        var dimensions = new int[rank];
        var total = 1L;
        for (var d = 0; d < rank; d++)
        {
            var offset = reader.Offset;
            reader.ReadExactly(word, $"the size of dimension {d}");
            var size = BinaryPrimitives.ReadInt32BigEndian(word);
            if (size <= 0)
            {
                throw new DataFormatException(path, $"byte {offset}", $"a positive size for dimension {d}", $"{size}");
            }

            if (d == 0 && onePer is { } images && size != images.Count)
            {
                throw new DataFormatException(path, $"byte {offset}", $"{images.Count} labels, one per image in {images.Name}", $"{size}");
            }

            dimensions[d] = size;
            total *= size;
            if (d > 0 && total / dimensions[0] > Limits.MaxWidth)
            {
                throw new DataFormatException(path, $"byte {offset}", $"at most {Limits.MaxWidth} values per sample (Limits.MaxWidth)", $"dimensions giving {total / dimensions[0]} or more");
            }

            if (total > Array.MaxLength)
            {
                throw new DataFormatException(path, $"byte {offset}", $"at most {Array.MaxLength} elements", $"dimensions giving {total} or more");
            }
        }

        var shape = new IdxShape(dimensions[0], (int)(total / dimensions[0]));
        checkShape?.Invoke(shape);
        var expectedLength = reader.Offset + total;
        var truncated = $"{total} data bytes, {expectedLength} bytes in all";

        // The header's size is a claim until the bytes arrive: the bytes grow toward it as they do, so a damaged header
        // cannot make the reader allocate gigabytes for a file of a few bytes. Only once they are all here are they
        // mapped to values, in one array of the final size: a file that decompresses to n bytes then peaks near n
        // bytes plus its values, where growing the values themselves left up to three arrays of them alive.
        var raw = new byte[Math.Min(total, ChunkSize)];
        var chunk = new byte[ChunkSize];
        for (var start = 0L; start < total; start += ChunkSize)
        {
            var length = (int)Math.Min(ChunkSize, total - start);
            reader.ReadExactly(chunk.AsSpan(0, length), truncated);
            GrowTo(ref raw, start + length, total);
            chunk.AsSpan(0, length).CopyTo(raw.AsSpan((int)start));
        }

        if (reader.ReadByteOrEnd() >= 0)
        {
            throw new DataFormatException(path, $"byte {expectedLength}{where}", $"the end of the file after {expectedLength} bytes", "more data");
        }

        if (table is null)
        {
            return (shape, new Payload<T>(raw, null));
        }

        var values = new T[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            values[i] = table[raw[i]];
        }

        return (shape, new Payload<T>(null, values));
    }

    /// <summary>Makes room for <paramref name="needed"/> elements, at least doubling, never beyond <paramref name="total"/>.</summary>
    private static void GrowTo<TElement>(ref TElement[] array, long needed, long total)
    {
        if (needed > array.Length)
        {
            Array.Resize(ref array, (int)Math.Min(total, Math.Max(needed, 2L * array.Length)));
        }
    }

    /// <summary>Reads exact byte counts from a stream, tracking the offset for error messages.</summary>
    private sealed class CountingReader(Stream stream, string path, string where)
    {
        public long Offset { get; private set; }

        /// <summary>The gzip reader's complaint in the reader's words, at the decompressed offset it was found.</summary>
        private static DataFormatException Damaged(string path, string location, GzipDataException e) => e.Fault switch
        {
            GzipFault.Truncated => new(path, location, "a complete gzip member", e.Detail),
            GzipFault.TrailingBytes => new(path, location, "the end of the file after the gzip data", e.Detail),
            _ => new(path, location, "a valid gzip stream", $"damaged compressed data ({e.Detail})"),
        };

        public void ReadExactly(Span<byte> buffer, string expected)
        {
            int read;
            try
            {
                read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (GzipDataException e)
            {
                throw Damaged(path, $"byte {Offset}{where}", e);
            }

            if (read < buffer.Length)
            {
                throw new DataFormatException(path, $"byte {Offset + read}{where}", expected, "the end of the file (truncated)");
            }

            Offset += read;
        }

        public int ReadByteOrEnd()
        {
            try
            {
                return stream.ReadByte();
            }
            catch (GzipDataException e)
            {
                throw Damaged(path, $"byte {Offset}{where}", e);
            }
        }
    }
}
