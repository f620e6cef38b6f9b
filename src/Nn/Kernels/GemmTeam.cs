using System;
using System.Numerics;

namespace Nn.Kernels;

/// <summary>
/// Runs one <see cref="Gemm.Multiply{T}"/> on the threads of a <see cref="WorkerPool"/>: the NR-wide column panels of C
/// are cut into one contiguous part per thread (on two threads where the pool's <see cref="TwoWayBalance"/> puts the
/// cut), and the threads claim parts as they come free (a thread the OS has
/// not scheduled yet leaves its part to the others). A product with fewer column panels than threads but several
/// MR-row slivers (the 32 × 32 Gram matrix of a deferred SGD block), or with more rows than columns (a forward pass
/// over 10,000 rows, where a column split would have each thread pack all of them), is cut by rows instead, at
/// sliver boundaries.
/// Each element of C is still computed by exactly one thread in the same order, with the same neighbours in its
/// register tile, so the result is bit-for-bit that of one thread, whichever thread runs which part. The operands
/// are pinned for the duration of the call and reach the workers as pointers, so no closure or boxing is allocated.
/// </summary>
internal sealed unsafe class GemmTeam<T> : IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Products smaller than this many multiply–adds run on the calling thread alone: a split product of a few
    /// microseconds got slower on two threads (`b-profile`: Network B's 128 × 128 × 10 ∂X, 164 k multiply–adds,
    /// 6 → 11 µs), the hand-off and the other core's cache misses costing more than half the work saves.
    /// </summary>
    internal const long MinimumParallelWork = 1L << 18;

    private KernelPath path;
    private int m;
    private int n;
    private int k;
    private T* a;
    private int aLength;
    private T* aMirror;
    private int aRowStride;
    private int aColumnStride;
    private T* b;
    private int bLength;
    private int bRowStride;
    private int bColumnStride;
    private T* c;
    private int cLength;
    private int ldc;
    private bool accumulate;
    private bool byRows;

    public GemmTeam(WorkerPool pool) => Pool = pool;

    public WorkerPool Pool { get; }

    /// <summary>
    /// The same as <see cref="Gemm.Multiply{T}"/> over columns 0 … n − 1, split over the pool; a column split's parts
    /// after the first read A from <paramref name="aMirror"/> when it is given (a copy of A as long, see <see cref="InputMirror{T}"/>).
    /// </summary>
    public void Multiply(
        KernelPath path, int m, int n, int k, ReadOnlySpan<T> a, int aRowStride, int aColumnStride, ReadOnlySpan<T> b, int bRowStride, int bColumnStride, Span<T> c, int ldc, bool accumulate, ReadOnlySpan<T> aMirror = default)
    {
        var (mr, nr) = Gemm.TileShape<T>(path);
        var panels = (n + nr - 1) / nr;
        var slivers = (m + mr - 1) / mr;
        var byRows = SplitsByRows(path, m, n, Pool.Threads);
        var parts = Math.Min(Pool.Threads, byRows ? slivers : panels);
        if (parts <= 1 || (long)m * n * k < MinimumParallelWork)
        {
            Gemm.Multiply(path, m, k, a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, ldc, accumulate, 0, n);
            return;
        }

        fixed (T* pa = a, pb = b, pc = c, pm = aMirror)
        {
            this.aMirror = aMirror.Length == a.Length ? pm : null;
            this.path = path;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = pa;
            aLength = a.Length;
            this.aRowStride = aRowStride;
            this.aColumnStride = aColumnStride;
            this.b = pb;
            bLength = b.Length;
            this.bRowStride = bRowStride;
            this.bColumnStride = bColumnStride;
            this.c = pc;
            cLength = c.Length;
            this.ldc = ldc;
            this.accumulate = accumulate;
            this.byRows = byRows;
            try
            {
                Pool.RunCut(this, parts);
            }
            finally
            {
                // Also after a part threw: the arrays are pinned only inside this block.
                this.a = this.b = this.c = this.aMirror = null;
            }
        }
    }

    /// <summary>Whether an m × n product on <paramref name="threads"/> threads is cut by row slivers rather than by column panels.</summary>
    internal static bool SplitsByRows(KernelPath path, int m, int n, int threads)
    {
        var (mr, nr) = Gemm.TileShape<T>(path);
        var panels = (n + nr - 1) / nr;
        var slivers = (m + mr - 1) / mr;

        // Rows split only where the one-thread pass groups rows in slivers counted from row 0 (MC a multiple of MR),
        // so that every part's slivers are the one-thread slivers. Besides narrow products, rows split where A is the
        // larger operand: every thread of a column split packs all of A (m × k), of a row split all of B (n × k), and
        // for a forward pass over many rows (inference, a run's measuring passes) A is the whole batch.
        var narrow = panels < threads && slivers > panels;
        var tall = m > n && slivers >= threads;
        return (narrow || tall) && Gemm.MC % mr == 0;
    }

    void IPartitionedWork.Execute(int part, int parts)
    {
        var (mr, nr) = Gemm.TileShape<T>(path);
        if (byRows)
        {
            var slivers = (m + mr - 1) / mr;
            var first = Math.Min(m, Pool.Start(slivers, part, parts) * mr);
            var last = Math.Min(m, Pool.Start(slivers, part + 1, parts) * mr);
            long aOffset = (long)first * aRowStride, cOffset = (long)first * ldc;
            Gemm.Multiply(
                path,
                last - first,
                k,
                new ReadOnlySpan<T>(a + aOffset, (int)(aLength - aOffset)),
                aRowStride,
                aColumnStride,
                new ReadOnlySpan<T>(b, bLength),
                bRowStride,
                bColumnStride,
                new Span<T>(c + cOffset, (int)(cLength - cOffset)),
                ldc,
                accumulate,
                0,
                n);
            return;
        }

        var panels = (n + nr - 1) / nr;
        var from = Math.Min(n, Pool.Start(panels, part, parts) * nr);
        var to = Math.Min(n, Pool.Start(panels, part + 1, parts) * nr);
        Gemm.Multiply(
            path,
            m,
            k,
            new ReadOnlySpan<T>(part > 0 && aMirror != null ? aMirror : a, aLength),
            aRowStride,
            aColumnStride,
            new ReadOnlySpan<T>(b, bLength),
            bRowStride,
            bColumnStride,
            new Span<T>(c, cLength),
            ldc,
            accumulate,
            from,
            to);
    }
}
