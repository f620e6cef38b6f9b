using System;

namespace Nn;

/// <summary>
/// Declares one dense layer z^l = W^l a^(l−1) + b^l, a^l = σ(z^l) of a network declared with
/// <see cref="NetworkAttribute"/>. Layers are stacked in ascending <see cref="Order"/>; each layer's inputs are the
/// previous layer's outputs (the first layer's are <see cref="NetworkAttribute.Inputs"/>).
/// </summary>
/// <example><code>
/// [Dense(0, 2, ActivationKind.Sigmoid, HasBias = false)]
/// </code></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a dense layer.</summary>
    /// <param name="order">The layer's place in the stack: layers run in ascending order, and no two share one.</param>
    /// <param name="outputs">The number of outputs j (rows of W^l), at least 1.</param>
    /// <param name="activation">The activation σ (softmax allowed on any layer).</param>
    public DenseAttribute(int order, int outputs, ActivationKind activation)
    {
        Order = order;
        Outputs = outputs;
        Activation = activation;
    }

    /// <summary>The layer's place in the stack.</summary>
    public int Order { get; }

    /// <summary>The number of outputs j.</summary>
    public int Outputs { get; }

    /// <summary>The activation σ.</summary>
    public ActivationKind Activation { get; }

    /// <summary>Whether the layer has a bias b^l; true unless set to false (the textbook's tiny network has none).</summary>
    public bool HasBias { get; set; } = true;
}
