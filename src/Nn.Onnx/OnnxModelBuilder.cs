using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Nn.Onnx.Protobuf;

namespace Nn.Onnx;

/// <summary>
/// Builds the ONNX graph of a dense network: per layer l, Z^l = Gemm(A^(l−1), W^l, b^l, transB = 1), which is
/// A^(l−1) (W^l)ᵀ + 1 (b^l)ᵀ, the batch form of z^l = W^l a^(l−1) + b^l; then A^l = σ(Z^l) with σ's operator.
/// W^l is stored as the library keeps it (outputs × inputs, row-major), hence transB.
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
    /// <returns>The model message, ready to serialize.</returns>
    /// <exception cref="NotSupportedException">T is neither float nor double, or a layer's activation has no ONNX operator.</exception>
    /// <exception cref="ArgumentException">The input and output names are equal or clash with the graph's own names.</exception>
    public static ModelProto Build<T>(Network<T> network, OnnxExportOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var elementType = ElementType<T>();
        if (options.InputName == options.OutputName)
        {
            throw new ArgumentException($"InputName and OutputName must differ, but both are '{options.InputName}'.", nameof(options));
        }

        var architecture = network.Architecture;
        if (!architecture.IsDense)
        {
            throw new NotSupportedException($"ONNX export holds dense networks only so far, and {architecture} has convolution or pooling layers.");
        }

        var graph = new GraphProto { Name = options.GraphName };
        graph.Input.Add(BatchTensor(options.InputName, elementType, architecture.InputSize, options.BatchDimensionName));
        graph.Output.Add(BatchTensor(options.OutputName, elementType, architecture.OutputSize, options.BatchDimensionName));

        var activations = options.InputName;
        for (var l = 0; l < architecture.Layers.Length; l++)
        {
            var layer = architecture.Layers[l];
            var opType = OnnxOperator.For(layer.Activation, l);
            var weightsName = $"layer{l}.weights";
            var biasName = $"layer{l}.bias";
            var zName = $"layer{l}.z";
            var aName = l == architecture.Layers.Length - 1 ? options.OutputName : $"layer{l}.a";
            CheckNameIsFree(options, weightsName, biasName, zName, aName == options.OutputName ? null : aName);

            graph.Initializer.Add(Tensor(weightsName, elementType, network.Weights(l).AsSpan(), layer.Outputs, layer.Inputs));
            var gemm = Node($"layer{l}.gemm", "Gemm", [activations, weightsName], zName);
            if (layer.HasBias)
            {
                graph.Initializer.Add(Tensor(biasName, elementType, network.Bias(l).Span, layer.Outputs));
                gemm.Input.Add(biasName);
            }

            gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            graph.Node.Add(gemm);

            var activation = Node($"layer{l}.{opType.ToLowerInvariant()}", opType, [zName], aName);
            if (opType == "Softmax")
            {
                activation.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
            }

            graph.Node.Add(activation);
            activations = aName;
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Nn",
            ProducerVersion = typeof(Network).Assembly.GetName().Version?.ToString() ?? string.Empty,
            ModelVersion = options.ModelVersion,
            DocString = options.Description ?? string.Empty,
            Graph = graph,
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

    private static void CheckNameIsFree(OnnxExportOptions options, params ReadOnlySpan<string?> internalNames)
    {
        foreach (var name in internalNames)
        {
            if (name is not null && (name == options.InputName || name == options.OutputName))
            {
                throw new ArgumentException($"the name '{name}' is used by the exported graph itself; choose another input or output name.", nameof(options));
            }
        }
    }

    private static NodeProto Node(string name, string opType, ReadOnlySpan<string> inputs, string output)
    {
        var node = new NodeProto { Name = name, OpType = opType };
        foreach (var input in inputs)
        {
            node.Input.Add(input);
        }

        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto BatchTensor(string name, TensorProto.Types.DataType elementType, int width, string batchName)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchName });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } },
        };
    }

    private static TensorProto Tensor<T>(string name, TensorProto.Types.DataType elementType, ReadOnlySpan<T> values, params ReadOnlySpan<int> dims)
        where T : unmanaged
    {
        var tensor = new TensorProto { Name = name, DataType = (int)elementType };
        foreach (var dim in dims)
        {
            tensor.Dims.Add(dim);
        }

        if (elementType == TensorProto.Types.DataType.Float)
        {
            foreach (var value in MemoryMarshal.Cast<T, float>(values))
            {
                tensor.FloatData.Add(value);
            }
        }
        else
        {
            foreach (var value in MemoryMarshal.Cast<T, double>(values))
            {
                tensor.DoubleData.Add(value);
            }
        }

        return tensor;
    }
}
