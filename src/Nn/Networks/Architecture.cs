using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Nn;

/// <summary>
/// The shape of a network: its input shape and its stack of layers (<see cref="DenseLayer"/>,
/// <see cref="Conv2DLayer"/>, <see cref="MaxPool2DLayer"/>, <see cref="BatchNormLayer"/>, <see cref="DropoutLayer"/>),
/// and from them the layout of the one contiguous parameter vector θ and of the non-trainable state beside it. Layer l's block is its weights (for a dense layer W^l, outputs × inputs, row-major; for a
/// convolution its kernels O×C×KH×KW) followed by its bias; blocks follow each other in layer order. Full-batch
/// optimisers, model files and generated code all share this layout. Shapes are checked as layers are added:
/// each layer must read what the one below writes (a dense layer reads any shape of its input size, flattened in
/// C,H,W order).
/// </summary>
/// <example><code>
/// var architecture = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid);
/// int weightsOfOutputLayer = architecture.WeightOffset(1);
/// var conv = Architecture.Input(1, 8, 8).Conv2D(8, 3, 3, Activation.Relu, padding: 1).MaxPool2D(2).Dense(10, Activation.Softmax);
/// </code></example>
public sealed class Architecture : IEquatable<Architecture>
{
    private readonly int[] weightOffsets;
    private readonly int[] biasOffsets;
    private readonly int[] stateOffsets;
    private readonly ImmutableArray<DenseLayer> dense;

    private Architecture(Shape inputShape, ImmutableArray<Layer> stack)
    {
        WithinLayerLimit(stack.Length);
        InputShape = inputShape;
        Stack = stack;
        IsDense = stack.All(layer => layer is DenseLayer);
        dense = IsDense ? stack.Cast<DenseLayer>().ToImmutableArray() : default;
        weightOffsets = new int[stack.Length];
        biasOffsets = new int[stack.Length];
        stateOffsets = new int[stack.Length];
        // Each layer is within the limit on its own, so the 64-bit running sum cannot overflow before it is checked.
        long offset = 0;
        for (var l = 0; l < stack.Length; l++)
        {
            var end = offset + stack[l].ParameterCount;
            if (end > Limits.MaxParameterCount)
            {
                var sizes = inputShape + string.Concat(stack.Select(layer => $"-{layer.OutputShape}"));
                throw new ArgumentException(
                    $"the architecture {sizes} has {stack.Sum(layer => (long)layer.ParameterCount)} parameters, more than Limits.MaxParameterCount = {Limits.MaxParameterCount}.",
                    "layers");
            }

            weightOffsets[l] = (int)offset;
            biasOffsets[l] = stack[l].HasBias ? (int)(offset + stack[l].WeightCount) : -1;
            offset = end;
        }

        ParameterCount = (int)offset;
        long state = 0;
        for (var l = 0; l < stack.Length; l++)
        {
            stateOffsets[l] = (int)state;
            state += stack[l].StateCount;
        }

        // A layer's state is two values per feature and features are at most int.MaxValue / 2 (Shape.Size), but
        // thousands of layers could still add up past one array.
        StateCount = state <= Limits.MaxParameterCount
            ? (int)state
            : throw new ArgumentException($"the architecture has {state} values of state, more than Limits.MaxParameterCount = {Limits.MaxParameterCount}.", "layers");
    }

    /// <summary>The number of inputs of the first layer: the size of <see cref="InputShape"/>.</summary>
    public int InputSize => InputShape.Size;

    /// <summary>The shape of one input sample (a vector for <see cref="Input(int)"/>, an image for <see cref="Input(int, int, int)"/>).</summary>
    public Shape InputShape { get; }

    /// <summary>Every layer, first to last, of whatever kind.</summary>
    public ImmutableArray<Layer> Stack { get; }

    /// <summary>Whether every layer is a <see cref="DenseLayer"/>; such networks run on the dense-only fast paths.</summary>
    public bool IsDense { get; }

    /// <summary>The layers, first to last, of a network made of dense layers only.</summary>
    /// <exception cref="InvalidOperationException">A layer is not dense (use <see cref="Stack"/>).</exception>
    public ImmutableArray<DenseLayer> Layers => IsDense
        ? dense
        : throw new InvalidOperationException($"the architecture {this} has layers that are not dense; read them from Stack.");

