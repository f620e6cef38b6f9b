using System;

namespace Nn.Kernels;

/// <summary>
/// Runs an element-wise pass over elements 0 … length − 1 on the threads of a <see cref="WorkerPool"/>, one contiguous
/// range per part. Every range but the last starts at a multiple of <see cref="Alignment"/> elements and holds a whole
/// number of them, so a kernel's vector loops cover the same elements as in one pass over the whole length and its
/// scalar tail is the same last few elements: each element gets the operations of the unsplit pass, whichever thread
/// runs it. Like <see cref="SampleSplit"/>, the body is a static function and its arguments a struct on the caller's
/// stack reached by pointer, so a split allocates nothing once the calling thread's one instance exists.
/// </summary>
internal sealed unsafe class RangeSplit : IPartitionedWork
{
    /// <summary>Ranges start at multiples of this many elements: a whole number of Vector512 registers of either element type.</summary>
    public const int Alignment = 64;

    [ThreadStatic]
    private static RangeSplit? instance;

    private delegate*<void*, int, int, int, void> body;
    private void* arguments;
    private int length;

    /// <summary>
    /// body(arguments, part, from, to) over parts of elements 0 … <paramref name="length"/> − 1, with 0 ≤ part &lt; the
    /// returned count: on the pool's threads, or as the one part 0 on the calling thread for no pool or fewer than
    /// <paramref name="minimumLength"/> elements. <paramref name="arguments"/> must stay valid until it returns.
    /// </summary>
    /// <returns>The number of parts the body was called for (each exactly once), at most the pool's thread count.</returns>
    public static int Run(WorkerPool? pool, int length, int minimumLength, delegate*<void*, int, int, int, void> body, void* arguments)
    {
        var blocks = (length + Alignment - 1) / Alignment;
        if (pool is null || pool.Threads == 1 || length < minimumLength || blocks < 2)
        {
            body(arguments, 0, 0, length);
            return 1;
        }

        var split = instance ??= new RangeSplit();
        split.body = body;
        split.arguments = arguments;
        split.length = length;
        var parts = Math.Min(pool.Threads, blocks);
        try
        {
            pool.Run(split, parts);
        }
        finally
        {
            // Also after a part threw: the arguments live on the caller's stack only until this returns.
            split.arguments = null;
        }

        return parts;
    }

    void IPartitionedWork.Execute(int part, int parts)
    {
        var blocks = (length + Alignment - 1) / Alignment;
        var from = Math.Min(length, Partition.Start(blocks, part, parts) * Alignment);
        var to = Math.Min(length, Partition.Start(blocks, part + 1, parts) * Alignment);
        body(arguments, part, from, to);
    }
}
