using System;
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
/// and <c>threads − 1</c> dedicated background threads claim parts one by one from a shared counter until none
/// are left. A thread that the operating system has not scheduled simply claims nothing, so a busy machine slows
/// a run down to one thread's speed rather than stalling it. Which thread runs a part never changes what the part
/// computes. <see cref="Run"/> allocates nothing and returns only when every part is done. Owned by one training
/// run and disposed with it.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How many times an idle worker polls for new work before it blocks (a few hundred microseconds, longer than the gaps between the products of a step).</summary>
    private const int SpinsBeforeBlocking = 2000;

    /// <summary>The low half of <see cref="ticket"/> when the current generation takes no more claims.</summary>
    private const uint Closed = uint.MaxValue;

    private readonly Thread[] workers;
    private readonly SemaphoreSlim[] starts;
    private IPartitionedWork? work;
    private int parts;
    private int generation;

    /// <summary>(generation &lt;&lt; 32) | index of the next unclaimed part; claimed by compare-and-swap.</summary>
    private long ticket = Closed;

    /// <summary>Workers between waking and finishing the parts they claimed.</summary>
    private int active;
    private Exception? failure;
    private volatile bool disposed;

    public WorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        workers = new Thread[threads - 1];
        starts = new SemaphoreSlim[threads - 1];
        for (var i = 0; i < workers.Length; i++)
        {
            starts[i] = new SemaphoreSlim(0);
            var index = i;
            workers[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"Nn worker {i + 1}" };
            workers[i].Start();
        }
    }

    /// <summary>The number of threads, the caller's included.</summary>
    public int Threads { get; }

    /// <summary>Runs parts 0 … <paramref name="count"/> − 1 of <paramref name="job"/> on the team and waits for all of them.</summary>
    public void Run(IPartitionedWork job, int count)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (count <= 1 || workers.Length == 0)
        {
            for (var part = 0; part < count; part++)
            {
                job.Execute(part, count);
            }

            return;
        }

        work = job;
        parts = count;
        failure = null;
        generation++;

        // Publishing the ticket (a release) makes the job and its part count visible to any thread that reads it.
        Volatile.Write(ref ticket, (long)generation << 32);
        foreach (var start in starts)
        {
            if (start.CurrentCount == 0)
            {
                start.Release();
            }
        }

        try
        {
            Claim();
        }
        finally
        {
            // Every part is claimed; wait for the workers still running theirs, then close the generation.
            var spinner = default(SpinWait);
            while (Volatile.Read(ref active) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            Volatile.Write(ref ticket, ((long)generation << 32) | Closed);
            work = null;
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
        foreach (var start in starts)
        {
            start.Release();
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

    /// <summary>Claims and runs parts of the current generation until none are left.</summary>
    private void Claim()
    {
        while (true)
        {
            var current = Volatile.Read(ref ticket);
            var part = (uint)current;
            var job = work;
            var count = parts;

            // A ticket read before the job fields can only be claimed while it is still the ticket, and the fields
            // of a generation do not change while its ticket is open, so a successful claim saw this job's fields.
            if (job is null || part >= (uint)count)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref ticket, current + 1, current) == current)
            {
                job.Execute((int)part, count);
            }
        }
    }

    private void Loop(int index)
    {
        var start = starts[index];
        while (true)
        {
            // Poll briefly first: the next product usually follows within microseconds, and waking a blocked
            // thread costs more than that.
            for (var spin = 0; spin < SpinsBeforeBlocking && start.CurrentCount == 0; spin++)
            {
                Thread.SpinWait(20);
            }

            start.Wait();
            if (disposed)
            {
                return;
            }

            Interlocked.Increment(ref active);
            try
            {
                Claim();
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
