using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Nn;

/// <summary>
/// The shape of a network: the input size and its stack of dense layers, and from them the layout of the one
/// contiguous parameter vector θ. Layer l's block is W^l (outputs × inputs, row-major) followed by b^l; blocks
/// follow each other in layer order. Full-batch optimisers, model files and generated code all share this layout.
/// </summary>
/// <example><code>
/// var architecture = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid);
/// int weightsOfOutputLayer = architecture.WeightOffset(1);
/// </code></example>
public sealed class Architecture : IEquatable<Architecture>
{
    private readonly int[] weightOffsets;
    private readonly int[] biasOffsets;

    private Architecture(int inputSize, ImmutableArray<DenseLayer> layers)
    {
        if (layers.Length > Limits.MaxLayers)
        {
            throw new ArgumentException($"an architecture has at most Limits.MaxLayers = {Limits.MaxLayers} layers, but this one would have {layers.Length}.", nameof(layers));
        }

        InputSize = inputSize;
        Layers = layers;
        weightOffsets = new int[layers.Length];
        biasOffsets = new int[layers.Length];
        // Each layer is within the limit on its own, so the 64-bit running sum cannot overflow before it is checked.
        long offset = 0;
        for (var l = 0; l < layers.Length; l++)
        {
            var end = offset + layers[l].ParameterCount;
            if (end > Limits.MaxParameterCount)
            {
                var sizes = inputSize + string.Concat(layers.Select(layer => $"-{layer.Outputs}"));
                throw new ArgumentException(
                    $"the architecture {sizes} has {layers.Sum(layer => (long)layer.ParameterCount)} parameters, more than Limits.MaxParameterCount = {Limits.MaxParameterCount}.",
                    nameof(layers));
            }

            weightOffsets[l] = (int)offset;
            biasOffsets[l] = layers[l].HasBias ? (int)(offset + layers[l].WeightCount) : -1;
            offset = end;
        }

        ParameterCount = (int)offset;
    }

    /// <summary>The number of inputs of the first layer.</summary>
    public int InputSize { get; }

    /// <summary>The layers, first to last.</summary>
    public ImmutableArray<DenseLayer> Layers { get; }

    /// <summary>The number of outputs of the last layer (the input size when there are no layers yet).</summary>
    public int OutputSize => Layers.IsEmpty ? InputSize : Layers[^1].Outputs;

    /// <summary>The length of the parameter vector θ.</summary>
    public int ParameterCount { get; }

    /// <summary>The activation of the last layer.</summary>
    /// <exception cref="InvalidOperationException">There are no layers.</exception>
    public Activation OutputActivation => Layers.IsEmpty
        ? throw new InvalidOperationException("the architecture has no layers.")
        : Layers[^1].Activation;

    /// <summary>Starts an architecture with the given number of inputs and no layers.</summary>
    /// <param name="size">The number of inputs, in 1..<see cref="Limits.MaxWidth"/>.</param>
    /// <returns>An architecture to add layers to with <see cref="Dense"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or exceeds <see cref="Limits.MaxWidth"/>.</exception>
    public static Architecture Input(int size)
    {
        Limits.Size(nameof(size), size, Limits.MaxWidth, nameof(Limits.MaxWidth));
        return new Architecture(size, ImmutableArray<DenseLayer>.Empty);
    }

    /// <summary>A new architecture with one more dense layer on top.</summary>
    /// <param name="outputs">The layer's number of outputs, in 1..<see cref="Limits.MaxWidth"/>.</param>
    /// <param name="activation">Its activation.</param>
    /// <param name="hasBias">Whether it has a bias vector.</param>
    /// <returns>A new architecture; this one is unchanged.</returns>
    /// <exception cref="ArgumentException">
    /// The width exceeds <see cref="Limits.MaxWidth"/>, or the network would exceed <see cref="Limits.MaxParameterCount"/> or <see cref="Limits.MaxLayers"/>.
    /// </exception>
    public Architecture Dense(int outputs, Activation activation, bool hasBias = true)
    {
        Limits.Size(nameof(outputs), outputs, Limits.MaxWidth, nameof(Limits.MaxWidth));
        return new(InputSize, Layers.Add(new DenseLayer(OutputSize, outputs, activation, hasBias)));
    }

