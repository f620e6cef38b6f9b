using System.Numerics;

namespace Nn.Onnx;

/// <summary>
/// How one layer kind becomes ONNX nodes. Each kind's mapping is one file (OnnxDenseLayer, OnnxConv2DLayer,
/// OnnxMaxPool2DLayer, OnnxBatchNormLayer, OnnxDropoutLayer) registered in <see cref="OnnxLayerKinds"/>; a kind without one cannot be exported.
/// </summary>
internal abstract class OnnxLayerMapping
{
    /// <summary>Writes layer <paramref name="layer"/>'s initializers and nodes, reading the value <paramref name="input"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="graph">The graph being written.</param>
    /// <param name="layer">The layer's index in the architecture's stack.</param>
    /// <param name="input">The name of the value the layer reads: batch × the shape below it (N×C×H×W for an image).</param>
    /// <param name="isGraphOutput">Whether the layer is the last, so its result is the graph output.</param>
    /// <returns>The name of the layer's result: batch × its output shape.</returns>
    public abstract string Write<T>(OnnxGraphWriter<T> graph, int layer, string input, bool isGraphOutput)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
