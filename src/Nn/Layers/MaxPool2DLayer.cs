using System;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// Max-pooling over K×K windows of each channel of an image with stride s (by default s = K):
/// a[n,c,i,j] = max_{u,v} x[n,c,i·s+u,j·s+v], output C×OH×OW with OH = ⌊(H − K)/s⌋ + 1. It has no parameters and no
/// activation. The backward pass sends each δ to the first maximum of its window (row-major order), as ONNX's
/// and PyTorch's argmax do.
/// </summary>
/// <example><code>
/// var pool = new MaxPool2DLayer(Shape.Image(8, 8, 8), window: 2);   // pool.OutputShape is 8x4x4
/// </code></example>
public sealed unsafe record MaxPool2DLayer : Layer
{
    /// <summary>Creates a pooling configuration.</summary>
    /// <param name="input">The image it reads, C×H×W.</param>
    /// <param name="window">K, the side of the square window, at least 1.</param>
    /// <param name="stride">s, at least 1; null for s = K (windows that touch but do not overlap).</param>
    /// <exception cref="ArgumentException">The input is not an image or is smaller than the window.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public MaxPool2DLayer(Shape input, int window, int? stride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        Guard.Positive(nameof(window), window);
        var s = stride ?? window;
        Guard.Positive(nameof(stride), s);
        if (!input.IsImage)
        {
            throw new ArgumentException($"max-pooling reads an image CxHxW, but its input is a vector of {input.Size}.", nameof(input));
        }

        if (input.Height < window || input.Width < window)
        {
            throw new ArgumentException($"a {window}x{window} pooling window does not fit the input {input}.", nameof(input));
        }

        InputShape = input;
        Window = window;
        Stride = s;
        OutputShape = Shape.Image(input.Channels, ((input.Height - window) / s) + 1, ((input.Width - window) / s) + 1);
    }

    /// <inheritdoc/>
    public override Shape InputShape { get; }

    /// <inheritdoc/>
    public override Shape OutputShape { get; }

    /// <summary>K, the side of the window.</summary>
    public int Window { get; }

    /// <summary>s, along both axes.</summary>
    public int Stride { get; }

    /// <summary>The identity: pooling has no σ of its own.</summary>
    public override Activation Activation => Activation.Identity;

    /// <summary>False: pooling has no parameters.</summary>
    public override bool HasBias => false;

    /// <summary>0.</summary>
    public override int WeightCount => 0;

    /// <summary>0.</summary>
    public override int BiasCount => 0;

    internal override (int Rows, int Columns) WeightMatrix => (0, 0);

    internal override (int In, int Out) Fan => (0, 0);

    internal override string Token =>
        "maxpool" + Window.ToString(CultureInfo.InvariantCulture) + (Stride == Window ? string.Empty : "s" + Stride.ToString(CultureInfo.InvariantCulture));

    internal override string KindName => "maxpool2d";

    /// <summary>Window and stride.</summary>
    internal override void WriteFields(FormatWriter writer)
    {
        writer.Int32(Window);
        writer.Int32(Stride);
    }

    /// <summary>Reads the fields <see cref="WriteFields"/> wrote, for pooling over <paramref name="input"/>.</summary>
    internal static Layer ReadFields(FormatReader reader, Shape input, int index)
    {
        var window = reader.Int32InRange($"layer {index}'s window", 1, int.MaxValue);
        var stride = reader.Int32InRange($"layer {index}'s stride", 1, int.MaxValue);
        return new MaxPool2DLayer(input, window, stride);
    }

    /// <summary>The position (within its sample) of the maximum each output took, for the backward pass.</summary>
    internal override long IndexLength(int rows) => (long)rows * OutputShape.Size;

    /// <inheritdoc/>
    public override string ToString() => $"MaxPool2D({InputShape}→{OutputShape}, {Window}x{Window}, stride {Stride})";

    /// <summary>
    /// z = a = the window maxima; the index (within its sample) of each window's first maximum goes into the integer
    /// scratch. Samples are split over the pool's threads when there is one.
    /// </summary>
    internal override void Forward<T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, int rows, Span<T> z, Span<T> a, LayerBuffers<T> buffers)
    {
        var outputs = OutputShape.Size;
        fixed (T* x = input.Slice(0, rows * InputShape.Size), maxima = z.Slice(0, rows * outputs))
        fixed (int* argmax = buffers.Indices.AsSpan(0, rows * outputs))
        {
            var job = new PoolJob<T>(x, maxima, argmax, this);
            SampleSplit.Run(buffers.Team?.Pool, rows, &ForwardPart<T>, &job);
        }

        z.Slice(0, rows * outputs).CopyTo(a);
    }

    /// <summary>∂C/∂x is δ at each window's first maximum (summed where windows overlap) and 0 elsewhere.</summary>
    internal override void Backward<T>(
        ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> delta, int rows, Span<T> gradient, bool accumulate, Span<T> inputGradient, LayerBuffers<T> buffers)
    {
        if (inputGradient.IsEmpty)
        {
            return;
        }

        var outputs = OutputShape.Size;
        fixed (T* dx = inputGradient.Slice(0, rows * InputShape.Size), d = delta.Slice(0, rows * outputs))
        fixed (int* argmax = buffers.Indices.AsSpan(0, rows * outputs))
        {
            var job = new PoolJob<T>(dx, d, argmax, this);
            SampleSplit.Run(buffers.Team?.Pool, rows, &BackwardPart<T>, &job);
        }
    }

    /// <summary>Samples first … last − 1: each window's maximum into Maxima and its position into Argmax.</summary>
    private static void ForwardPart<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PoolJob<T>>(arguments);
        int inputSize = job.Channels * job.Height * job.Width, outputs = job.Channels * job.OutputHeight * job.OutputWidth;
        var halving = job.Window == 2 && job.Stride == 2 && typeof(T) == typeof(float) && Avx2.IsSupported;
        for (var n = first; n < last; n++)
        {
            if (halving)
            {
                HalveSample(ref Unsafe.As<PoolJob<T>, PoolJob<float>>(ref job), n);
                continue;
            }

            PoolSample(ref job, new ReadOnlySpan<T>(job.Image + ((long)n * inputSize), inputSize), new Span<T>(job.Pooled + ((long)n * outputs), outputs), new Span<int>(job.Argmax + ((long)n * outputs), outputs));
        }
    }

    /// <summary>Samples first … last − 1: the image gradient cleared, then δ added at each window's first maximum.</summary>
    private static void BackwardPart<T>(void* arguments, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PoolJob<T>>(arguments);
        int inputSize = job.Channels * job.Height * job.Width, outputs = job.Channels * job.OutputHeight * job.OutputWidth;
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
    /// fit, the rest as <see cref="PoolSample{T}"/> does them. Each window's four values (top left, top right,
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
    /// the argmax of every window, and the sizes as plain integers.
    /// </summary>
    private readonly struct PoolJob<T>(T* image, T* pooled, int* argmax, MaxPool2DLayer layer)
        where T : unmanaged
    {
        public readonly T* Image = image;
        public readonly T* Pooled = pooled;
        public readonly int* Argmax = argmax;
        public readonly int Channels = layer.InputShape.Channels;
        public readonly int Height = layer.InputShape.Height;
        public readonly int Width = layer.InputShape.Width;
        public readonly int OutputHeight = layer.OutputShape.Height;
        public readonly int OutputWidth = layer.OutputShape.Width;
        public readonly int Window = layer.Window;
        public readonly int Stride = layer.Stride;
    }
}
