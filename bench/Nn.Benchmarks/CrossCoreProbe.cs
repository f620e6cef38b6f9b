using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Nn.Benchmarks;

/// <summary>
/// What it costs one thread to see what the other has just written, the price of every hand-over in a parallel
/// step. On the 2-vCPU AMD EPYC VM the two vCPUs sometimes sit close (a cache line's round trip about 150 ns) and
/// sometimes far apart (about 500 ns, and data the other core has just written then reads at a third of the local
/// rate), and the regime changes from minute to minute, so a scaling run prints which one it met.
/// </summary>
internal static class CrossCoreProbe
{
    /// <summary>The result: a cache line's round trip and the read rates of a buffer the other thread wrote and of the same buffer re-read.</summary>
    public readonly record struct Figures(double RoundTripNanoseconds, double CrossGigabytesPerSecond, double LocalGigabytesPerSecond);

    /// <summary>
    /// Prints the figures <paramref name="runs"/> times, <paramref name="secondsApart"/> apart, to show whether the
    /// machine stays in one regime. Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- cross-core [runs] [seconds]</c>.
    /// </summary>
    public static void Run(int runs, int secondsApart)
    {
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "Load average before: {0}", Timing.LoadAverage()));
        for (var run = 0; run < runs; run++)
        {
            if (run > 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds(secondsApart));
            }

            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0:HH:mm:ss} {1}", DateTime.UtcNow, Describe(Measure())));
        }

        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "Load average after: {0}", Timing.LoadAverage()));
    }

    /// <summary>One line of figures, for a table's notes.</summary>
    public static string Describe(Figures cores) => string.Format(
        CultureInfo.InvariantCulture,
        "a cache line's round trip between two threads {0:F0} ns; 1 MB the other thread has just written reads at {1:F1} GB/s, re-read {2:F1} GB/s ({3:F2}× slower across)",
        cores.RoundTripNanoseconds,
        cores.CrossGigabytesPerSecond,
        cores.LocalGigabytesPerSecond,
        cores.LocalGigabytesPerSecond / cores.CrossGigabytesPerSecond);

    private const int Exchanges = 100_000;
    private const int Transfers = 30;
    private const int Floats = 1 << 18;

    /// <summary>Measures both figures on two threads that spin, so each holds a core of its own while it runs.</summary>
    public static Figures Measure()
    {
        var roundTrip = RoundTrip();
        var (cross, local) = Transfer();
        return new(roundTrip, cross, local);
    }

    /// <summary>Median over five runs of a ping-pong of one counter: each side waits for the other's value and answers it.</summary>
    private static double RoundTrip()
    {
        var runs = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            var counter = new long[16];
            var partner = new Thread(() =>
            {
                for (long i = 0; i < Exchanges; i++)
                {
                    while (Volatile.Read(ref counter[8]) != 2 * i + 1)
                    {
                    }

                    Volatile.Write(ref counter[8], 2 * i + 2);
                }
            });
            partner.Start();
            var clock = Stopwatch.StartNew();
            for (long i = 0; i < Exchanges; i++)
            {
                Volatile.Write(ref counter[8], 2 * i + 1);
                while (Volatile.Read(ref counter[8]) != 2 * i + 2)
                {
                }
            }

            runs.Add(clock.Elapsed.TotalSeconds / Exchanges * 1e9);
            partner.Join();
        }

        return Timing.Median(runs);
    }

    /// <summary>
    /// The other thread writes 1 MB; this one reads it (every line comes from the other core's cache), then reads it
    /// again (from its own): the best of <see cref="Transfers"/> of each, as GB/s.
    /// </summary>
    private static (double Cross, double Local) Transfer()
    {
        var buffer = new float[Floats];
        var phase = new int[16];
        var partner = new Thread(() =>
        {
            for (var round = 0; round < Transfers; round++)
            {
                while (Volatile.Read(ref phase[8]) != 2 * round + 1)
                {
                }

                Array.Fill(buffer, round);
                Volatile.Write(ref phase[8], 2 * round + 2);
            }
        });
        partner.Start();
        double cross = double.MaxValue, local = double.MaxValue, sink = 0;
        for (var round = 0; round < Transfers; round++)
        {
            Volatile.Write(ref phase[8], 2 * round + 1);
            while (Volatile.Read(ref phase[8]) != 2 * round + 2)
            {
            }

            var clock = Stopwatch.StartNew();
            sink += Sum(buffer);
            cross = Math.Min(cross, clock.Elapsed.TotalSeconds);
            clock.Restart();
            sink += Sum(buffer);
            local = Math.Min(local, clock.Elapsed.TotalSeconds);
        }

        partner.Join();
        GC.KeepAlive(sink);
        const double bytes = Floats * sizeof(float);
        return (bytes / cross * 1e-9, bytes / local * 1e-9);
    }

    /// <summary>Four independent vector sums, so the read rate rather than the adds' latency sets the time.</summary>
    private static float Sum(float[] values)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values.AsSpan());
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (var i = 0; i + 3 < vectors.Length; i += 4)
        {
            s0 += vectors[i];
            s1 += vectors[i + 1];
            s2 += vectors[i + 2];
            s3 += vectors[i + 3];
        }

        return Vector.Sum(s0 + s1 + s2 + s3);
    }
}
