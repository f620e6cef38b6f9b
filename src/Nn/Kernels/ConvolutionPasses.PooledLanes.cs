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
/// direct fused pass), δ spread to the window maxima, then ∂K, ∂b and the input gradient from that δ through the same
/// slice loop as the separate pass (<see cref="FilterLanesBackward{T}"/>). So the results are the separate passes' bits.
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
        var room = pass.Regions + (first * SliceLength(g, pass.Filters, SliceWidth(pass.Rows)));
        var tile = FilterLanesConvolution.Aligned(room + DirectConvolution.SourceLength(g));
        var plane = SamplePlane(in pass, first);
        for (var n = first * SliceRows; n < Math.Min(last * SliceRows, pass.Rows); n++)
        {
            var source = DirectConvolution.Source(pass.Input + ((long)n * g.InputSize), g, room);
            FilterLanesConvolution.Forward(pass.Path, source, pass.Kernels, pass.Filters, g, tile, plane);
            ActivateAndPool(in job, n, plane);
        }
    }

    /// <summary>The slices first … last − 1 of the filter-lanes form going back, each sample's δ made from the pooled δ (<see cref="PooledSampleDelta{T}"/>).</summary>
    private static void PooledLanesBackwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        FilterLanesBackward(in Unsafe.AsRef<PooledJob<T>>(arguments).Pass, first, last, &PooledSampleDelta<T>, arguments);
}
