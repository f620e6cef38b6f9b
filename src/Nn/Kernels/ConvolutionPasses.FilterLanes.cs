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
    /// <summary><see cref="Forward{T}"/> with the filters as lanes: Kᵗ and the padded bias once, then each sample's z and σ, split by slices.</summary>
    private static void ForwardFilterLanes<T>(
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
        var regions = scratch.Slice(FrontLength(geometry, filters));
        fixed (T* front = scratch, x = input.Slice(0, rows * geometry.InputSize), output = z.Slice(0, rows * filters * geometry.Positions), r = regions, pa = a)
        {
            var k = TransposedKernels(kernels, filters, geometry, front, bias);
            var job = new PassJob<T>(path, k, null, bias.Length, x, output, r, regions.Length, rows, geometry, filters, filters, null, false, null, pa, activation);
            SampleSplit.Run(pool, Slices(rows), &FilterLanesForwardSlices<T>, &job);
        }
    }

    /// <summary>
    /// Kᵗ and the padded bias (<see cref="FilterLanesConvolution.Prepare{T}"/>; zero without one) at the first cache line
    /// of the pinned scratch's front, aligned while pinned because the array may move between passes.
    /// </summary>
    private static T* TransposedKernels<T>(ReadOnlySpan<T> kernels, int filters, ColumnTransfer.Geometry geometry, T* front, ReadOnlySpan<T> bias = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var k = FilterLanesConvolution.Aligned(front);
        FilterLanesConvolution.Prepare(kernels, bias, filters, geometry.Patch, new Span<T>(k, (geometry.Patch + 1) * FilterLanesConvolution.Room(filters)));
        return k;
    }

    /// <summary>The slices first … last − 1 of a filter-lanes forward pass: each sample's z through its filter-last tile, then a = σ(z).</summary>
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
            ActivateSample(in job, n);
        }
    }

    /// <summary>The slices first … last − 1 of a filter-lanes backward pass, each sample's δ from ∂C/∂a and σ' first when the layer handed σ' down (<see cref="SampleDelta{T}"/>).</summary>
    private static void FilterLanesBackwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        FilterLanesBackward(in Unsafe.AsRef<PassJob<T>>(arguments), first, last, &SampleDelta<T>, arguments);

    /// <summary>
    /// The slices first … last − 1 going back with the filters as lanes: per slice, the ∂K sums cleared, each sample's δ
    /// (made by <paramref name="deltaOf"/>, given <paramref name="arguments"/>, the sample and the part's sample plane)
    /// ⋆ x̃ added into them, its δ into the partial ∂b and, when asked for, its input gradient from the same δ
    /// filter-last, then the sums written into the slice's partial ∂K. The separate and the fused passes differ only in
    /// how a sample's δ is made.
    /// </summary>
    private static void FilterLanesBackward<T>(in PassJob<T> pass, int first, int last, delegate*<void*, int, T*, T*> deltaOf, void* arguments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = pass.Geometry;
        int filters = pass.Filters, positions = g.Positions, room = FilterLanesConvolution.Room(filters);
        var width = SliceWidth(pass.Rows);
        var sliceLength = SliceLength(g, filters, width);
        var work = WorkLength(g, filters, width);
        var copy = pass.Regions + (first * sliceLength);
        var tile = FilterLanesConvolution.Aligned(copy + DirectConvolution.SourceLength(g));
        var lanes = tile + (positions * room);
        var row = lanes + (g.Patch * room);
        var plane = SamplePlane(in pass, first);

        // δ fills only the first O lanes of each position; the rest stay zero so that the input gradient's lane sums
        // add nothing from them.
        new Span<T>(tile, positions * room).Clear();
        for (var s = first; s < last; s++)
        {
            var partial = pass.Regions + (s * sliceLength) + work;
            var partialBias = new Span<T>(partial + PartialLength(g, filters) - filters, pass.BiasLength);
            partialBias.Clear();
            new Span<T>(lanes, g.Patch * room).Clear();
            var end = Math.Min((s + 1) * SliceRows, pass.Rows);
            for (var n = s * SliceRows; n < end; n++)
            {
                var source = DirectConvolution.Source(pass.Input + ((long)n * g.InputSize), g, copy);
                var delta = deltaOf(arguments, n, plane);
                FilterLanesConvolution.Accumulate(pass.Path, source, delta, filters, g, tile, lanes);
                AddBiasSums(partialBias, delta, positions);
                if (pass.WantsInputGradient)
                {
                    FilterLanesConvolution.InputGradient(pass.Path, tile, pass.Kernels, filters, g, row, pass.InputGradient + ((long)n * g.InputSize));
                }
            }

            FilterLanesConvolution.Reduce(lanes, filters, g.Patch, partial);
        }
    }
}
