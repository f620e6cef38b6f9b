using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// A convolution with the filters as vector lanes (<see cref="FilterLanesConvolution"/>), its ReLU and the max-pooling
/// above it as one pass in each direction (LeNet's second convolution and pooling): the fused passes of
/// <see cref="ForwardPooled{T}"/> and <see cref="BackwardPooled{T}"/> for the filter-lanes form. Each sample's
/// full-resolution z, a and δ live only in the part's sample plane, so the layer's batch-sized z, a and ∂C/∂a (0.5 MB
/// each for LeNet at batch 128) are neither written nor read, and the pooling is no region of its own.
/// </summary>
/// <remarks>
/// The per-sample steps are the separate passes' own, in their order: z through the filter-last tile, a = max(z, 0),
/// the pooling; going back, σ' on the pooled δ read off the pooled a (the argument of <see cref="ConvolutionPasses"/>'
/// direct fused pass), δ spread to the window maxima, then ∂K, ∂b and the input gradient from that δ as
/// <see cref="FilterLanesBackwardSlices{T}"/> takes them. So the results are the separate passes' bits.
/// </remarks>
internal static unsafe partial class ConvolutionPasses
{
    /// <summary>The slices first … last − 1 going forward: per sample z through the tile into the plane, a = σ(z) in place, then pooled.</summary>
    private static void PooledLanesForwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PooledJob<T>>(arguments);
        ref readonly var pass = ref job.Pass;
        var g = pass.Geometry;
        var outputs = pass.Filters * g.Positions;
        var pooled = job.Pooling.Outputs;
        var room = pass.Regions + (first * SliceLength(g, pass.Filters, SliceWidth(pass.Rows)));
        var tile = FilterLanesConvolution.Aligned(room + DirectConvolution.SourceLength(g));
        var plane = SamplePlane(in pass, first);
        for (var n = first * SliceRows; n < Math.Min(last * SliceRows, pass.Rows); n++)
        {
            var source = DirectConvolution.Source(pass.Input + ((long)n * g.InputSize), g, room);
            FilterLanesConvolution.Forward(pass.Path, source, pass.Kernels, pass.Filters, g, tile, plane);
            pass.Activation.Forward(new ReadOnlySpan<T>(plane, outputs), new Span<T>(plane, outputs));
            var at = (long)n * pooled;
            PoolingKernels.PoolSampleAt(plane, job.Argmax + at, in job.Pooling, pass.Values + at, pass.A + at);
        }
    }

    /// <summary>
    /// The slices first … last − 1 going back: per slice the ∂K sums cleared; per sample σ' on the pooled δ, δ spread to
    /// the window maxima in the plane, δ ⋆ x̃ into the sums, Σ δ into the partial ∂b and, when asked for, the input
    /// gradient; then the sums written into the slice's partial ∂K — the filter-lanes backward pass's order.
    /// </summary>
    private static void PooledLanesBackwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PooledJob<T>>(arguments);
        ref readonly var pass = ref job.Pass;
        var g = pass.Geometry;
        int filters = pass.Filters, positions = g.Positions, room = FilterLanesConvolution.Room(filters), pooled = job.Pooling.Outputs;
        var width = SliceWidth(pass.Rows);
        var sliceLength = SliceLength(g, filters, width);
        var work = WorkLength(g, filters, width);
        var copy = pass.Regions + (first * sliceLength);
        var tile = FilterLanesConvolution.Aligned(copy + DirectConvolution.SourceLength(g));
        var lanes = tile + (positions * room);
        var row = lanes + (g.Patch * room);
        var plane = SamplePlane(in pass, first);

        // As in the separate pass: the tile's lanes past O stay zero, so the input gradient's lane sums add nothing from them.
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
                var at = (long)n * pooled;
                var maxima = new ReadOnlySpan<T>(pass.A + at, pooled);
                pass.Activation.Backward(maxima, maxima, new Span<T>(pass.Values + at, pooled));
                PoolingKernels.SpreadSampleAt(pass.Values + at, job.Argmax + at, in job.Pooling, plane);
                FilterLanesConvolution.Accumulate(pass.Path, source, plane, filters, g, tile, lanes);
                AddBiasSums(partialBias, plane, positions);
                if (pass.WantsInputGradient)
                {
                    FilterLanesConvolution.InputGradient(pass.Path, tile, pass.Kernels, filters, g, row, pass.InputGradient + ((long)n * g.InputSize));
                }
            }

            FilterLanesConvolution.Reduce(lanes, filters, g.Patch, partial);
        }
    }
}