    /// <summary>The shape the last layer writes (the input shape when there are no layers yet).</summary>
    public Shape OutputShape => Stack.IsEmpty ? InputShape : Stack[^1].OutputShape;

    /// <summary>The number of outputs of the last layer (the input size when there are no layers yet).</summary>
    public int OutputSize => OutputShape.Size;

    /// <summary>The length of the parameter vector θ.</summary>
    public int ParameterCount { get; }

    /// <summary>The length of the non-trainable state beside θ (batch normalisations' running statistics); 0 for most networks.</summary>
    public int StateCount { get; }

    /// <summary>The activation of the last layer.</summary>
    /// <exception cref="InvalidOperationException">There are no layers.</exception>
    public Activation OutputActivation => Stack.IsEmpty
        ? throw new InvalidOperationException("the architecture has no layers.")
        : Stack[^1].Activation;

    /// <summary>Starts an architecture with the given number of inputs and no layers.</summary>
    /// <param name="size">The number of inputs, in 1..<see cref="Limits.MaxWidth"/>.</param>
    /// <returns>An architecture to add layers to with <see cref="Dense"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or exceeds <see cref="Limits.MaxWidth"/>.</exception>
    public static Architecture Input(int size)
    {
        Limits.Size(nameof(size), size, Limits.MaxWidth, nameof(Limits.MaxWidth));
        return new Architecture(Shape.Vector(size), ImmutableArray<Layer>.Empty);
    }

    /// <summary>Starts an architecture whose samples are images of C×H×W values, stored row-major in C,H,W order.</summary>
    /// <param name="channels">C, at least 1.</param>
    /// <param name="height">H, at least 1.</param>
    /// <param name="width">W, at least 1.</param>
    /// <returns>An architecture to add layers to.</returns>
    public static Architecture Input(int channels, int height, int width) =>
        new(Shape.Image(channels, height, width), ImmutableArray<Layer>.Empty);

    /// <summary>A new architecture with one more dense layer on top.</summary>
    /// <param name="outputs">The layer's number of outputs, in 1..<see cref="Limits.MaxWidth"/>.</param>
    /// <param name="activation">Its activation.</param>
    /// <param name="hasBias">Whether it has a bias vector.</param>
    /// <returns>A new architecture; this one is unchanged.</returns>
    /// <exception cref="ArgumentException">
    /// The width exceeds <see cref="Limits.MaxWidth"/>, or the network would exceed <see cref="Limits.MaxParameterCount"/> or <see cref="Limits.MaxLayers"/>.
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> is null.</exception>
    public Architecture Dense(int outputs, Activation activation, bool hasBias = true) => Append(DenseOn(OutputSize, outputs, activation, hasBias));

    /// <summary>A new architecture with a convolution on top (see <see cref="Conv2DLayer"/>); the top must be an image.</summary>
    /// <param name="filters">O, the number of kernels and output channels, at least 1.</param>
    /// <param name="kernelHeight">KH, at least 1.</param>
    /// <param name="kernelWidth">KW, at least 1.</param>
    /// <param name="activation">σ.</param>
    /// <param name="stride">s, at least 1.</param>
    /// <param name="padding">p, at least 0.</param>
    /// <param name="hasBias">Whether each filter has a bias.</param>
    /// <returns>A new architecture; this one is unchanged.</returns>
    /// <exception cref="ArgumentException">The layer does not fit the current output shape; the message names the layer and both shapes.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> is null.</exception>
    public Architecture Conv2D(int filters, int kernelHeight, int kernelWidth, Activation activation, int stride = 1, int padding = 0, bool hasBias = true)
    {
        ArgumentNullException.ThrowIfNull(activation);
        return Append(() => new Conv2DLayer(OutputShape, filters, kernelHeight, kernelWidth, activation, stride, padding, hasBias));
    }

