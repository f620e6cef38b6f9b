using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Nn.Benchmarks;

/// <summary>What every stopwatch mode of this program measures with: the machine's load, a call's time, a median.</summary>
internal static class Timing
{
    /// <summary>The load averages of /proc/loadavg, or "n/a" where the system has none.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    /// <summary>Wall-clock seconds of one call.</summary>
    public static double Seconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The calling thread's CPU time in milliseconds (Linux's CLOCK_THREAD_CPUTIME_ID), which other processes on a
    /// shared machine inflate less than wall-clock time; NaN where the clock is not available.
    /// </summary>
    public static double ThreadMilliseconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ThreadCpuClock, out var now) != 0)
        {
            return double.NaN;
        }

        return (now.Seconds * 1e3) + (now.Nanoseconds / 1e6);
    }

    /// <summary>The median: the middle value, or the mean of the two middle values of an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private const int ThreadCpuClock = 3;

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
