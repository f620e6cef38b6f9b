using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// The slices of a layer that runs through the packed GEMM: per slice X̂ₛ by im2col, Zₛ = K X̂ₛ into a tile whose rows go
/// to each sample's z with its bias; going back Δₛ, ∂K = Δₛ X̂ₛᵀ, and ∂X̂ₛ = Kᵀ Δₛ added back by col2im.
/// </summary>
internal static unsafe partial class ConvolutionPasses
{
    /// <summary>The slices first … last − 1 of a forward pass: X̂ of the slice, its product with the padded kernels, each sample's filters plus bias into z.</summary>
    private static void ForwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PassJob<T>>(arguments);
        var g = job.Geometry;
        int patch = g.Patch, positions = g.Positions, filters = job.Filters, outputs = filters * positions;
        var kernels = new ReadOnlySpan<T>(job.Kernels, job.PaddedFilters * patch);
        var bias = new ReadOnlySpan<T>(job.Bias, job.BiasLength);
        var width = SliceWidth(job.Rows);
        var sliceLength = SliceLength(g, filters, width);
        // The part's slices share the first one's X̂ and tile, so they stay in this core's cache.
        var region = new Span<T>(job.Regions + (first * sliceLength), (int)sliceLength);
        for (var s = first; s < last; s++)
        {
            var start = s * SliceRows;
            var count = Math.Min(SliceRows, job.Rows - start);
            var fields = count * positions;
            var columns = region.Slice(0, patch * fields);
            var tile = region.Slice(WorkLength(g, filters, width) + PartialLength(g, filters), job.PaddedFilters * fields);
            ConvolutionKernels.ImageToColumns(new ReadOnlySpan<T>(job.Input + ((long)start * g.InputSize), count * g.InputSize), count, g, columns);
            Gemm.Multiply(job.Path, job.PaddedFilters, patch, kernels, patch, 1, columns, fields, 1, tile, fields, false, 0, fields);
            var z = new Span<T>(job.Values + ((long)start * outputs), count * outputs);
            for (var n = 0; n < count; n++)
            {
                for (var o = 0; o < filters; o++)
                {
                    var product = tile.Slice((o * fields) + (n * positions), positions);
                    var plane = z.Slice((n * outputs) + (o * positions), positions);
                    if (bias.IsEmpty)
                    {
                        product.CopyTo(plane);
                    }
                    else
                    {
                        TensorKernels.Add(product, bias[o], plane);
                    }
                }

                ActivateSample(in job, start + n);
            }
        }
    }

    /// <summary>
    /// The slices first … last − 1 of a backward pass: X̂ of the slice rebuilt, δ of the slice filter-major (Δ), the
    /// slice's ∂K = Δ X̂ᵀ and ∂b = row sums of Δ into its partial sums, then ∂X̂ = Kᵀ Δ added back onto the input gradient.
    /// </summary>
    private static void BackwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PassJob<T>>(arguments);
        var g = job.Geometry;
        int patch = g.Patch, positions = g.Positions, filters = job.Filters;
        var width = SliceWidth(job.Rows);
        var sliceLength = SliceLength(g, filters, width);
        // As going forward, the part's slices share the first one's X̂ and Δ; each keeps its own partial gradients.
        var shared = new Span<T>(job.Regions + (first * sliceLength), (int)sliceLength);
        for (var s = first; s < last; s++)
        {
            var start = s * SliceRows;
            var count = Math.Min(SliceRows, job.Rows - start);
            var fields = count * positions;
            var columns = shared.Slice(0, patch * fields);
            var partial = new Span<T>(job.Regions + (s * sliceLength) + WorkLength(g, filters, width), PartialLength(g, filters));
            var product = shared.Slice(WorkLength(g, filters, width) + partial.Length, job.PaddedFilters * fields);
            ConvolutionKernels.ImageToColumns(new ReadOnlySpan<T>(job.Input + ((long)start * g.InputSize), count * g.InputSize), count, g, columns);

            // Δ padded with zero rows to the micro-kernel's MR, as K is going forward: the product packs whole slivers
            // by register transposes (the padded rows of the partial ∂K are never read).
            product.Slice(filters * fields).Clear();
            CopyDelta(in job, start, count, product);

            Gemm.Multiply(job.Path, job.PaddedFilters, fields, product, fields, 1, columns, 1, fields, partial, patch, false, 0, patch);
            for (var o = 0; o < job.BiasLength; o++)
            {
                partial[partial.Length - filters + o] = TensorKernels.Sum(product.Slice(o * fields, fields));
            }

            if (job.WantsInputGradient)
            {
                AddInputGradient(in job, start, count, product, columns);
            }
        }
    }

    /// <summary>The slice's δ filter-major (Δₛ, O × S·OH·OW) into the first O rows of <paramref name="product"/>.</summary>
    private static void CopyDelta<T>(in PassJob<T> job, int start, int count, Span<T> product)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int positions = job.Geometry.Positions, outputs = job.Filters * positions, fields = count * positions;
        var delta = new ReadOnlySpan<T>(job.Values + ((long)start * outputs), count * outputs);
        for (var n = 0; n < count; n++)
        {
            DeriveSample(in job, start + n);
            for (var o = 0; o < job.Filters; o++)
            {
                delta.Slice((n * outputs) + (o * positions), positions).CopyTo(product.Slice((o * fields) + (n * positions), positions));
            }
        }
    }

    /// <summary>The slice's input gradient: ∂X̂ₛ = Kᵀ Δₛ (Δₛ in <paramref name="product"/>) into <paramref name="columns"/>, then col2im onto ∂C/∂x.</summary>
    private static void AddInputGradient<T>(in PassJob<T> job, int start, int count, Span<T> product, Span<T> columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = job.Geometry;
        int patch = g.Patch, fields = count * g.Positions;
        var kernels = new ReadOnlySpan<T>(job.Kernels, job.Filters * patch);
        Gemm.Multiply(job.Path, patch, job.Filters, kernels, 1, patch, product, fields, 1, columns.Slice(0, patch * fields), fields, false, 0, fields);
        ConvolutionKernels.ColumnsToImage(columns.Slice(0, patch * fields), count, g, new Span<T>(job.InputGradient + ((long)start * g.InputSize), count * g.InputSize));
    }
}
