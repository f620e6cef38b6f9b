using System;

namespace Nn;

/// <summary>
/// Declares a network on a <c>partial</c> class or struct; the Nn source generator then writes, for the stack of
/// <see cref="DenseAttribute"/>, <see cref="Conv2DAttribute"/> and <see cref="MaxPool2DAttribute"/> layers on the same type, straight-line forward, cost and gradient code with the sizes
/// as constants, SGD steps, and conversions to and from the runtime <see cref="Network{T}"/>.
/// </summary>
/// <remarks>
/// Mistakes in a declaration are compile-time diagnostics NN0001… (see docs/diagnostics.md), reported at this
/// attribute or at the offending <see cref="DenseAttribute"/>.
/// </remarks>
/// <example><code>
/// [Network(typeof(float), Inputs = 64, Loss = LossKind.SoftmaxCrossEntropy)]
/// [Dense(0, 32, ActivationKind.Relu)]
/// [Dense(1, 10, ActivationKind.Softmax)]
/// public static partial class DigitsNetwork;
/// </code></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Declares a network whose numbers are of <paramref name="elementType"/>.</summary>
    /// <param name="elementType"><c>typeof(float)</c> or <c>typeof(double)</c>.</param>
    public NetworkAttribute(Type elementType) => ElementType = elementType;

    /// <summary>The element type T of parameters, inputs and outputs: <see cref="float"/> or <see cref="double"/>.</summary>
    public Type ElementType { get; }

    /// <summary>
    /// The number of inputs of the first layer, the length of x = a^0; at least 1. With <see cref="InputShape"/> it
    /// may be left out, or must equal C·H·W.
    /// </summary>
    public int Inputs { get; set; }

    /// <summary>
    /// The input as an image { C, H, W } (x is read in C,H,W order, row-major), which convolution and pooling layers
    /// need; null, the default, for a flat vector of <see cref="Inputs"/> values.
    /// </summary>
    public int[]? InputShape { get; set; }

    /// <summary>The cost function; it must support the last layer's activation (as <see cref="Nn.Loss.Supports"/> says).</summary>
    public LossKind Loss { get; set; }

    /// <summary>λ of the L2 term λ/(2m) Σ W² over the weights (never the biases); 0, the default, for none.</summary>
    public double L2 { get; set; }
}
