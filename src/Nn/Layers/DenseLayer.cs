using System;

namespace Nn;

/// <summary>
/// The configuration of one dense layer: z^l = W^l a^(l−1) + b^l, a^l = σ(z^l). It holds no parameters;
/// those live in the network's <see cref="ParameterVector{T}"/> at the offsets its <see cref="Architecture"/> gives.
/// </summary>
/// <example><code>
/// var hidden = new DenseLayer(Inputs: 784, Outputs: 100, Activation.Sigmoid);
/// </code></example>
public sealed record DenseLayer
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
    }

    /// <summary>The number of inputs k.</summary>
    public int Inputs { get; }

    /// <summary>The number of outputs j.</summary>
    public int Outputs { get; }

    /// <summary>The activation σ.</summary>
    public Activation Activation { get; }

    /// <summary>Whether the layer has a bias vector.</summary>
    public bool HasBias { get; }

    /// <summary>The number of weights, outputs × inputs.</summary>
    public int WeightCount => Outputs * Inputs;

    /// <summary>The number of parameters: weights plus biases.</summary>
    public int ParameterCount => WeightCount + (HasBias ? Outputs : 0);

    /// <inheritdoc/>
    public override string ToString() => $"Dense({Inputs}→{Outputs}, {Activation.Name}{(HasBias ? string.Empty : ", no bias")})";
}
