using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Nn.Onnx;

/// <summary>
/// The one table of layer kinds the exporter maps to ONNX. A new layer kind in the library is one mapping file
/// plus one line here; a test walks every <see cref="Layer"/> subclass through this table and ONNX Runtime.
/// </summary>
internal static class OnnxLayerKinds
{
    /// <summary>Each exportable kind's mapping, by the layer record's type.</summary>
    public static ImmutableDictionary<Type, OnnxLayerMapping> Mappings { get; } = new Dictionary<Type, OnnxLayerMapping>
    {
        [typeof(DenseLayer)] = new OnnxDenseLayer(),
        [typeof(Conv2DLayer)] = new OnnxConv2DLayer(),
        [typeof(MaxPool2DLayer)] = new OnnxMaxPool2DLayer(),
        [typeof(BatchNormLayer)] = new OnnxBatchNormLayer(),
        [typeof(DropoutLayer)] = new OnnxDropoutLayer(),
    }.ToImmutableDictionary();

    /// <summary>The mapping of a layer's kind.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="index">Its index, for the message.</param>
    /// <returns>The mapping.</returns>
    /// <exception cref="NotSupportedException">The kind has no ONNX mapping.</exception>
    public static OnnxLayerMapping For(Layer layer, int index) =>
        Mappings.TryGetValue(layer.GetType(), out var mapping)
            ? mapping
            : throw new NotSupportedException($"layer {index} is a {layer.GetType().Name}, which has no ONNX mapping in this version of Nn.Onnx.");
}
