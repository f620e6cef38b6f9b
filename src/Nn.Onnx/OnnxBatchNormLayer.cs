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
        var variance = graph.Values(layer, "running_var", Variance(graph.Network, layer, features, epsilon));
        var y = graph.ValueName(layer, "a", isGraphOutput);
        var node = graph.Node($"layer{layer}.batchnorm", "BatchNormalization", [input, gamma, beta, mean, variance], y);
        node.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = epsilon });
        return y;
    }

    /// <summary>
    /// r_σ² as ONNX reads it: ONNX Runtime adds the float32 ε_f of the attribute where the library adds ε in T, and in
    /// float64 the two differ (1e-5 is 9.99999974738e-6 as a float32), which moves a feature of r_σ² = 0 by 1.3e-8.
    /// So r_σ² + (ε − ε_f) is exported, which the runtime's + ε_f brings back to r_σ² + ε to rounding; in float32
    /// ε − ε_f is 0 and r_σ² is exported as it stands.
    /// </summary>
    private static T[] Variance<T>(Network<T> network, int layer, int features, float epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var correction = T.CreateChecked(((BatchNormLayer)network.Architecture.Stack[layer]).Epsilon) - T.CreateChecked((double)epsilon);
        var variance = network.State.AsSpan().Slice(network.Architecture.StateOffset(layer) + features, features).ToArray();
        for (var k = 0; k < variance.Length; k++)
        {
            variance[k] += correction;
        }

        return variance;
    }
}
