using System;
using System.Globalization;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// A 2-D convolution (cross-correlation, no kernel flip, as in ONNX and PyTorch) over an image C×H×W:
/// z[n,o,i,j] = b[o] + Σ_{c,u,v} K[o,c,u,v] · x̃[n,c,i·s+u,j·s+v], a = σ(z), with x̃ the input zero-padded by p on
/// each side and the output O×OH×OW, OH = ⌊(H + 2p − KH)/s⌋ + 1 (OW likewise). Its block of θ is the kernels
/// K (O×C×KH×KW, row-major) followed by b (O entries).
/// </summary>
/// <remarks>
/// Both passes go through the packed GEMM a slice of samples at a time (<see cref="ConvolutionPasses"/>), but for
/// the case at the end: the slice's receptive fields are copied into the columns of its im2col matrix X̂ₛ ((C·KH·KW) × (S·OH·OW)), so
/// Zₛ = K X̂ₛ (+ b), ∂C/∂K = Σₛ Δₛ X̂ₛᵀ (Δₛ the slice's δ, filter-major), ∂C/∂b = Σ δ and ∂C/∂X̂ₛ = Kᵀ Δₛ, which is then
/// added back onto the input positions it was copied from (the full correlation of δ with the kernels). At stride 1
/// with a short receptive field (C·KH·KW ≤ 32, such as a first layer over one channel), z and ∂C/∂K are summed
/// straight from the image instead (<see cref="DirectConvolution"/>), with no X̂ₛ; at stride 1 with a longer one and
/// output rows at least 8 wide (LeNet's second layer) they are too, with the filters as the vector lanes
/// (<see cref="FilterLanesConvolution"/>, on the vector kernel paths).
/// </remarks>
/// <example><code>
/// var conv = new Conv2DLayer(Shape.Image(1, 28, 28), filters: 6, kernelHeight: 5, kernelWidth: 5, Activation.Relu);
/// // conv.OutputShape is 6x24x24
/// </code></example>
public sealed partial record Conv2DLayer : Layer
{
    /// <summary>Creates a convolution configuration.</summary>
    /// <param name="input">The image it reads, C×H×W.</param>
    /// <param name="filters">O, the number of kernels and output channels, at least 1.</param>
    /// <param name="kernelHeight">KH, at least 1.</param>
    /// <param name="kernelWidth">KW, at least 1.</param>
    /// <param name="activation">σ.</param>
    /// <param name="stride">s, at least 1, the same along both axes.</param>
    /// <param name="padding">p, at least 0: zeros added on every side.</param>
    /// <param name="hasBias">Whether each filter has a bias.</param>
    /// <exception cref="ArgumentException">
    /// The input is not an image, the padded input is smaller than the kernel, the layer has more than
    /// <see cref="Limits.MaxParameterCount"/> parameters, or its scratch for 8 samples would pass <see cref="Limits.MaxElements"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public Conv2DLayer(Shape input, int filters, int kernelHeight, int kernelWidth, Activation activation, int stride = 1, int padding = 0, bool hasBias = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activation);
        Guard.Positive(nameof(filters), filters);
        Guard.Positive(nameof(kernelHeight), kernelHeight);
        Guard.Positive(nameof(kernelWidth), kernelWidth);
        Guard.Positive(nameof(stride), stride);
        Guard.NonNegative(nameof(padding), padding);
        if (!input.IsImage)
        {
            throw new ArgumentException($"a convolution reads an image CxHxW, but its input is a vector of {input.Size}.", nameof(input));
        }

        long paddedHeight = input.Height + (2L * padding), paddedWidth = input.Width + (2L * padding);
        if (paddedHeight < kernelHeight || paddedWidth < kernelWidth)
        {
            throw new ArgumentException(
                $"a {kernelHeight}x{kernelWidth} kernel does not fit the input {input} padded by {padding} ({paddedHeight}x{paddedWidth}).", nameof(input));
        }

