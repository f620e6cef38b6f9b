using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Nn.Kernels;

/// <summary>A piece of work split into numbered parts that can run in any order on any thread.</summary>
internal interface IPartitionedWork
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    void Execute(int part, int parts);
}

/// <summary>
/// A fixed team of threads sharing the parts of one <see cref="IPartitionedWork"/> at a time: the calling thread
/// runs part 0, and it and <c>threads − 1</c> dedicated background threads (fewer where the process may use fewer
/// processors: <see cref="WorkersFor"/>) claim the other parts one by one from a
/// shared counter until none are left. A thread that the operating system has not scheduled simply claims nothing, so a busy machine slows
/// a run down to one thread's speed rather than stalling it. Which thread runs a part never changes what the part
/// computes. <see cref="Run"/> allocates nothing and returns only when every part is done. Used by one training
/// run (or one call) at a time; between them it waits among the <see cref="IdleTeams"/> with its workers parked.
/// </summary>
/// <remarks>
/// Waking a blocked thread costs tens of microseconds on a virtual machine, as much as a whole product of a small
/// training step, so a worker that has just finished stays hot: it polls for the next region for up to
/// <see cref="HotTime"/> of wall-clock time (longer than any gap inside a training run) before it parks on its
/// semaphore, where it uses no CPU. Between runs, and after <see cref="Dispose"/>, every worker is parked or gone.
/// </remarks>
internal sealed partial class WorkerPool : IDisposable
{
    /// <summary>How long an idle worker polls for the next region before it parks (a wall-clock bound, so it holds whatever a spin costs on this CPU), unless the pool is made with another.</summary>
    public static readonly TimeSpan HotTime = TimeSpan.FromMilliseconds(2);

    /// <summary>The low half of <see cref="ticket"/> when the current generation takes no more claims.</summary>
    private const uint Closed = uint.MaxValue;

    /// <summary>This pool's hot time in <see cref="Stopwatch"/> ticks.</summary>
    private readonly long hotTicks;

    private readonly Thread[] workers;
    private readonly SemaphoreSlim[] starts;

    /// <summary>1 while worker i is parked, or about to park, on starts[i]; whoever turns it to 0 owes or takes the wake-up.</summary>
    private readonly int[] parked;

    /// <summary>How often each worker has polled for work, written only by that worker (the tests' evidence that a parked worker spins no more).</summary>
    private readonly long[] polls;

    private readonly RegionTally tally;
    private IPartitionedWork? work;
    private int parts;

    /// <summary>The caller's kernel path for the current region, which every worker adopts while it runs parts of it.</summary>
    private KernelPath kernels;

    /// <summary>Counts the regions published; a hot worker watches it for a change.</summary>
    private int generation;

    /// <summary>(generation &lt;&lt; 32) | index of the next unclaimed part; claimed by compare-and-swap.</summary>
    private long ticket = Closed;

    /// <summary>Workers between seeing a region and finishing the parts they claimed.</summary>
    private int active;

    private Exception? failure;
    private volatile bool disposed;

    /// <summary>
    /// Starts the workers of a team of <paramref name="threads"/>: <paramref name="threads"/> − 1 of them, or fewer when
    /// the process may use fewer processors (<see cref="WorkersFor"/>). The regions are still cut into as many parts
    /// as the callers ask, so what each part computes does not change; the caller claims the parts no worker is there for.
    /// </summary>
    /// <param name="threads">The number of threads, the caller's included; at least 1.</param>
    /// <param name="hotTime">How long an idle worker polls before it parks; <see cref="HotTime"/> when null. Tests of
    /// the hand-over give a long one, so that a caller descheduled on a busy machine does not let the worker park.</param>
    /// <param name="processors">The processors the process may use; <see cref="Environment.ProcessorCount"/> when null.
    /// Tests of the pool's own workings give more, to have more workers than this machine has processors.</param>
    public WorkerPool(int threads, TimeSpan? hotTime = null, int? processors = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        hotTicks = (long)((hotTime ?? HotTime).TotalSeconds * Stopwatch.Frequency);
        var count = WorkersFor(threads, processors ?? Environment.ProcessorCount);
        workers = new Thread[count];
        starts = new SemaphoreSlim[count];
        parked = new int[count];
        polls = new long[count];
        tally = new RegionTally(count);
        for (var i = 0; i < workers.Length; i++)
        {
            starts[i] = new SemaphoreSlim(0);
            var index = i;
            workers[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"Nn worker {i + 1}" };
            workers[i].Start();
        }
    }

