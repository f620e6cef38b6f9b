using System;
using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>The activations the generator knows; the values match Nn.ActivationKind.</summary>
internal enum ActivationKind
{
    Identity = 0,
    Sigmoid = 1,
    Tanh = 2,
    Relu = 3,
    Softmax = 4,
}

/// <summary>The losses the generator knows; the values match Nn.LossKind.</summary>
internal enum LossKind
{
    Quadratic = 0,
    BinaryCrossEntropy = 1,
    SoftmaxCrossEntropy = 2,
}

/// <summary>One type in the chain that contains the declaration, outermost first: "partial {Keyword} {Name}".</summary>
internal sealed record TypeHeader(string Keyword, string Name);

/// <summary>One dense layer after validation: W is <see cref="Outputs"/> × <see cref="Inputs"/>.</summary>
internal sealed record LayerModel(int Inputs, int Outputs, ActivationKind Activation, bool HasBias, int WeightOffset, int BiasOffset)
{
    /// <summary>Layers with at most this many weights are written out as scalar statements.</summary>
    public const int UnrollLimit = 64;

    public int WeightCount => Inputs * Outputs;

    public bool IsUnrolled => WeightCount <= UnrollLimit;
}

/// <summary>The kinds of spatial layer the generator writes code for.</summary>
internal enum SpatialKind
{
    Convolution,
    MaxPooling,
}

/// <summary>
/// One convolution or max-pooling layer after validation, over an input C×H×W and writing O×OH×OW. A convolution's
/// block of θ is K (O×C×KH×KW) at <see cref="WeightOffset"/> then b at <see cref="BiasOffset"/> (−1 without); a
/// pooling layer has neither (its window is KH = KW, and it keeps the channels).
/// </summary>
internal sealed record SpatialLayerModel(
    SpatialKind Kind,
    int Channels,
    int Height,
    int Width,
    int Filters,
    int OutputHeight,
    int OutputWidth,
    int KernelHeight,
    int KernelWidth,
    int Stride,
    int Padding,
    ActivationKind Activation,
    bool HasBias,
    int WeightOffset,
    int BiasOffset)
{
    /// <summary>Kernels with at most this many taps have their KH×KW loop written out as one statement per tap.</summary>
    public const int UnrollLimit = 25;

    public bool IsConvolution => Kind == SpatialKind.Convolution;

    public int InputSize => Channels * Height * Width;

    public int OutputSize => Filters * OutputHeight * OutputWidth;

    public int PaddedHeight => Height + (2 * Padding);

    public int PaddedWidth => Width + (2 * Padding);

    /// <summary>C·KH·KW: one filter's weights, one receptive field.</summary>
    public int PatchSize => Channels * KernelHeight * KernelWidth;

    public int WeightCount => IsConvolution ? Filters * PatchSize : 0;

    public bool IsUnrolled => KernelHeight * KernelWidth <= UnrollLimit;

    /// <summary>Convolutions of more multiplications than this per sample go through the library's GEMM (im2row).</summary>
    public const int GemmLimit = 4096;

    public int Positions => OutputHeight * OutputWidth;

    /// <summary>
    /// Whether the convolution runs as products of matrices: its receptive fields copied into the rows of X̂ᵀ
    /// (positions × C·KH·KW), Zᵀ = X̂ᵀ Kᵀ, ∂C/∂K = Δᵀ X̂ᵀ and ∂C/∂X̂ᵀ = Δ K by the packed GEMM. Below
    /// <see cref="GemmLimit"/> multiplications the copying and packing cost more than they save, and the direct loops run.
    /// </summary>
    public bool UsesGemm => IsConvolution && (long)OutputSize * PatchSize > GemmLimit;
}

/// <summary>
/// One batch normalisation or dropout after validation, placed after the first <see cref="Position"/> convolution,
/// pooling and dense layers of the stack. It reads and writes <see cref="Features"/> channels of
/// <see cref="Plane"/> values each (a vector is <see cref="Plane"/> = 1). A batch normalisation's γ starts at
/// <see cref="ParameterOffset"/> in θ with β after it, and its running mean then variance at
/// <see cref="StateOffset"/> in the state; a dropout has neither (both −1) and drops with probability <see cref="Rate"/>.
/// </summary>
internal sealed record RegulariserModel(bool IsDropout, double Rate, int Position, int Features, int Plane, int ParameterOffset, int StateOffset)
{
    public int ParameterCount => IsDropout ? 0 : 2 * Features;

    public int StateCount => IsDropout ? 0 : 2 * Features;

    /// <summary>The layer declared as <paramref name="layer"/> over <paramref name="features"/> × <paramref name="plane"/> values, at the given offsets.</summary>
    public static RegulariserModel Create(DeclaredLayer layer, int position, int features, int plane, long parameterOffset, int stateOffset) =>
        layer.Kind == DeclaredKind.Dropout
            ? new RegulariserModel(true, layer.Rate, position, features, plane, -1, -1)
            : new RegulariserModel(false, 0, position, features, plane, (int)Math.Min(parameterOffset, int.MaxValue), stateOffset);
}

/// <summary>
/// Everything the emitter needs for one declared network, as plain values: no symbols, syntax or locations, so
/// equal declarations compare equal and the generator's cache holds. <see cref="Inputs"/> is the length of x (C·H·W
/// for an image); <see cref="Layers"/> are the dense layers, after the <see cref="Spatial"/> ones (empty without),
/// and <see cref="InputShape"/> is { C, H, W } or empty for a vector input.
/// </summary>
internal sealed record NetworkModel(
    string Namespace,
    EquatableArray<TypeHeader> Types,
    string DisplayName,
    string HintName,
    bool IsDouble,
    int Inputs,
    LossKind Loss,
    double L2,
    EquatableArray<LayerModel> Layers,
    int ParameterCount,
    EquatableArray<int> InputShape,
    EquatableArray<SpatialLayerModel> Spatial,
    EquatableArray<RegulariserModel> Regularisers,
    int StateCount)
{
    /// <summary>
    /// Whether batch normalisation or dropout is declared: their training passes depend on the whole batch (batch
    /// statistics) or a mask key, so every pass runs on the runtime's layer passes (Nn.Kernels.GeneratedStacks).
    /// </summary>
    public bool HasRegularisers => Regularisers.Length > 0;

    /// <summary>Whether convolution or pooling layers come before the dense ones, whose first layer reads their output flattened.</summary>
    public bool HasSpatial => Spatial.Length > 0;


    public string ElementType => IsDouble ? "double" : "float";

    public int Outputs => Layers[Layers.Length - 1].Outputs;

    public LayerModel Last => Layers[Layers.Length - 1];

    public bool HasL2 => L2 != 0;
}
