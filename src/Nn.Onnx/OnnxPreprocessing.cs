using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Numerics;
using Google.Protobuf;
using Nn.Onnx.Protobuf;

namespace Nn.Onnx;

/// <summary>
/// Exports a <see cref="Model{T}"/> trained on a table with its preprocessing as ONNX nodes before the network, so
/// the ONNX model takes raw rows: its input is batch × F, the F feature columns in the preprocessing's order as
/// numbers. MatMul by a 0/1 selection matrix copies each column to the network inputs it feeds (exactly: one term
/// of each sum is x·1, the others x·0); a numeric input becomes (x − mean) / sd (Sub, Div), a one-hot input
/// Cast(Equal(x, category)); Mul by 0/1 masks and Add keep the right one for each input, and the network's Gemm
/// layers follow (see <see cref="OnnxExport"/>). Only float and double tensors are used.
/// </summary>
/// <remarks>
/// <para>
/// The input has the model's element type, except that a float32 model with a standardised column that float32
/// cannot hold closely enough (<see cref="Float64Columns"/>: a Unix timestamp around 1.7e9, where float32's spacing is
/// 128, with a deviation of seconds) takes its raw columns as float64. The library standardises in double before it
/// narrows; so does that graph, which selects, standardises and compares categories in double and casts the
/// standardised values to float32 before the network.
/// </para>
/// <para>
/// The categories of an exported categorical column must be numbers (ONNX compares the raw input as a number, so a
/// category "3" matches 3.0 as well); a column of words is refused with <see cref="NotSupportedException"/>.
/// </para>
/// </remarks>
/// <example><code>
/// var model = ModelFile.LoadModel&lt;float&gt;("admit.nnm");
/// OnnxPreprocessing.Save(model, "admit.onnx");   // input: batch × 3 (gre, gpa, rank), as in the CSV file
/// </code></example>
public static class OnnxPreprocessing
{
    private const string Prefix = "preprocessing.";
    private const string Features = "preprocessing.features";

    /// <summary>The ONNX model of a model: its preprocessing's nodes, then its network's.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="model">The model; without preprocessing, the network alone is exported, as <see cref="OnnxExport.ToBytes{T}(Network{T}, OnnxExportOptions)"/> does.</param>
    /// <param name="options">Names and metadata; the input is the raw rows, in <typeparamref name="T"/> or, for a float32 model with <see cref="Float64Columns"/>, in float64.</param>
    /// <returns>A fresh byte array holding the model.</returns>
    /// <exception cref="NotSupportedException">
    /// A categorical column has a category that is not a number, or two that are the same number in the input's
    /// element type ("1" and "1.0"), or one that type cannot hold; or the model would take more than 2,147,483,591 bytes
    /// (its tensors, names and metadata); or the network cannot be exported.
    /// </exception>
    /// <exception cref="ArgumentException">The input and output names are equal or clash with the graph's own names (layer… and preprocessing.…).</exception>
    public static byte[] ToBytes<T>(Model<T> model, OnnxExportOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return OnnxSizeLimit.Checked(Build(model, options), options.MaxBytes).ToByteArray();
    }

    /// <summary>Saves the ONNX model of a model atomically (see <see cref="OnnxExport.Save{T}(Network{T}, string, OnnxExportOptions)"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="model">The model.</param>
    /// <param name="path">The file to write.</param>
    /// <exception cref="NotSupportedException">The model cannot be exported; no file is written or changed.</exception>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static void Save<T>(Model<T> model, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        // Empty only: a blank name is a file name nn export (like nn train --save) writes.
        if (path.Length == 0)
        {
            throw new ArgumentException("path must name a file, but is ''.", nameof(path));
        }

        var bytes = ToBytes(model, new OnnxExportOptions());
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// The standardised columns that make a float32 model's export take a float64 input: those whose standardised
    /// value (x − mean) / deviation would move by more than 1e-5 (the float32 export tolerance) if a raw value x
    /// four deviations from the mean, and the mean, were rounded to float32 first, as a float32 input does. A float64
    /// model's input is float64 whatever this says.
    /// </summary>
    /// <param name="preprocessing">The model's preprocessing.</param>
    /// <returns>The columns' names in the preprocessing's order; empty when the raw columns go in as float32.</returns>
    /// <example><code>
    /// OnnxPreprocessing.Float64Columns(model.Preprocessing!)   // ["timestamp"] for seconds around 1.7e9 with a deviation of 3
    /// </code></example>
    public static ImmutableArray<string> Float64Columns(Preprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        return OnnxInputPrecision.Float64Columns(preprocessing);
    }

