using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// The reshuffles that let a convolution run as matrix products, in the classic im2col layout: the columns matrix
/// X̂ is (C·KH·KW) × (N·OH·OW), one column per receptive field, so that the product Z = K X̂ has the filters as
/// its rows and the long N·OH·OW dimension as its width (the wide operand the GEMM's micro-kernel runs along).
/// <see cref="ConvolutionPasses"/> calls them one sample at a time (N = 1), into a buffer that stays in cache.
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
        ImageToColumns(input, rows, ColumnTransfer.Geometry.Of(inputShape, kernelHeight, kernelWidth, stride, padding, outputShape), columns, pool);
    }

    /// <summary><see cref="ImageToColumns{T}(ReadOnlySpan{T}, int, Shape, int, int, int, int, Shape, Span{T}, WorkerPool?)"/> with the sizes as a geometry.</summary>
    public static void ImageToColumns<T>(ReadOnlySpan<T> input, int rows, ColumnTransfer.Geometry geometry, Span<T> columns, WorkerPool? pool = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var image = input.Slice(0, rows * geometry.InputSize);
        var matrix = columns.Slice(0, geometry.Patch * geometry.Positions * rows);
        fixed (T* x = image, c = matrix)
        {
            var job = new ColumnsJob<T>(x, image.Length, c, matrix.Length, rows, geometry);
            SampleSplit.Run(pool, rows, &GatherPart<T>, &job);
        }
    }

    /// <summary>
    /// The adjoint of <see cref="ImageToColumns{T}(ReadOnlySpan{T}, int, Shape, int, int, int, int, Shape, Span{T}, WorkerPool?)"/>: ∂C/∂x[n, c, y, x] = Σ of the ∂C/∂X̂ entries copied from that
    /// position; entries that fell on padding are dropped (the crop by p). Overwrites the first rows·C·H·W values of
    /// <paramref name="image"/>.
    /// </summary>
    public static void ColumnsToImage<T>(
        ReadOnlySpan<T> columns, int rows, Shape inputShape, int kernelHeight, int kernelWidth, int stride, int padding, Shape outputShape, Span<T> image, WorkerPool? pool = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ColumnsToImage(columns, rows, ColumnTransfer.Geometry.Of(inputShape, kernelHeight, kernelWidth, stride, padding, outputShape), image, pool);
    }

    /// <summary><see cref="ColumnsToImage{T}(ReadOnlySpan{T}, int, Shape, int, int, int, int, Shape, Span{T}, WorkerPool?)"/> with the sizes as a geometry.</summary>
    public static void ColumnsToImage<T>(ReadOnlySpan<T> columns, int rows, ColumnTransfer.Geometry geometry, Span<T> image, WorkerPool? pool = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var target = image.Slice(0, rows * geometry.InputSize);
        var matrix = columns.Slice(0, geometry.Patch * geometry.Positions * rows);
        fixed (T* x = target, c = matrix)
        {
            var job = new ColumnsJob<T>(x, target.Length, c, matrix.Length, rows, geometry);
            SampleSplit.Run(pool, rows, &ScatterPart<T>, &job);
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
}
