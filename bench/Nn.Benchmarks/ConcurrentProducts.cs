using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// Whether two threads running independent products at the same time slow each other down: the same product on
/// private operands timed on the calling thread alone, on a second thread alone, then on both threads at once (each starting every run together,
/// the medians of 400 runs), for a product whose operands stay in L1 and for one thread's column half of Network B's
/// first product (128 × 784 by 784 × 128, 0.8 MB of operands), once with each thread's operands allocated and first
/// written by that thread and once with all of them by the caller. On Linux with two CPUs the caller is pinned to
/// CPU 0 in even rounds and CPU 1 in odd ones, the other thread to the other CPU. The FMA probe of <c>scaling</c> says whether the
/// two vCPUs' arithmetic is independent; this says whether their caches and memory are.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- concurrent-products 3</c>.
/// </summary>
internal static class ConcurrentProducts
{
    private const int Runs = 400;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int rounds)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        Console.WriteLine("µs per run, medians of 400 runs; both = the two threads at once, each its own operands.");
        Console.WriteLine();
        Console.WriteLine("| product (m × k by k × n) | operands written by | caller's CPU | caller alone | worker alone | both: caller | both: worker | caller: both ÷ alone | worker: both ÷ alone |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        var shapes = new[] { (m: 32, k: 64, n: 32, repeats: 400), (m: 128, k: 784, n: 128, repeats: 2) };
        for (var round = 0; round < rounds; round++)
        {
            var callerCpu = CanPin() ? round % 2 : -1;
            foreach (var (m, k, n, repeats) in shapes)
            {
                foreach (var ownPages in new[] { true, false })
                {
                    var caller = Median(m, k, n, repeats, Mode.CallerAlone, ownPages, callerCpu)[0];
                    var worker = Median(m, k, n, repeats, Mode.WorkerAlone, ownPages, callerCpu)[1];
                    var both = Median(m, k, n, repeats, Mode.Both, ownPages, callerCpu);
                    Console.WriteLine(string.Format(
                        C,
                        "| {0} × {1} by {1} × {2}, ×{3} | {4} | {11} | {5:F1} | {6:F1} | {7:F1} | {8:F1} | {9:F2}× | {10:F2}× |",
                        m,
                        k,
                        n,
                        repeats,
                        ownPages ? "each thread" : "the caller",
                        caller,
                        worker,
                        both[0],
                        both[1],
                        both[0] / caller,
                        both[1] / worker,
                        callerCpu >= 0 ? callerCpu.ToString(C) : "any"));
                }
            }
        }

        Console.WriteLine("Cores: " + CrossCoreProbe.Describe(CrossCoreProbe.Measure()));
        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }

    /// <summary>Whether this thread can be pinned to CPU 0 and to CPU 1 (Linux, two CPUs numbered 0 and 1); it is left free either way.</summary>
    private static bool CanPin()
    {
        if (!OperatingSystem.IsLinux() || Environment.ProcessorCount != 2)
        {
            return false;
        }

        var pinned = PinTo(1) && PinTo(2);
        PinTo(3);
        return pinned;
    }

    /// <summary>Lets the calling thread run only on the CPUs of <paramref name="mask"/> (bit i for CPU i); false if refused.</summary>
    internal static bool PinTo(ulong mask) => SchedSetAffinity(0, sizeof(ulong), ref mask) == 0;

    [DllImport("libc", EntryPoint = "sched_setaffinity")]
    private static extern int SchedSetAffinity(int thread, nint size, ref ulong mask);

    private enum Mode
    {
        CallerAlone,
        WorkerAlone,
        Both,
    }

    /// <summary>The median run time of thread 0 (the caller) and thread 1 (a new thread; 0 for a side that does not run).</summary>
    private static double[] Median(int m, int k, int n, int repeats, Mode mode, bool ownPages, int callerCpu)
    {
        var both = mode == Mode.Both;
        var path = KernelSelection.Default;
        var times = new[] { new double[Runs], new double[Runs] };
        var operands = new (float[] X, float[] W, float[] Z)[2];
        (float[], float[], float[]) Make(int who)
        {
            var random = new Random(who + 1);
            return (UniformValues.Draw(random, m * k), UniformValues.Draw(random, n * k), new float[m * n]);
        }

        if (!ownPages)
        {
            operands[0] = Make(0);
            operands[1] = Make(1);
        }

        var arrived = 0;
        void Body(int who)
        {
            if (callerCpu >= 0)
            {
                // Thread 0 on the round's CPU and thread 1 on the other, so a slowdown can be told from a slow vCPU.
                PinTo(1UL << ((who + callerCpu) % 2));
            }

            var (x, w, z) = ownPages ? Make(who) : operands[who];
            for (var run = 0; run < Runs; run++)
            {
                if (both)
                {
                    // Both threads start each run together, so every run is timed with the other thread busy.
                    Interlocked.Increment(ref arrived);
                    while (Volatile.Read(ref arrived) < 2 * (run + 1))
                    {
                        Thread.SpinWait(1);
                    }
                }

                var start = Stopwatch.GetTimestamp();
                for (var r = 0; r < repeats; r++)
                {
                    Gemm.Multiply<float>(path, m, k, x, k, 1, w, 1, k, z, n, false, 0, n);
                }

                times[who][run] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            }
        }

        var worker = mode == Mode.CallerAlone ? null : new Thread(() => Body(1));
        worker?.Start();
        if (mode != Mode.WorkerAlone)
        {
            Body(0);
            if (callerCpu >= 0)
            {
                // Free the caller again: threads it starts later (the cross-core probe's) would inherit its one CPU.
                PinTo(3);
            }
        }

        worker?.Join();
        return [Timing.Median(times[0]), Timing.Median(times[1])];
    }
}
