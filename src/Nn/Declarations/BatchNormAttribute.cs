using System;

namespace Nn;

/// <summary>
/// Declares batch normalisation (the runtime's <see cref="BatchNormLayer"/>, with its default ε and momentum) in a
/// network declared with <see cref="NetworkAttribute"/>, between two layers: per feature of a vector, or per channel
/// of an image. Its γ and β take their place in θ, and its running mean and variance live in a span of running
/// statistics laid out as <see cref="Network{T}.State"/>, which the generated inference members read and the generated
/// training step updates (see docs/generator.md, "Batch normalisation and dropout").
/// </summary>
/// <example><code>
/// [Network(typeof(float), Inputs = 64, Loss = LossKind.SoftmaxCrossEntropy)]
/// [Dense(0, 64, ActivationKind.Relu)]
/// [BatchNorm(1)]
/// [Dense(2, 10, ActivationKind.Softmax)]
/// public static partial class Normalised;
/// </code></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>Declares batch normalisation.</summary>
    /// <param name="order">The layer's place in the stack, shared with every other layer attribute.</param>
    public BatchNormAttribute(int order) => Order = order;

    /// <summary>The layer's place in the stack.</summary>
    public int Order { get; }
}
