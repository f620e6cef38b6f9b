using System.Numerics;

namespace Nn.Onnx;

/// <summary>
/// Dropout is the identity at inference, so it adds nothing to the graph: the layer above reads what the layer
/// below wrote. Only as the last layer does it need a node, an Identity, to give the graph its output name.
/// </summary>
internal sealed class OnnxDropoutLayer : OnnxLayerMapping
{
    /// <inheritdoc/>
    public override string Write<T>(OnnxGraphWriter<T> graph, int layer, string input, bool isGraphOutput)
    {
        if (!isGraphOutput)
        {
            return input;
        }

        var output = graph.ValueName(layer, "a", isGraphOutput);
        graph.Node($"layer{layer}.dropout", "Identity", [input], output);
        return output;
    }
}
