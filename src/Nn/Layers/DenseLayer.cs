using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The configuration of one dense layer: z^l = W^l a^(l−1) + b^l, a^l = σ(z^l). It holds no parameters;
/// those live in the network's <see cref="ParameterVector{T}"/> at the offsets its <see cref="Architecture"/> gives.
/// </summary>
/// <example><code>
/// var hidden = new DenseLayer(Inputs: 784, Outputs: 100, Activation.Sigmoid);
/// </code></example>
public sealed record DenseLayer : Layer
{
    /// <summary>Creates a layer configuration.</summary>
    /// <param name="Inputs">The number of inputs k (columns of W), in 1..<see cref="Limits.MaxWidth"/>.</param>
    /// <param name="Outputs">The number of outputs j (rows of W), in 1..<see cref="Limits.MaxWidth"/>.</param>
    /// <param name="Activation">The activation σ.</param>
    /// <param name="HasBias">Whether the layer has a bias b^l (false for the textbook's bias-free tiny network).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or exceeds <see cref="Limits.MaxWidth"/>.</exception>
    /// <exception cref="ArgumentException">The layer has more than <see cref="Limits.MaxParameterCount"/> parameters.</exception>
    public DenseLayer(int Inputs, int Outputs, Activation Activation, bool HasBias = true)
    {
        Limits.Size(nameof(Inputs), Inputs, Limits.MaxWidth, nameof(Limits.MaxWidth));
        Limits.Size(nameof(Outputs), Outputs, Limits.MaxWidth, nameof(Limits.MaxWidth));
        ArgumentNullException.ThrowIfNull(Activation);
        var parameters = ((long)Outputs * Inputs) + (HasBias ? Outputs : 0);
        if (parameters > Limits.MaxParameterCount)
        {
            throw new ArgumentException(
                $"a dense layer {Inputs}→{Outputs} has {parameters} parameters, more than Limits.MaxParameterCount = {Limits.MaxParameterCount}.", nameof(Outputs));
        }

        this.Inputs = Inputs;
        this.Outputs = Outputs;
        this.Activation = Activation;
        this.HasBias = HasBias;
        InputShape = Shape.Vector(Inputs);
        OutputShape = Shape.Vector(Outputs);
    }

    /// <summary>The number of inputs k.</summary>
    public int Inputs { get; }

    /// <summary>The number of outputs j.</summary>
    public int Outputs { get; }

    /// <summary>The activation σ.</summary>
    public override Activation Activation { get; }

    /// <summary>Whether the layer has a bias vector.</summary>
    public override bool HasBias { get; }

    /// <summary>A vector of <see cref="Inputs"/> values; any shape of that size fits, read in C,H,W order.</summary>
    public override Shape InputShape { get; }

    /// <summary>A vector of <see cref="Outputs"/> values.</summary>
    public override Shape OutputShape { get; }

    /// <summary>The number of weights, outputs × inputs.</summary>
    public override int WeightCount => checked(Outputs * Inputs);

    /// <summary>One bias per output, or none.</summary>
    public override int BiasCount => HasBias ? Outputs : 0;

    internal override (int Rows, int Columns) WeightMatrix => (Outputs, Inputs);

    internal override (int In, int Out) Fan => (Inputs, Outputs);

    internal override string Token => $"{Outputs}({Activation.Name}{(HasBias ? string.Empty : ",nobias")})";

    internal override string KindName => "dense";

    /// <summary>Output count, bias flag, activation name: the same fields as a version-1 layer record.</summary>
    internal override void WriteFields(FormatWriter writer)
    {
        writer.Int32(Outputs);
        writer.Byte(HasBias ? (byte)1 : (byte)0);
        writer.Name(Activation.Name);
    }

    /// <summary>Reads the fields <see cref="WriteFields"/> wrote; the layer reads <paramref name="input"/> flattened.</summary>
    internal static Layer ReadFields(FormatReader reader, Shape input, int index)
    {
        var outputs = reader.Int32InRange($"layer {index}'s output count", 1, int.MaxValue);
        var hasBias = ModelFile.ReadBiasFlag(reader, index);
        return new DenseLayer(input.Size, outputs, ModelFile.ReadActivation(reader, index), hasBias);
    }

    /// <summary>Flattening is implicit: whatever the previous shape, only its size must match.</summary>
    internal override bool Fits(Shape previous) => previous.Size == Inputs;

    /// <summary>z = X Wᵀ + b, a = σ(z), one row per sample.</summary>
    internal override void Forward<T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, int rows, Span<T> z, Span<T> a, LayerBuffers<T> buffers, PassMode<T> mode)
    {
        DenseKernels.MultiplyByTranspose(input, rows, Inputs, parameters.Slice(0, WeightCount), Outputs, z, buffers.Path, buffers.Team);
        if (HasBias)
        {
            DenseKernels.AddRowVectorInto(parameters.Slice(WeightCount, Outputs), rows, z);
        }

        Activation.ForwardInto<T>(z, a, Outputs);
    }

    /// <summary>∂C/∂W = δᵀ X (equation 4), ∂C/∂b = column sums of δ (equation 3), ∂C/∂X = δ W (equation 2 before σ').</summary>
    internal override void Backward<T>(
        ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> delta, int rows, Span<T> gradient, bool accumulate, Span<T> inputGradient, LayerBuffers<T> buffers, PassMode<T> mode)
    {
        DenseKernels.TransposeProduct<T>(delta, rows, Outputs, input, Inputs, gradient.Slice(0, WeightCount), accumulate, buffers.Path, buffers.Team);
        if (HasBias)
        {
            var biasGradient = gradient.Slice(WeightCount, Outputs);
            if (!accumulate)
            {
                biasGradient.Clear();
            }

            DenseKernels.AddColumnSumsInto<T>(delta, rows, biasGradient);
        }

        if (!inputGradient.IsEmpty)
        {
            DenseKernels.Multiply<T>(delta, rows, Outputs, parameters.Slice(0, WeightCount), Inputs, inputGradient, buffers.Path, buffers.Team);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dense({Inputs}→{Outputs}, {Activation.Name}{(HasBias ? string.Empty : ", no bias")})";
}
