using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// A direct convolution with ReLU and the max-pooling above it as one pass in each direction (LeNet's first
/// convolution and pooling): each sample's full-resolution z, a and δ live only in the slice's scratch, in the core's
/// L1 cache, instead of batch-sized z, a, ∂C/∂a and δ (1.8 MB each for LeNet at batch 128) written and read again.
/// </summary>
/// <remarks>
/// Going forward, per sample: z as <see cref="DirectConvolution.Forward{T}"/> computes it, a = max(z, 0) over it, and
/// the pooling of a into the pooling layer's z, a and argmax, by the same bodies as the separate passes. Going back,
/// per sample: the ReLU's σ' applied to the pooled δ, then δ spread to the window maxima, then ∂K and ∂b as the direct
/// backward pass sums them. σ' at a window's maximum is 1 exactly when the pooled a is positive (a = max(z, 0) there,
/// and a &gt; 0 ⇔ z &gt; 0), and the spread writes 0 + δ or 0 either way, so each sample's δ has the bits that
/// pooling's backward pass and then σ' over the stored z gave: the fused passes give the separate passes' results bit
/// for bit. That equivalence is the ReLU's alone; other activations keep the separate passes.
/// </remarks>
internal static unsafe partial class ConvolutionPasses
{
    /// <summary>
    /// The pooled z and a (rows × C·OH'·OW' each, where the pooling's output is C×OH'×OW') and the argmax of a direct or
    /// filter-lanes ReLU convolution followed by max-pooling: bit for bit what <see cref="Forward{T}"/> and then
    /// <see cref="PoolingKernels.MaxPool{T}"/> give, without the convolution's z and a (not written).
    /// </summary>
    public static void ForwardPooled<T>(
        KernelPath path,
        WorkerPool? pool,
        ReadOnlySpan<T> kernels,
        ReadOnlySpan<T> bias,
        ReadOnlySpan<T> input,
        int rows,
        ColumnTransfer.Geometry geometry,
        int filters,
        SampleActivation<T> activation,
        in PoolingKernels.Sizes pooling,
        Span<T> pooledZ,
        Span<T> pooledA,
        Span<int> argmax,
        Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var regions = scratch.Slice(FrontLength(geometry, filters));
        var pooled = rows * pooling.Outputs;
        var lanes = FilterLanesConvolution.Suits(path, geometry);
        fixed (T* k = kernels.Slice(0, filters * geometry.Patch), b = bias, x = input.Slice(0, rows * geometry.InputSize), r = regions, front = scratch)
        fixed (T* pz = pooledZ.Slice(0, pooled), pa = pooledA.Slice(0, pooled))
        fixed (int* positions = argmax.Slice(0, pooled))
        {
            // The filter-lanes form reads Kᵗ with the padded bias behind it where the direct form reads K and b.
            var pass = lanes
                ? new PassJob<T>(path, TransposedKernels(kernels, filters, geometry, front, bias), null, bias.Length, x, pz, r, regions.Length, rows, geometry, filters, filters, null, false, null, pa, activation)
                : new PassJob<T>(path, k, bias.IsEmpty ? null : b, bias.Length, x, pz, r, regions.Length, rows, geometry, filters, filters, null, false, null, pa, activation);
            var job = new PooledJob<T>(pass, pooling, positions);
            delegate*<void*, int, int, void> slices = lanes ? &PooledLanesForwardSlices<T> : &PooledForwardSlices<T>;
            SampleSplit.Run(pool, Slices(rows), slices, &job);
        }
    }

    /// <summary>
    /// ∂C/∂K and ∂C/∂b of a direct or filter-lanes ReLU convolution followed by max-pooling, from the pooling's δ, and
    /// the filter-lanes form's input gradient unless <paramref name="inputGradient"/> is empty (the direct form gives
    /// none: it runs fused only as a first layer): bit for bit what <see cref="PoolingKernels.MaxPoolBackward{T}"/> and
    /// then <see cref="Backward{T}"/> (handed ∂C/∂a, with σ') give. The gradients are written, or added to with
    /// <paramref name="accumulate"/>; the input gradient is overwritten, and <paramref name="pooledDelta"/> with
    /// ∂C/∂a ⊙ σ' at the window maxima.
    /// </summary>
    public static void BackwardPooled<T>(
        KernelPath path,
        WorkerPool? pool,
        ReadOnlySpan<T> kernels,
        ReadOnlySpan<T> input,
        int rows,
        ColumnTransfer.Geometry geometry,
        int filters,
        SampleActivation<T> activation,
        in PoolingKernels.Sizes pooling,
        Span<T> pooledDelta,
        ReadOnlySpan<T> pooledA,
        ReadOnlySpan<int> argmax,
        Span<T> kernelGradient,
        Span<T> biasGradient,
        bool accumulate,
        Span<T> inputGradient,
        Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var regions = scratch.Slice(FrontLength(geometry, filters));
        var pooled = rows * pooling.Outputs;
        var lanes = FilterLanesConvolution.Suits(path, geometry);
        if (!lanes && !inputGradient.IsEmpty)
        {
            throw new ArgumentException("only a convolution with the filters as lanes gives its input gradient in a fused pass.", nameof(inputGradient));
        }

        fixed (T* x = input.Slice(0, rows * geometry.InputSize), r = regions, d = pooledDelta.Slice(0, pooled), pa = pooledA.Slice(0, pooled), front = scratch)
        fixed (T* dx = inputGradient.IsEmpty ? inputGradient : inputGradient.Slice(0, rows * geometry.InputSize))
        fixed (int* positions = argmax.Slice(0, pooled))
        {
            // The filter-lanes form's input gradient reads Kᵗ; the direct form needs no kernels.
            var k = lanes ? TransposedKernels(kernels, filters, geometry, front) : null;
            var pass = new PassJob<T>(path, k, null, biasGradient.Length, x, d, r, regions.Length, rows, geometry, filters, filters, dx, !inputGradient.IsEmpty, null, pa, activation);
            var job = new PooledJob<T>(pass, pooling, positions);
            delegate*<void*, int, int, void> slices = lanes ? &PooledLanesBackwardSlices<T> : &PooledBackwardSlices<T>;
            SampleSplit.Run(pool, Slices(rows), slices, &job);
        }

        AddPartials(regions, rows, geometry, filters, kernelGradient, biasGradient, accumulate);
    }

