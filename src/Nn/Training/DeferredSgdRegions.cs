using System;
using System.Numerics;
using System.Threading;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The parallel work of a <see cref="DeferredSgd{T}"/> block in two regions. First X W¹₀ᵀ and the Gram matrix X Xᵀ's
/// first row sliver (each thread a share of the columns of the first and of the slivers of the second). Then the
/// sequential per-sample loop as one part while another computes the Gram matrix's later rows (sample n waits only
/// for row n) and packs X once; once the loop has written U, every part adds W¹' = W¹₀ + Uᵀ X over its rows of W¹,
/// reading that packed X. Both regions give a part the same rows of W¹ (columns of X W¹ᵀ), so the rows a thread
/// writes at one block's end are the ones it reads at the next block's start, from its own cache rather than the
/// other core's. Owned by one run's <see cref="DeferredSgd{T}"/>; allocates nothing per block.
/// </summary>
/// <remarks>
/// Bit for bit the one-thread block. The GEMM micro-kernels sum every element from zero over k in the same order
/// wherever it sits in a tile, so any split of C's rows or columns gives each element its one-thread bits; and every
/// row block of W¹ but the last starts at a multiple of <see cref="RangeSplit.Alignment"/> elements, so the update's
/// vector loops cover the same elements as in one pass over W¹ (as <see cref="RangeSplit"/>'s ranges do). The loop
/// reads the Gram matrix by rows (xₙ · xᵢ for i &lt; n) and the overlap computes only those, the lower triangle:
/// xₙ · xᵢ and xᵢ · xₙ have the same bits, since each product of a sum is commutative and both sums run over the
/// inputs in the same order.
/// </remarks>
internal sealed unsafe partial class DeferredSgdRegions<T> : IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Blocks whose first-layer product has fewer multiply–adds than this stay on the calling thread: the regions'
    /// hand-overs would be a large share of so little work. Above it, whether a block is split is a run's
    /// <see cref="SplitChooser"/>'s timed decision.
    /// </summary>
    public const long MinimumParallelWork = 1L << 18;

    private readonly bool[] finite;
    private KernelPath path;
    private Phase phase;
    private int gramRows;
    private int readyRows;
    private IDeferredSampleLoop? loop;
    private bool loopFinite;
    private T[] packedX = [];
    private T[] packedXTransposed = [];
    private int loopTaken;
    private int loopDone;
    private int xReady;
    private int count;
    private int inputs;
    private int hidden;
    private int unitRows;
    private T* x;
    private int xLength;
    private T* weights;
    private int weightsLength;
    private T* products;
    private int productsLength;
    private T* gram;
    private int gramLength;
    private T* updates;
    private int updatesLength;
    private T* sum;
    private T* next;

    public DeferredSgdRegions(WorkerPool pool)
    {
        Pool = pool;
        finite = new bool[pool.Threads];
    }

    /// <summary>The threads the regions run on.</summary>
    public WorkerPool Pool { get; }

    /// <summary>
    /// Whether a block of <paramref name="count"/> samples through a first layer of <paramref name="inputs"/> ×
    /// <paramref name="hidden"/> weights takes the regions: enough work, and at least the rows below which the
    /// one-thread block multiplies by dot products rather than through the GEMM kernels.
    /// </summary>
    public bool Applies(int count, int inputs, int hidden) =>
        Pool.Threads > 1 && count >= DenseKernels.SmallBatch && hidden / UnitRows(inputs) >= 2 && WorthSplitting(count, inputs, hidden);

    /// <summary>
    /// Whether a block of <paramref name="count"/> samples through a first layer of <paramref name="inputs"/> ×
    /// <paramref name="hidden"/> weights has enough work for more than one thread at all; a smaller block runs its
    /// products and its update on the calling thread too (the same bits: no kernel's result depends on the threads).
    /// </summary>
    public static bool WorthSplitting(int count, int inputs, int hidden) => (long)count * inputs * hidden >= MinimumParallelWork;

    /// <summary>
    /// products = X W¹₀ᵀ (count × hidden) and gram = X Xᵀ (count × count) in one region; with
    /// <paramref name="overlapped"/>, only the Gram matrix's first row sliver, the rest left to
    /// <see cref="SamplesAndUpdate"/>.
    /// </summary>
    public void Products(KernelPath path, ReadOnlySpan<T> x, int count, int inputs, ReadOnlySpan<T> weights, int hidden, Span<T> products, Span<T> gram, bool overlapped)
    {
        fixed (T* px = x, pw = weights, pp = products, pg = gram)
        {
            Publish(path, Phase.Products, count, inputs, hidden, px, x.Length);
            gramRows = overlapped ? Math.Min(count, Gemm.TileShape<T>(path).MR) : count;
            this.weights = pw;
            weightsLength = weights.Length;
            this.products = pp;
            productsLength = products.Length;
            this.gram = pg;
            gramLength = gram.Length;
            try
            {
                Pool.Run(this, Parts(inputs, hidden));
            }
            finally
            {
                Clear();
            }
        }
    }

    /// <summary>
    /// The rest of the block in one region: the per-sample loop, beside it the Gram matrix's rows after those
    /// <see cref="Products"/> computed with <c>overlapped</c> (each row n only over the columns i &lt; n + MR the loop
    /// reads), published sliver by sliver for <see cref="AwaitGramRows"/>, and X packed; then, once the loop has
    /// written U, W¹' = W¹₀ + Uᵀ X split by rows of W¹ as <see cref="Update"/> splits it. Part 0 computes the Gram rows
    /// and packs X; whichever part first finds the loop untaken runs it (part 0 is claimed before any other, so the
    /// loop never waits for rows that no thread is computing); every part then adds its rows of W¹.
    /// </summary>
    /// <remarks>
    /// One region where there were two: the part that ran the Gram rows no longer returns to the caller to be handed
    /// the update's rows in a region of its own, it waits (spinning) for the loop's end and takes them, and it takes
    /// the loop itself when no other thread has claimed it. The arithmetic is that of the two regions.
    /// </remarks>
    /// <returns>Whether the loop stayed finite and every element of next is finite; next is unusable when not.</returns>
    public bool SamplesAndUpdate(
        IDeferredSampleLoop loop, KernelPath path, ReadOnlySpan<T> x, int count, int inputs, int hidden, Span<T> gram, ReadOnlySpan<T> updates, Span<T> sum, ReadOnlySpan<T> theta, Span<T> next)
    {
        var parts = Parts(inputs, hidden);
        fixed (T* px = x, pg = gram, pu = updates, ps = sum, pt = theta, pn = next)
        {
            Publish(path, Phase.SamplesAndUpdate, count, inputs, hidden, px, x.Length);
            this.gram = pg;
            gramLength = gram.Length;
            this.updates = pu;
            updatesLength = updates.Length;
            this.sum = ps;
            weights = pt;
            this.next = pn;
            this.loop = loop;
            loopFinite = false;
            loopTaken = 0;
            loopDone = 0;
            xReady = 0;
            Volatile.Write(ref readyRows, gramRows);
            // Grown at a run's first block (or a longer one), so a steady-state block allocates nothing.
            if (packedX.Length < Gemm.PackedBLength<T>(path, count, inputs))
            {
                packedX = new T[Gemm.PackedBLength<T>(path, count, inputs)];
            }

            if (packedXTransposed.Length < Gemm.PackedBLength<T>(path, inputs, count))
            {
                packedXTransposed = new T[Gemm.PackedBLength<T>(path, inputs, count)];
            }

            try
            {
                Pool.Run(this, parts);
            }
            finally
            {
                Clear();
            }
        }

        var all = loopFinite;
        for (var part = 0; all && part < parts; part++)
        {
            all &= finite[part];
        }

        return all;
    }

    /// <summary>Waits until the overlapped Gram part has published at least <paramref name="rows"/> rows.</summary>
    public void AwaitGramRows(int rows) => Await(ref readyRows, rows);

    /// <summary>
    /// sum = Uᵀ X (hidden × inputs, from the block's updates U, count × hidden) and next = theta + sum, in one region
    /// split by rows of W¹, each part packing X for itself: for a block whose loop runs outside the regions (and for
    /// timing the update alone); <see cref="SamplesAndUpdate"/> does the same with X packed once.
    /// </summary>
    /// <returns>Whether every element of next is finite.</returns>
    public bool Update(KernelPath path, ReadOnlySpan<T> updates, ReadOnlySpan<T> x, int count, int inputs, int hidden, Span<T> sum, ReadOnlySpan<T> theta, Span<T> next)
    {
        var parts = Parts(inputs, hidden);
        fixed (T* pu = updates, px = x, ps = sum, pt = theta, pn = next)
        {
            Publish(path, Phase.Update, count, inputs, hidden, px, x.Length);
            this.updates = pu;
            updatesLength = updates.Length;
            this.sum = ps;
            weights = pt;
            this.next = pn;
            try
            {
                Pool.Run(this, parts);
            }
            finally
            {
                Clear();
            }
        }

        var all = true;
        for (var part = 0; part < parts; part++)
        {
            all &= finite[part];
        }

        return all;
    }

    void IPartitionedWork.Execute(int part, int parts)
    {
        if (phase == Phase.Products)
        {
            ProductsPart(part, parts);
            return;
        }

        if (phase == Phase.Update)
        {
            UpdateRows(part, parts, packed: false);
            return;
        }

        if (part == 0)
        {
            GramAndPackedX();
        }

        if (Interlocked.Exchange(ref loopTaken, 1) == 0)
        {
            try
            {
                loopFinite = loop!.Run();
            }
            finally
            {
                // Should the loop fail, the other parts must not wait for ever; the pool rethrows the failure.
                Volatile.Write(ref loopDone, 1);
            }
        }
        else
        {
            Await(ref loopDone, 1);
        }

        // The loop's result was written before loopDone was raised, so it is read after.
        if (loopFinite)
        {
            Await(ref xReady, 1);
            UpdateRows(part, parts, packed: true);
        }
    }

    /// <summary>Parts per region: a thread each, but no more than W¹ has units of <see cref="UnitRows"/>.</summary>
    private int Parts(int inputs, int hidden) => Math.Min(Pool.Threads, hidden / UnitRows(inputs));

    /// <summary>The rows of W¹ a part of <paramref name="parts"/> updates: whole units of <see cref="UnitRows"/>, the last part taking the rest.</summary>
    private (int From, int To) RowsOf(int part, int parts)
    {
        var units = hidden / unitRows;
        var from = Partition.Start(units, part, parts) * unitRows;
        return (from, part == parts - 1 ? hidden : Partition.Start(units, part + 1, parts) * unitRows);
    }

    /// <summary>The fewest rows of W¹ whose elements are a whole number of <see cref="RangeSplit.Alignment"/>.</summary>
    private static int UnitRows(int inputs) => RangeSplit.Alignment / Math.Min(inputs & -inputs, RangeSplit.Alignment);

    private void Publish(KernelPath path, Phase phase, int count, int inputs, int hidden, T* x, int xLength)
    {
        this.path = path;
        this.phase = phase;
        this.count = count;
        this.inputs = inputs;
        this.hidden = hidden;
        unitRows = UnitRows(inputs);
        this.x = x;
        this.xLength = xLength;
    }

    private void Clear()
    {
        x = weights = products = gram = updates = sum = next = null;
        xLength = weightsLength = productsLength = gramLength = updatesLength = 0;
        loop = null;
    }

    /// <summary>Which of the block's regions is running.</summary>
    private enum Phase
    {
        Products,
        SamplesAndUpdate,
        Update,
    }
}
