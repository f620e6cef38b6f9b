using System.Numerics;

namespace Nn.Onnx;

/// <summary>
/// Max-pooling: MaxPool(X) with kernel_shape [K, K] and strides [s, s], no padding and ONNX's default floor
/// rounding, so the output is ⌊(H − K)/s⌋ + 1 by ⌊(W − K)/s⌋ + 1 as in the library. No activation node follows:
/// pooling has none.
/// </summary>
internal sealed class OnnxMaxPool2DLayer : OnnxLayerMapping
{
    /// <inheritdoc/>
    public override string Write<T>(OnnxGraphWriter<T> graph, int layer, string input, bool isGraphOutput)
    {
        var pool = (MaxPool2DLayer)graph.Network.Architecture.Stack[layer];
        var a = graph.ValueName(layer, "a", isGraphOutput);
        var node = graph.Node($"layer{layer}.maxpool", "MaxPool", [input], a);
        node.Attribute.Add(OnnxGraphWriter<T>.Ints("kernel_shape", pool.Window, pool.Window));
        node.Attribute.Add(OnnxGraphWriter<T>.Ints("strides", pool.Stride, pool.Stride));
        return a;
    }
}