    /// <summary>
    /// Where a part's samples keep their full-resolution z, a or δ (O·OH·OW values): the product tile of the part's first
    /// slice, which the direct passes do not otherwise use.
    /// </summary>
    private static T* SamplePlane<T>(in PassJob<T> pass, int first)
        where T : unmanaged
    {
        var g = pass.Geometry;
        var width = SliceWidth(pass.Rows);
        return pass.Regions + (first * SliceLength(g, pass.Filters, width)) + WorkLength(g, pass.Filters, width) + PartialLength(g, pass.Filters);
    }

    /// <summary>
    /// The slices first … last − 1 going forward: per sample a = max(z, 0) as the convolution stores its sums (only the
    /// ReLU fuses, and it needs no z of its own), then pooled into the pooling's z, a and argmax.
    /// </summary>
    private static void PooledForwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PooledJob<T>>(arguments);
        ref readonly var pass = ref job.Pass;
        var g = pass.Geometry;
        var room = pass.Regions + (first * SliceLength(g, pass.Filters, SliceWidth(pass.Rows)));
        var shifted = room + DirectConvolution.SourceLength(g);
        var plane = SamplePlane(in pass, first);
        for (var n = first * SliceRows; n < Math.Min(last * SliceRows, pass.Rows); n++)
        {
            var source = DirectConvolution.Source(pass.Input + ((long)n * g.InputSize), g, room);
            DirectConvolution.Forward(pass.Path, source, pass.Kernels, pass.Bias, pass.Filters, g, plane, shifted, rectify: true);
            Pool(in job, n, plane);
        }
    }

    /// <summary>Sample <paramref name="n"/>'s z in <paramref name="plane"/> made a = σ(z) in place, then pooled into the pooling's z, a and argmax.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ActivateAndPool<T>(in PooledJob<T> job, int n, T* plane)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly var pass = ref job.Pass;
        var outputs = pass.Filters * pass.Geometry.Positions;
        pass.Activation.Forward(new ReadOnlySpan<T>(plane, outputs), new Span<T>(plane, outputs));
        Pool(in job, n, plane);
    }

    /// <summary>Sample <paramref name="n"/>'s a in <paramref name="plane"/> pooled into the pooling's z, a and argmax.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pool<T>(in PooledJob<T> job, int n, T* plane)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var at = (long)n * job.Pooling.Outputs;
        PoolingKernels.PoolSampleAt(plane, job.Argmax + at, in job.Pooling, job.Pass.Values + at, job.Pass.A + at);
    }

    /// <summary>The slices first … last − 1 of the direct form going back, each sample's δ made from the pooled δ (<see cref="PooledSampleDelta{T}"/>).</summary>
    private static void PooledBackwardSlices<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        DirectBackward(in Unsafe.AsRef<PooledJob<T>>(arguments).Pass, first, last, &PooledSampleDelta<T>, arguments);

    /// <summary>
    /// Sample <paramref name="n"/>'s full-resolution δ in <paramref name="plane"/>: σ' applied to its pooled δ (read off
    /// the pooled a), then δ spread to the window maxima and 0 elsewhere. Returns the plane.
    /// </summary>
    private static T* PooledSampleDelta<T>(void* arguments, int n, T* plane)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PooledJob<T>>(arguments);
        ref readonly var pass = ref job.Pass;
        var pooled = job.Pooling.Outputs;
        var at = (long)n * pooled;
        var maxima = new ReadOnlySpan<T>(pass.A + at, pooled);
        pass.Activation.Backward(maxima, maxima, new Span<T>(pass.Values + at, pooled));
        PoolingKernels.SpreadSampleAt(pass.Values + at, job.Argmax + at, in job.Pooling, plane);
        return plane;
    }

    /// <summary>
    /// A fused pass's arguments: the convolution's (<see cref="PassJob{T}.Values"/> the pooled z going forward and the
    /// pooled δ going back, <see cref="PassJob{T}.A"/> the pooled a), the pooling's sizes and its argmax.
    /// </summary>
    private readonly struct PooledJob<T>(PassJob<T> pass, PoolingKernels.Sizes pooling, int* argmax)
        where T : unmanaged
    {
        public readonly PassJob<T> Pass = pass;
        public readonly PoolingKernels.Sizes Pooling = pooling;
        public readonly int* Argmax = argmax;
    }
}