    /// <summary>The number of threads asked for, the caller's included: the parts the callers cut their regions into.</summary>
    public int Threads { get; }

    /// <summary>The worker threads started (the caller not counted): <see cref="WorkersFor"/> of the threads asked for.</summary>
    public int Workers => workers.Length;

    /// <summary>
    /// The workers a team of <paramref name="threads"/> starts when the process may use <paramref name="processors"/>
    /// processors (<see cref="Environment.ProcessorCount"/> counts those its affinity mask and its container's CPU
    /// limit allow): never more threads than processors, caller included. A worker beyond them has no processor of
    /// its own, so it runs only by taking the caller's turn, and its polls between regions slow the caller down: two
    /// threads confined to one processor (<c>taskset -c 0</c>) took a Network B epoch in 5.0–5.3 s where one thread took 2.9–3.0 s.
    /// </summary>
    public static int WorkersFor(int threads, int processors) => Math.Max(0, Math.Min(threads, processors) - 1);

    /// <summary>Whether <see cref="Dispose"/> has stopped the workers.</summary>
    public bool IsDisposed => disposed;

    /// <summary>How many times <see cref="Run"/> has had to wake a parked worker (the rest of the hand-overs found it hot).</summary>
    public long Wakes { get; private set; }

    /// <summary>
    /// While true, <see cref="Run"/> runs every part on the calling thread, in order, and wakes no worker: the same parts,
    /// so the same bits, as on the team. Set and cleared by the thread that runs the regions, between them: a training
    /// run keeps its steps on one thread while the team does not make them faster.
    /// </summary>
    public bool Alone { get; set; }

    /// <summary>Runs parts 0 … <paramref name="count"/> − 1 of <paramref name="job"/> on the team and waits for all of them.</summary>
    public void Run(IPartitionedWork job, int count)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (count <= 1 || workers.Length == 0 || Alone)
        {
            AloneRegions += Alone && count > 1 ? 1 : 0;
            for (var part = 0; part < count; part++)
            {
                job.Execute(part, count);
            }

            return;
        }

        work = job;
        parts = count;
        kernels = KernelSelection.Current;
        failure = null;
        var current = generation + 1;
        var entered = Stopwatch.GetTimestamp();
        tally.Published = entered;

        // Publishing the ticket (a release) makes the job and its part count visible to any thread that reads it;
        // the interlocked increment then orders it before the reads of the parked flags below.
        Volatile.Write(ref ticket, ((long)current << 32) | 1);
        Interlocked.Increment(ref generation);
        for (var i = 0; i < starts.Length; i++)
        {
            if (Volatile.Read(ref parked[i]) == 1 && Interlocked.Exchange(ref parked[i], 0) == 1)
            {
                Wakes++;
                starts[i].Release();
            }
        }

        var claimed = 0L;
        try
        {
            // Part 0 is the caller's, published as already claimed (the workers' claims start at part 1), so that a
            // part runs on the same core from one region of a job to the next and finds its data in that core's
            // caches. Claimed by whoever came first, a hot worker won part 0 in 13–19% of Network B's regions, and
            // a part run on the other core than the step before took 30–50% longer where the vCPUs sit far apart.
            callerPartTicks = RunPart(-1, job, 0, count);
            claimed = 1 + Claim(-1);
        }
        finally
        {
            // Close the generation first, then wait for the workers still running the parts they claimed. After a
            // part threw, parts are left unclaimed; a worker that had seen the region but not yet counted itself in
            // `active` when the wait ended could otherwise claim one between the wait and the close, and run it after
            // this Run returned, through pointers whose `fixed` had ended. The exchange is a full fence: a claim that
            // succeeded came before it, and so did its worker's increment, which the wait then sees.
            var tail = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref ticket, ((long)current << 32) | Closed);
            var spinner = default(SpinWait);
            while (Volatile.Read(ref active) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            work = null;
            var left = Stopwatch.GetTimestamp();
            tally.Region(entered, tail, left, claimed);
        }

