using System;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// What every form's slices share: the arguments of a pass, and the layer's σ and σ' applied to one sample as the
/// slices finish or start it.
/// </summary>
internal static unsafe partial class ConvolutionPasses
{
    /// <summary>a = σ(z) of sample <paramref name="n"/>, when the layer handed σ down; called right after the sample's z is written.</summary>
    private static void ActivateSample<T>(in PassJob<T> job, int n)
        where T : unmanaged
    {
        if (job.Activation.Forward == null)
        {
            return;
        }

        var outputs = job.Filters * job.Geometry.Positions;
        job.Activation.Forward(new ReadOnlySpan<T>(job.Values + ((long)n * outputs), outputs), new Span<T>(job.A + ((long)n * outputs), outputs));
    }

    /// <summary>
    /// δ = ∂C/∂a ⊙ σ'(z) of sample <paramref name="n"/> over its ∂C/∂a, when the layer handed σ' down; called right
    /// before the sample's δ is first read.
    /// </summary>
    private static void DeriveSample<T>(in PassJob<T> job, int n)
        where T : unmanaged
    {
        if (job.Activation.Backward == null)
        {
            return;
        }

        var outputs = job.Filters * job.Geometry.Positions;
        var offset = (long)n * outputs;
        job.Activation.Backward(new ReadOnlySpan<T>(job.Z + offset, outputs), new ReadOnlySpan<T>(job.A + offset, outputs), new Span<T>(job.Values + offset, outputs));
    }

    /// <summary>
    /// Sample <paramref name="n"/>'s δ where a separate backward pass finds it, in the batch's δ, made there from ∂C/∂a
    /// first when the layer handed σ' down (<see cref="DeriveSample{T}"/>); <paramref name="arguments"/> is the pass's
    /// <see cref="PassJob{T}"/>, and the plane is not used.
    /// </summary>
    private static T* SampleDelta<T>(void* arguments, int n, T* plane)
        where T : unmanaged
    {
        ref var job = ref Unsafe.AsRef<PassJob<T>>(arguments);
        DeriveSample(in job, n);
        return job.Values + ((long)n * job.Filters * job.Geometry.Positions);
    }

    /// <summary>
    /// The arguments of a pass's slices, pinned by the caller: K (padded to MR rows going forward), b, x, z or δ
    /// (<see cref="Values"/>), the slices' scratch regions, the input gradient, the sizes, and the layer's σ or σ' per
    /// sample with the z and a it reads or writes.
    /// </summary>
    private readonly struct PassJob<T>(
        KernelPath path,
        T* kernels,
        T* bias,
        int biasLength,
        T* input,
        T* values,
        T* regions,
        int regionsLength,
        int rows,
        ColumnTransfer.Geometry geometry,
        int filters,
        int paddedFilters,
        T* inputGradient,
        bool wantsInputGradient,
        T* z,
        T* a,
        SampleActivation<T> activation)
        where T : unmanaged
    {
        public readonly KernelPath Path = path;
        public readonly T* Kernels = kernels;
        public readonly T* Bias = bias;
        public readonly int BiasLength = biasLength;
        public readonly T* Input = input;
        public readonly T* Values = values;
        public readonly T* Regions = regions;
        public readonly int RegionsLength = regionsLength;
        public readonly int Rows = rows;
        public readonly ColumnTransfer.Geometry Geometry = geometry;
        public readonly int Filters = filters;
        public readonly int PaddedFilters = paddedFilters;
        public readonly T* InputGradient = inputGradient;
        public readonly bool WantsInputGradient = wantsInputGradient;

        /// <summary>z, which σ' reads going back (going forward z is <see cref="Values"/>).</summary>
        public readonly T* Z = z;

        /// <summary>a, which σ writes going forward and σ' reads going back.</summary>
        public readonly T* A = a;

        public readonly SampleActivation<T> Activation = activation;
    }
}
