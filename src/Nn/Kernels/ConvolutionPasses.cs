using System;
using System.Numerics;

namespace Nn.Kernels;

/// <summary>
/// A convolution's forward and backward passes over a batch, a slice of <see cref="SliceRows"/> samples at a time:
/// the slice's im2col matrix X̂ₛ ((C·KH·KW) × (S·OH·OW), 0.3–0.5 MB for LeNet's layers in float) is built in a
/// buffer that stays in the core's L2 cache while the packed GEMM reads it, instead of one batch-sized X̂ written
/// to memory and read back (7.4 MB for LeNet's first layer at batch 128). The backward pass builds each X̂ₛ again
/// from the input, which costs less than reading a kept one back from memory. Per slice, Zₛ = K X̂ₛ goes to each sample's O×OH×OW block of z with its bias, ∂K gets
/// Δₛ X̂ₛᵀ (Δₛ the slice's δ filter-major) and ∂X̂ₛ = Kᵀ Δₛ goes straight back onto the slice's input gradient.
/// </summary>
/// <remarks>
/// The number of samples in a slice does not depend on the thread count; a slice is the unit of work a thread takes
/// (<see cref="SampleSplit"/>) and owns a region of the scratch for its partial kernel and bias gradients; the slices
/// of one thread's part build their X̂ₛ and product tile (or Δₛ) in the region of the part's first slice, so that
/// buffer is reused while it is in cache. The slices' partial gradients are summed in slice order afterwards, and every z and input
/// gradient entry is one column's sum, so the results are the same bits on any number of threads, and each sample's
/// z and input gradient are those of the sample alone. The forward product pads the filters to the micro-kernel's MR
/// rows (zero kernels), so that a layer of 6 filters runs full tiles rather than edge tiles. Layers that run directly
/// (<see cref="DirectConvolution"/>, <see cref="FilterLanesConvolution"/>) use the same slices, regions and partial sums
/// with a different work area.
/// </remarks>
internal static unsafe partial class ConvolutionPasses
{
    /// <summary>Samples per slice: the unit of work and of the partial gradient sums.</summary>
    public const int SliceRows = 8;

    /// <summary>
    /// The rows the scratch keeps for O filters padded to a path's MR: O rounded up to the MR of every path, the largest
    /// of them (16 filters take 18 rows at the Vector256 path's MR of 6, more than the 16 of an MR of 8).
    /// </summary>
    private static int RoomRows(int filters) =>
        Math.Max(
            Math.Max(RoundUp(filters, MicroKernels.Rows512), RoundUp(filters, MicroKernels.Rows256)),
            Math.Max(RoundUp(filters, MicroKernels.RowsPortable), Math.Max(RoundUp(filters, MicroKernels128.RowsWide), RoundUp(filters, MicroKernels128.RowsNarrow))));

    /// <summary>The scratch values <see cref="Forward{T}"/> and <see cref="Backward{T}"/> need for <paramref name="rows"/> samples.</summary>
    public static long ScratchLength(ColumnTransfer.Geometry geometry, int filters, int rows) =>
        FrontLength(geometry, filters) + (Slices(rows) * SliceLength(geometry, filters, SliceWidth(rows)));

    /// <summary>
    /// z[n, o, ·] = Σ_{c,u,v} K[o, c, u, v] x̃[n, c, · + (u, v)] + b[o] for every sample: per slice X̂ₛ, then Zₛ = K X̂ₛ into a tile
    /// whose rows are the filters padded to the micro-kernel's MR (so every tile is a full one), then each sample's
    /// filter rows plus their bias into z; then, when <paramref name="activation"/> has σ, a = σ(z) of each sample by the
    /// thread that computed its z, while it is in that core's cache. Overwrites the first rows·O·OH·OW values of
    /// <paramref name="z"/> (and of <paramref name="a"/> with σ) and the scratch.
    /// </summary>
    /// <param name="path">The kernel path of the products.</param>
    /// <param name="pool">The threads to split the slices over, or null.</param>
    /// <param name="kernels">K, O × (C·KH·KW) row-major.</param>
    /// <param name="bias">b (O values), or empty for none.</param>
    /// <param name="input">x, rows × C·H·W.</param>
    /// <param name="rows">The samples.</param>
    /// <param name="geometry">The convolution's sizes.</param>
    /// <param name="filters">O.</param>
    /// <param name="z">Receives z, rows × O·OH·OW.</param>
    /// <param name="a">Receives a = σ(z), rows × O·OH·OW, when <paramref name="activation"/> has σ; else not touched.</param>
    /// <param name="activation">The layer's σ per sample (<see cref="SampleActivation{T}.Forward"/>), or none.</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/> values.</param>
    public static void Forward<T>(
        KernelPath path,
        WorkerPool? pool,
        ReadOnlySpan<T> kernels,
        ReadOnlySpan<T> bias,
        ReadOnlySpan<T> input,
        int rows,
        ColumnTransfer.Geometry geometry,
        int filters,
        Span<T> z,
        Span<T> a,
        SampleActivation<T> activation,
        Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var outputs = Outputs(activation.HasForward, a, rows, filters, geometry);
        if (DirectConvolution.Suits(geometry))
        {
            ForwardDirect(path, pool, kernels, bias, input, rows, geometry, filters, z, outputs, activation, scratch);
            return;
        }

        if (FilterLanesConvolution.Suits(path, geometry))
        {
            ForwardFilterLanes(path, pool, kernels, bias, input, rows, geometry, filters, z, outputs, activation, scratch);
            return;
        }

        var patch = geometry.Patch;
        var padded = RoundUp(filters, Gemm.TileShape<T>(path).MR);
        var paddedKernels = scratch.Slice(0, padded * patch);
        kernels.Slice(0, filters * patch).CopyTo(paddedKernels);
        paddedKernels.Slice(filters * patch).Clear();
        var regions = scratch.Slice(FrontLength(geometry, filters));
        fixed (T* k = paddedKernels, b = bias, x = input.Slice(0, rows * geometry.InputSize), output = z.Slice(0, rows * filters * geometry.Positions), r = regions, pa = outputs)
        {
            var job = new PassJob<T>(path, k, b, bias.Length, x, output, r, regions.Length, rows, geometry, filters, padded, null, false, null, pa, activation);
            SampleSplit.Run(pool, Slices(rows), &ForwardSlices<T>, &job);
        }
    }

