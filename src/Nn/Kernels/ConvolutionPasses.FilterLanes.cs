using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// The slices of a layer that runs with the filters as vector lanes (<see cref="FilterLanesConvolution"/>): the same
/// slices, scratch regions and slice-ordered partial sums as the im2col passes, with each slice's work area holding a
/// sample's zero-padded copy, its z or δ filter-last and the slice's ∂K sums filter-last, and the transposed kernels
/// and padded bias in front of the regions.
/// </summary>
internal static unsafe partial class ConvolutionPasses
{
    /// <summary><see cref="Forward{T}"/> with the filters as lanes: Kᵗ and the padded bias once, then each sample's z, split by slices.</summary>
    private static void ForwardFilterLanes<T>(
        KernelPath path, WorkerPool? pool, ReadOnlySpan<T> kernels, ReadOnlySpan<T> bias, ReadOnlySpan<T> input, int rows, ColumnTransfer.Geometry geometry, int filters, Span<T> z, Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var regions = scratch.Slice(FrontLength(geometry, filters));
        fixed (T* front = scratch, x = input.Slice(0, rows * geometry.InputSize), output = z.Slice(0, rows * filters * geometry.Positions), r = regions)
        {
            // Aligned while pinned: the array may move between passes.
            var k = FilterLanesConvolution.Aligned(front);
            FilterLanesConvolution.Prepare(kernels, bias, filters, geometry.Patch, new Span<T>(k, (geometry.Patch + 1) * FilterLanesConvolution.Room(filters)));
            var job = new PassJob<T>(path, k, null, bias.Length, x, output, r, regions.Length, rows, geometry, filters, filters, null, false);
            SampleSplit.Run(pool, Slices(rows), &FilterLanesForwardSlices<T>, &job);
        }
    }

    /// <summary>The slices first … last − 1 of a filter-lanes forward pass: each sample's z through its filter-last tile.</summary>
    private static void FilterLanesForwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PassJob<T>>(arguments);
        var g = job.Geometry;
        var outputs = job.Filters * g.Positions;
        var room = job.Regions + (first * SliceLength(g, job.Filters, SliceWidth(job.Rows)));
        var tile = FilterLanesConvolution.Aligned(room + DirectConvolution.SourceLength(g));
        for (var n = first * SliceRows; n < Math.Min(last * SliceRows, job.Rows); n++)
        {
            var source = DirectConvolution.Source(job.Input + ((long)n * g.InputSize), g, room);
            FilterLanesConvolution.Forward(job.Path, source, job.Kernels, job.Filters, g, tile, job.Values + ((long)n * outputs));
        }
    }

    /// <summary>
    /// The slices first … last − 1 of a filter-lanes backward pass: per slice, the ∂K sums cleared, each sample's
    /// δ ⋆ x̃ added into them and its δ into the partial ∂b, the sums written into the slice's partial ∂K, then, when
    /// asked for, the slice's input gradient through the GEMM and col2im.
    /// </summary>
    private static void FilterLanesBackwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PassJob<T>>(arguments);
        var g = job.Geometry;
        int filters = job.Filters, positions = g.Positions, outputs = filters * positions, room = FilterLanesConvolution.Room(filters);
        var width = SliceWidth(job.Rows);
        var sliceLength = SliceLength(g, filters, width);
        var work = WorkLength(g, filters, width);
        var shared = new Span<T>(job.Regions + (first * sliceLength), (int)sliceLength);
        var tile = FilterLanesConvolution.Aligned(job.Regions + (first * sliceLength) + DirectConvolution.SourceLength(g));
        var lanes = tile + (positions * room);
        for (var s = first; s < last; s++)
        {
            var start = s * SliceRows;
            var count = Math.Min(SliceRows, job.Rows - start);
            var partial = job.Regions + (s * sliceLength) + work;
            var partialBias = new Span<T>(partial + PartialLength(g, filters) - filters, job.BiasLength);
            partialBias.Clear();
            new Span<T>(lanes, g.Patch * room).Clear();
            for (var n = start; n < start + count; n++)
            {
                var source = DirectConvolution.Source(job.Input + ((long)n * g.InputSize), g, job.Regions + (first * sliceLength));
                var delta = job.Values + ((long)n * outputs);
                FilterLanesConvolution.Accumulate(job.Path, source, delta, filters, g, tile, lanes);
                AddBiasSums(partialBias, delta, positions);
            }

            FilterLanesConvolution.Reduce(lanes, filters, g.Patch, partial);
            if (job.WantsInputGradient)
            {
                // The work area's sums are spent, so X̂'s room takes ∂X̂ₛ.
                var fields = count * positions;
                var product = shared.Slice(work + PartialLength(g, filters), job.PaddedFilters * fields);
                CopyDelta(in job, start, count, product);
                AddInputGradient(in job, start, count, product, shared.Slice(0, g.Patch * fields));
            }
        }
    }
}
