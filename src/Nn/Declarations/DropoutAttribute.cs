using System;

namespace Nn;

/// <summary>
/// Declares a dropout layer (the runtime's <see cref="DropoutLayer"/>) in a network declared with
/// <see cref="NetworkAttribute"/>, between two layers. A declared stack with dropout or batch normalisation gets
/// inference members that take running statistics, the training objective (the dropout masks of key 0) as its cost and
/// gradient, and a training step that takes a mask key (see docs/generator.md, "Batch normalisation and dropout");
/// a rate outside [0, 1) is diagnostic NN0018.
/// </summary>
/// <example><code>
/// [Network(typeof(float), Inputs = 64, Loss = LossKind.SoftmaxCrossEntropy)]
/// [Dense(0, 64, ActivationKind.Relu)]
/// [Dropout(1, 0.2)]
/// [Dense(2, 10, ActivationKind.Softmax)]
/// public static partial class Dropped;
/// </code></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Declares dropout.</summary>
    /// <param name="order">The layer's place in the stack, shared with every other layer attribute.</param>
    /// <param name="rate">p, the probability of dropping a unit in training.</param>
    public DropoutAttribute(int order, double rate)
    {
        Order = order;
        Rate = rate;
    }

    /// <summary>The layer's place in the stack.</summary>
    public int Order { get; }

    /// <summary>p.</summary>
    public double Rate { get; }
}
