using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// An immutable network: its <see cref="Architecture"/>, its parameters θ in one contiguous vector, and the
/// non-trainable <see cref="State"/> some layers keep beside θ (batch normalisation's running statistics; empty for
/// most networks) — parameters and state apart, as in Lux. Equal networks have equal architectures and bit-for-bit
/// equal parameters and state. Every operation returns new values.
/// </summary>
/// <typeparam name="T"><see cref="float"/> (fast training) or <see cref="double"/> (gradient checks).</typeparam>
/// <example><code>
/// var network = Network.Create&lt;double&gt;(Architecture.Input(3).Dense(2, Activation.Sigmoid).Dense(1, Activation.Sigmoid), Initializer.Xavier, seed: 1);
/// double[] output = network.Forward([0.5, 0.1, -0.2]);
/// </code></example>
public sealed class Network<T> : IEquatable<Network<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Creates a network from its architecture and a parameter vector in the architecture's layout, with the state a
    /// new network starts with (running means 0, variances 1).
    /// </summary>
    /// <param name="architecture">The layer stack, with at least one layer.</param>
    /// <param name="parameters">θ, of length <see cref="Architecture.ParameterCount"/>, all finite.</param>
    /// <exception cref="ArgumentException">The architecture has no layers, θ has the wrong length or holds NaN/∞.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither <see cref="float"/> nor <see cref="double"/>.</exception>
    public Network(Architecture architecture, ParameterVector<T> parameters)
        : this(architecture, parameters, InitialState(architecture))
    {
    }

    /// <summary>Creates a network from its architecture, parameters and state.</summary>
    /// <param name="architecture">The layer stack, with at least one layer.</param>
    /// <param name="parameters">θ, of length <see cref="Architecture.ParameterCount"/>, all finite.</param>
    /// <param name="state">The non-trainable state, of length <see cref="Architecture.StateCount"/>, all finite.</param>
    /// <exception cref="ArgumentException">The architecture has no layers or a constant <typeparamref name="T"/> cannot hold (a batch normalisation's ε that is 0 or infinite there), θ or the state has the wrong length or holds NaN/∞, or a running variance is negative.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither <see cref="float"/> nor <see cref="double"/>.</exception>
    public Network(Architecture architecture, ParameterVector<T> parameters, ParameterVector<T> state)
    {
        ElementTypes.Require<T>();
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        architecture.EnsureHasLayers();
        Guard.Length(nameof(parameters), architecture.ParameterCount, parameters.Length);
        Guard.Finite(nameof(parameters), parameters.AsSpan());
        Guard.Length(nameof(state), architecture.StateCount, state.Length);
        Guard.Finite(nameof(state), state.AsSpan());
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            var layer = architecture.Stack[l];
            if (layer.UnfitFor<T>() is { } unfit)
            {
                throw new ArgumentException($"every layer's constants must fit the network's numbers, but layer {l} ({layer}) has {unfit}.", nameof(architecture));
            }

            if (layer.InvalidState(state.AsSpan().Slice(architecture.StateOffset(l), layer.StateCount)) is { } problem)
            {
                throw new ArgumentException($"state must be valid for every layer, but layer {l} ({layer}) has {problem}.", nameof(state));
            }
        }

        Architecture = architecture;
        Parameters = parameters;
        State = state;
    }

    /// <summary>The layer stack and parameter layout.</summary>
    public Architecture Architecture { get; }

    /// <summary>θ, every weight and bias in the architecture's layout.</summary>
    public ParameterVector<T> Parameters { get; }

    /// <summary>
    /// The non-trainable state in the architecture's layout (<see cref="Architecture.StateOffset"/>): each batch
    /// normalisation's running mean then running variance. Training updates it; inference reads it.
    /// </summary>
    public ParameterVector<T> State { get; }

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

    /// <summary>The same architecture and state with other parameters.</summary>
    /// <param name="parameters">θ in this architecture's layout.</param>
    /// <returns>A new network.</returns>
    public Network<T> WithParameters(ParameterVector<T> parameters) => new(Architecture, parameters, State);

    /// <summary>The same architecture and parameters with another state.</summary>
    /// <param name="state">The state in this architecture's layout.</param>
    /// <returns>A new network.</returns>
    public Network<T> WithState(ParameterVector<T> state) => new(Architecture, Parameters, state);

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
        other is not null && Architecture.Equals(other.Architecture) && Parameters.Equals(other.Parameters) && State.Equals(other.State);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Network<T>);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Architecture, Parameters);

    /// <inheritdoc/>
    public override string ToString() => $"Network<{typeof(T).Name}>({Architecture}, {Parameters.Length} parameters)";

    /// <summary>Each layer's <see cref="Layer.InitialState{T}"/> in the architecture's state layout.</summary>
    private static ParameterVector<T> InitialState(Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var state = new T[architecture.StateCount];
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            architecture.Stack[l].InitialState<T>(state.AsSpan(architecture.StateOffset(l), architecture.Stack[l].StateCount));
        }

        return ParameterVector<T>.Own(state);
    }

    /// <summary>Structural equality.</summary>
    public static bool operator ==(Network<T>? left, Network<T>? right) => Equals(left, right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(Network<T>? left, Network<T>? right) => !Equals(left, right);
}
