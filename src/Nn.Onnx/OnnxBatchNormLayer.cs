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
        var features = norm.Features;
        var gamma = graph.Weights(layer, features);
        var beta = graph.Bias(layer)!;
        var mean = graph.State(layer, "running_mean", 0, features);
        var variance = graph.State(layer, "running_var", features, features);
        var y = graph.ValueName(layer, "a", isGraphOutput);
        var node = graph.Node($"layer{layer}.batchnorm", "BatchNormalization", [input, gamma, beta, mean, variance], y);
        node.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = (float)norm.Epsilon });
        return y;
    }
}