        // In 128 bits because C·KH·KW alone can pass 2⁶³ (a kernel may be as large as a padded input), and in int it
        // used to wrap: 65536×65536 kernels on one channel counted 0 weights and were accepted.
        var parameters = ((Int128)filters * input.Channels * kernelHeight * kernelWidth) + (hasBias ? filters : 0);
        if (parameters > Limits.MaxParameterCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"a convolution of {filters} {input.Channels}x{kernelHeight}x{kernelWidth} kernels has {parameters} parameters, more than Limits.MaxParameterCount = {Limits.MaxParameterCount}."),
                nameof(filters));
        }

        InputShape = input;
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Activation = activation;
        Stride = stride;
        Padding = padding;
        HasBias = hasBias;
        long outputHeight = ((paddedHeight - kernelHeight) / stride) + 1, outputWidth = ((paddedWidth - kernelWidth) / stride) + 1;
        if (outputHeight > int.MaxValue || outputWidth > int.MaxValue)
        {
            // A cast to int wrapped such sizes, into a negative height or a small image that then misreported the scratch.
            throw new ArgumentOutOfRangeException(nameof(padding), string.Create(CultureInfo.InvariantCulture, $"a {kernelHeight}x{kernelWidth} kernel with stride {stride} over {input} padded by {padding} makes an output of {outputHeight}x{outputWidth} pixels, more than {int.MaxValue} along an axis."));
        }

        if ((Int128)filters * outputHeight * outputWidth > int.MaxValue)
        {
            // Shape.Image would refuse it too, but naming its own "width", a parameter this constructor does not have.
            throw new ArgumentOutOfRangeException(
                padding > 0 ? nameof(padding) : nameof(filters),
                string.Create(CultureInfo.InvariantCulture, $"{filters} {kernelHeight}x{kernelWidth} kernels with stride {stride} over {input} padded by {padding} make an output of {filters}x{outputHeight}x{outputWidth}, more than {int.MaxValue} values."));
        }

        OutputShape = Shape.Image(filters, (int)outputHeight, (int)outputWidth);
        if (SliceScratchLength() > Limits.MaxElements)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"a convolution of {filters} {input.Channels}x{kernelHeight}x{kernelWidth} kernels with stride {stride} over {input} padded by {padding} needs more than Limits.MaxElements = {Limits.MaxElements} values of scratch for {ConvolutionPasses.SliceRows} samples (its im2col matrix alone would hold {(long)PatchSize * ConvolutionPasses.SliceRows * OutputShape.Height * OutputShape.Width}); ask for a larger stride, smaller kernels or a smaller image."),
                nameof(kernelHeight));
        }
    }

    /// <inheritdoc/>
    public override Shape InputShape { get; }

    /// <inheritdoc/>
    public override Shape OutputShape { get; }

    /// <summary>O: the number of kernels, which is the number of output channels.</summary>
    public int Filters { get; }

    /// <summary>KH.</summary>
    public int KernelHeight { get; }

    /// <summary>KW.</summary>
    public int KernelWidth { get; }

    /// <summary>s, along both axes.</summary>
    public int Stride { get; }

    /// <summary>p: the zeros on every side of the input.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    public override Activation Activation { get; }

    /// <inheritdoc/>
    public override bool HasBias { get; }

    /// <summary>O·C·KH·KW.</summary>
    public override int WeightCount => checked(Filters * PatchSize);

    /// <summary>O, or 0 without a bias.</summary>
    public override int BiasCount => HasBias ? Filters : 0;

    internal override (int Rows, int Columns) WeightMatrix => (Filters, PatchSize);

    /// <summary>As PyTorch's default: fan-in C·KH·KW, fan-out O·KH·KW.</summary>
    internal override (int In, int Out) Fan => (PatchSize, checked(Filters * KernelHeight * KernelWidth));

    internal override string Token
    {
        get
        {
            var kernel = KernelHeight == KernelWidth ? Invariant(KernelHeight) : $"{Invariant(KernelHeight)}x{Invariant(KernelWidth)}";
            var stride = Stride == 1 ? string.Empty : "s" + Invariant(Stride);
            var padding = Padding == 0 ? string.Empty : "p" + Invariant(Padding);
            return $"conv{Invariant(Filters)}k{kernel}{stride}{padding}({Activation.Name}{(HasBias ? string.Empty : ",nobias")})";
        }
    }

    internal override string KindName => "conv2d";

    /// <summary>Filters, kernel height and width, stride, padding, bias flag, activation name.</summary>
    internal override void WriteFields(FormatWriter writer)
    {
        writer.Int32(Filters);
        writer.Int32(KernelHeight);
        writer.Int32(KernelWidth);
        writer.Int32(Stride);
        writer.Int32(Padding);
        writer.Byte(HasBias ? (byte)1 : (byte)0);
        writer.Name(Activation.Name);
    }

    /// <summary>Reads the fields <see cref="WriteFields"/> wrote, for a convolution over <paramref name="input"/>.</summary>
    internal static Layer ReadFields(FormatReader reader, Shape input, int index)
    {
        var filters = reader.Int32InRange($"layer {index}'s filter count", 1, int.MaxValue);
        var kernelHeight = reader.Int32InRange($"layer {index}'s kernel height", 1, int.MaxValue);
        var kernelWidth = reader.Int32InRange($"layer {index}'s kernel width", 1, int.MaxValue);
        var stride = reader.Int32InRange($"layer {index}'s stride", 1, int.MaxValue);
        var padding = reader.Int32InRange($"layer {index}'s padding", 0, int.MaxValue);
        var hasBias = ModelFile.ReadBiasFlag(reader, index);
        return new Conv2DLayer(input, filters, kernelHeight, kernelWidth, ModelFile.ReadActivation(reader, index), stride, padding, hasBias);
    }

    /// <summary>
    /// The scratch of one slice of <see cref="ConvolutionPasses.SliceRows"/> samples, or <see cref="long.MaxValue"/> when a
    /// length on the way passes an int. A layer whose slice cannot fit one array is refused when built: it used to fail
    /// in its first pass, after its int lengths had wrapped, and a batch of eight or more always needs a whole slice.
    /// </summary>
    private long SliceScratchLength()
    {
        try
        {
            return ScratchLength(ConvolutionPasses.SliceRows);
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>C·KH·KW: the length of one receptive field, one row of the im2col matrix.</summary>
    private int PatchSize => InputShape.Channels * KernelHeight * KernelWidth;

    private ColumnTransfer.Geometry Geometry => ColumnTransfer.Geometry.Of(InputShape, KernelHeight, KernelWidth, Stride, Padding, OutputShape);

    /// <summary>The kernels padded to the micro-kernel's rows, then per slice of samples room for its X̂ₛ, its partial gradients and a product tile (<see cref="ConvolutionPasses"/>).</summary>
    internal override long ScratchLength(int rows) => ConvolutionPasses.ScratchLength(Geometry, Filters, rows);

    /// <inheritdoc/>
    public override string ToString() =>
        $"Conv2D({InputShape}→{OutputShape}, {Filters} of {KernelHeight}x{KernelWidth}, stride {Stride}, padding {Padding}, {Activation.Name}{(HasBias ? string.Empty : ", no bias")})";

    /// <summary>
    /// Per slice of samples, z = K ⋆ x + b into each sample's O×OH×OW block, and a = σ(z) of each sample by the thread
    /// that just computed its z (or over the whole batch afterwards, for an activation without per-sample steps).
    /// </summary>
    internal override void Forward<T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, int rows, Span<T> z, Span<T> a, LayerBuffers<T> buffers, PassMode<T> mode)
    {
        var bias = HasBias ? parameters.Slice(WeightCount, Filters) : ReadOnlySpan<T>.Empty;
        var activation = Activation.SampleSteps<T>();
        ConvolutionPasses.Forward(buffers.Path, buffers.Team?.Pool, parameters.Slice(0, WeightCount), bias, input, rows, Geometry, Filters, z, a, activation, buffers.Values);
        if (!activation.HasForward)
        {
            Activation.ForwardInto<T>(z.Slice(0, rows * OutputShape.Size), a.Slice(0, rows * OutputShape.Size), OutputShape.Size);
        }
    }

    /// <summary>
    /// Per slice of samples, X̂ₛ rebuilt from the input, ∂C/∂K += Δₛ X̂ₛᵀ and ∂C/∂b += Σ δₙ (summed by slices of samples in a fixed
    /// order), and, when the input gradient is wanted (never for a first layer, whose input is data), ∂C/∂X̂ₛ = Kᵀ Δₛ
    /// added back onto the padded input and cropped.
    /// </summary>
    internal override void Backward<T>(
        ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> delta, int rows, Span<T> gradient, bool accumulate, Span<T> inputGradient, LayerBuffers<T> buffers, PassMode<T> mode) =>
        Backward(parameters, input, ReadOnlySpan<T>.Empty, ReadOnlySpan<T>.Empty, default, delta, rows, gradient, accumulate, inputGradient, buffers);

    /// <summary>True: σ' is applied to each sample by the thread that then reads its δ.</summary>
    internal override bool TakesActivationGradient => true;

    /// <summary>As <see cref="Backward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, Span{T}, bool, Span{T}, LayerBuffers{T}, PassMode{T})"/>, with each sample's δ = ∂C/∂a ⊙ σ'(z) made first by the thread that takes the sample.</summary>
    internal override void BackwardFromActivationGradient<T>(
        ReadOnlySpan<T> parameters,
        ReadOnlySpan<T> input,
        ReadOnlySpan<T> z,
        ReadOnlySpan<T> a,
        Span<T> gradientA,
        int rows,
        Span<T> gradient,
        bool accumulate,
        Span<T> inputGradient,
        LayerBuffers<T> buffers,
        PassMode<T> mode)
    {
        var activation = Activation.SampleSteps<T>();
        if (!activation.HasBackward)
        {
            base.BackwardFromActivationGradient(parameters, input, z, a, gradientA, rows, gradient, accumulate, inputGradient, buffers, mode);
            return;
        }

        Backward(parameters, input, z, a, activation, gradientA, rows, gradient, accumulate, inputGradient, buffers);
    }

    private void Backward<T>(
        ReadOnlySpan<T> parameters,
        ReadOnlySpan<T> input,
        ReadOnlySpan<T> z,
        ReadOnlySpan<T> a,
        SampleActivation<T> activation,
        Span<T> delta,
        int rows,
        Span<T> gradient,
        bool accumulate,
        Span<T> inputGradient,
        LayerBuffers<T> buffers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var biasGradient = HasBias ? gradient.Slice(WeightCount, Filters) : Span<T>.Empty;
        ConvolutionPasses.Backward<T>(
            buffers.Path,
            buffers.Team?.Pool,
            parameters.Slice(0, WeightCount),
            input,
            delta,
            rows,
            Geometry,
            Filters,
            gradient.Slice(0, WeightCount),
            biasGradient,
            accumulate,
            inputGradient,
            z,
            a,
            activation,
            buffers.Values);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
