using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Nn.Benchmarks;

/// <summary>
/// A minimal reader of the gzipped IDX files of Fashion-MNIST, for the benchmarks only (the library's own reader
/// lives elsewhere). Pixels are scaled to x/255; targets are one-hot.
/// </summary>
internal sealed record FashionMnist(float[] Pixels, int[] Labels, int Count)
{
    public const int Inputs = 784;
    public const int Classes = 10;

    /// <summary>Where the Debian package dataset-fashion-mnist installs the files, unless NN_FASHION_MNIST names another folder (on macOS /usr/share cannot be written).</summary>
    public static readonly string Folder = Environment.GetEnvironmentVariable("NN_FASHION_MNIST") is { Length: > 0 } folder ? folder : "/usr/share/datasets/fashion-mnist";

    public static bool Available => File.Exists(Path.Combine(Folder, "train-images-idx3-ubyte.gz"));

    /// <summary>The first <paramref name="count"/> training samples, or, when the data set is missing, as many reproducible random ones.</summary>
    public static FashionMnist Train(int count)
    {
        if (!Available)
        {
            var random = new Random(1);
            var pixels = new float[count * Inputs];
            var labels = new int[count];
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (float)random.NextDouble();
            }

            for (var i = 0; i < count; i++)
            {
                labels[i] = random.Next(Classes);
            }

            return new FashionMnist(pixels, labels, count);
        }

        var images = ReadIdx(Path.Combine(Folder, "train-images-idx3-ubyte.gz"), 0x803);
        var names = ReadIdx(Path.Combine(Folder, "train-labels-idx1-ubyte.gz"), 0x801);
        count = Math.Min(count, names.Length);
        var x = new float[count * Inputs];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = images[i] / 255f;
        }

        var y = new int[count];
        for (var i = 0; i < count; i++)
        {
            y[i] = names[i];
        }

        return new FashionMnist(x, y, count);
    }

    public float[] OneHot()
    {
        var targets = new float[Count * Classes];
        for (var i = 0; i < Count; i++)
        {
            targets[(i * Classes) + Labels[i]] = 1f;
        }

        return targets;
    }

    public Dataset<float> ToDataset() =>
        Dataset.FromLabels(Matrix<float>.Create(Count, Inputs, Pixels), Labels, Classes);

    /// <summary>The payload bytes of an IDX file after checking its magic number (big-endian dimensions follow it).</summary>
    private static byte[] ReadIdx(string path, int magic)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        var found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != magic)
        {
            throw new InvalidDataException($"{path}: magic number must be 0x{magic:X}, but is 0x{found:X}.");
        }

        var dimensions = magic & 0xFF;
        return bytes[(4 + (4 * dimensions))..];
    }
}
