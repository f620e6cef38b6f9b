using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// What synchronising two threads costs by itself, for the thread-scaling table (<see cref="ThreadScaling"/>): the
/// median time of an empty two-part region, back to back, and the median time until the second thread claims a part
/// of a region published after a gap of serial work, as between the products of a step.
/// </summary>
internal static class SynchronisationCost
{
    /// <summary>Two parts that do nothing: the whole cost of handing out a region and waiting for it.</summary>
    private sealed class EmptyWork : IPartitionedWork
    {
        public void Execute(int part, int parts)
        {
        }
    }

    /// <summary>
    /// Two parts; a part on the calling thread waits (up to 20 ms) until a worker has run a part of the same
    /// region, and the time from the start of the region to the worker's part is recorded.
    /// </summary>
    private sealed class RendezvousWork : IPartitionedWork
    {
        private readonly int caller = Environment.CurrentManagedThreadId;
        private int region;
        private int workerRegion;
        private long started;

        /// <summary>Stopwatch ticks from the start of the last region to the worker's part, or -1 if no worker ran one.</summary>
        public long Latency { get; private set; }

        public void Run(WorkerPool pool)
        {
            region++;
            Latency = -1;
            started = Stopwatch.GetTimestamp();
            pool.Run(this, 2);
        }

        public void Execute(int part, int parts)
        {
            if (Environment.CurrentManagedThreadId != caller)
            {
                Latency = Stopwatch.GetTimestamp() - started;
                Volatile.Write(ref workerRegion, region);
                return;
            }

            var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 50);
            while (Volatile.Read(ref workerRegion) != region && Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(1);
            }
        }
    }

    /// <summary>
    /// The empty region's cost (median of 20,000, after 1,000 to warm up) and the time to the second thread's claim
    /// (median of 2,000, regions 50 µs apart), both in microseconds; the claim is NaN if no worker ever ran a part.
    /// </summary>
    public static (double EmptyMicroseconds, double ClaimMicroseconds) Measure()
    {
        using var pool = new WorkerPool(2);
        var empty = new EmptyWork();
        var spans = new List<double>();
        for (var i = 0; i < 21_000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            pool.Run(empty, 2);
            if (i >= 1000)
            {
                spans.Add((Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency);
            }
        }

        var rendezvous = new RendezvousWork();
        var latencies = new List<double>();
        for (var i = 0; i < 2_100; i++)
        {
            // A gap of serial work between regions, as between the products of a step.
            var gap = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 20_000);
            while (Stopwatch.GetTimestamp() < gap)
            {
                Thread.SpinWait(1);
            }

            rendezvous.Run(pool);
            if (i >= 100 && rendezvous.Latency >= 0)
            {
                latencies.Add(rendezvous.Latency * 1e6 / Stopwatch.Frequency);
            }
        }

        return (Timing.Median(spans), latencies.Count == 0 ? double.NaN : Timing.Median(latencies));
    }
}
