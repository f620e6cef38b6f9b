using System;

namespace Nn.Kernels;

/// <summary>
/// What a <see cref="WorkerPool"/> has done since it was made, the evidence for how much a parallel region costs
/// beyond its work. Subtract two readings to measure a stretch of a run.
/// </summary>
/// <param name="Regions">Regions split over the team (a region of one part, or on a one-thread pool, runs inline and is not counted).</param>
/// <param name="Wakes">Regions that had to wake a parked worker; the others found every worker hot.</param>
/// <param name="CallerParts">Parts the calling thread ran itself.</param>
/// <param name="WorkerParts">Parts the workers ran.</param>
/// <param name="JoinedRegions">Regions, summed over workers, in which a worker claimed at least one part.</param>
/// <param name="RegionTime">The caller's time inside <see cref="WorkerPool.Run"/> for those regions, from publishing to return.</param>
/// <param name="TailTime">The part of <see cref="RegionTime"/> the caller spent waiting, with no part left to claim, for workers to finish theirs.</param>
/// <param name="ClaimDelay">Summed over the regions a worker joined, the time from a region's publication to the worker's first claim in it.</param>
/// <param name="CallerBusy">The caller's time inside the parts it ran: with <see cref="CallerParts"/>, what a part costs on the calling thread.</param>
/// <param name="WorkerBusy">The workers' time inside the parts they ran: against <see cref="CallerBusy"/> per part, whether the
/// other core is slower at the same work (an even split then leaves the caller waiting) or merely starts later.</param>
internal readonly record struct WorkerPoolCounters(
    long Regions,
    long Wakes,
    long CallerParts,
    long WorkerParts,
    long JoinedRegions,
    TimeSpan RegionTime,
    TimeSpan TailTime,
    TimeSpan ClaimDelay,
    TimeSpan CallerBusy,
    TimeSpan WorkerBusy)
{
    /// <summary>What happened between <paramref name="before"/> and this reading.</summary>
    public WorkerPoolCounters Since(WorkerPoolCounters before) => new(
        Regions - before.Regions,
        Wakes - before.Wakes,
        CallerParts - before.CallerParts,
        WorkerParts - before.WorkerParts,
        JoinedRegions - before.JoinedRegions,
        RegionTime - before.RegionTime,
        TailTime - before.TailTime,
        ClaimDelay - before.ClaimDelay,
        CallerBusy - before.CallerBusy,
        WorkerBusy - before.WorkerBusy);
}
