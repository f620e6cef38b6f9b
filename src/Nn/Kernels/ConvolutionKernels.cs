using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// The reshuffles that let a convolution run as matrix products, in the classic im2col layout: the columns matrix
/// X̂ is (C·KH·KW) × (N·OH·OW), one column per receptive field, so that the product Z = K X̂ has the filters as
/// its rows and the long N·OH·OW dimension as its width (the wide operand the GEMM's micro-kernel runs along).
/// Each writes only its destination span, which the caller owns, and splits its samples over the pool's threads
/// when given one (<see cref="SampleSplit"/>; the same bits on any thread count).
/// </summary>
/// <remarks>
/// A row of X̂ (one channel c and kernel offset u, v) holds, for each sample and output row i, OW values that at
/// stride 1 are one contiguous stretch of an input row; <see cref="ColumnTransfer"/> walks that loop nest once
/// for both directions, copying such stretches into X̂ or adding them back onto the image.
/// </remarks>
internal static unsafe class ConvolutionKernels
{
    /// <summary>
    /// X̂[(c·KH + u)·KW + v, n·P + i·OW + j] = x̃[n, c, i·s + u, j·s + v], P = OH·OW, with x̃ the input zero-padded
    /// by p (padding positions written as 0). Overwrites the first (C·KH·KW) × (rows·P) values of <paramref name="columns"/>.
    /// </summary>
    public static void ImageToColumns<T>(
        ReadOnlySpan<T> input, int rows, Shape inputShape, int kernelHeight, int kernelWidth, int stride, int padding, Shape outputShape, Span<T> columns, WorkerPool? pool = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var geometry = ColumnTransfer.Geometry.Of(inputShape, kernelHeight, kernelWidth, stride, padding, outputShape);
        var image = input.Slice(0, rows * geometry.InputSize);
        var matrix = columns.Slice(0, geometry.Patch * geometry.Positions * rows);
        fixed (T* x = image, c = matrix)
        {
            var job = new ColumnsJob<T>(x, image.Length, c, matrix.Length, rows, geometry);
            SampleSplit.Run(pool, rows, &GatherPart<T>, &job);
        }
    }

    /// <summary>
    /// The adjoint of <see cref="ImageToColumns{T}"/>: ∂C/∂x[n, c, y, x] = Σ of the ∂C/∂X̂ entries copied from that
    /// position; entries that fell on padding are dropped (the crop by p). Overwrites the first rows·C·H·W values of
    /// <paramref name="image"/>.
    /// </summary>
    public static void ColumnsToImage<T>(
        ReadOnlySpan<T> columns, int rows, Shape inputShape, int kernelHeight, int kernelWidth, int stride, int padding, Shape outputShape, Span<T> image, WorkerPool? pool = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var geometry = ColumnTransfer.Geometry.Of(inputShape, kernelHeight, kernelWidth, stride, padding, outputShape);
        var target = image.Slice(0, rows * geometry.InputSize);
        var matrix = columns.Slice(0, geometry.Patch * geometry.Positions * rows);
        fixed (T* x = target, c = matrix)
        {
            var job = new ColumnsJob<T>(x, target.Length, c, matrix.Length, rows, geometry);
            SampleSplit.Run(pool, rows, &ScatterPart<T>, &job);
        }
    }

    /// <summary>
    /// z[n, o, p] = Z[o, n·P + p] + b[o] (b empty for none): the filter-major product back to N×O×OH×OW, one
    /// contiguous stretch of P values per sample and filter.
    /// </summary>
    public static void ProductToChannels<T>(ReadOnlySpan<T> product, int rows, int positions, int filters, ReadOnlySpan<T> bias, Span<T> z, WorkerPool? pool = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = rows * positions * filters;
        fixed (T* p = product.Slice(0, length), b = bias, channels = z.Slice(0, length))
        {
            var job = new ReorderJob<T>(p, channels, b, bias.Length, rows, positions, filters);
            SampleSplit.Run(pool, rows, &ProductToChannelsPart<T>, &job);
        }
    }

    /// <summary>Δ[o, n·P + p] = δ[n, o, p]: N×O×OH×OW to the filter-major layout the GEMMs read, the inverse of <see cref="ProductToChannels{T}"/>'s copy.</summary>
    public static void ChannelsToProduct<T>(ReadOnlySpan<T> delta, int rows, int positions, int filters, Span<T> product, WorkerPool? pool = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = rows * positions * filters;
        fixed (T* p = product.Slice(0, length), channels = delta.Slice(0, length))
        {
            var job = new ReorderJob<T>(p, channels, null, 0, rows, positions, filters);
            SampleSplit.Run(pool, rows, &ChannelsToProductPart<T>, &job);
        }
    }

