using System;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace Nn;

/// <summary>
/// Batch normalisation (Ioffe and Szegedy 2015), per feature of a vector or per channel of an image: in training
/// x̂ = (x − μ_B)/√(σ²_B + ε) with the batch's mean and (biased) variance over its M values per feature (M = rows for a
/// vector, rows·H·W for an image), y = γ x̂ + β; the running statistics move as r ← (1 − momentum) r + momentum · batch
/// value (the unbiased variance M/(M − 1) σ²_B for the running one). At inference the running mean and variance
/// take the batch's place. γ (the layer's "weights", starting at 1) and β (its "bias", starting at 0) are trained in
/// θ; the running mean and variance (starting at 0 and 1) are its <see cref="Layer.StateCount"/> = 2C values of
/// state, kept beside θ in the <see cref="Network{T}"/> and never trained by gradient.
/// </summary>
/// <example><code>
/// var architecture = Architecture.Input(64).Dense(64, Activation.Relu).BatchNorm().Dense(10, Activation.Softmax);
/// </code></example>
public sealed record BatchNormLayer : Layer
{
    /// <summary>ε when none is given, as in PyTorch and ONNX.</summary>
    public const double DefaultEpsilon = 1e-5;

    /// <summary>The running statistics' momentum when none is given, as in PyTorch (Keras's 0.99 is 1 − this).</summary>
    public const double DefaultMomentum = 0.1;