    /// <summary>The model message of a model, its preprocessing's nodes first; internal for the tests that read it.</summary>
    internal static ModelProto Build<T>(Model<T> model, OnnxExportOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (model.Preprocessing is not { } preprocessing)
        {
            return OnnxModelBuilder.Build(model.Network, options);
        }

        foreach (var name in new[] { options.InputName, options.OutputName })
        {
            if (name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"the name '{name}' is used by the exported graph itself; choose another input or output name.", nameof(options));
            }
        }

        var elementType = typeof(T) == typeof(float) ? (int)TensorProto.Types.DataType.Float : (int)TensorProto.Types.DataType.Double;
        // The raw columns, and everything computed from them before the network's inputs, in float64 when float32
        // would round a standardised column's values by more than the tolerance; in the element type otherwise.
        var inputType = elementType == (int)TensorProto.Types.DataType.Float && !OnnxInputPrecision.Float64Columns(preprocessing).IsEmpty
            ? (int)TensorProto.Types.DataType.Double
            : elementType;
        var features = preprocessing.Features;
        var width = preprocessing.InputWidth;
        // The F × W selection matrix and four vectors in the input's type, the other mask in the element type: counted
        // before the F × W array is allocated (its length may pass int.MaxValue).
        var constants = ((((long)features.Length * width) + (4L * width)) * Size(inputType)) + (width * Size(elementType));
        // The network reads the features, and its nodes keep clear of the raw input's name as of the output's.
        var onnx = OnnxModelBuilder.Build(model.Network, options, constants, networkInput: Features);
        var graph = onnx.Graph;
        graph.Input.Clear();
        graph.Input.Add(RawInput(options, inputType, features.Length));

        // Per network input w: the feature column it reads, and its mean, deviation, category and whether it is one-hot.
        var selection = new double[features.Length * width];
        var mean = new double[width];
        var deviation = new double[width];
        var category = new double[width];
        var numeric = new double[width];
        var w = 0;
        for (var j = 0; j < features.Length; j++)
        {
            var feature = features[j];
            Representable(feature, inputType);
            for (var k = 0; k < feature.Width; k++, w++)
            {
                selection[(j * width) + w] = 1;
                mean[w] = feature.Mean;
                deviation[w] = feature.Deviation;
                category[w] = feature.IsCategorical ? Category(feature, feature.Categories[k]) : double.NaN;
                numeric[w] = feature.IsCategorical ? 0 : 1;
            }
        }

        graph.Initializer.Add(Constant($"{Prefix}selection", inputType, selection, features.Length, width));
        graph.Initializer.Add(Constant($"{Prefix}mean", inputType, mean, width));
        graph.Initializer.Add(Constant($"{Prefix}deviation", inputType, deviation, width));
        graph.Initializer.Add(Constant($"{Prefix}category", inputType, category, width));
        // In a float64 input's graph the numeric mask applies before the narrowing Cast: a one-hot input's category
        // (x − 0) / 1 may be beyond float32's range (1e39), and ∞ · 0 would be NaN where the mask should give 0.
        graph.Initializer.Add(Constant($"{Prefix}numeric", inputType, numeric, width));
        graph.Initializer.Add(Constant($"{Prefix}categorical", elementType, [.. numeric.Select(n => 1 - n)], width));
        // A network that takes an image gets each preprocessed row as one, batch × C × H × W (the rows are in C,H,W
        // order already); its Conv, MaxPool or BatchNormalization refuses the batch × W that the Add gives.
        var shape = model.Network.Architecture.InputShape;
        var joined = shape.IsImage ? $"{Prefix}rows" : Features;
        if (shape.IsImage)
        {
            var dims = new TensorProto { Name = $"{Prefix}image", DataType = (int)TensorProto.Types.DataType.Int64 };
            dims.Dims.Add(4);
            dims.Int64Data.AddRange([-1, shape.Channels, shape.Height, shape.Width]);
            graph.Initializer.Add(dims);
        }