    /// <summary>
    /// ∂C/∂K = Σₛ Δₛ X̂ₛᵀ, ∂C/∂b[o] = Σ_{n,i,j} δ[n, o, i, j] and, unless <paramref name="inputGradient"/> is empty,
    /// ∂C/∂x = col2im(Kᵀ Δₛ) per slice (the full correlation of δ with the kernels, cropped by p). The gradients are
    /// written, or added to with <paramref name="accumulate"/>; the input gradient and the scratch are overwritten.
    /// When <paramref name="activation"/> has σ', <paramref name="delta"/> holds ∂C/∂a on entry and each sample's
    /// δ = ∂C/∂a ⊙ σ'(z) is written over it by the thread that then reads it, just before it does.
    /// </summary>
    /// <param name="path">The kernel path of the products.</param>
    /// <param name="pool">The threads to split the slices over, or null.</param>
    /// <param name="kernels">K, O × (C·KH·KW) row-major.</param>
    /// <param name="input">x, rows × C·H·W, as the forward pass read it.</param>
    /// <param name="delta">δ = ∂C/∂z, rows × O·OH·OW; or ∂C/∂a, turned into δ in place, with σ' in <paramref name="activation"/>.</param>
    /// <param name="rows">The samples.</param>
    /// <param name="geometry">The convolution's sizes.</param>
    /// <param name="filters">O.</param>
    /// <param name="kernelGradient">∂C/∂K, O·C·KH·KW values.</param>
    /// <param name="biasGradient">∂C/∂b (O values), or empty for no bias.</param>
    /// <param name="accumulate">Add to the gradients rather than overwrite them.</param>
    /// <param name="inputGradient">Receives ∂C/∂x (rows × C·H·W), or empty when nothing below needs it.</param>
    /// <param name="z">z of the forward pass, rows × O·OH·OW, read only with σ' in <paramref name="activation"/>.</param>
    /// <param name="a">a of the forward pass, likewise.</param>
    /// <param name="activation">The layer's σ' per sample (<see cref="SampleActivation{T}.Backward"/>), or none when δ is given.</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/> values.</param>
    public static void Backward<T>(
        KernelPath path,
        WorkerPool? pool,
        ReadOnlySpan<T> kernels,
        ReadOnlySpan<T> input,
        Span<T> delta,
        int rows,
        ColumnTransfer.Geometry geometry,
        int filters,
        Span<T> kernelGradient,
        Span<T> biasGradient,
        bool accumulate,
        Span<T> inputGradient,
        ReadOnlySpan<T> z,
        ReadOnlySpan<T> a,
        SampleActivation<T> activation,
        Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var derives = activation.HasBackward;
        var patch = geometry.Patch;
        var outputs = filters * geometry.Positions;
        var regions = scratch.Slice(FrontLength(geometry, filters));
        var slices = Slices(rows);
        var padded = RoundUp(filters, Gemm.TileShape<T>(path).MR);
        var filterLanes = FilterLanesConvolution.Suits(path, geometry);
        fixed (T* k = kernels.Slice(0, filters * patch), x = input.Slice(0, rows * geometry.InputSize), d = delta.Slice(0, rows * outputs), r = regions, front = scratch)
        fixed (T* dx = inputGradient.IsEmpty ? inputGradient : inputGradient.Slice(0, rows * geometry.InputSize))
        fixed (T* pz = derives ? z.Slice(0, rows * outputs) : ReadOnlySpan<T>.Empty, pa = derives ? a.Slice(0, rows * outputs) : ReadOnlySpan<T>.Empty)
        {
            // The filter-lanes form reads Kᵗ (for its input gradient) where the GEMM form reads K.
            var job = new PassJob<T>(
                path, filterLanes ? TransposedKernels(kernels, filters, geometry, front) : k, null, biasGradient.Length, x, d, r, regions.Length, rows, geometry, filters, padded, dx, !inputGradient.IsEmpty, pz, pa, activation);

            // Only the kernel and bias gradients of a first-layer-like direct layer run directly (its input gradient
            // would go through the GEMM); the filter-lanes form computes all its gradients directly.
            delegate*<void*, int, int, void> slicesOfPass = filterLanes ? &FilterLanesBackwardSlices<T>
                : DirectConvolution.Suits(geometry) && inputGradient.IsEmpty ? &DirectBackwardSlices<T>
                : &BackwardSlices<T>;
            SampleSplit.Run(pool, slices, slicesOfPass, &job);
        }

        AddPartials(regions, rows, geometry, filters, kernelGradient, biasGradient, accumulate);
    }

