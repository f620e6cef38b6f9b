using System.Threading;

namespace Nn.Kernels;

/// <summary>What the pool's threads are doing, read by tests and benchmarks: parked, polling, alive, and the counters of its regions.</summary>
internal sealed partial class WorkerPool
{
    /// <summary>How many workers are parked now (no CPU used); all of them a little over <see cref="HotTime"/> after the last region.</summary>
    public int ParkedWorkers
    {
        get
        {
            var count = 0;
            for (var i = 0; i < parked.Length; i++)
            {
                count += Volatile.Read(ref parked[i]);
            }

            return count;
        }
    }

    /// <summary>The polls of all workers so far; it stops growing once they are parked.</summary>
    public long Polls
    {
        get
        {
            var count = 0L;
            for (var i = 0; i < polls.Length; i++)
            {
                count += Volatile.Read(ref polls[i]);
            }

            return count;
        }
    }

    /// <summary>
    /// What the team has done so far, for measuring the cost of synchronising: regions handed out, wake-ups, parts
    /// run by each side, the caller's time inside regions and waiting at their ends, and how long a part waited for a
    /// worker. Each figure is written by one thread, so read it between regions (a running region's is incomplete).
    /// </summary>
    public WorkerPoolCounters Counters => tally.Read(Wakes);

    /// <summary>How many regions of more than one part ran on the calling thread alone because <see cref="Alone"/> was set.</summary>
    public long AloneRegions { get; private set; }

    /// <summary>How many worker threads are still running (none after <see cref="Dispose"/>).</summary>
    public int LiveWorkers
    {
        get
        {
            var count = 0;
            foreach (var worker in workers)
            {
                count += worker.IsAlive ? 1 : 0;
            }

            return count;
        }
    }
}
