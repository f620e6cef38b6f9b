using System;

namespace Nn.Onnx;

/// <summary>
/// Names and metadata written into an exported ONNX model. Every property has a default, so
/// <c>new OnnxExportOptions()</c> gives a model with input "input", output "output" and a dynamic batch
/// dimension called "batch".
/// </summary>
/// <example><code>
/// var options = new OnnxExportOptions { InputName = "pixels", OutputName = "probabilities" };
/// byte[] model = OnnxExport.ToBytes(network, options);
/// </code></example>
public sealed record OnnxExportOptions
{
    private readonly string inputName = "input";
    private readonly string outputName = "output";
    private readonly string batchDimensionName = "batch";
    private readonly string graphName = "nn";
    private readonly long modelVersion = 1;

    /// <summary>The name of the graph input X (batch × inputs, or batch × C × H × W for an image input). Default "input".</summary>
    /// <exception cref="ArgumentException">The name is empty or only white space.</exception>
    public string InputName
    {
        get => inputName;
        init => inputName = NonBlank(nameof(InputName), value);
    }

    /// <summary>The name of the graph output a^L (batch × outputs). Default "output".</summary>
    /// <exception cref="ArgumentException">The name is empty or only white space.</exception>
    public string OutputName
    {
        get => outputName;
        init => outputName = NonBlank(nameof(OutputName), value);
    }

    /// <summary>The symbolic name of the first (batch) dimension of input and output. Default "batch".</summary>
    /// <exception cref="ArgumentException">The name is empty or only white space.</exception>
    public string BatchDimensionName
    {
        get => batchDimensionName;
        init => batchDimensionName = NonBlank(nameof(BatchDimensionName), value);
    }

    /// <summary>The name of the ONNX graph. Default "nn".</summary>
    /// <exception cref="ArgumentException">The name is empty or only white space.</exception>
    public string GraphName
    {
        get => graphName;
        init => graphName = NonBlank(nameof(GraphName), value);
    }

    /// <summary>The model's version number (ONNX <c>model_version</c>). Default 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The version is negative.</exception>
    public long ModelVersion
    {
        get => modelVersion;
        init => modelVersion = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ModelVersion), value, $"{nameof(ModelVersion)} must be 0 or more, but is {value}.");
    }

    /// <summary>A description stored in the model (ONNX <c>doc_string</c>), or null for none.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The most bytes the model may take, <see cref="OnnxSizeLimit.Bytes"/>; internal so that tests check the rule on
    /// a model of a few hundred bytes instead of building one of 2 GiB.
    /// </summary>
    internal long MaxBytes { get; init; } = OnnxSizeLimit.Bytes;

    private static string NonBlank(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        return string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"{name} must be a non-empty name, but is '{value}'.", name)
            : value;
    }
}
