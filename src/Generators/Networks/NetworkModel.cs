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

/// <summary>
/// Everything the emitter needs for one declared network, as plain values: no symbols, syntax or locations, so
/// equal declarations compare equal and the generator's cache holds.
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
    int ParameterCount)
{
    public string ElementType => IsDouble ? "double" : "float";

    public int Outputs => Layers[Layers.Length - 1].Outputs;

    public LayerModel Last => Layers[Layers.Length - 1];

    public bool HasL2 => L2 != 0;
}
