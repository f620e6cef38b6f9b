using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// One layer of an <see cref="Architecture"/>: its configuration only (shapes, sizes, activation), never its
/// parameters, which live in the network's θ at the offsets the architecture gives (weights first, then the bias).
/// Each kind — <see cref="DenseLayer"/>, <see cref="Conv2DLayer"/>, <see cref="MaxPool2DLayer"/>,
/// <see cref="BatchNormLayer"/>, <see cref="DropoutLayer"/> — is one file
/// holding its shape rule, parameter layout, initialiser fan-in/fan-out and its forward and backward passes, so
/// the code that runs a stack of layers never asks which kind it holds.
/// </summary>
/// <example><code>
/// Layer first = new Conv2DLayer(Shape.Image(1, 8, 8), filters: 8, kernelHeight: 3, kernelWidth: 3, Activation.Relu, padding: 1);
/// Shape after = first.OutputShape;   // 8x8x8
/// </code></example>
public abstract record Layer
{
    /// <summary>Only the kinds in this library derive from <see cref="Layer"/>; their passes are internal.</summary>
    private protected Layer()
    {
    }

    /// <summary>The shape the layer reads per sample.</summary>
    public abstract Shape InputShape { get; }

    /// <summary>The shape the layer writes per sample.</summary>
    public abstract Shape OutputShape { get; }

    /// <summary>σ, applied to the layer's weighted input (the identity for kinds without one, such as pooling).</summary>
    public abstract Activation Activation { get; }

    /// <summary>Whether the layer has a bias vector after its weights in θ.</summary>
    public abstract bool HasBias { get; }

    /// <summary>The number of weights, the first part of the layer's block of θ.</summary>
    public abstract int WeightCount { get; }

    /// <summary>The number of bias entries (0 without a bias), the second part of the layer's block of θ.</summary>
    public abstract int BiasCount { get; }

    /// <summary>The number of parameters: weights plus biases.</summary>
    public int ParameterCount => checked(WeightCount + BiasCount);

    /// <summary>
    /// The number of values of non-trainable state the layer keeps beside θ (a batch normalisation's running mean and
    /// variance; 0 for the other kinds), in the network's <see cref="Network{T}.State"/> at the offset
    /// <see cref="Architecture.StateOffset"/> gives.
    /// </summary>
    public virtual int StateCount => 0;

    /// <summary>The value every weight starts at, for kinds whose weights are not drawn by an initialiser (null: drawn).</summary>
    internal virtual double? InitialWeight => null;

    /// <summary>Whether the L2 term λ/(2m) Σ W² includes this layer's weights.</summary>
    internal virtual bool WeightsDecay => true;

    /// <summary>The oldest model-file version that knows this kind.</summary>
    internal virtual ushort ModelFileVersion => 2;

    /// <summary>Why <paramref name="state"/> (this layer's block of a network's state) cannot be used, or null when it can.</summary>
    internal virtual string? InvalidState<T>(ReadOnlySpan<T> state)
        where T : unmanaged, IFloatingPointIeee754<T> => null;

    /// <summary>Why this layer's constants cannot be held in <typeparamref name="T"/> (an ε that rounds to 0, say), or null when they can.</summary>
    internal virtual string? UnfitFor<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => null;

    /// <summary>Writes the state a new network starts with into <paramref name="state"/> (<see cref="StateCount"/> values).</summary>
    internal virtual void InitialState<T>(Span<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
    }

    /// <summary>The weights viewed as a matrix: rows (one per output unit or filter) × columns.</summary>
    internal abstract (int Rows, int Columns) WeightMatrix { get; }

    /// <summary>The fan-in and fan-out the initialisers scale the weights by.</summary>
    internal abstract (int In, int Out) Fan { get; }

    /// <summary>The layer as the <c>--layers</c> grammar and <see cref="Architecture.ToString"/> write it.</summary>
    internal abstract string Token { get; }

    /// <summary>The kind's name in version-2 model files ("dense", "conv2d", "maxpool2d"); <see cref="LayerKinds"/> maps it back to a reader.</summary>
    internal abstract string KindName { get; }

