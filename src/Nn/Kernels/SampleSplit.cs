using System;

namespace Nn.Kernels;

/// <summary>
/// Runs per-sample work of a batch (im2col, col2im, reordering, pooling) on the threads of a <see cref="WorkerPool"/>:
/// part p of P takes samples [Start(rows, p, P), Start(rows, p + 1, P)) (<see cref="Partition"/>), except that two
/// parts are cut where the pool's <see cref="TwoWayBalance"/> puts the cut, so a slower vCPU gets fewer. Every sample's
/// values are computed by one thread in the order one thread would use, so the results do not depend on the thread
/// count. The body is a static function and its arguments a struct on the caller's stack, reached by pointer, so a
/// split allocates nothing once the calling thread's one instance exists (a split nested inside a part on the same
/// thread makes a second).
/// </summary>
internal sealed unsafe class SampleSplit : IPartitionedWork
{
    [ThreadStatic]
    private static SampleSplit? instance;

    private delegate*<void*, int, int, void> body;
    private void* arguments;
    private int rows;
    private WorkerPool? pool;

    /// <summary>
    /// body(arguments, first, last) over parts of samples 0 … <paramref name="rows"/> − 1: on the pool's threads, or
    /// on the calling thread alone for no pool or a single sample. <paramref name="arguments"/> must stay valid until it returns.
    /// </summary>
    public static void Run(WorkerPool? pool, int rows, delegate*<void*, int, int, void> body, void* arguments)
    {
        if (pool is null || pool.Threads == 1 || rows < 2)
        {
            body(arguments, 0, rows);
            return;
        }

        // Off the thread while it runs: a part that runs another split on this thread (a user's activation inside a
        // convolution's per-sample pass may train a network) then makes an instance of its own, where it would have
        // overwritten the arguments this split's other parts still read.
        var split = instance ?? new SampleSplit();
        instance = null;
        split.body = body;
        split.arguments = arguments;
        split.rows = rows;
        split.pool = pool;
        try
        {
            pool.RunCut(split, Math.Min(pool.Threads, rows), rows);
        }
        finally
        {
            split.arguments = null;
            split.pool = null;
            instance = split;
        }
    }

    void IPartitionedWork.Execute(int part, int parts) =>
        body(arguments, pool!.Start(rows, part, parts), pool.Start(rows, part + 1, parts));
}
