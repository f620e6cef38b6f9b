using System;
using System.Threading;
using Nn.Kernels;

namespace Nn;

/// <summary>What each part of a <see cref="DeferredSgdRegions{T}"/> region computes, on the block the region published.</summary>
internal sealed unsafe partial class DeferredSgdRegions<T>
{
    /// <summary>Spins (yielding, never sleeping) until <paramref name="flag"/> reaches <paramref name="value"/>.</summary>
    private static void Await(ref int flag, int value)
    {
        var spinner = default(SpinWait);
        while (Volatile.Read(ref flag) < value)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>
    /// Z = X W¹₀ᵀ over the columns j of the rows of W¹ this part updates at the block's end (<see cref="RowsOf"/>),
    /// so each thread reads the rows it wrote in the last block from its own cache, and a share of the Gram matrix's
    /// first rows.
    /// </summary>
    private void ProductsPart(int part, int parts)
    {
        var mr = Gemm.TileShape<T>(path).MR;
        var inputsSpan = new ReadOnlySpan<T>(x, xLength);
        var (from, to) = RowsOf(part, parts);
        Gemm.Multiply(
            path, count, inputs, inputsSpan, inputs, 1, new ReadOnlySpan<T>(weights, weightsLength), 1, inputs, new Span<T>(products, productsLength), hidden, false, from, to);

        // The first gramRows rows of X Xᵀ over this part's row slivers, counted from the last part (which has the
        // most rows of W¹), so a single sliver goes to the first. Overlapped, a row needs only the columns before it.
        var slivers = (gramRows + mr - 1) / mr;
        var share = parts - 1 - part;
        var first = Math.Min(gramRows, Partition.Start(slivers, share, parts) * mr);
        var last = Math.Min(gramRows, Partition.Start(slivers, share + 1, parts) * mr);
        Gemm.Multiply(
            path, last - first, inputs, inputsSpan.Slice(first * inputs), inputs, 1, inputsSpan, 1, inputs, new Span<T>(gram + (first * count), gramLength - (first * count)), count, false, 0, gramRows < count ? last : count);
    }

    /// <summary>The Gram matrix's rows after the first region's, sliver by sliver in the loop's order, then X packed for Uᵀ X.</summary>
    private void GramAndPackedX()
    {
        var mr = Gemm.TileShape<T>(path).MR;
        var inputsSpan = new ReadOnlySpan<T>(x, xLength);
        try
        {
            // Xᵀ packed once for all the slivers; row n is needed only over the columns i < n.
            Gemm.PackWholeB(path, inputs, count, inputsSpan, 1, inputs, packedXTransposed);
            for (var first = gramRows; first < count; first += mr)
            {
                var last = Math.Min(count, first + mr);
                Gemm.MultiplyPackedB(
                    path, last - first, inputs, inputsSpan.Slice(first * inputs), inputs, 1, packedXTransposed, count, new Span<T>(gram + (first * count), gramLength - (first * count)), count, false, 0, last);
                Volatile.Write(ref readyRows, last);
            }
        }
        finally
        {
            // Should the part fail, the loop must not wait for ever; the pool rethrows the failure.
            Volatile.Write(ref readyRows, count);
        }

        try
        {
            // While the loop still runs: X packed once for the update's Uᵀ X, which every part of it would pack.
            Gemm.PackWholeB(path, count, inputs, inputsSpan, inputs, 1, packedX);
        }
        finally
        {
            Volatile.Write(ref xReady, 1);
        }
    }

    /// <summary>
    /// Rows [j0, j1) of W¹ for this part: their sums of updates (Uᵀ X as DenseKernels.TransposeProduct computes it),
    /// reading X as <see cref="GramAndPackedX"/> packed it when <paramref name="packed"/>, then W¹₀ + sum.
    /// </summary>
    private void UpdateRows(int part, int parts, bool packed)
    {
        var (j0, j1) = RowsOf(part, parts);
        var offset = j0 * inputs;
        var length = (j1 - j0) * inputs;
        var rows = new Span<T>(sum + offset, length);
        var u = new ReadOnlySpan<T>(updates + j0, updatesLength - j0);
        if (packed)
        {
            Gemm.MultiplyPackedB(path, j1 - j0, count, u, 1, hidden, packedX, inputs, rows, inputs, false, 0, inputs);
        }
        else
        {
            Gemm.Multiply(path, j1 - j0, count, u, 1, hidden, new ReadOnlySpan<T>(x, xLength), inputs, 1, rows, inputs, false, 0, inputs);
        }

        finite[part] = VectorKernels.MultiplyAddFinite(T.One, rows, new ReadOnlySpan<T>(weights + offset, length), new Span<T>(next + offset, length));
    }
}
