using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Nn.Kernels;

/// <summary>A piece of work split into numbered parts, each run by one thread of a <see cref="WorkerPool"/>.</summary>
internal interface IPartitionedWork
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    void Execute(int part, int parts);
}

/// <summary>
/// A fixed team of threads that run the parts of one <see cref="IPartitionedWork"/> at a time: the calling thread
/// runs part 0 and <c>threads − 1</c> dedicated background threads run the rest. Part i always goes to the same
/// thread, and <see cref="Run"/> neither allocates nor returns before every part is done. Owned by one training
/// run and disposed with it.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How many times an idle worker polls for new work before it blocks (a few tens of microseconds).</summary>
    private const int SpinsBeforeBlocking = 2000;

    private readonly Thread[] workers;
    private readonly SemaphoreSlim[] starts;
    private IPartitionedWork? work;
    private int parts;
    private int pending;
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

    /// <summary>Runs parts 0 … <paramref name="count"/> − 1 of <paramref name="job"/> (at most <see cref="Threads"/>) and waits for all of them.</summary>
    public void Run(IPartitionedWork job, int count)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        count = Math.Clamp(count, 1, Threads);
        if (count == 1)
        {
            job.Execute(0, 1);
            return;
        }

        work = job;
        parts = count;
        failure = null;
        Volatile.Write(ref pending, count - 1);
        for (var i = 0; i < count - 1; i++)
        {
            starts[i].Release();
        }

        try
        {
            job.Execute(0, count);
        }
        finally
        {
            var spinner = default(SpinWait);
            while (Volatile.Read(ref pending) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

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

            try
            {
                work!.Execute(index + 1, parts);
            }
            catch (Exception error)
            {
                Interlocked.CompareExchange(ref failure, error, null);
            }
            finally
            {
                Interlocked.Decrement(ref pending);
            }
        }
    }
}
