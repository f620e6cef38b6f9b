using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nn.Kernels;

/// <summary>
/// Max-pooling's two passes over a batch of C×H×W images: the window maxima with the position (within its sample)
/// of each window's first maximum in row-major order, and δ sent back to those positions. Samples split over the
/// pool's threads when given one (<see cref="SampleSplit"/>; the same bits on any thread count). Each writes only
/// its destination spans, which the caller owns.
/// </summary>
internal static unsafe partial class PoolingKernels
{
    /// <summary>
    /// maxima[n, c, i, j] = max_{u,v} x[n, c, i·s + u, j·s + v] over K×K windows, and argmax the position of the
    /// first maximum (strictly greater wins, so a tie keeps the earlier value). With <paramref name="copy"/>, each
    /// sample's maxima are copied there too by the thread that computed them, while they are in its cache (a pooling
    /// layer's a, which is its z).
    /// </summary>
    public static void MaxPool<T>(
        ReadOnlySpan<T> input, int rows, Shape inputShape, int window, int stride, Shape outputShape, Span<T> maxima, Span<T> copy, Span<int> argmax, WorkerPool? pool)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var outputs = rows * outputShape.Size;
        fixed (T* x = input.Slice(0, rows * inputShape.Size), pooled = maxima.Slice(0, outputs), duplicate = copy.IsEmpty ? copy : copy.Slice(0, outputs))
        fixed (int* positions = argmax.Slice(0, outputs))
        {
            var job = new PoolJob<T>(x, pooled, positions, new Sizes(inputShape, window, stride, outputShape), duplicate);
            SampleSplit.Run(pool, rows, &ForwardPart<T>, &job);
        }
    }

    /// <summary>
    /// ∂C/∂x = δ added at each window's first maximum (summed where windows overlap), 0 elsewhere; overwrites
    /// <paramref name="inputGradient"/>. <paramref name="window"/> and <paramref name="stride"/> only choose the body:
    /// the positions say where each δ goes.
    /// </summary>
    public static void MaxPoolBackward<T>(
        ReadOnlySpan<T> delta, ReadOnlySpan<int> argmax, int rows, Shape inputShape, int window, int stride, Shape outputShape, Span<T> inputGradient, WorkerPool? pool)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var outputs = rows * outputShape.Size;
        fixed (T* dx = inputGradient.Slice(0, rows * inputShape.Size), d = delta.Slice(0, outputs))
        fixed (int* positions = argmax.Slice(0, outputs))
        {
            var job = new PoolJob<T>(dx, d, positions, new Sizes(inputShape, window, stride, outputShape), null);
            SampleSplit.Run(pool, rows, &BackwardPart<T>, &job);
        }
    }

    /// <summary>Samples first … last − 1: each window's maximum into Maxima (and Copy) and its position into Argmax.</summary>
    private static void ForwardPart<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PoolJob<T>>(arguments);
        int inputSize = job.Channels * job.Height * job.Width, outputs = job.Channels * job.OutputHeight * job.OutputWidth;
        var halving = job.Window == 2 && job.Stride == 2 && typeof(T) == typeof(float) && Avx2.IsSupported
            && KernelCensus.Resolve(KernelPath.Auto) is KernelPath.Vector256 or KernelPath.Vector512;
        for (var n = first; n < last; n++)
        {
            if (halving)
            {
                HalveSample(ref Unsafe.As<PoolJob<T>, PoolJob<float>>(ref job), n);
            }
            else
            {
                PoolSample(ref job, new ReadOnlySpan<T>(job.Image + ((long)n * inputSize), inputSize), new Span<T>(job.Pooled + ((long)n * outputs), outputs), new Span<int>(job.Argmax + ((long)n * outputs), outputs));
            }

            if (job.Copy != null)
            {
                new ReadOnlySpan<T>(job.Pooled + ((long)n * outputs), outputs).CopyTo(new Span<T>(job.Copy + ((long)n * outputs), outputs));
            }
        }
    }

    /// <summary>Samples first … last − 1: the image gradient cleared, then δ added at each window's first maximum.</summary>
    private static void BackwardPart<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PoolJob<T>>(arguments);
        int inputSize = job.Channels * job.Height * job.Width, outputs = job.Channels * job.OutputHeight * job.OutputWidth;
        if (Tiles(in job))
        {
            for (var n = first; n < last; n++)
            {
                SpreadSample(ref Unsafe.As<PoolJob<T>, PoolJob<float>>(ref job), n);
            }

            return;
        }

        for (var n = first; n < last; n++)
        {
            var sample = new Span<T>(job.Image + ((long)n * inputSize), inputSize);
            var delta = new ReadOnlySpan<T>(job.Pooled + ((long)n * outputs), outputs);
            var argmax = new ReadOnlySpan<int>(job.Argmax + ((long)n * outputs), outputs);
            sample.Clear();
            for (var k = 0; k < outputs; k++)
            {
                sample[argmax[k]] += delta[k];
            }
        }
    }

    /// <summary>
    /// One sample's window maxima and their positions. Reads by reference inside the sample, whose bounds the
    /// span checked: the shape rule keeps every window inside it.
    /// </summary>
    private static void PoolSample<T>(ref PoolJob<T> job, ReadOnlySpan<T> sample, Span<T> maxima, Span<int> argmax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int height = job.Height, width = job.Width, window = job.Window, stride = job.Stride;
        ref var x = ref MemoryMarshal.GetReference(sample);
        var k = 0;
        for (var c = 0; c < job.Channels; c++)
        {
            for (var i = 0; i < job.OutputHeight; i++)
            {
                var top = ((c * height) + (i * stride)) * width;
                for (var j = 0; j < job.OutputWidth; j++, k++)
                {
                    var best = top + (j * stride);
                    var max = Unsafe.Add(ref x, best);
                    for (var u = 0; u < window; u++)
                    {
                        var line = top + (u * width) + (j * stride);
                        for (var v = 0; v < window; v++)
                        {
                            // Strictly greater: a tie keeps the first maximum in row-major order.
                            var value = Unsafe.Add(ref x, line + v);
                            if (value > max)
                            {
                                max = value;
                                best = line + v;
                            }
                        }
                    }

                    argmax[k] = best;
                    maxima[k] = max;
                }
            }
        }
    }

    /// <summary>
    /// One float sample through 2×2 windows at stride 2, eight windows per step along a row where sixteen inputs
    /// fit, then four where eight fit, the rest as <see cref="PoolSample{T}"/> does them. Each window's four values (top left, top right,
    /// bottom left, bottom right: row-major order) are compared with strict greater-than in that order, so the
    /// first maximum wins a tie, as in the scalar loop, with no branch for random data to mispredict.
    /// </summary>
    private static void HalveSample(ref PoolJob<float> job, int n)
    {
        int height = job.Height, width = job.Width, outHeight = job.OutputHeight, outWidth = job.OutputWidth;
        int inputSize = job.Channels * height * width, outputs = job.Channels * outHeight * outWidth;
        var sample = new ReadOnlySpan<float>(job.Image + ((long)n * inputSize), inputSize);
        var maxima = new Span<float>(job.Pooled + ((long)n * outputs), outputs);
        var argmax = new Span<int>(job.Argmax + ((long)n * outputs), outputs);
        ref var x = ref MemoryMarshal.GetReference(sample);
        var lanes = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var k = 0;
        for (var c = 0; c < job.Channels; c++)
        {
            for (var i = 0; i < outHeight; i++, k += outWidth)
            {
                var top = ((c * height) + (2 * i)) * width;
                var j = 0;
                for (; (2 * j) + 16 <= width && j + 8 <= outWidth; j += 8)
                {
                    var at = top + (2 * j);
                    var (upperLeft, upperRight) = Deinterleave(ref Unsafe.Add(ref x, at));
                    var (lowerLeft, lowerRight) = Deinterleave(ref Unsafe.Add(ref x, at + width));
                    var max = upperLeft;
                    var offset = Vector256<int>.Zero;
                    var greater = Vector256.GreaterThan(upperRight, max);
                    max = Vector256.ConditionalSelect(greater, upperRight, max);
                    offset = Vector256.ConditionalSelect(greater.AsInt32(), Vector256.Create(1), offset);
                    greater = Vector256.GreaterThan(lowerLeft, max);
                    max = Vector256.ConditionalSelect(greater, lowerLeft, max);
                    offset = Vector256.ConditionalSelect(greater.AsInt32(), Vector256.Create(width), offset);
                    greater = Vector256.GreaterThan(lowerRight, max);
                    max = Vector256.ConditionalSelect(greater, lowerRight, max);
                    offset = Vector256.ConditionalSelect(greater.AsInt32(), Vector256.Create(width + 1), offset);

                    // The shuffles left 64-bit pairs in the order 0, 2, 1, 3; one permute puts the windows in order.
                    max = Avx2.Permute4x64(max.AsDouble(), 0b11_01_10_00).AsSingle();
                    offset = Avx2.Permute4x64(offset.AsInt64(), 0b11_01_10_00).AsInt32();
                    max.StoreUnsafe(ref maxima[k + j]);
                    (offset + lanes + Vector256.Create(at)).StoreUnsafe(ref argmax[k + j]);
                }

                // Four windows at a time from eight inputs per row (the 8-wide rows of LeNet's second pooling, the
                // last four windows of its first), by the same comparisons in 128 bits.
                for (; (2 * j) + 8 <= width && j + 4 <= outWidth; j += 4)
                {
                    var at = top + (2 * j);
                    var (upperLeft, upperRight) = Deinterleave4(ref Unsafe.Add(ref x, at));
                    var (lowerLeft, lowerRight) = Deinterleave4(ref Unsafe.Add(ref x, at + width));
                    var max = upperLeft;
                    var offset = Vector128<int>.Zero;
                    var greater = Vector128.GreaterThan(upperRight, max);
                    max = Vector128.ConditionalSelect(greater, upperRight, max);
                    offset = Vector128.ConditionalSelect(greater.AsInt32(), Vector128.Create(1), offset);
                    greater = Vector128.GreaterThan(lowerLeft, max);
                    max = Vector128.ConditionalSelect(greater, lowerLeft, max);
                    offset = Vector128.ConditionalSelect(greater.AsInt32(), Vector128.Create(width), offset);
                    greater = Vector128.GreaterThan(lowerRight, max);
                    max = Vector128.ConditionalSelect(greater, lowerRight, max);
                    offset = Vector128.ConditionalSelect(greater.AsInt32(), Vector128.Create(width + 1), offset);
                    max.StoreUnsafe(ref maxima[k + j]);
                    (offset + lanes.GetLower() + Vector128.Create(at)).StoreUnsafe(ref argmax[k + j]);
                }

                for (; j < outWidth; j++)
                {
                    var best = top + (2 * j);
                    var max = Unsafe.Add(ref x, best);
                    foreach (var candidate in (ReadOnlySpan<int>)[best + 1, best + width, best + width + 1])
                    {
                        if (Unsafe.Add(ref x, candidate) > max)
                        {
                            max = Unsafe.Add(ref x, candidate);
                            best = candidate;
                        }
                    }

                    maxima[k + j] = max;
                    argmax[k + j] = best;
                }
            }
        }
    }

    /// <summary>Eight consecutive floats split into the even- and odd-indexed four, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Even, Vector128<float> Odd) Deinterleave4(ref float values)
    {
        var low = Vector128.LoadUnsafe(ref values);
        var high = Vector128.LoadUnsafe(ref values, 4);
        return (Sse.Shuffle(low, high, 0b10_00_10_00), Sse.Shuffle(low, high, 0b11_01_11_01));
    }

    /// <summary>
    /// Sixteen consecutive floats split into the even- and odd-indexed eight, each in the 64-bit pair order
    /// 0, 2, 1, 3 that an in-lane shuffle leaves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(ref float values)
    {
        var low = Vector256.LoadUnsafe(ref values);
        var high = Vector256.LoadUnsafe(ref values, 8);
        return (Avx.Shuffle(low, high, 0b10_00_10_00), Avx.Shuffle(low, high, 0b11_01_11_01));
    }

    /// <summary>
    /// The arguments of a pooling part, pinned by the caller: the image (or its gradient), the pooled values (or δ),
    /// the argmax of every window, the sizes as plain integers, and where the maxima are copied (or null).
    /// </summary>
    private readonly struct PoolJob<T>(T* image, T* pooled, int* argmax, in Sizes sizes, T* copy)
        where T : unmanaged
    {
        public readonly T* Image = image;
        public readonly T* Pooled = pooled;
        public readonly int* Argmax = argmax;
        public readonly int Channels = sizes.Channels;
        public readonly int Height = sizes.Height;
        public readonly int Width = sizes.Width;
        public readonly int OutputHeight = sizes.OutputHeight;
        public readonly int OutputWidth = sizes.OutputWidth;
        public readonly int Window = sizes.Window;
        public readonly int Stride = sizes.Stride;
        public readonly T* Copy = copy;
    }
}