    /// <summary>Writes the fields that follow <see cref="KindName"/> in a version-2 model file (docs/file-format.md).</summary>
    internal abstract void WriteFields(FormatWriter writer);

    /// <summary>Whether the layer can read what a layer of output shape <paramref name="previous"/> writes.</summary>
    internal virtual bool Fits(Shape previous) => previous == InputShape;

    /// <summary>How many scratch values of the element type a pass over <paramref name="rows"/> samples needs.</summary>
    internal virtual long ScratchLength(int rows) => 0;

    /// <summary>How many scratch integers a pass over <paramref name="rows"/> samples needs.</summary>
    internal virtual long IndexLength(int rows) => 0;

    /// <summary>
    /// The discrete choices the last forward pass over <paramref name="rows"/> samples made (for max-pooling, the
    /// position of each window's first maximum), apart from which the layer's output is a smooth function of its input
    /// and parameters; empty for the kinds that make none. <see cref="GradientCheck"/> does not take a central
    /// difference as a derivative when its step changed one.
    /// </summary>
    internal virtual ReadOnlySpan<int> Choices<T>(LayerBuffers<T> buffers, int rows)
        where T : unmanaged, IFloatingPointIeee754<T> => ReadOnlySpan<int>.Empty;

    /// <summary>
    /// The forward pass over a batch: z from <paramref name="input"/> and the layer's block of θ, then a = σ(z).
    /// May overwrite the layer's scratch in <paramref name="buffers"/>; the backward pass may rely on what it left there.
    /// <paramref name="mode"/> (training or inference, the layer's block of running statistics) matters only to the
    /// kinds that behave differently in training.
    /// </summary>
    internal abstract void Forward<T>(
        ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, int rows, Span<T> z, Span<T> a, LayerBuffers<T> buffers, PassMode<T> mode)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The backward pass over a batch from δ = ∂C/∂z (which it may overwrite): the layer's gradient block written
    /// (or added to, with <paramref name="accumulate"/>), and, unless <paramref name="inputGradient"/> is empty,
    /// ∂C/∂(input) written into it (before the σ' of the layer below). Must follow the forward pass of the same batch,
    /// in the same <paramref name="mode"/>.
    /// </summary>
    internal abstract void Backward<T>(
        ReadOnlySpan<T> parameters,
        ReadOnlySpan<T> input,
        Span<T> delta,
        int rows,
        Span<T> gradient,
        bool accumulate,
        Span<T> inputGradient,
        LayerBuffers<T> buffers,
        PassMode<T> mode)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Whether a stack hands this layer ∂C/∂a rather than δ when the layer above sends its gradient down
    /// (<see cref="BackwardFromActivationGradient{T}"/>), so that σ' runs inside the layer's own pass over the batch, on
    /// the threads that then read δ, rather than as a pass of its own.
    /// </summary>
    internal virtual bool TakesActivationGradient => false;

    /// <summary>
    /// The backward pass from ∂C/∂a (<paramref name="gradientA"/>): δ = ∂C/∂a ⊙ σ'(z) written over it, then as
    /// <see cref="Backward{T}"/>. This default applies σ' to the whole batch first; a kind that runs the batch by parts
    /// overrides it to apply σ' to each part as it takes it.
    /// </summary>
    /// <param name="parameters">The layer's block of θ.</param>
    /// <param name="input">What the forward pass read.</param>
    /// <param name="z">The layer's z from the forward pass.</param>
    /// <param name="a">The layer's a from the forward pass.</param>
    /// <param name="gradientA">∂C/∂a on entry; δ after.</param>
    /// <param name="rows">The samples.</param>
    /// <param name="gradient">The layer's gradient block, written or added to.</param>
    /// <param name="accumulate">Add to <paramref name="gradient"/> rather than overwrite it.</param>
    /// <param name="inputGradient">Receives ∂C/∂(input), or empty.</param>
    /// <param name="buffers">The layer's scratch.</param>
    /// <param name="mode">Training or inference, as the forward pass ran.</param>
    internal virtual void BackwardFromActivationGradient<T>(
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
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Activation.BackwardInto<T>(z, a, gradientA, gradientA, OutputShape.Size);
        Backward(parameters, input, gradientA, rows, gradient, accumulate, inputGradient, buffers, mode);
    }
}