    /// <summary>Creates a batch-normalisation configuration.</summary>
    /// <param name="input">The shape it reads and writes: features of a vector or channels of an image are normalised.</param>
    /// <param name="epsilon">ε &gt; 0, added to the variance.</param>
    /// <param name="momentum">The weight of a batch's statistics in the running ones, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">ε is not a positive finite number or momentum is outside (0, 1].</exception>
    /// <exception cref="ArgumentException">
    /// γ and β together would hold more than <see cref="Limits.MaxParameterCount"/> parameters.
    /// </exception>
    public BatchNormLayer(Shape input, double epsilon = DefaultEpsilon, double momentum = DefaultMomentum)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Counted in 64 bits: 2C overflows an int from C = 2^30, which an image shape of that many channels allows.
        var parameters = 2L * input.Channels;
        if (parameters > Limits.MaxParameterCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"a batch normalisation of {input.Channels} features has {parameters} parameters (γ and β), more than Limits.MaxParameterCount = {Limits.MaxParameterCount}."),
                nameof(input));
        }

        Guard.Positive(nameof(epsilon), epsilon);
        if (!(momentum > 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), string.Create(CultureInfo.InvariantCulture, $"momentum must be in (0, 1], but is {momentum}."));
        }

        InputShape = input;
        Epsilon = epsilon;
        Momentum = momentum;
    }

    /// <inheritdoc/>
    public override Shape InputShape { get; }

    /// <summary>The input shape.</summary>
    public override Shape OutputShape => InputShape;

    /// <summary>ε, added to the variance before its square root.</summary>
    public double Epsilon { get; }

    /// <summary>The weight of each training batch's statistics in the running ones.</summary>
    public double Momentum { get; }

    /// <summary>C: the features normalised apart (a vector's length, an image's channels).</summary>
    public int Features => InputShape.Channels;

    /// <summary>The identity: batch normalisation has no σ of its own.</summary>
    public override Activation Activation => Activation.Identity;

    /// <summary>True: β follows γ in θ.</summary>
    public override bool HasBias => true;

    /// <summary>C values of γ.</summary>
    public override int WeightCount => Features;

    /// <summary>C values of β.</summary>
    public override int BiasCount => Features;

    /// <summary>The running mean then the running variance, C values each.</summary>
    public override int StateCount => 2 * Features;

    internal override (int Rows, int Columns) WeightMatrix => (Features, 1);

    internal override (int In, int Out) Fan => (1, 1);

    /// <summary>γ starts at 1, so a new layer passes the normalised values through unscaled.</summary>
    internal override double? InitialWeight => 1;

    /// <summary>γ is not shrunk by the L2 term: pulling it to 0 would undo the normalisation (Keras regularises it only on request, too).</summary>
    internal override bool WeightsDecay => false;

    internal override string Token =>
        "bn" + (Epsilon == DefaultEpsilon && Momentum == DefaultMomentum
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"(eps={Epsilon:R},momentum={Momentum:R})"));

    internal override string KindName => "batchnorm";

    internal override ushort ModelFileVersion => 4;

    /// <summary>ε and momentum.</summary>
    internal override void WriteFields(FormatWriter writer)
    {
        writer.Double(Epsilon);
        writer.Double(Momentum);
    }

    /// <summary>Reads the fields <see cref="WriteFields"/> wrote, for normalising <paramref name="input"/>.</summary>
    internal static Layer ReadFields(FormatReader reader, Shape input, int index)
    {
        var at = reader.Offset;
        var epsilon = reader.Double($"layer {index}'s epsilon");
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            throw reader.Error(at, $"layer {index}'s epsilon, a positive finite number", epsilon.ToString("R", CultureInfo.InvariantCulture));
        }

        at = reader.Offset;
        var momentum = reader.Double($"layer {index}'s momentum");
        if (!(momentum > 0 && momentum <= 1))
        {
            throw reader.Error(at, $"layer {index}'s momentum in (0, 1]", momentum.ToString("R", CultureInfo.InvariantCulture));
        }

        return new BatchNormLayer(input, epsilon, momentum);
    }

    /// <summary>Mean 0 and variance 1: a new layer at inference is y = γ x/√(1 + ε) + β.</summary>
    internal override void InitialState<T>(Span<T> state)
    {
        state.Slice(0, Features).Clear();
        state.Slice(Features, Features).Fill(T.One);
    }

    /// <summary>
    /// An ε that rounds to 0 in <typeparamref name="T"/> would leave a feature of zero variance dividing by 0; one that
    /// overflows there would make every x̂ 0, so that the layer output β whatever its input.
    /// </summary>
    internal override string? UnfitFor<T>() =>
        T.CreateChecked(Epsilon) is var epsilon && epsilon == T.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"ε = {Epsilon}, which is 0 in {ElementTypes.Name<T>()}")
            : T.IsInfinity(epsilon)
                ? string.Create(CultureInfo.InvariantCulture, $"ε = {Epsilon}, which is infinite in {ElementTypes.Name<T>()}")
                : null;

    /// <summary>A running variance below 0 has no square root.</summary>
    internal override string? InvalidState<T>(ReadOnlySpan<T> state)
    {
        var variances = state.Slice(Features, Features);
        for (var c = 0; c < Features; c++)
        {
            if (variances[c] < T.Zero)
            {
                return string.Create(CultureInfo.InvariantCulture, $"a running variance of {variances[c]} for feature {c}");
            }
        }

        return null;
    }

    /// <summary>x̂ per value, then 1/√(σ² + ε) per feature, kept for the backward pass.</summary>
    internal override long ScratchLength(int rows) => ((long)rows * InputShape.Size) + Features;

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"BatchNorm({InputShape}, ε = {Epsilon}, momentum = {Momentum})");

    /// <summary>
    /// z = a = γ x̂ + β with x̂ from the batch's statistics (training) or the running ones (inference); a training pass
    /// with somewhere to put them also writes the updated running statistics.
    /// </summary>
    internal override void Forward<T>(
        ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, int rows, Span<T> z, Span<T> a, LayerBuffers<T> buffers, PassMode<T> mode)
    {
        int features = Features, plane = InputShape.Height * InputShape.Width, size = InputShape.Size;
        var count = rows * plane;
        var normalised = buffers.Values.AsSpan(0, rows * size);
        var inverse = buffers.Values.AsSpan(rows * size, features);
        var epsilon = T.CreateChecked(Epsilon);
        for (var c = 0; c < features; c++)
        {
            T mean, variance;
            if (mode.Training)
            {
                (mean, variance) = BatchStatistics(input, rows, c, plane, size);
                UpdateRunning(mode, c, mean, variance, count);
            }
            else
            {
                (mean, variance) = (mode.Statistics[c], mode.Statistics[features + c]);
            }

            var scale = T.One / T.Sqrt(variance + epsilon);
            inverse[c] = scale;
            T gamma = parameters[c], beta = parameters[features + c];
            for (var n = 0; n < rows; n++)
            {
                var at = (n * size) + (c * plane);
                for (var s = at; s < at + plane; s++)
                {
                    var xHat = (input[s] - mean) * scale;
                    normalised[s] = xHat;
                    z[s] = (gamma * xHat) + beta;
                }
            }
        }

        z.Slice(0, rows * size).CopyTo(a);
    }

    /// <summary>
    /// From δ = ∂C/∂y: ∂C/∂γ = Σ δ x̂, ∂C/∂β = Σ δ, and ∂C/∂x = γ/(M √(σ² + ε)) (M δ − Σ δ − x̂ Σ δ x̂) in training (the
    /// batch statistics depend on x), γ δ/√(r_σ² + ε) at inference.
    /// </summary>
    internal override void Backward<T>(
        ReadOnlySpan<T> parameters,
        ReadOnlySpan<T> input,
        Span<T> delta,
        int rows,
        Span<T> gradient,
        bool accumulate,
        Span<T> inputGradient,
        LayerBuffers<T> buffers,
        PassMode<T> mode)
    {
        int features = Features, plane = InputShape.Height * InputShape.Width, size = InputShape.Size;
        var count = T.CreateChecked(rows * plane);
        var normalised = buffers.Values.AsSpan(0, rows * size);
        var inverse = buffers.Values.AsSpan(rows * size, features);
        for (var c = 0; c < features; c++)
        {
            T sumDelta = T.Zero, sumDeltaXHat = T.Zero;
            for (var n = 0; n < rows; n++)
            {
                var at = (n * size) + (c * plane);
                for (var s = at; s < at + plane; s++)
                {
                    sumDelta += delta[s];
                    sumDeltaXHat += delta[s] * normalised[s];
                }
            }

            gradient[c] = accumulate ? gradient[c] + sumDeltaXHat : sumDeltaXHat;
            gradient[features + c] = accumulate ? gradient[features + c] + sumDelta : sumDelta;
            if (inputGradient.IsEmpty)
            {
                continue;
            }

            var scale = parameters[c] * inverse[c];
            for (var n = 0; n < rows; n++)
            {
                var at = (n * size) + (c * plane);
                for (var s = at; s < at + plane; s++)
                {
                    inputGradient[s] = mode.Training
                        ? scale * (delta[s] - ((sumDelta + (normalised[s] * sumDeltaXHat)) / count))
                        : scale * delta[s];
                }
            }
        }
    }

    /// <summary>μ_B and the biased σ²_B of feature <paramref name="c"/> over the batch, in two passes for accuracy.</summary>
    private static (T Mean, T Variance) BatchStatistics<T>(ReadOnlySpan<T> input, int rows, int c, int plane, int size)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = T.Zero;
        for (var n = 0; n < rows; n++)
        {
            sum += Kernels.TensorKernels.Sum(input.Slice((n * size) + (c * plane), plane));
        }

        var count = T.CreateChecked(rows * plane);
        var mean = sum / count;
        var squares = T.Zero;
        for (var n = 0; n < rows; n++)
        {
            var at = (n * size) + (c * plane);
            for (var s = at; s < at + plane; s++)
            {
                var d = input[s] - mean;
                squares += d * d;
            }
        }

        return (mean, squares / count);
    }

    /// <summary>
    /// r' = (1 − momentum) r + momentum · batch value into the pass's next statistics, with the unbiased variance. A
    /// batch with one value per feature estimates no variance, so it leaves the running statistics as they were.
    /// </summary>
    private void UpdateRunning<T>(PassMode<T> mode, int c, T mean, T variance, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (mode.NextStatistics.IsEmpty)
        {
            return;
        }

        var features = Features;
        T oldMean = mode.Statistics[c], oldVariance = mode.Statistics[features + c];
        if (count < 2)
        {
            mode.NextStatistics[c] = oldMean;
            mode.NextStatistics[features + c] = oldVariance;
            return;
        }

        var momentum = T.CreateChecked(Momentum);
        var keep = T.One - momentum;
        var unbiased = variance * T.CreateChecked(count) / T.CreateChecked(count - 1);
        mode.NextStatistics[c] = (keep * oldMean) + (momentum * mean);
        mode.NextStatistics[features + c] = (keep * oldVariance) + (momentum * unbiased);
    }
}