    /// <summary>
    /// The slices' partial ∂K and ∂b in slice order into the gradients (the first written, unless
    /// <paramref name="accumulate"/>): the same additions whatever thread computed each slice.
    /// </summary>
    private static void AddPartials<T>(
        Span<T> regions, int rows, ColumnTransfer.Geometry geometry, int filters, Span<T> kernelGradient, Span<T> biasGradient, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = SliceWidth(rows);
        var sliceLength = SliceLength(geometry, filters, width);
        var weights = filters * geometry.Patch;
        for (var s = 0; s < Slices(rows); s++)
        {
            var partial = regions.Slice((int)((s * sliceLength) + WorkLength(geometry, filters, width)), PartialLength(geometry, filters));
            var partialBias = partial.Slice(partial.Length - filters, biasGradient.Length);
            if (s == 0 && !accumulate)
            {
                partial.Slice(0, weights).CopyTo(kernelGradient);
                partialBias.CopyTo(biasGradient);
            }
            else
            {
                TensorKernels.Add(kernelGradient.Slice(0, weights), partial.Slice(0, weights), kernelGradient);
                TensorKernels.Add(biasGradient, partialBias, biasGradient);
            }
        }
    }

    private static int Slices(int rows) => (rows + SliceRows - 1) / SliceRows;

    /// <summary>The rows × O·OH·OW values of a that σ writes, or none without σ (a is then the caller's to fill).</summary>
    private static Span<T> Outputs<T>(bool activates, Span<T> a, int rows, int filters, ColumnTransfer.Geometry geometry) =>
        activates ? a.Slice(0, rows * filters * geometry.Positions) : Span<T>.Empty;

    /// <summary>
    /// The samples a slice's region is laid out for: <see cref="SliceRows"/>, or fewer when the whole pass has fewer
    /// rows, so that a pass over one sample (a gradient of one example, a prediction) needs no room for eight.
    /// </summary>
    private static int SliceWidth(int rows) => Math.Min(rows, SliceRows);

    /// <summary>
    /// One slice's region: its work area (<see cref="WorkLength"/>), then its partial gradients, then either the forward
    /// pass's product tile or the backward pass's filter-major δ (each O padded to MR rows × S·OH·OW).
    /// </summary>
    private static long SliceLength(ColumnTransfer.Geometry geometry, int filters, int width)
    {
        var fields = (long)width * geometry.Positions;
        return WorkLength(geometry, filters, width) + PartialLength(geometry, filters) + (RoomRows(filters) * fields);
    }

    /// <summary>
    /// The start of a slice's region: room for its X̂ ((C·KH·KW) × (S·OH·OW)), or, when the layer runs directly and
    /// needs more, for a sample's padded copy and the vector sums of ∂K (<see cref="DirectConvolution"/>).
    /// </summary>
    private static int WorkLength(ColumnTransfer.Geometry geometry, int filters, int width)
    {
        var columns = checked((int)((long)geometry.Patch * width * geometry.Positions));
        return DirectConvolution.Suits(geometry) ? Math.Max(columns, DirectLength(geometry, filters))
            : FilterLanesConvolution.Fits(geometry) ? Math.Max(columns, FilterLanesConvolution.WorkLength(geometry, filters))
            : columns;
    }

    /// <summary>
    /// The scratch before the slices' regions: the forward pass's kernels padded to MR rows, or the filter-lanes form's
    /// transposed kernels and padded bias (<see cref="FilterLanesConvolution.KernelsLength"/>).
    /// </summary>
    private static int FrontLength(ColumnTransfer.Geometry geometry, int filters)
    {
        var padded = checked(RoomRows(filters) * geometry.Patch);
        return FilterLanesConvolution.Fits(geometry) ? Math.Max(padded, FilterLanesConvolution.KernelsLength(geometry, filters)) : padded;
    }

    /// <summary>A slice's partial ∂K (O padded to MR rows × C·KH·KW), then its partial ∂b (O values).</summary>
    private static int PartialLength(ColumnTransfer.Geometry geometry, int filters) => checked((RoomRows(filters) * geometry.Patch) + filters);

    private static int RoundUp(int value, int multiple) => checked((int)(((long)value + multiple - 1) / multiple * multiple));
}
