using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// An immutable dense network: its <see cref="Architecture"/> and its parameters θ in one contiguous vector.
/// Equal networks have equal architectures and bit-for-bit equal parameters. Every operation returns new values.
/// </summary>
/// <typeparam name="T"><see cref="float"/> (fast training) or <see cref="double"/> (gradient checks).</typeparam>
/// <example><code>
/// var network = Network.Create&lt;double&gt;(Architecture.Input(3).Dense(2, Activation.Sigmoid).Dense(1, Activation.Sigmoid), Initializer.Xavier, seed: 1);
/// double[] output = network.Forward([0.5, 0.1, -0.2]);
/// </code></example>
public sealed class Network<T> : IEquatable<Network<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a network from its architecture and a parameter vector in the architecture's layout.</summary>
    /// <param name="architecture">The layer stack, with at least one layer.</param>
    /// <param name="parameters">θ, of length <see cref="Architecture.ParameterCount"/>, all finite.</param>
    /// <exception cref="ArgumentException">The architecture has no layers, θ has the wrong length or holds NaN/∞.</exception>
    public Network(Architecture architecture, ParameterVector<T> parameters)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(parameters);
        architecture.EnsureHasLayers();
        Guard.Length(nameof(parameters), architecture.ParameterCount, parameters.Length);
        Guard.Finite(nameof(parameters), parameters.AsSpan());
        Architecture = architecture;
        Parameters = parameters;
    }

    /// <summary>The layer stack and parameter layout.</summary>
    public Architecture Architecture { get; }

    /// <summary>θ, every weight and bias in the architecture's layout.</summary>
    public ParameterVector<T> Parameters { get; }

    /// <summary>The number of inputs.</summary>
    public int InputSize => Architecture.InputSize;

    /// <summary>The number of outputs.</summary>
    public int OutputSize => Architecture.OutputSize;

    /// <summary>W^l as a read-only view: rows = outputs j, columns = inputs k (for a convolution, one row of C·KH·KW per filter; empty for pooling).</summary>
    /// <param name="layer">The layer index, 0 for the first layer.</param>
    /// <returns>A view into <see cref="Parameters"/>, without copying.</returns>
    public MatrixView<T> Weights(int layer)
    {
        var offset = Architecture.WeightOffset(layer);
        var (rows, columns) = Architecture.Stack[layer].WeightMatrix;
        return new MatrixView<T>(Parameters.AsMemory().Slice(offset, rows * columns), rows, columns);
    }

    /// <summary>b^l as a read-only view; empty when the layer has no bias.</summary>
    /// <param name="layer">The layer index, 0 for the first layer.</param>
    /// <returns>A view into <see cref="Parameters"/>, without copying.</returns>
    public ReadOnlyMemory<T> Bias(int layer)
    {
        var offset = Architecture.BiasOffset(layer);
        return offset < 0 ? ReadOnlyMemory<T>.Empty : Parameters.AsMemory().Slice(offset, Architecture.Stack[layer].BiasCount);
    }

    /// <summary>The same architecture with other parameters.</summary>
    /// <param name="parameters">θ in this architecture's layout.</param>
    /// <returns>A new network.</returns>
    public Network<T> WithParameters(ParameterVector<T> parameters) => new(Architecture, parameters);

    /// <summary>The output a^L for one input; see <see cref="Network.Forward{T}(Network{T}, ReadOnlySpan{T})"/>.</summary>
    /// <param name="input">x, of length <see cref="InputSize"/>.</param>
    /// <returns>A fresh array of length <see cref="OutputSize"/>.</returns>
    public T[] Forward(ReadOnlySpan<T> input) => Network.Forward(this, input);

    /// <summary>The outputs for a batch; see <see cref="Network.Forward{T}(Network{T}, Matrix{T})"/>.</summary>
    /// <param name="inputs">X, one sample per row.</param>
    /// <returns>A new matrix, one output row per input row.</returns>
    public Matrix<T> Forward(Matrix<T> inputs) => Network.Forward(this, inputs);

    /// <inheritdoc/>
    public bool Equals(Network<T>? other) =>
        other is not null && Architecture.Equals(other.Architecture) && Parameters.Equals(other.Parameters);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Network<T>);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Architecture, Parameters);

    /// <inheritdoc/>
    public override string ToString() => $"Network<{typeof(T).Name}>({Architecture}, {Parameters.Length} parameters)";

    /// <summary>Structural equality.</summary>
    public static bool operator ==(Network<T>? left, Network<T>? right) => Equals(left, right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(Network<T>? left, Network<T>? right) => !Equals(left, right);
}