    /// <summary>∂C/∂b[o] (+)= Σ_f Δ[o, f]: each filter's row of the filter-major δ summed, in one fixed order.</summary>
    public static void AddRowSumsInto<T>(ReadOnlySpan<T> product, int filters, int fields, Span<T> biasGradient, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var o = 0; o < filters; o++)
        {
            var sum = TensorKernels.Sum(product.Slice(o * fields, fields));
            biasGradient[o] = accumulate ? biasGradient[o] + sum : sum;
        }
    }

    /// <summary>
    /// C (+)= A B with C row-major m × n, A(i, p) = a[i·aRowStride + p·aColumnStride] and B(p, j) =
    /// b[p·bRowStride + j·bColumnStride]: the packed GEMM, split over the team's threads when there is one (the
    /// same bits either way).
    /// </summary>
    public static void Product<T>(
        KernelPath path, GemmTeam<T>? team, int m, int n, int k, ReadOnlySpan<T> a, int aRowStride, int aColumnStride, ReadOnlySpan<T> b, int bRowStride, int bColumnStride, Span<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (team is null)
        {
            Gemm.Multiply(path, m, k, a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, n, accumulate, 0, n);
        }
        else
        {
            team.Multiply(path, m, n, k, a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, n, accumulate);
        }
    }

    private static void GatherPart<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<ColumnsJob<T>>(arguments);
        var transfer = new ColumnTransfer.Gather<T>(new ReadOnlySpan<T>(job.Image, job.ImageLength), new Span<T>(job.Columns, job.ColumnsLength));
        ColumnTransfer.Run(ref transfer, job.Rows, first, last, job.Geometry);
    }

    private static void ScatterPart<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<ColumnsJob<T>>(arguments);
        var image = new Span<T>(job.Image, job.ImageLength);
        var size = job.Geometry.InputSize;
        image.Slice(first * size, (last - first) * size).Clear();
        var transfer = new ColumnTransfer.Scatter<T>(new ReadOnlySpan<T>(job.Columns, job.ColumnsLength), image);
        ColumnTransfer.Run(ref transfer, job.Rows, first, last, job.Geometry);
    }

    private static void ProductToChannelsPart<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<ReorderJob<T>>(arguments);
        int positions = job.Positions, filters = job.Filters, fields = job.Rows * positions;
        var product = new ReadOnlySpan<T>(job.Product, fields * filters);
        var z = new Span<T>(job.Channels, fields * filters);
        var bias = new ReadOnlySpan<T>(job.Bias, job.BiasLength);
        for (var n = first; n < last; n++)
        {
            for (var o = 0; o < filters; o++)
            {
                var source = product.Slice((o * fields) + (n * positions), positions);
                var plane = z.Slice(((n * filters) + o) * positions, positions);
                if (bias.IsEmpty)
                {
                    source.CopyTo(plane);
                }
                else
                {
                    TensorKernels.Add(source, bias[o], plane);
                }
            }
        }
    }

    private static void ChannelsToProductPart<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<ReorderJob<T>>(arguments);
        int positions = job.Positions, filters = job.Filters, fields = job.Rows * positions;
        var product = new Span<T>(job.Product, fields * filters);
        var delta = new ReadOnlySpan<T>(job.Channels, fields * filters);
        for (var n = first; n < last; n++)
        {
            for (var o = 0; o < filters; o++)
            {
                delta.Slice(((n * filters) + o) * positions, positions).CopyTo(product.Slice((o * fields) + (n * positions), positions));
            }
        }
    }

    /// <summary>The arguments of an im2col or col2im part: the image and X̂ of the whole batch, pinned by the caller.</summary>
    private readonly struct ColumnsJob<T>(T* image, int imageLength, T* columns, int columnsLength, int rows, ColumnTransfer.Geometry geometry)
        where T : unmanaged
    {
        public readonly T* Image = image;
        public readonly int ImageLength = imageLength;
        public readonly T* Columns = columns;
        public readonly int ColumnsLength = columnsLength;
        public readonly int Rows = rows;
        public readonly ColumnTransfer.Geometry Geometry = geometry;
    }

    /// <summary>The arguments of a reordering part: the filter-major product, the N×O×P values and the bias (null and 0 for none).</summary>
    private readonly struct ReorderJob<T>(T* product, T* channels, T* bias, int biasLength, int rows, int positions, int filters)
        where T : unmanaged
    {
        public readonly T* Product = product;
        public readonly T* Channels = channels;
        public readonly T* Bias = bias;
        public readonly int BiasLength = biasLength;
        public readonly int Rows = rows;
        public readonly int Positions = positions;
        public readonly int Filters = filters;
    }
}
