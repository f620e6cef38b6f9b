using System;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Nn.Benchmarks;

/// <summary>
/// How fast the library's own gzip reader decompresses beside .NET's GZipStream (zlib), on Fashion-MNIST's training
/// images (47 MB of pixels in 26 MB), alternating the two from the same bytes in memory, with the CRC-32 pass that
/// the reader includes timed alone. Thread CPU time is reported beside wall-clock time, as the shared machine
/// inflates the second less.
/// </summary>
internal static class GzipReading
{
    public static void Run(int rounds, string? path)
    {
        path ??= Path.Combine(FashionMnist.Folder, "train-images-idx3-ubyte.gz");
        var compressed = File.ReadAllBytes(path);
        Console.WriteLine($"Load average before: {Timing.LoadAverage()}");
        Console.WriteLine($"{Path.GetFileName(path)}: {compressed.Length:N0} bytes compressed");
        var ours = Array.Empty<(double Wall, double Cpu)>();
        var zlib = ours;
        var crc = ours;
        long length = 0;
        for (var round = -1; round < rounds; round++)
        {
            // Round −1 warms both up and is not counted.
            var a = Measure(() => length = Drain(new GzipReader(new MemoryStream(compressed))));
            var b = Measure(() => Drain(new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress)));
            var decompressed = ReadAll(new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress));
            var c = Measure(() => System.IO.Hashing.Crc32.HashToUInt32(decompressed));
            if (round >= 0)
            {
                (ours, zlib, crc) = ([.. ours, a], [.. zlib, b], [.. crc, c]);
            }
        }

        Console.WriteLine($"{length:N0} bytes decompressed; medians of {rounds} alternating rounds:");
        Console.WriteLine("| reader | wall ms | thread CPU ms | MB/s of output (CPU) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, times) in new[] { ("Nn's GzipReader (CRC-32 included)", ours), (".NET GZipStream (zlib)", zlib), ("CRC-32 alone", crc) })
        {
            var wall = Timing.Median(times.Select(t => t.Wall));
            var cpu = Timing.Median(times.Select(t => t.Cpu));
            Console.WriteLine(FormattableString.Invariant($"| {name} | {wall:F1} | {cpu:F1} | {length / cpu / 1e3:F0} |"));
        }

        Console.WriteLine($"Load average after: {Timing.LoadAverage()}");
    }

    private static (double Wall, double Cpu) Measure(Action action)
    {
        var cpu = Timing.ThreadMilliseconds();
        var wall = Timing.Seconds(action) * 1e3;
        return (wall, Timing.ThreadMilliseconds() - cpu);
    }

    private static long Drain(Stream stream)
    {
        using (stream)
        {
            var buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                total += n;
            }

            return total;
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        using (stream)
        {
            stream.CopyTo(copy);
        }

        return copy.ToArray();
    }
}
