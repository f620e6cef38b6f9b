using System;
using System.Diagnostics;
using System.Threading;

namespace Nn.Kernels;

/// <summary>
/// The running counts behind <see cref="WorkerPool.Counters"/>: the caller's figures, written only by the thread
/// that runs regions, and each worker's, written only by that worker, so counting needs no interlocked operation.
/// </summary>
internal sealed class RegionTally
{
    /// <summary>Parts each worker has run.</summary>
    private readonly long[] workerParts;

    /// <summary>Regions in which each worker claimed at least one part.</summary>
    private readonly long[] joined;

    /// <summary>Each worker's summed ticks from a region's publication to its first claim in it.</summary>
    private readonly long[] claimDelayTicks;

    /// <summary>Each worker's summed ticks inside the parts it ran.</summary>
    private readonly long[] workerBusyTicks;

    private long regions;
    private long callerParts;
    private long regionTicks;
    private long tailTicks;
    private long callerBusyTicks;

    /// <param name="workers">The pool's worker threads (the caller not counted).</param>
    public RegionTally(int workers)
    {
        workerParts = new long[workers];
        joined = new long[workers];
        claimDelayTicks = new long[workers];
        workerBusyTicks = new long[workers];
    }

    /// <summary>When the current region was published (a <see cref="Stopwatch"/> timestamp), written before its ticket.</summary>
    public long Published { get; set; }

    /// <summary>The caller's end of a region: entered at <paramref name="entered"/>, out of parts at <paramref name="tail"/>, returned at <paramref name="left"/>.</summary>
    public void Region(long entered, long tail, long left, long partsRun)
    {
        regions++;
        callerParts += partsRun;
        regionTicks += left - entered;
        tailTicks += left - tail;
    }

    /// <summary>Worker <paramref name="index"/> claimed a part; <paramref name="first"/> when it is its first of the region.</summary>
    public void WorkerPart(int index, bool first)
    {
        if (first)
        {
            claimDelayTicks[index] += Stopwatch.GetTimestamp() - Published;
            joined[index]++;
        }

        workerParts[index]++;
    }

    /// <summary>A part took <paramref name="ticks"/> on worker <paramref name="index"/>, or on the caller for −1.</summary>
    public void Busy(int index, long ticks)
    {
        if (index < 0)
        {
            callerBusyTicks += ticks;
        }
        else
        {
            workerBusyTicks[index] += ticks;
        }
    }

    /// <summary>The counts so far, with the pool's <paramref name="wakes"/>.</summary>
    public WorkerPoolCounters Read(long wakes)
    {
        long parts = 0, regionsJoined = 0, delay = 0, busy = 0;
        for (var i = 0; i < workerParts.Length; i++)
        {
            parts += Volatile.Read(ref workerParts[i]);
            regionsJoined += Volatile.Read(ref joined[i]);
            delay += Volatile.Read(ref claimDelayTicks[i]);
            busy += Volatile.Read(ref workerBusyTicks[i]);
        }

        return new WorkerPoolCounters(
            regions, wakes, callerParts, parts, regionsJoined, TimeOf(regionTicks), TimeOf(tailTicks), TimeOf(delay), TimeOf(callerBusyTicks), TimeOf(busy));
    }

    private static TimeSpan TimeOf(long ticks) => TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
}
