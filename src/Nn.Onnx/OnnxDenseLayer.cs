using System.Numerics;

namespace Nn.Onnx;

/// <summary>
/// A dense layer: Z^l = Gemm(A^(l−1), W^l, b^l, transB = 1), which is A^(l−1) (W^l)ᵀ + 1 (b^l)ᵀ, the batch form of
/// z^l = W^l a^(l−1) + b^l, then A^l = σ(Z^l). W^l is stored as the library keeps it (outputs × inputs, row-major),
/// hence transB. Over an image (after a convolution or pooling, or an image input) the input is first flattened
/// in C,H,W order, as the library reads it.
/// </summary>
internal sealed class OnnxDenseLayer : OnnxLayerMapping
{
    /// <inheritdoc/>
    public override string Write<T>(OnnxGraphWriter<T> graph, int layer, string input, bool isGraphOutput)
    {
        var dense = (DenseLayer)graph.Network.Architecture.Stack[layer];
        var below = layer == 0 ? graph.Network.Architecture.InputShape : graph.Network.Architecture.Stack[layer - 1].OutputShape;
        var rows = below.IsImage ? graph.Flatten(layer, "flat", input) : input;
        var weights = graph.Weights(layer, dense.Outputs, dense.Inputs);
        var bias = graph.Bias(layer);
        var z = graph.ValueName(layer, "z", isGraphOutput: false);
        var gemm = graph.Node($"layer{layer}.gemm", "Gemm", bias is null ? [rows, weights] : [rows, weights, bias], z);
        gemm.Attribute.Add(OnnxGraphWriter<T>.Int("transB", 1));
        return graph.Activate(layer, dense.Activation, z, dense.OutputShape, isGraphOutput);
    }
}
