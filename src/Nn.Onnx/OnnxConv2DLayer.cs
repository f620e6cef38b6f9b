using System.Numerics;

namespace Nn.Onnx;

/// <summary>
/// A convolution: Z = Conv(X, K, b) with kernel_shape [KH, KW], strides [s, s], pads [p, p, p, p] (top, left,
/// bottom, right), which is ONNX's cross-correlation z[n,o,i,j] = b[o] + Σ_{c,u,v} K[o,c,u,v] · x̃[n,c,i·s+u,j·s+v]
/// exactly as the library computes it; then A = σ(Z). K is θ's block as it stands (O×C×KH×KW, row-major); without a
/// bias the optional third input is left out.
/// </summary>
internal sealed class OnnxConv2DLayer : OnnxLayerMapping
{
    /// <inheritdoc/>
    public override string Write<T>(OnnxGraphWriter<T> graph, int layer, string input, bool isGraphOutput)
    {
        var conv = (Conv2DLayer)graph.Network.Architecture.Stack[layer];
        var kernels = graph.Weights(layer, conv.Filters, conv.InputShape.Channels, conv.KernelHeight, conv.KernelWidth);
        var bias = graph.Bias(layer);
        var z = graph.ValueName(layer, "z", isGraphOutput: false);
        var node = graph.Node($"layer{layer}.conv", "Conv", bias is null ? [input, kernels] : [input, kernels, bias], z);
        node.Attribute.Add(OnnxGraphWriter<T>.Ints("kernel_shape", conv.KernelHeight, conv.KernelWidth));
        node.Attribute.Add(OnnxGraphWriter<T>.Ints("strides", conv.Stride, conv.Stride));
        node.Attribute.Add(OnnxGraphWriter<T>.Ints("pads", conv.Padding, conv.Padding, conv.Padding, conv.Padding));
        return graph.Activate(layer, conv.Activation, z, conv.OutputShape, isGraphOutput);
    }
}
