using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Numerics;

namespace Nn;

/// <summary>
/// Building networks and running them forward: pure functions that return new values and never change their
/// arguments. The forward pass is a^0 = x; z^l = W^l a^(l−1) + b^l; a^l = σ(z^l). It runs in inference mode:
/// batch normalisation uses the network's running statistics and dropout is the identity.
/// </summary>
/// <example><code>
/// var architecture = Architecture.Input(64).Dense(32, Activation.Relu).Dense(10, Activation.Softmax);
/// var network = Network.Create&lt;float&gt;(architecture, Initializer.He, seed: 1);
/// Matrix&lt;float&gt; probabilities = Network.Forward(network, inputs);
/// </code></example>
public static class Network
{
    /// <summary>
    /// A network with weights drawn by <paramref name="initializer"/> from <paramref name="seed"/> and zero biases
    /// (a batch normalisation's γ starts at 1 and its running statistics at mean 0, variance 1).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="architecture">The layer stack, with at least one layer.</param>
    /// <param name="initializer">The weight scheme.</param>
    /// <param name="seed">The seed; the same seed gives the same network.</param>
    /// <returns>The new network.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither <see cref="float"/> nor <see cref="double"/>.</exception>
    public static Network<T> Create<T>(Architecture architecture, Initializer initializer, ulong seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(initializer);
        architecture.EnsureHasLayers();
        var theta = new T[architecture.ParameterCount];
        var random = new RandomGenerator(RandomState.FromSeed(seed));
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            var layer = architecture.Stack[l];
            var weights = theta.AsSpan(architecture.WeightOffset(l), layer.WeightCount);
            if (layer.InitialWeight is { } fixedWeight)
            {
                weights.Fill(T.CreateChecked(fixedWeight));
                continue;
            }

            var (fanIn, fanOut) = layer.Fan;
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = T.CreateChecked(initializer.Draw(fanIn, fanOut, ref random));
            }
        }

        return new Network<T>(architecture, ParameterVector<T>.Own(theta));
    }

    /// <summary>A network from a parameter vector in the architecture's layout (copied), with the state a new network starts with.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="architecture">The layer stack.</param>
    /// <param name="parameters">θ, length <see cref="Architecture.ParameterCount"/>.</param>
    /// <returns>The new network.</returns>
    public static Network<T> FromParameters<T>(Architecture architecture, ReadOnlySpan<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(architecture, ParameterVector<T>.Create(parameters));

    /// <summary>
    /// A network from explicit weight matrices (rows = outputs, columns = inputs) and bias vectors; a null bias
    /// makes a layer without bias.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="layers">Per layer: W^l, b^l (or null) and σ. Neighbouring sizes must chain.</param>
    /// <returns>The new network.</returns>
    /// <exception cref="ArgumentException">Sizes do not chain, a bias has the wrong length, or a value is not finite.</exception>
    public static Network<T> FromWeights<T>(IReadOnlyList<LayerWeights<T>> layers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layers);
        Guard.NotDefault(layers, nameof(layers));
        if (layers.Count == 0)
        {
            throw new ArgumentException("layers must hold at least 1 layer, but holds 0.", nameof(layers));
        }

        var dense = new List<DenseLayer>(layers.Count);
        foreach (var layer in layers)
        {
            ArgumentNullException.ThrowIfNull(layer);
            dense.Add(new DenseLayer(layer.Weights.Columns, layer.Weights.Rows, layer.Activation, layer.Bias is not null));
        }

        var architecture = Architecture.FromLayers(dense[0].Inputs, dense);
        var theta = new T[architecture.ParameterCount];
        for (var l = 0; l < layers.Count; l++)
        {
            layers[l].Weights.AsSpan().CopyTo(theta.AsSpan(architecture.WeightOffset(l)));
            layers[l].Bias?.AsSpan().CopyTo(theta.AsSpan(architecture.BiasOffset(l)));
        }

        return new Network<T>(architecture, ParameterVector<T>.Own(theta));
    }

    /// <summary>
    /// A network from trained matrices in the bias-first-column layout Θ^l (outputs × (1 + inputs)), where
    /// column 0 holds b^l and the rest W^l — the layout of the classic course's weight files.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="thetas">Θ^l per layer.</param>
    /// <param name="activations">σ per layer, as many as <paramref name="thetas"/>.</param>
    /// <returns>The new network.</returns>
    public static Network<T> FromBiasFirstColumns<T>(IReadOnlyList<T[,]> thetas, IReadOnlyList<Activation> activations)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(thetas);
        ArgumentNullException.ThrowIfNull(activations);
        Guard.NotDefault(thetas, nameof(thetas));
        Guard.NotDefault(activations, nameof(activations));
        Guard.Length(nameof(activations), thetas.Count, activations.Count);
        var layers = new List<LayerWeights<T>>(thetas.Count);
        for (var l = 0; l < thetas.Count; l++)
        {
            layers.Add(LayerWeights<T>.FromBiasFirstColumn(thetas[l], activations[l]));
        }

        return FromWeights<T>(layers);
    }

    /// <summary>The output a^L for one input x.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="input">x, of length <see cref="Network{T}.InputSize"/>, all finite.</param>
    /// <returns>A fresh array of length <see cref="Network{T}.OutputSize"/>.</returns>
    public static T[] Forward<T>(Network<T> network, ReadOnlySpan<T> input)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        Guard.Length(nameof(input), network.InputSize, input.Length);
        Guard.Finite(nameof(input), input);
        var workspace = KeptWorkspaces<T>.Rent(network.Architecture, 1);
        try
        {
            Propagation.Forward(network.Architecture, network.Parameters.AsSpan(), input, 1, workspace, PassMode<T>.Inference(network.State.AsSpan()), outputsOnly: true);
            return workspace.Output(1).ToArray();
        }
        finally
        {
            KeptWorkspaces<T>.Return(workspace);
        }
    }

    /// <summary>
    /// The outputs for a batch X, one row per sample, computed in passes of a few hundred rows through one small
    /// workspace: the memory a call uses beyond its result does not grow with the batch, and each row's outputs are
    /// the bits one pass over the whole batch would give. The workspace is kept for the thread's next call with the
    /// same architecture (weakly: the collector may take it back), so a loop of calls allocates only its results.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, rows × <see cref="Network{T}.InputSize"/>, all finite.</param>
    /// <returns>A new matrix rows × <see cref="Network{T}.OutputSize"/>.</returns>
    public static Matrix<T> Forward<T>(Network<T> network, Matrix<T> inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ValidateInputs(network, inputs);
        var outputs = OutputBuffer(network, inputs);
        var workspace = KeptWorkspaces<T>.Rent(network.Architecture, PiecewiseForward.WorkspaceRows<T>(network.Architecture, inputs.Rows));
        try
        {
            return Outputs(network, inputs, workspace, outputs);
        }
        finally
        {
            KeptWorkspaces<T>.Return(workspace);
        }
    }

    /// <summary>
    /// The outputs for a batch X with its rows split over <paramref name="threads"/> threads (the caller's and
    /// <paramref name="threads"/> − 1 workers lent to this call, started by an earlier call or by this one and parked
    /// when it returns), each thread taking its own contiguous share through a workspace of its own (kept, like the
    /// one-thread call's, for the calling thread's next call with the same architecture). Each output is
    /// computed by one thread in the one-thread order, so the result is bit for bit that of
    /// <see cref="Forward{T}(Network{T}, Matrix{T})"/>. Worth it for large batches (thousands of rows).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, rows × <see cref="Network{T}.InputSize"/>, all finite.</param>
    /// <param name="threads">How many threads, 1 to <see cref="Limits.MaxThreads"/>.</param>
    /// <returns>A new matrix rows × <see cref="Network{T}.OutputSize"/>.</returns>
    /// <example><code>var probabilities = Network.Forward(network, testImages, threads: 2);</code></example>
    public static Matrix<T> Forward<T>(Network<T> network, Matrix<T> inputs, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ValidateInputs(network, inputs);
        Limits.Size(nameof(threads), threads, Limits.MaxThreads, nameof(Limits.MaxThreads));
        var outputs = OutputBuffer(network, inputs);
        var pool = Kernels.IdleTeams.Rent(threads);
        try
        {
            var pieces = KeptWorkspaces<T>.Rent(network.Architecture, inputs.Rows, pool);
            try
            {
                pieces.Forward(network.Parameters.AsSpan(), network.State.AsSpan(), inputs.AsSpan(), inputs.Rows, outputs);
            }
            finally
            {
                KeptWorkspaces<T>.Return(pieces);
            }

            return Matrix<T>.Own(inputs.Rows, network.OutputSize, outputs);
        }
        finally
        {
            Kernels.IdleTeams.Return(pool);
        }
    }

    /// <summary>The forward pass with every z^l and a^l kept, as backpropagation needs them.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, one sample per row.</param>
    /// <returns>The trace.</returns>
    public static ForwardTrace<T> Trace<T>(Network<T> network, Matrix<T> inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ValidateInputs(network, inputs);
        var workspace = new Workspace<T>(network.Architecture, inputs.Rows);
        Propagation.Forward(network.Architecture, network.Parameters.AsSpan(), inputs.AsSpan(), inputs.Rows, workspace, PassMode<T>.Inference(network.State.AsSpan()));
        var z = ImmutableArray.CreateBuilder<Matrix<T>>();
        var a = ImmutableArray.CreateBuilder<Matrix<T>>();
        a.Add(inputs);
        for (var l = 0; l < network.Architecture.Stack.Length; l++)
        {
            var width = network.Architecture.Stack[l].OutputShape.Size;
            z.Add(Matrix<T>.Own(inputs.Rows, width, workspace.Z[l].AsSpan(0, inputs.Rows * width).ToArray()));
            a.Add(Matrix<T>.Own(inputs.Rows, width, workspace.A[l].AsSpan(0, inputs.Rows * width).ToArray()));
        }

        return new ForwardTrace<T>(z.ToImmutable(), a.ToImmutable());
    }

    /// <summary>
    /// The index of the largest output for each row: the predicted class; −1 for a row whose outputs are not all finite,
    /// which has no largest output (see <see cref="ClassificationReport.NonFiniteSamples"/>).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, one sample per row.</param>
    /// <returns>A fresh array of class indices, one per row.</returns>
    public static int[] Classify<T>(Network<T> network, Matrix<T> inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var outputs = Forward(network, inputs);
        var classes = new int[outputs.Rows];
        for (var i = 0; i < outputs.Rows; i++)
        {
            classes[i] = Kernels.TensorKernels.IndexOfMaxIfFinite(outputs.Row(i));
        }

        return classes;
    }

    /// <summary>
    /// The result's buffer, rows × outputs, refused before anything else is allocated when it would pass the element
    /// limit (the pieces' workspace is small, but the whole batch's outputs are one array).
    /// </summary>
    private static T[] OutputBuffer<T>(Network<T> network, Matrix<T> inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var top = network.Architecture.Stack.Length - 1;
        return new T[Limits.Elements(nameof(inputs), inputs.Rows, network.OutputSize, $"a batch of {inputs.Rows} rows through layer {top}'s {network.OutputSize} outputs")];
    }

    /// <summary>The inference outputs of every row of <paramref name="inputs"/> into <paramref name="outputs"/>, in pieces through <paramref name="workspace"/>.</summary>
    private static Matrix<T> Outputs<T>(Network<T> network, Matrix<T> inputs, Workspace<T> workspace, T[] outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        PiecewiseForward.Forward(network.Architecture, network.Parameters.AsSpan(), network.State.AsSpan(), inputs.AsSpan(), inputs.Rows, workspace, outputs);
        return Matrix<T>.Own(inputs.Rows, network.OutputSize, outputs);
    }

    internal static void ValidateInputs<T>(Network<T> network, Matrix<T> inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ValidateInputShape(network, inputs);
        Guard.FiniteData(nameof(inputs), inputs.AsSpan());
    }

    /// <summary>The checks of <see cref="ValidateInputs{T}"/> but the values' (for a <see cref="Dataset{T}"/>'s inputs, finite when it was made).</summary>
    internal static void ValidateInputShape<T>(Network<T> network, Matrix<T> inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Columns != network.InputSize)
        {
            throw new ArgumentException($"inputs must have {network.InputSize} columns (the network's input size), but have {inputs.Columns}.", nameof(inputs));
        }

        if (inputs.Rows == 0)
        {
            throw new ArgumentException("inputs must hold at least 1 row, but hold 0.", nameof(inputs));
        }
    }
}
