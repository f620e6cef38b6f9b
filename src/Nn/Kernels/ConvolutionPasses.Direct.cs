using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// The slices of a layer that runs directly (<see cref="DirectConvolution"/>): the same slices, scratch regions and
/// slice-ordered partial sums as the im2col passes, with each slice's work area holding a sample's zero-padded copy,
/// its column-shifted copies and the vector sums of ∂K instead of X̂ₛ.
/// </summary>
internal static unsafe partial class ConvolutionPasses
{
    /// <summary>A direct slice's work area: one sample's padded copy, its column-shifted copies, then the vector sums of its partial ∂K.</summary>
    private static int DirectLength(ColumnTransfer.Geometry geometry, int filters) =>
        checked(DirectConvolution.SourceLength(geometry) + DirectConvolution.ShiftedLength(geometry) + DirectConvolution.LanesLength(geometry, filters));

    /// <summary><see cref="Forward{T}"/> for a layer that runs directly: each sample's z from its (padded) image, then its σ, split by slices.</summary>
    private static void ForwardDirect<T>(
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
        fixed (T* k = kernels.Slice(0, filters * geometry.Patch), b = bias, x = input.Slice(0, rows * geometry.InputSize), output = z.Slice(0, rows * filters * geometry.Positions), r = regions, pa = a)
        {
            var job = new PassJob<T>(path, k, bias.IsEmpty ? null : b, bias.Length, x, output, r, regions.Length, rows, geometry, filters, filters, null, false, null, pa, activation);
            SampleSplit.Run(pool, Slices(rows), &DirectForwardSlices<T>, &job);
        }
    }

    /// <summary>The slices first … last − 1 of a direct forward pass: each sample's z = K ⋆ x̃ + b straight into z, then a = σ(z).</summary>
    private static void DirectForwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PassJob<T>>(arguments);
        var g = job.Geometry;
        var outputs = job.Filters * g.Positions;
        var room = job.Regions + (first * SliceLength(g, job.Filters, SliceWidth(job.Rows)));
        var shifted = room + DirectConvolution.SourceLength(g);
        for (var n = first * SliceRows; n < Math.Min(last * SliceRows, job.Rows); n++)
        {
            var source = DirectConvolution.Source(job.Input + ((long)n * g.InputSize), g, room);
            DirectConvolution.Forward(job.Path, source, job.Kernels, job.Bias, job.Filters, g, job.Values + ((long)n * outputs), shifted, rectify: false);
            ActivateSample(in job, n);
        }
    }

    /// <summary>The slices first … last − 1 of a direct backward pass, each sample's δ from ∂C/∂a and σ' first when the layer handed σ' down (<see cref="SampleDelta{T}"/>).</summary>
    private static void DirectBackwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        DirectBackward(in Unsafe.AsRef<PassJob<T>>(arguments), first, last, &SampleDelta<T>, arguments);

    /// <summary>
    /// The slices first … last − 1 going back through the direct form: per slice, the vector sums of ∂K cleared, each
    /// sample's δ (made by <paramref name="deltaOf"/>, given <paramref name="arguments"/>, the sample and the part's
    /// sample plane) ⋆ x̃ added into them and Σ δ into the partial ∂b, then the sums reduced into the slice's partial ∂K.
    /// The separate and the fused passes differ only in how a sample's δ is made.
    /// </summary>
    private static void DirectBackward<T>(in PassJob<T> pass, int first, int last, delegate*<void*, int, T*, T*> deltaOf, void* arguments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = pass.Geometry;
        int filters = pass.Filters, positions = g.Positions;
        var width = SliceWidth(pass.Rows);
        var sliceLength = SliceLength(g, filters, width);
        var room = pass.Regions + (first * sliceLength);
        var shifted = room + DirectConvolution.SourceLength(g);
        var lanes = shifted + DirectConvolution.ShiftedLength(g);
        var plane = SamplePlane(in pass, first);
        for (var s = first; s < last; s++)
        {
            var partial = pass.Regions + (s * sliceLength) + WorkLength(g, filters, width);
            var partialBias = new Span<T>(partial + PartialLength(g, filters) - filters, pass.BiasLength);
            partialBias.Clear();
            new Span<T>(lanes, DirectConvolution.LanesLength(g, filters)).Clear();
            var end = Math.Min((s + 1) * SliceRows, pass.Rows);
            for (var n = s * SliceRows; n < end; n++)
            {
                var source = DirectConvolution.Source(pass.Input + ((long)n * g.InputSize), g, room);
                var delta = deltaOf(arguments, n, plane);
                DirectConvolution.Accumulate(pass.Path, source, delta, filters, g, lanes, shifted);
                AddBiasSums(partialBias, delta, positions);
            }

            DirectConvolution.Reduce(lanes, filters, g, partial);
        }
    }

    /// <summary>
    /// Adds one sample's Σ_{i,j} δ[o, i, j] to each filter's partial ∂b (<paramref name="partialBias"/>: O values, or none
    /// for a layer without a bias), sample after sample in a slice, as the direct and filter-lanes passes sum them.
    /// </summary>
    private static void AddBiasSums<T>(Span<T> partialBias, T* delta, int positions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var o = 0; o < partialBias.Length; o++)
        {
            partialBias[o] += TensorKernels.Sum(new ReadOnlySpan<T>(delta + (o * positions), positions));
        }
    }
}
