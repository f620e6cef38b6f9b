using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using Nn.Onnx.Protobuf;

namespace Nn.Onnx;

/// <summary>
/// Builds the ONNX model of a network: the graph input (batch × the input shape, N×C×H×W for an image), each
/// layer's nodes through its kind's mapping in <see cref="OnnxLayerKinds"/> (Gemm for dense layers, Conv, MaxPool,
/// a Flatten before the first dense layer over an image, then each activation's operator), and the graph output.
/// </summary>
internal static class OnnxModelBuilder
{
    /// <summary>The opset the graph is written against; Softmax's axis semantics are those of opset 13.</summary>
    public const long Opset = 13;

    /// <summary>The ONNX IR version that opset 13 belongs to.</summary>
    public const long IrVersion = 7;

    /// <summary>The whole model: graph, opset import and producer metadata.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network to export.</param>
    /// <param name="options">Names and metadata.</param>
    /// <param name="otherTensorBytes">The bytes of the tensors a caller adds to the graph (the preprocessing's constants).</param>
    /// <param name="networkInput">
    /// The value the first layer reads when a caller computes it in front of the network (the preprocessing's features),
    /// which then replaces the graph input; null for the options' input name. Either way the options' input and output
    /// names are kept out of the names the network's nodes use.
    /// </param>
    /// <returns>The model message, ready to serialize.</returns>
    /// <exception cref="NotSupportedException">T is neither float nor double, a layer's kind or activation has no ONNX operator, or the tensors alone take more than <see cref="OnnxExportOptions.MaxBytes"/> (the whole message is checked once complete: <see cref="OnnxSizeLimit.Checked"/>).</exception>
    /// <exception cref="ArgumentException">The input and output names are equal or clash with the graph's own names.</exception>
    public static ModelProto Build<T>(Network<T> network, OnnxExportOptions options, long otherTensorBytes = 0, string? networkInput = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var elementType = ElementType<T>();
        OnnxSizeLimit.CheckTensors((((long)network.Parameters.Length + network.State.Length) * Unsafe.SizeOf<T>()) + otherTensorBytes, options.MaxBytes);
        if (options.InputName == options.OutputName)
        {
            throw new ArgumentException($"InputName and OutputName must differ, but both are '{options.InputName}'.", nameof(options));
        }

        var architecture = network.Architecture;
        var graph = new OnnxGraphWriter<T>(network, options, elementType);
        var value = networkInput ?? options.InputName;
        graph.Graph.Input.Add(graph.BatchTensor(value, architecture.InputShape));
        graph.Graph.Output.Add(graph.BatchTensor(options.OutputName, architecture.OutputShape));

        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            var layer = architecture.Stack[l];
            value = OnnxLayerKinds.For(layer, l).Write(graph, l, value, isGraphOutput: l == architecture.Stack.Length - 1);
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Nn",
            ProducerVersion = typeof(Network).Assembly.GetName().Version?.ToString() ?? string.Empty,
            ModelVersion = options.ModelVersion,
            DocString = options.Description ?? string.Empty,
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        return model;
    }

    private static TensorProto.Types.DataType ElementType<T>()
    {
        if (typeof(T) == typeof(float))
        {
            return TensorProto.Types.DataType.Float;
        }

        if (typeof(T) == typeof(double))
        {
            return TensorProto.Types.DataType.Double;
        }

        throw new NotSupportedException($"ONNX export supports Network<float> and Network<double>, but the network's element type is {typeof(T).Name}.");
    }
}