    /// <summary>An architecture from layer sizes, e.g. [784, 100, 10], with one activation for hidden layers and one for the output.</summary>
    /// <param name="sizes">The input size then every layer's output size; at least two entries, all positive.</param>
    /// <param name="hidden">The activation of every layer but the last.</param>
    /// <param name="output">The activation of the last layer.</param>
    /// <param name="hasBias">Whether every layer has a bias.</param>
    /// <returns>The architecture.</returns>
    public static Architecture FromSizes(IReadOnlyList<int> sizes, Activation hidden, Activation output, bool hasBias = true)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2)
        {
            throw new ArgumentException($"sizes must hold the input size and at least one layer size (2 or more entries), but has {sizes.Count}.", nameof(sizes));
        }

        var architecture = Input(sizes[0]);
        for (var i = 1; i < sizes.Count; i++)
        {
            architecture = architecture.Dense(sizes[i], i == sizes.Count - 1 ? output : hidden, hasBias);
        }

        return architecture;
    }

    /// <summary>An architecture from a list of layers whose sizes must chain (each layer's inputs = the previous one's outputs).</summary>
    /// <param name="inputSize">The number of inputs of the first layer.</param>
    /// <param name="layers">The layers.</param>
    /// <returns>The architecture.</returns>
    /// <exception cref="ArgumentException">Two neighbouring layers do not fit together.</exception>
    public static Architecture FromLayers(int inputSize, IEnumerable<DenseLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Limits.Size(nameof(inputSize), inputSize, Limits.MaxWidth, nameof(Limits.MaxWidth));
        var list = layers.ToImmutableArray();
        var expected = inputSize;
        for (var l = 0; l < list.Length; l++)
        {
            if (list[l].Inputs != expected)
            {
                throw new ArgumentException(
                    $"layer {l} must have {expected} inputs to follow the previous layer, but has {list[l].Inputs}.", nameof(layers));
            }

            expected = list[l].Outputs;
        }

        return new Architecture(inputSize, list);
    }

    /// <summary>Where W^l starts in θ.</summary>
    /// <param name="layer">The layer index, 0 for the first layer.</param>
    /// <returns>The offset.</returns>
    public int WeightOffset(int layer) => weightOffsets[CheckLayer(layer)];

    /// <summary>Where b^l starts in θ, or −1 when the layer has no bias.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The offset, or −1.</returns>
    public int BiasOffset(int layer) => biasOffsets[CheckLayer(layer)];

    /// <summary>Throws unless the architecture has at least one layer; networks need one.</summary>
    /// <exception cref="ArgumentException">There are no layers.</exception>
    internal void EnsureHasLayers()
    {
        if (Layers.IsEmpty)
        {
            throw new ArgumentException($"an architecture needs at least 1 layer, but has 0 (input size {InputSize}).", "architecture");
        }
    }

    private int CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)Layers.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer must be in [0, {Layers.Length}), but is {layer}.");
        }

        return layer;
    }

    /// <inheritdoc/>
    public bool Equals(Architecture? other) =>
        other is not null && InputSize == other.InputSize && Layers.SequenceEqual(other.Layers);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Architecture);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(InputSize);
        foreach (var layer in Layers)
        {
            hash.Add(layer);
        }

        return hash.ToHashCode();
    }

    /// <summary>The layer sizes and activations, e.g. "784-100(sigmoid)-10(softmax)".</summary>
    /// <returns>A compact description.</returns>
    public override string ToString() =>
        InputSize + string.Concat(Layers.Select(l => $"-{l.Outputs}({l.Activation.Name}{(l.HasBias ? string.Empty : ",nobias")})"));

    /// <summary>Structural equality.</summary>
    public static bool operator ==(Architecture? left, Architecture? right) => Equals(left, right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(Architecture? left, Architecture? right) => !Equals(left, right);
}
