using System;
using System.Globalization;
using System.Numerics;
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
public sealed record MaxPool2DLayer : Layer
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

    /// <summary>Which input each window took as its maximum, as the last forward pass left it in the integer scratch.</summary>
    internal override ReadOnlySpan<int> Choices<T>(LayerBuffers<T> buffers, int rows) => buffers.Indices.AsSpan(0, rows * OutputShape.Size);

    /// <inheritdoc/>
    public override string ToString() => $"MaxPool2D({InputShape}→{OutputShape}, {Window}x{Window}, stride {Stride})";

    /// <summary>
    /// z = a = the window maxima, both written sample by sample by the thread that pooled the sample; the index (within
    /// its sample) of each window's first maximum goes into the integer scratch. Samples are split over the pool's
    /// threads when there is one.
    /// </summary>
    internal override void Forward<T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, int rows, Span<T> z, Span<T> a, LayerBuffers<T> buffers, PassMode<T> mode)
    {
        var outputs = rows * OutputShape.Size;
        PoolingKernels.MaxPool(input, rows, InputShape, Window, Stride, OutputShape, z, a, buffers.Indices.AsSpan(0, outputs), buffers.Team?.Pool);
    }

    /// <summary>∂C/∂x is δ at each window's first maximum (summed where windows overlap) and 0 elsewhere.</summary>
    internal override void Backward<T>(
        ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> delta, int rows, Span<T> gradient, bool accumulate, Span<T> inputGradient, LayerBuffers<T> buffers, PassMode<T> mode)
    {
        if (inputGradient.IsEmpty)
        {
            return;
        }

        PoolingKernels.MaxPoolBackward<T>(delta, buffers.Indices.AsSpan(0, rows * OutputShape.Size), rows, InputShape, Window, Stride, OutputShape, inputGradient, buffers.Team?.Pool);
    }
}