    /// <summary>A new architecture with max-pooling on top (see <see cref="MaxPool2DLayer"/>); the top must be an image.</summary>
    /// <param name="window">K, the side of the window, at least 1.</param>
    /// <param name="stride">s, at least 1; null for s = K.</param>
    /// <returns>A new architecture; this one is unchanged.</returns>
    /// <exception cref="ArgumentException">The window does not fit the current output shape; the message names the layer and both shapes.</exception>
    public Architecture MaxPool2D(int window, int? stride = null) =>
        Append(() => new MaxPool2DLayer(OutputShape, window, stride));

    /// <summary>A new architecture with batch normalisation on top (see <see cref="BatchNormLayer"/>): per feature of a vector, per channel of an image.</summary>
    /// <param name="epsilon">ε &gt; 0, added to the variance.</param>
    /// <param name="momentum">The weight of each training batch's statistics in the running ones, in (0, 1].</param>
    /// <returns>A new architecture; this one is unchanged.</returns>
    /// <exception cref="ArgumentOutOfRangeException">ε or the momentum is out of range.</exception>
    public Architecture BatchNorm(double epsilon = BatchNormLayer.DefaultEpsilon, double momentum = BatchNormLayer.DefaultMomentum) =>
        Append(() => new BatchNormLayer(OutputShape, epsilon, momentum));

    /// <summary>A new architecture with inverted dropout on top (see <see cref="DropoutLayer"/>).</summary>
    /// <param name="rate">p, the probability of dropping each value in training, in [0, 1).</param>
    /// <returns>A new architecture; this one is unchanged.</returns>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1).</exception>
    public Architecture Dropout(double rate) =>
        Append(() => new DropoutLayer(OutputShape, rate));

    /// <summary>An architecture from an input shape and layers, each of which must read what the previous one writes.</summary>
    /// <param name="inputShape">The shape of one input sample.</param>
    /// <param name="layers">The layers, first to last.</param>
    /// <returns>The architecture.</returns>
    /// <exception cref="ArgumentException">A layer does not fit the output of the one below; the message names the layer and both shapes.</exception>
    public static Architecture FromStack(Shape inputShape, IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(layers);
        Guard.NotDefault(layers, nameof(layers));
        var list = layers.ToImmutableArray();
        var previous = inputShape;
        for (var l = 0; l < list.Length; l++)
        {
            ArgumentNullException.ThrowIfNull(list[l], nameof(layers));
            if (!list[l].Fits(previous))
            {
                throw new ArgumentException(
                    $"layer {l} ({list[l]}) reads {list[l].InputShape}, but {(l == 0 ? "the input" : $"layer {l - 1}")} gives {previous}.", nameof(layers));
            }

            previous = list[l].OutputShape;
        }

        return new Architecture(inputShape, list);
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
        Guard.NotDefault(sizes, nameof(sizes));
        if (sizes.Count < 2)
        {
            throw new ArgumentException($"sizes must hold the input size and at least one layer size (2 or more entries), but has {sizes.Count}.", nameof(sizes));
        }

        // The layers first, then one architecture: adding them one at a time made an architecture per layer, each
        // copying the layers below it (4096 layers took 0.5-1 s and 200 MB).
        WithinLayerLimit(sizes.Count - 1);
        var input = Input(sizes[0]).InputShape;
        var stack = ImmutableArray.CreateBuilder<Layer>(sizes.Count - 1);
        var below = input;
        for (var i = 1; i < sizes.Count; i++)
        {
            var layer = Made(DenseOn(below.Size, sizes[i], i == sizes.Count - 1 ? output : hidden, hasBias), stack.Count, below);
            stack.Add(layer);
            below = layer.OutputShape;
        }

        return new Architecture(input, stack.MoveToImmutable());
    }

    /// <summary>An architecture from a list of layers whose sizes must chain (each layer's inputs = the previous one's outputs).</summary>
    /// <param name="inputSize">The number of inputs of the first layer.</param>
    /// <param name="layers">The layers.</param>
    /// <returns>The architecture.</returns>
    /// <exception cref="ArgumentException">Two neighbouring layers do not fit together.</exception>
    public static Architecture FromLayers(int inputSize, IEnumerable<DenseLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Guard.NotDefault(layers, nameof(layers));
        Limits.Size(nameof(inputSize), inputSize, Limits.MaxWidth, nameof(Limits.MaxWidth));
        var list = layers.ToImmutableArray();
        var expected = inputSize;
        for (var l = 0; l < list.Length; l++)
        {
            ArgumentNullException.ThrowIfNull(list[l], nameof(layers));
            if (list[l].Inputs != expected)
            {
                throw new ArgumentException(
                    $"layer {l} must have {expected} inputs to follow the previous layer, but has {list[l].Inputs}.", nameof(layers));
            }

            expected = list[l].Outputs;
        }

        return new Architecture(Shape.Vector(inputSize), list.CastArray<Layer>());
    }

