using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Nn.Onnx.Protobuf;

namespace Nn.Onnx;

/// <summary>
/// The graph being written for one network: its initializers and nodes in order, the names of its values, and the
/// activation nodes every kind shares. It owns the <see cref="GraphProto"/> it fills, which nothing else sees until
/// the export is complete, so the exporter stays a function of the network and the options.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>, the element type of every tensor but shapes.</typeparam>
internal sealed class OnnxGraphWriter<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly OnnxExportOptions options;

    /// <summary>Starts an empty graph named as the options say.</summary>
    /// <param name="network">The network being exported; its θ supplies the initializers.</param>
    /// <param name="options">The input, output and batch-dimension names.</param>
    /// <param name="elementType">float32 or float64.</param>
    public OnnxGraphWriter(Network<T> network, OnnxExportOptions options, TensorProto.Types.DataType elementType)
    {
        Network = network;
        this.options = options;
        ElementType = elementType;
        Graph = new GraphProto { Name = options.GraphName };
    }

    /// <summary>The graph written so far.</summary>
    public GraphProto Graph { get; }

    /// <summary>The network being exported.</summary>
    public Network<T> Network { get; }

    /// <summary>float32 or float64.</summary>
    public TensorProto.Types.DataType ElementType { get; }

    /// <summary>The graph input's name.</summary>
    public string InputName => options.InputName;

    /// <summary>The name of layer <paramref name="layer"/>'s value <paramref name="suffix"/>, or the graph output's name for the last value of the last layer.</summary>
    /// <exception cref="ArgumentException">The internal name is the one the caller chose for the input or output.</exception>
    public string ValueName(int layer, string suffix, bool isGraphOutput) => isGraphOutput ? options.OutputName : Internal($"layer{layer}.{suffix}");

    /// <summary>The graph input or output: batch × the shape's dimensions (C, H, W for an image), the batch dimension symbolic.</summary>
    public ValueInfoProto BatchTensor(string name, Shape shape)
    {
        var dims = new TensorShapeProto();
        dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = options.BatchDimensionName });
        foreach (var size in shape.IsImage ? [shape.Channels, shape.Height, shape.Width] : new[] { shape.Size })
        {
            dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)ElementType, Shape = dims } },
        };
    }

    /// <summary>Adds layer <paramref name="layer"/>'s weights W (as θ stores them, row-major) as an initializer of the given dimensions.</summary>
    /// <returns>The initializer's name, layer{l}.weights.</returns>
    public string Weights(int layer, params ReadOnlySpan<int> dims)
    {
        var name = Internal($"layer{layer}.weights");
        Graph.Initializer.Add(Tensor(name, Network.Weights(layer).AsSpan(), dims));
        return name;
    }

    /// <summary>Adds layer <paramref name="layer"/>'s bias b as a one-dimensional initializer, if it has one.</summary>
    /// <returns>The initializer's name, layer{l}.bias, or null for a layer without a bias.</returns>
    public string? Bias(int layer)
    {
        var bias = Network.Bias(layer).Span;
        if (bias.IsEmpty)
        {
            return null;
        }

        var name = Internal($"layer{layer}.bias");
        Graph.Initializer.Add(Tensor(name, bias, bias.Length));
        return name;
    }

    /// <summary>
    /// Adds <paramref name="count"/> values of the network's state (running statistics) from
    /// <paramref name="offset"/> within layer <paramref name="layer"/>'s block as a one-dimensional initializer.
    /// </summary>
    /// <returns>The initializer's name, layer{l}.{suffix}.</returns>
    public string State(int layer, string suffix, int offset, int count)
    {
        var name = Internal($"layer{layer}.{suffix}");
        Graph.Initializer.Add(Tensor(name, Network.State.AsSpan().Slice(Network.Architecture.StateOffset(layer) + offset, count), count));
        return name;
    }

    /// <summary>Adds <paramref name="values"/> as layer <paramref name="layer"/>'s one-dimensional initializer layer{l}.{suffix}.</summary>
    /// <returns>The initializer's name.</returns>
    public string Values(int layer, string suffix, ReadOnlySpan<T> values)
    {
        var name = Internal($"layer{layer}.{suffix}");
        Graph.Initializer.Add(Tensor(name, values, values.Length));
        return name;
    }

    /// <summary>Adds a node with one output; attributes are added to the returned node.</summary>
    public NodeProto Node(string name, string opType, ReadOnlySpan<string> inputs, string output)
    {
        var node = new NodeProto { Name = name, OpType = opType };
        foreach (var input in inputs)
        {
            node.Input.Add(input);
        }

        node.Output.Add(output);
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>Flatten(axis = 1): N×C×H×W to N×(C·H·W), read in C,H,W order as the library's dense layers read an image.</summary>
    /// <returns>The flattened value's name.</returns>
    public string Flatten(int layer, string suffix, string input)
    {
        var output = Internal($"layer{layer}.{suffix}");
        Node($"layer{layer}.{suffix}.flatten", "Flatten", [input], output).Attribute.Add(Int("axis", 1));
        return output;
    }

    /// <summary>
    /// a = σ(z) for layer <paramref name="layer"/>, z of per-sample shape <paramref name="shape"/>. Element-wise σ
    /// maps to one node; softmax normalises over each sample's values (all of C·H·W for an image, as the library
    /// does), so over an image it is Flatten, Softmax(axis = −1), then Reshape back to N×C×H×W.
    /// </summary>
    /// <returns>The activation's name.</returns>
    /// <exception cref="NotSupportedException">σ has no ONNX operator.</exception>
    public string Activate(int layer, Activation activation, string z, Shape shape, bool isGraphOutput)
    {
        var opType = OnnxOperator.For(activation, layer);
        var a = ValueName(layer, "a", isGraphOutput);
        var nodeName = $"layer{layer}.{opType.ToLowerInvariant()}";
        if (opType != "Softmax")
        {
            Node(nodeName, opType, [z], a);
            return a;
        }

        if (!shape.IsImage)
        {
            Node(nodeName, opType, [z], a).Attribute.Add(Int("axis", -1));
            return a;
        }

        var flat = Flatten(layer, "zflat", z);
        var probabilities = Internal($"layer{layer}.aflat");
        Node(nodeName, opType, [flat], probabilities).Attribute.Add(Int("axis", -1));
        var shapeName = Internal($"layer{layer}.shape");
        Graph.Initializer.Add(Int64Tensor(shapeName, -1, shape.Channels, shape.Height, shape.Width));
        Node($"layer{layer}.reshape", "Reshape", [probabilities, shapeName], a);
        return a;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A list-of-integers attribute, such as kernel_shape.</summary>
    public static AttributeProto Ints(string name, params ReadOnlySpan<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        foreach (var value in values)
        {
            attribute.Ints.Add(value);
        }

        return attribute;
    }

    /// <summary>A name the graph uses internally, refused if the caller chose it for the input or output.</summary>
    private string Internal(string name) =>
        name == options.InputName || name == options.OutputName
            ? throw new ArgumentException($"the name '{name}' is used by the exported graph itself; choose another input or output name.", "options")
            : name;

    private TensorProto Tensor(string name, ReadOnlySpan<T> values, params ReadOnlySpan<int> dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)ElementType };
        foreach (var dim in dims)
        {
            tensor.Dims.Add(dim);
        }

        // Each field's array is made exactly as long as its values. RepeatedField doubles it as values are added, and
        // Google.Protobuf writes a packed float or double field by pinning the whole array and sizing it as its length
        // times 4 or 8 in an int: a float32 weight matrix of 16385 × 16384 (just over 2^28 values, 1 GiB) had grown to
        // 2^29, 2^31 bytes, and ToBytes threw ArgumentOutOfRangeException.
        if (ElementType == TensorProto.Types.DataType.Float)
        {
            tensor.FloatData.Capacity = values.Length;
            foreach (var value in MemoryMarshal.Cast<T, float>(values))
            {
                tensor.FloatData.Add(value);
            }
        }
        else
        {
            tensor.DoubleData.Capacity = values.Length;
            foreach (var value in MemoryMarshal.Cast<T, double>(values))
            {
                tensor.DoubleData.Add(value);
            }
        }

        return tensor;
    }

    private static TensorProto Int64Tensor(string name, params ReadOnlySpan<long> values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        foreach (var value in values)
        {
            tensor.Int64Data.Add(value);
        }

        return tensor;
    }
}
