using System;
using System.Numerics;

namespace Nn.Kernels;

/// <summary>
/// The reshuffles that let a convolution run as matrix products: image ↔ im2col matrix and channel-major ↔
/// position-major. Each writes only its destination span, which the caller owns.
/// </summary>
internal static class ConvolutionKernels
{
    /// <summary>
    /// X̂[n·P + i·OW + j, (c·KH + u)·KW + v] = x̃[n, c, i·s + u, j·s + v]: every receptive field of every sample as a
    /// row, with x̃ the input zero-padded by p (padding positions written as 0).
    /// </summary>
    public static void ImageToColumns<T>(
        ReadOnlySpan<T> input, int rows, Shape inputShape, int kernelHeight, int kernelWidth, int stride, int padding, Shape outputShape, Span<T> columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = inputShape.Channels, height = inputShape.Height, width = inputShape.Width;
        var patch = channels * kernelHeight * kernelWidth;
        var row = 0;
        for (var n = 0; n < rows; n++)
        {
            var sample = input.Slice(n * inputShape.Size, inputShape.Size);
            for (var i = 0; i < outputShape.Height; i++)
            {
                for (var j = 0; j < outputShape.Width; j++, row++)
                {
                    var field = columns.Slice(row * patch, patch);
                    var left = (j * stride) - padding;
                    var q = 0;
                    for (var c = 0; c < channels; c++)
                    {
                        for (var u = 0; u < kernelHeight; u++, q += kernelWidth)
                        {
                            var y = (i * stride) + u - padding;
                            var target = field.Slice(q, kernelWidth);
                            if ((uint)y >= (uint)height)
                            {
                                target.Clear();
                                continue;
                            }

                            var line = sample.Slice(((c * height) + y) * width, width);
                            for (var v = 0; v < kernelWidth; v++)
                            {
                                var x = left + v;
                                target[v] = (uint)x < (uint)width ? line[x] : T.Zero;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="ImageToColumns{T}"/>: ∂C/∂x[n, c, y, x] = Σ of the ∂C/∂X̂ entries copied from that
    /// position; entries that fell on padding are dropped (the crop by p). Overwrites <paramref name="image"/>.
    /// </summary>
    public static void ColumnsToImage<T>(
        ReadOnlySpan<T> columns, int rows, Shape inputShape, int kernelHeight, int kernelWidth, int stride, int padding, Shape outputShape, Span<T> image)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = inputShape.Channels, height = inputShape.Height, width = inputShape.Width;
        var patch = channels * kernelHeight * kernelWidth;
        image.Slice(0, rows * inputShape.Size).Clear();
        var row = 0;
        for (var n = 0; n < rows; n++)
        {
            var sample = image.Slice(n * inputShape.Size, inputShape.Size);
            for (var i = 0; i < outputShape.Height; i++)
            {
                for (var j = 0; j < outputShape.Width; j++, row++)
                {
                    var field = columns.Slice(row * patch, patch);
                    var left = (j * stride) - padding;
                    var q = 0;
                    for (var c = 0; c < channels; c++)
                    {
                        for (var u = 0; u < kernelHeight; u++, q += kernelWidth)
                        {
                            var y = (i * stride) + u - padding;
                            if ((uint)y >= (uint)height)
                            {
                                continue;
                            }

                            var line = sample.Slice(((c * height) + y) * width, width);
                            for (var v = 0; v < kernelWidth; v++)
                            {
                                var x = left + v;
                                if ((uint)x < (uint)width)
                                {
                                    line[x] += field[q + v];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>z[n, o, p] = Zᵀ[n·P + p, o] + b[o] (b empty for none): position-major GEMM output to N×O×OH×OW.</summary>
    public static void PositionsToChannels<T>(ReadOnlySpan<T> transposed, int rows, int positions, int filters, ReadOnlySpan<T> bias, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var n = 0; n < rows; n++)
        {
            var source = transposed.Slice(n * positions * filters, positions * filters);
            for (var o = 0; o < filters; o++)
            {
                var b = bias.IsEmpty ? T.Zero : bias[o];
                var plane = z.Slice(((n * filters) + o) * positions, positions);
                for (var p = 0; p < positions; p++)
                {
                    plane[p] = source[(p * filters) + o] + b;
                }
            }
        }
    }

    /// <summary>δᵀ[n·P + p, o] = δ[n, o, p]: N×O×OH×OW to the position-major layout the GEMMs read.</summary>
    public static void ChannelsToPositions<T>(ReadOnlySpan<T> delta, int rows, int positions, int filters, Span<T> transposed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var n = 0; n < rows; n++)
        {
            var target = transposed.Slice(n * positions * filters, positions * filters);
            for (var o = 0; o < filters; o++)
            {
                var plane = delta.Slice(((n * filters) + o) * positions, positions);
                for (var p = 0; p < positions; p++)
                {
                    target[(p * filters) + o] = plane[p];
                }
            }
        }
    }
}