    /// <summary>Where W^l starts in θ.</summary>
    /// <param name="layer">The layer index, 0 for the first layer.</param>
    /// <returns>The offset.</returns>
    public int WeightOffset(int layer) => weightOffsets[CheckLayer(layer)];

    /// <summary>Where b^l starts in θ, or −1 when the layer has no bias.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The offset, or −1.</returns>
    public int BiasOffset(int layer) => biasOffsets[CheckLayer(layer)];

    /// <summary>Where layer l's block of the network's state starts (its length is the layer's <see cref="Layer.StateCount"/>).</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The offset into <see cref="Network{T}.State"/>.</returns>
    public int StateOffset(int layer) => stateOffsets[CheckLayer(layer)];

    /// <summary>Throws unless the architecture has at least one layer; networks need one.</summary>
    /// <exception cref="ArgumentException">There are no layers.</exception>
    internal void EnsureHasLayers()
    {
        if (Stack.IsEmpty)
        {
            throw new ArgumentException($"an architecture needs at least 1 layer, but has 0 (input size {InputSize}).", "architecture");
        }
    }

    private int CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)Stack.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer must be in [0, {Stack.Length}), but is {layer}.");
        }

        return layer;
    }

    /// <summary>This architecture with the layer <paramref name="make"/> builds for the current output on top; its shape errors name the layer.</summary>
    private Architecture Append(Func<Layer> make) => new(InputShape, Stack.Add(Made(make, Stack.Length, OutputShape)));

    private static void WithinLayerLimit(int count)
    {
        if (count > Limits.MaxLayers)
        {
            throw new ArgumentException($"an architecture has at most Limits.MaxLayers = {Limits.MaxLayers} layers, but this one would have {count}.", "layers");
        }
    }

    /// <summary>What makes a dense layer on <paramref name="inputs"/> values, its arguments checked now.</summary>
    private static Func<Layer> DenseOn(int inputs, int outputs, Activation activation, bool hasBias)
    {
        ArgumentNullException.ThrowIfNull(activation);
        Limits.Size(nameof(outputs), outputs, Limits.MaxWidth, nameof(Limits.MaxWidth));
        return () => new DenseLayer(inputs, outputs, activation, hasBias);
    }

    /// <summary>Layer <paramref name="index"/>, made on <paramref name="below"/> by <paramref name="make"/>; its shape errors name the layer.</summary>
    private static Layer Made(Func<Layer> make, int index, Shape below)
    {
        try
        {
            return make();
        }
        catch (ArgumentException error) when (error is not ArgumentOutOfRangeException)
        {
            var under = index == 0 ? "the input" : $"layer {index - 1}";
            throw new ArgumentException($"layer {index} cannot follow {under}, which gives {below}: {Guard.BareMessage(error)}", error.ParamName, error);
        }
    }

    /// <inheritdoc/>
    public bool Equals(Architecture? other) =>
        other is not null && InputShape == other.InputShape && Stack.SequenceEqual(other.Stack);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Architecture);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(InputShape);
        foreach (var layer in Stack)
        {
            hash.Add(layer);
        }

        return hash.ToHashCode();
    }

    /// <summary>The input shape, then each layer, e.g. "784-100(sigmoid)-10(softmax)" or "1x8x8-conv8k3p1(relu)-maxpool2-10(softmax)".</summary>
    /// <returns>A compact description.</returns>
    public override string ToString() => InputShape + string.Concat(Stack.Select(layer => "-" + layer.Token));

    /// <summary>Structural equality.</summary>
    public static bool operator ==(Architecture? left, Architecture? right) => Equals(left, right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(Architecture? left, Architecture? right) => !Equals(left, right);
}
