using System;
using System.Runtime.InteropServices;

namespace Nn.Distributed;

/// <summary>
/// What the operating system knows of the calling thread, for <see cref="StepTimeline"/>: the processor time it has
/// been given, the CPU it runs on, and how often it was taken off a CPU against its will. A wall-clock phase longer
/// than its processor time was descheduled or interrupted; one as long as its processor time ran slowly on its CPU.
/// Linux only (the MPICH ranks run there); elsewhere the readings are NaN and −1.
/// </summary>
internal static class ThreadClock
{
    private const string Libc = "libc";

    /// <summary>CLOCK_THREAD_CPUTIME_ID in Linux's time.h.</summary>
    private const int ThreadCpuTime = 3;

    /// <summary>RUSAGE_THREAD in Linux's sys/resource.h.</summary>
    private const int UsageOfThread = 1;

    /// <summary>struct rusage on 64-bit Linux: two timevals and fourteen longs; ru_nivcsw is the last long.</summary>
    private const int UsageLongs = 18;

    /// <summary>The seconds of processor time the calling thread has used, or NaN where that cannot be read.</summary>
    public static unsafe double OnCpuSeconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        // struct timespec: seconds and nanoseconds, both 64-bit on 64-bit Linux.
        var time = stackalloc long[2];
        return clock_gettime(ThreadCpuTime, time) == 0 ? time[0] + (time[1] * 1e-9) : double.NaN;
    }

    /// <summary>The CPU the calling thread runs on now, or −1 where that cannot be read.</summary>
    public static int CurrentCpu() => OperatingSystem.IsLinux() ? sched_getcpu() : -1;

    /// <summary>
    /// How many times the calling thread has been preempted (involuntary context switches) and how many page faults it
    /// has taken (minor and major), or −1 and −1.
    /// </summary>
    public static unsafe (long Preemptions, long PageFaults) Usage()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (-1, -1);
        }

        // After the two timevals: ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, … ru_nvcsw, ru_nivcsw.
        var usage = stackalloc long[UsageLongs];
        return getrusage(UsageOfThread, usage) == 0 ? (usage[UsageLongs - 1], usage[8] + usage[9]) : (-1, -1);
    }

    [DllImport(Libc)]
    private static extern unsafe int clock_gettime(int clock, long* time);

    [DllImport(Libc)]
    private static extern int sched_getcpu();

    [DllImport(Libc)]
    private static extern unsafe int getrusage(int who, long* usage);
}