        // A float64 input's standardised values are narrowed once, as the library narrows (x − mean) / sd, after the
        // numeric mask has zeroed the one-hot inputs' (see above).
        var wide = inputType != elementType;
        var kept = wide ? $"{Prefix}numbers64" : $"{Prefix}numbers";
        NodeProto[] nodes =
        [
            Node("select", "MatMul", [options.InputName, $"{Prefix}selection"], $"{Prefix}raw"),
            Node("sub", "Sub", [$"{Prefix}raw", $"{Prefix}mean"], $"{Prefix}centred"),
            Node("div", "Div", [$"{Prefix}centred", $"{Prefix}deviation"], $"{Prefix}standardised"),
            Node("equal", "Equal", [$"{Prefix}raw", $"{Prefix}category"], $"{Prefix}match"),
            Cast("cast", $"{Prefix}match", $"{Prefix}onehot", elementType),
            Node("keep-numbers", "Mul", [$"{Prefix}standardised", $"{Prefix}numeric"], kept),
            .. wide ? [Cast("narrow", kept, $"{Prefix}numbers", elementType)] : Array.Empty<NodeProto>(),
            Node("keep-categories", "Mul", [$"{Prefix}onehot", $"{Prefix}categorical"], $"{Prefix}categories"),
            Node("join", "Add", [$"{Prefix}numbers", $"{Prefix}categories"], joined),
            .. shape.IsImage ? [Node("image", "Reshape", [joined, $"{Prefix}image"], Features)] : Array.Empty<NodeProto>(),
        ];

        // Every node's inputs must be computed before it: the preprocessing goes first.
        for (var i = nodes.Length - 1; i >= 0; i--)
        {
            graph.Node.Insert(0, nodes[i]);
        }

        return onnx;
    }

    private static double Category(FeatureColumn feature, string category) =>
        double.TryParse(category, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
        : throw new NotSupportedException(
            $"the categorical column '{feature.Name}' has the category '{category}', which is not a number; an ONNX input of numbers cannot hold it, so only numeric categories are exported.");

    /// <summary>
    /// Refuses a categorical feature whose categories the graph's input type cannot hold as the library uses them:
    /// two categories that are the same number there ("1" and "1.0", or 16777216 and 16777217 in float32), which set
    /// both one-hot inputs for a value the library gives one, or one it holds only as ∞. A standardised column needs
    /// no check: <see cref="FeatureColumn"/> keeps its mean finite and its deviation positive and finite, and the
    /// input is float32 only when float32 holds them closely (<see cref="OnnxInputPrecision"/>), so the graph never
    /// subtracts ∞ or divides by 0.
    /// </summary>
    private static void Representable(FeatureColumn feature, int elementType)
    {
        var type = elementType == (int)TensorProto.Types.DataType.Float ? "float32" : "float64";
        if (!feature.IsCategorical)
        {
            return;
        }

        var seen = new Dictionary<double, string>();
        foreach (var text in feature.Categories)
        {
            var value = AsElement(Category(feature, text), elementType);
            if (!double.IsFinite(value))
            {
                throw new NotSupportedException(
                    $"the categorical column '{feature.Name}' has the category '{text}', which {type} cannot hold; an ONNX input of {type} numbers cannot match it, so the model is not exported.");
            }

            if (seen.TryGetValue(value, out var other))
            {
                throw new NotSupportedException(
                    $"the categorical column '{feature.Name}' has the categories '{other}' and '{text}', which are the same number in {type}; ONNX compares a category as a number, so an input equal to it would set both one-hot inputs, and the model is not exported.");
            }

            seen.Add(value, text);
        }
    }

    /// <summary>The bytes of one value of an element type (float or double).</summary>
    private static long Size(int elementType) => elementType == (int)TensorProto.Types.DataType.Float ? sizeof(float) : sizeof(double);

    /// <summary><paramref name="value"/> as the graph's element type holds it, widened back to double.</summary>
    private static double AsElement(double value, int elementType) => elementType == (int)TensorProto.Types.DataType.Float ? (float)value : value;

    private static ValueInfoProto RawInput(OnnxExportOptions options, int elementType, int width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = options.BatchDimensionName });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = options.InputName, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } } };
    }

    private static NodeProto Node(string name, string opType, string[] inputs, string output)
    {
        var node = new NodeProto { Name = Prefix + name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static NodeProto Cast(string name, string input, string output, int elementType)
    {
        var cast = Node(name, "Cast", [input], output);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = elementType });
        return cast;
    }

    private static TensorProto Constant(string name, int elementType, double[] values, params int[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = elementType };
        tensor.Dims.AddRange(dims.Select(d => (long)d));
        // Arrays exactly as long as the values, as OnnxGraphWriter's tensors (protobuf's writer sizes the whole array).
        if (elementType == (int)TensorProto.Types.DataType.Float)
        {
            tensor.FloatData.Capacity = values.Length;
            tensor.FloatData.AddRange(values.Select(v => (float)v));
        }
        else
        {
            tensor.DoubleData.Capacity = values.Length;
            tensor.DoubleData.AddRange(values);
        }

        return tensor;
    }
}