        if (failure is { } error)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Interlocked.Increment(ref generation);
        for (var i = 0; i < starts.Length; i++)
        {
            if (Interlocked.Exchange(ref parked[i], 0) == 1)
            {
                starts[i].Release();
            }
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        foreach (var start in starts)
        {
            start.Dispose();
        }
    }

    /// <summary>
    /// Claims and runs parts of the current generation until none are left; worker <paramref name="index"/> (−1 for the
    /// caller) runs them on its caller's kernel path. Returns how many parts it ran.
    /// </summary>
    private long Claim(int index)
    {
        var worker = index >= 0;
        var ran = 0L;
        while (true)
        {
            var current = Volatile.Read(ref ticket);
            var part = (uint)current;
            var job = work;
            var count = parts;
            var path = kernels;

            // A ticket read before the job fields can only be claimed while it is still the ticket, and the fields
            // of a generation do not change while its ticket is open, so a successful claim saw this job's fields.
            if (job is null || part >= (uint)count)
            {
                return ran;
            }

            if (Interlocked.CompareExchange(ref ticket, current + 1, current) == current)
            {
                if (worker)
                {
                    // The region's publication time was written before its ticket, which this claim has read.
                    tally.WorkerPart(index, first: ran == 0);
                    KernelScope.Adopt(path);
                }

                ran++;
                var ticks = RunPart(index, job, (int)part, count);
                if (index == 0)
                {
                    workerPartGeneration = (int)(current >> 32);
                    workerPart = (int)part;
                    workerPartTicks = ticks;
                }
            }
        }
    }

    /// <summary>Runs part <paramref name="part"/> of <paramref name="job"/>, adds its time to thread <paramref name="index"/>'s (−1 the caller's) busy time and returns it.</summary>
    private long RunPart(int index, IPartitionedWork job, int part, int count)
    {
        var started = Stopwatch.GetTimestamp();
        job.Execute(part, count);
        var ticks = Stopwatch.GetTimestamp() - started;
        tally.Busy(index, ticks);
        return ticks;
    }

    /// <summary>Polls for a generation other than <paramref name="seen"/> for up to the pool's hot time; false if none came.</summary>
    private bool AwaitHot(int index, int seen)
    {
        var deadline = Stopwatch.GetTimestamp() + hotTicks;
        while (Volatile.Read(ref generation) == seen)
        {
            Thread.SpinWait(8);
            Volatile.Write(ref polls[index], polls[index] + 1);
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parks worker <paramref name="index"/> until a region after <paramref name="seen"/> is published.</summary>
    private void Park(int index, int seen)
    {
        // Dekker-style hand-shake with Run: the flag is raised (a full fence) before the generation is read again,
        // and Run bumps the generation (a full fence) before it reads the flag, so at least one side sees the other.
        Interlocked.Exchange(ref parked[index], 1);
        if (Volatile.Read(ref generation) != seen && Interlocked.Exchange(ref parked[index], 0) == 1)
        {
            return;
        }

        // Either no region came, or Run (or Dispose) lowered the flag and owes this worker one release.
        starts[index].Wait();
    }

    private void Loop(int index)
    {
        var seen = 0;
        while (true)
        {
            if (!AwaitHot(index, seen))
            {
                Park(index, seen);
            }

            seen = Volatile.Read(ref generation);
            if (disposed)
            {
                return;
            }

            Interlocked.Increment(ref active);
            try
            {
                Claim(index);
            }
            catch (Exception error)
            {
                Interlocked.CompareExchange(ref failure, error, null);
            }
            finally
            {
                Interlocked.Decrement(ref active);
            }
        }
    }
}
