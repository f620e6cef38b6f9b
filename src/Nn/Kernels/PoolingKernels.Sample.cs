using System.Numerics;

namespace Nn.Kernels;

/// <summary>
/// Max-pooling's two passes over one sample at pointers the caller chose, for a pass that pools or un-pools a sample
/// it holds in its own scratch (<see cref="ConvolutionPasses"/>' fused convolution and pooling): the same bodies as
/// the batch passes, so the same bits. Positions in the argmax are within the sample, as in the batch passes.
/// </summary>
internal static unsafe partial class PoolingKernels
{
    /// <summary>
    /// One sample's window maxima into <paramref name="maxima"/> (and <paramref name="copy"/>, unless null) and each
    /// window's first maximum's position into <paramref name="argmax"/>, as <see cref="MaxPool{T}"/> does it.
    /// </summary>
    public static void PoolSampleAt<T>(T* image, int* argmax, in Sizes sizes, T* maxima, T* copy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = new PoolJob<T>(image, maxima, argmax, sizes, copy);
        ForwardPart<T>(&job, 0, 1);
    }

    /// <summary>
    /// One sample's ∂C/∂x into <paramref name="imageGradient"/> (overwritten): δ added at each window's first maximum,
    /// 0 elsewhere, as <see cref="MaxPoolBackward{T}"/> does it.
    /// </summary>
    public static void SpreadSampleAt<T>(T* delta, int* argmax, in Sizes sizes, T* imageGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = new PoolJob<T>(imageGradient, delta, argmax, sizes, null);
        BackwardPart<T>(&job, 0, 1);
    }

    /// <summary>A pooling's sizes as plain integers, which a pass's pinned arguments can carry (a <see cref="Shape"/> they cannot).</summary>
    public readonly struct Sizes(Shape input, int window, int stride, Shape output)
    {
        public readonly int Channels = input.Channels;
        public readonly int Height = input.Height;
        public readonly int Width = input.Width;
        public readonly int OutputHeight = output.Height;
        public readonly int OutputWidth = output.Width;
        public readonly int Window = window;
        public readonly int Stride = stride;

        /// <summary>The values of one sample's pooled output, C·OH·OW.</summary>
        public int Outputs => Channels * OutputHeight * OutputWidth;
    }
}
