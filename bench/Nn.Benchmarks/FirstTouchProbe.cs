using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;

namespace Nn.Benchmarks;

/// <summary>
/// What the first write to freshly allocated memory costs, per 4 KB page, on one thread and split over two: the
/// fixed price of every buffer a training run, a measuring pass or an epoch's snapshot allocates. On the 2-vCPU AMD
/// EPYC VM it is tens of times a bare-metal page fault, which is why `Trainer.Train`'s set-up shows up in the
/// one-epoch figures of docs/benchmarks.md.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- first-touch [rounds]</c>.
/// </summary>
internal static class FirstTouchProbe
{
    private const int PageBytes = 4096;
    private const int Bytes = 64 << 20;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int rounds)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var first = new List<double>();
        var again = new List<double>();
        var split = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var buffer = GC.AllocateUninitializedArray<byte>(Bytes);
            first.Add(Touch(buffer, 0, Bytes, 1));
            again.Add(Touch(buffer, 0, Bytes, 2));
            var other = GC.AllocateUninitializedArray<byte>(Bytes);
            var clock = Stopwatch.StartNew();
            Parallel.Invoke(() => Touch(other, 0, Bytes / 2, 1), () => Touch(other, Bytes / 2, Bytes, 1));
            split.Add(clock.Elapsed.TotalMilliseconds);
            GC.KeepAlive(buffer);
            GC.KeepAlive(other);
        }

        const double pages = Bytes / PageBytes;
        Console.WriteLine(string.Format(C, "Medians of {0} rounds, {1} MB each, one write per 4 KB page:", rounds, Bytes >> 20));
        Console.WriteLine(string.Format(C, "first touch, one thread:   {0,8:F2} ms ({1:F2} µs a page)", Timing.Median(first), Timing.Median(first) * 1e3 / pages));
        Console.WriteLine(string.Format(C, "second touch, one thread:  {0,8:F2} ms ({1:F3} µs a page)", Timing.Median(again), Timing.Median(again) * 1e3 / pages));
        Console.WriteLine(string.Format(C, "first touch, two threads:  {0,8:F2} ms ({1:F2}× one thread's)", Timing.Median(split), Timing.Median(first) / Timing.Median(split)));
        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }

    /// <summary>Writes one byte in each page of buffer[from .. to) and returns the milliseconds it took.</summary>
    private static double Touch(byte[] buffer, int from, int to, byte value)
    {
        var clock = Stopwatch.StartNew();
        for (var i = from; i < to; i += PageBytes)
        {
            buffer[i] = value;
        }

        return clock.Elapsed.TotalMilliseconds;
    }
}
