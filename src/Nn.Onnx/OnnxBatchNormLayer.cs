using System;
using System.Globalization;
using System.Numerics;
using Nn.Onnx.Protobuf;

namespace Nn.Onnx;

/// <summary>
/// Batch normalisation in its inference form: BatchNormalization(X, γ, β, running mean, running variance) with the
/// layer's ε, so y = γ (x − r_μ)/√(r_σ² + ε) + β per channel of N×C×H×W or per feature of N×C, as the library's
/// <see cref="Network.Forward{T}(Network{T}, Matrix{T})"/> computes it. The training-only momentum is not exported.
/// </summary>
internal sealed class OnnxBatchNormLayer : OnnxLayerMapping
{
    /// <inheritdoc/>
    public override string Write<T>(OnnxGraphWriter<T> graph, int layer, string input, bool isGraphOutput)
    {
        var norm = (BatchNormLayer)graph.Network.Architecture.Stack[layer];

        // ONNX's epsilon attribute is a float32: an ε that is 0 or ∞ there (possible in a float64 network) would make
        // the graph divide by √r_σ² alone, or give β for every input, where the library computes with ε itself.
        var epsilon = (float)norm.Epsilon;
        if (!(epsilon > 0) || float.IsInfinity(epsilon))
        {
            throw new NotSupportedException(string.Create(
                CultureInfo.InvariantCulture,
                $"layer {layer} is a batch normalisation with ε = {norm.Epsilon:R}, which is {epsilon:R} as the float32 that ONNX's BatchNormalization takes, so the graph would not compute the library's function."));
        }

        var features = norm.Features;
        var gamma = graph.Weights(layer, features);
        var beta = graph.Bias(layer)!;
        var mean = graph.State(layer, "running_mean", 0, features);
        var variance = graph.State(layer, "running_var", features, features);
        var y = graph.ValueName(layer, "a", isGraphOutput);
        var node = graph.Node($"layer{layer}.batchnorm", "BatchNormalization", [input, gamma, beta, mean, variance], y);
        node.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = epsilon });
        return y;
    }
}
