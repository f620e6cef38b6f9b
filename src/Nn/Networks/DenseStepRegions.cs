using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// A dense network's batch forward pass and backpropagation in two parallel regions instead of one per product and
/// per element-wise pass. Region 1 splits the batch by rows: each thread takes its block of rows through the whole
/// chain — z^l = a^(l−1) (W^l)ᵀ + b^l and a^l = σ(z^l) for every layer, then δ^L and δ^(l−1) = (δ^l W^l) ⊙ σ'(z^(l−1))
/// down to the first layer — with no synchronisation between layers, since every one of those passes is row by row.
/// Region 2 then computes every layer's ∂C/∂W^l = (δ^l)ᵀ a^(l−1) and ∂C/∂b^l = Σ_rows δ^l, each thread a contiguous
/// range of column panels of ∂W^l (and of ∂b^l) of every layer. A first layer wider than the batch has its product
/// computed before region 1, split by columns (<see cref="FirstProductByColumns"/>). Where the workspace holds a
/// second thread's copy of x for this batch (<see cref="Workspace{T}.Mirror"/>), the parts after the first read x from
/// it in that product and in the first layer's weight gradient. Owned by one <see cref="Workspace{T}"/>; allocates nothing.
/// </summary>
/// <remarks>
/// Bit for bit the one-thread pass, whatever the thread count. The GEMM micro-kernels sum every element of C over k
/// in the same order from zero, and add the block's sum to C the same way, wherever the element sits in a tile (an
/// edge tile is computed aside with the same accumulators), so a product over a block of rows gives each element the
/// bits of the product over the whole batch; the weight gradient is split by column panels as
/// <see cref="GemmTeam{T}"/> splits it. For the element-wise passes every block of rows starts at a multiple of
/// <see cref="RangeSplit.Alignment"/> elements in every layer's buffers, so the vector loops cover the same elements as
/// in one pass over the batch (as in <see cref="DenseRowPasses{T}"/>). The batch-mean cost, a sum over all rows, is
/// left to the caller, on one thread, in the one-thread order.
/// </remarks>
internal sealed unsafe class DenseStepRegions<T> : IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Steps whose forward products have fewer multiply–adds than this keep the per-product split: a region costs the
    /// caller a microsecond or two of hand-off and waiting for the slower thread, about 2% of a step this size.
    /// </summary>
    private const long MinimumParallelWork = 1L << 18;

    /// <summary>Each thread's block holds at least this many rows, so that its products still fill the micro-kernels' tiles.</summary>
    private const int MinimumRowsPerPart = 16;

    private readonly WorkerPool pool;
    private readonly Workspace<T> workspace;
    private Loss? loss;
    private bool gradients;
    private bool backward;

    /// <summary>Whether z¹ = X (W¹)ᵀ was computed before region 1, split by columns (see <see cref="FirstProductByColumns"/>).</summary>
    private bool firstProductDone;
    private bool overwrite;
    private int rows;
    private int unitRows;
    private T batchScale;
    private T* theta;
    private int thetaLength;
    private T* x;
    private int xLength;
    private T* y;
    private int yLength;
    private T* gradient;
    private int gradientLength;
    private T* xMirror;

    public DenseStepRegions(WorkerPool pool, Workspace<T> workspace)
    {
        this.pool = pool;
        this.workspace = workspace;
    }

    /// <summary>
    /// The number of row blocks a batch of <paramref name="rows"/> rows through a dense architecture is split into (at
    /// most the pool's threads; 1 on a pool of one thread), or 0 when it is too small to be worth a region per step
    /// (then the caller splits each product on its own). The step takes the regions when this is at least 2.
    /// </summary>
    public int Parts(int rows, out int unitRows)
    {
        var architecture = workspace.Architecture;
        unitRows = UnitRows(architecture);
        if (rows < DenseKernels.SmallBatch || !architecture.IsDense)
        {
            return 0;
        }

        var work = 0L;
        foreach (var layer in architecture.Layers)
        {
            work += (long)rows * layer.Inputs * layer.Outputs;
        }

        var units = rows / unitRows;
        var parts = Math.Min(pool.Threads, Math.Min(units, rows / MinimumRowsPerPart));
        return work >= MinimumParallelWork && parts >= 1 ? parts : 0;
    }

    /// <summary>The forward pass over <paramref name="rows"/> rows in one region (when <see cref="Parts"/> is at least 1), leaving z^l and a^l in the workspace.</summary>
    public void Forward(ReadOnlySpan<T> theta, ReadOnlySpan<T> x, int rows)
    {
        var parts = Parts(rows, out var unitRows);
        var firstDone = FirstProductByColumns(theta, x, rows);
        fixed (T* pt = theta, px = x)
        {
            Publish(pt, theta.Length, px, x.Length, null, 0, rows, unitRows);
            firstProductDone = firstDone;
            try
            {
                pool.Run(this, parts);
            }
            finally
            {
                Clear();
            }
        }
    }

    /// <summary>
    /// The forward pass, δ^L = ∇_a C ⊙ σ'(z^L) / m and every δ^l in one region, then ∂C/∂W^l and ∂C/∂b^l of every layer
    /// in a second, into <paramref name="gradient"/> (added to, or written when <paramref name="overwrite"/>). Call only
    /// when <see cref="Parts"/> is at least 1. The cost is not computed here.
    /// </summary>
    public void ForwardAndBackward(Loss loss, ReadOnlySpan<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, int rows, Span<T> gradient, bool overwrite)
    {
        ForwardAndDeltas(loss, theta, x, y, rows);
        Gradients(x, rows, gradient, overwrite);
    }

    /// <summary>Region 1 of <see cref="ForwardAndBackward"/>: z^l, a^l and δ^l of every layer into the workspace.</summary>
    public void ForwardAndDeltas(Loss loss, ReadOnlySpan<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, int rows)
    {
        var parts = Parts(rows, out var unitRows);
        var firstDone = FirstProductByColumns(theta, x, rows);
        fixed (T* pt = theta, px = x, py = y)
        {
            Publish(pt, theta.Length, px, x.Length, py, y.Length, rows, unitRows);
            firstProductDone = firstDone;
            this.loss = loss;
            backward = true;
            batchScale = T.One / T.CreateChecked(rows);
            try
            {
                pool.Run(this, parts);
            }
            finally
            {
                Clear();
            }
        }
    }

    /// <summary>Region 2 of <see cref="ForwardAndBackward"/>: ∂C/∂W^l and ∂C/∂b^l of every layer from the δ^l and a^l in the workspace.</summary>
    public void Gradients(ReadOnlySpan<T> x, int rows, Span<T> gradient, bool overwrite)
    {
        var mirror = MirrorOf(x, rows);
        fixed (T* px = x, pg = gradient, pm = mirror)
        {
            Publish(null, 0, px, x.Length, null, 0, rows, 1);
            xMirror = mirror.IsEmpty ? null : pm;
            gradients = true;
            gradientLength = gradient.Length;
            this.gradient = pg;
            this.overwrite = overwrite;
            try
            {
                // Cut where the two vCPUs' measured speeds put it: the panels are independent, and a panel is summed
                // the same way on either thread.
                pool.RunCut(this, pool.Threads);
            }
            finally
            {
                Clear();
            }
        }
    }

    void IPartitionedWork.Execute(int part, int parts)
    {
        if (gradients)
        {
            WeightAndBiasGradients(part, parts);
            return;
        }

        var units = rows / unitRows;
        var first = Partition.Start(units, part, parts) * unitRows;
        var last = part == parts - 1 ? rows : Partition.Start(units, part + 1, parts) * unitRows;
        RowChain(first, last - first);
    }

    /// <summary>
    /// Where the first layer has more outputs than the batch has rows (Network B: 256 and 128), z¹ = X (W¹)ᵀ is computed
    /// first, on its own, split by columns: a thread's share of a row split packs all of W¹ and its rows of X, of a
    /// column split all of X and its share of W¹, so the row split packs more when W¹ is the larger operand (one
    /// thread's half of Network B's first product: 210–228 µs by rows, 188–199 µs by columns, `split-shapes` in
    /// bench/Nn.Benchmarks). Elsewhere region 1 does it.
    /// </summary>
    /// <returns>Whether z¹ has been computed.</returns>
    private bool FirstProductByColumns(ReadOnlySpan<T> theta, ReadOnlySpan<T> x, int rows)
    {
        var architecture = workspace.Architecture;
        var first = architecture.Layers[0];
        if (first.Outputs <= rows)
        {
            return false;
        }

        DenseKernels.MultiplyByTranspose(
            x.Slice(0, rows * first.Inputs), rows, first.Inputs, theta.Slice(architecture.WeightOffset(0), first.WeightCount), first.Outputs, workspace.Z[0].AsSpan(0, rows * first.Outputs), workspace.Path, workspace.Team, MirrorOf(x, rows));
        return true;
    }

    /// <summary>The second thread's copy of the batch's <paramref name="rows"/> rows of <paramref name="x"/>, or an empty span where the workspace holds none for them.</summary>
    private ReadOnlySpan<T> MirrorOf(ReadOnlySpan<T> x, int rows) =>
        workspace.Mirror is { } mirror ? mirror.For(x.Slice(0, rows * workspace.Architecture.Layers[0].Inputs)) : default;

    /// <summary>
    /// The fewest rows whose elements are a whole number of <see cref="RangeSplit.Alignment"/> in every layer's z, a and
    /// δ: each width contributes Alignment ÷ (its largest power-of-two factor, at most Alignment), and these are powers of
    /// two, so the largest is their least common multiple. The softmax works row by row, but its δ^L is element-wise.
    /// </summary>
    internal static int UnitRows(Architecture architecture)
    {
        var unit = 1;
        foreach (var layer in architecture.Layers)
        {
            var width = layer.Outputs;
            unit = Math.Max(unit, RangeSplit.Alignment / Math.Min(width & -width, RangeSplit.Alignment));
        }

        return unit;
    }

    /// <summary>Rows [first, first + count) through every layer forward, then (in a backward region) δ back to the first layer.</summary>
    private void RowChain(int first, int count) =>
        DenseRowChain.Run(
            workspace,
            new ReadOnlySpan<T>(theta, thetaLength),
            new ReadOnlySpan<T>(x, xLength),
            new ReadOnlySpan<T>(y, yLength),
            backward ? loss : null,
            batchScale,
            first,
            count,
            firstProductDone);

    /// <summary>
    /// Part <paramref name="part"/>'s column panels of every ∂W^l = (δ^l)ᵀ a^(l−1) (equation 4) and its columns of every
    /// ∂b^l = Σ_rows δ^l (equation 3), each column summing its rows in order as DenseKernels.AddColumnSumsInto does.
    /// </summary>
    private void WeightAndBiasGradients(int part, int parts)
    {
        var architecture = workspace.Architecture;
        var layers = architecture.Layers;
        var path = workspace.Path;
        var nr = Gemm.TileShape<T>(path).NR;
        var all = new Span<T>(gradient, gradientLength);
        for (var l = 0; l < layers.Length; l++)
        {
            var layer = layers[l];
            var delta = workspace.Delta[l].AsSpan(0, rows * layer.Outputs);
            var input = l > 0 ? workspace.A[l - 1].AsSpan(0, rows * layer.Inputs)
                : part > 0 && xMirror != null ? new ReadOnlySpan<T>(xMirror, rows * layer.Inputs)
                : new ReadOnlySpan<T>(x, xLength).Slice(0, rows * layer.Inputs);
            var panels = PanelCut.Panels(layer, nr);
            var cut = parts == 2 && pool.CutShare > 0 ? PanelCut.CallerPanels(layers, l, nr, pool.CutShare) : -1;
            var from = Math.Min(layer.Inputs, (cut < 0 ? pool.Start(panels, part, parts) : part == 0 ? 0 : cut) * nr);
            var to = Math.Min(layer.Inputs, (cut < 0 ? pool.Start(panels, part + 1, parts) : part == 0 ? cut : panels) * nr);
            var dw = all.Slice(architecture.WeightOffset(l), layer.WeightCount);
            Gemm.Multiply(path, layer.Outputs, rows, delta, 1, layer.Outputs, input, layer.Inputs, 1, dw, layer.Inputs, !overwrite, from, to);
            if (!layer.HasBias)
            {
                continue;
            }

            var first = pool.Start(layer.Outputs, part, parts);
            var sums = all.Slice(architecture.BiasOffset(l) + first, pool.Start(layer.Outputs, part + 1, parts) - first);
            if (overwrite)
            {
                sums.Clear();
            }

            DenseKernels.AddColumnSumsInto(delta, rows, layer.Outputs, first, sums);
        }
    }

    private void Publish(T* theta, int thetaLength, T* x, int xLength, T* y, int yLength, int rows, int unitRows)
    {
        this.theta = theta;
        this.thetaLength = thetaLength;
        this.x = x;
        this.xLength = xLength;
        this.y = y;
        this.yLength = yLength;
        this.rows = rows;
        this.unitRows = unitRows;
        gradients = backward = overwrite = firstProductDone = false;
    }

    private void Clear()
    {
        theta = x = y = gradient = xMirror = null;
        thetaLength = xLength = yLength = gradientLength = 0;
        loss = null;
        gradients = backward = false;
    }
}
