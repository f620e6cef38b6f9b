using System;

namespace Nn;

/// <summary>
/// Declares one 2-D convolution of a network declared with <see cref="NetworkAttribute"/> (the runtime's
/// <see cref="Conv2DLayer"/>): z[o,i,j] = b[o] + Σ_{c,u,v} K[o,c,u,v] · x̃[c, i·s+u, j·s+v], a = σ(z), with x̃ the
/// input zero-padded by p on each side. It reads an image C×H×W, so it comes before every dense layer, and the
/// network needs <see cref="NetworkAttribute.InputShape"/>. Its block of θ is K (O×C×KH×KW, row-major), then b.
/// </summary>
/// <example><code>
/// [Network(typeof(float), InputShape = new[] { 1, 28, 28 }, Loss = LossKind.SoftmaxCrossEntropy)]
/// [Conv2D(0, 6, 5, ActivationKind.Relu)]
/// [MaxPool2D(1, 2)]
/// [Dense(2, 10, ActivationKind.Softmax)]
/// public static partial class Small;
/// </code></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : Attribute
{
    /// <summary>Declares a convolution with a square KH = KW = <paramref name="kernel"/> kernel.</summary>
    /// <param name="order">The layer's place in the stack, shared with every other layer attribute.</param>
    /// <param name="filters">O, the number of kernels and output channels, at least 1.</param>
    /// <param name="kernel">The side of the square kernel, at least 1.</param>
    /// <param name="activation">σ (not softmax).</param>
    public Conv2DAttribute(int order, int filters, int kernel, ActivationKind activation)
        : this(order, filters, kernel, kernel, activation)
    {
    }

    /// <summary>Declares a convolution with a KH × KW kernel.</summary>
    /// <param name="order">The layer's place in the stack, shared with every other layer attribute.</param>
    /// <param name="filters">O, the number of kernels and output channels, at least 1.</param>
    /// <param name="kernelHeight">KH, at least 1.</param>
    /// <param name="kernelWidth">KW, at least 1.</param>
    /// <param name="activation">σ (not softmax).</param>
    public Conv2DAttribute(int order, int filters, int kernelHeight, int kernelWidth, ActivationKind activation)
    {
        Order = order;
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Activation = activation;
    }

    /// <summary>The layer's place in the stack.</summary>
    public int Order { get; }

    /// <summary>O, the number of output channels.</summary>
    public int Filters { get; }

    /// <summary>KH.</summary>
    public int KernelHeight { get; }

    /// <summary>KW.</summary>
    public int KernelWidth { get; }

    /// <summary>The activation σ.</summary>
    public ActivationKind Activation { get; }

    /// <summary>s, the step between receptive fields along both axes; 1 unless set.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>p, the zeros added on every side of the input; 0 unless set.</summary>
    public int Padding { get; set; }

    /// <summary>Whether each filter has a bias b[o]; true unless set to false.</summary>
    public bool HasBias { get; set; } = true;
}
