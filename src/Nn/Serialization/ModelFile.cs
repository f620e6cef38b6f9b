using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;

namespace Nn;

/// <summary>What a model file holds, as <see cref="ModelFile.ReadInfo(string)"/> reports it.</summary>
/// <param name="Version">The format version.</param>
/// <param name="ElementType">"float32" or "float64".</param>
/// <param name="Architecture">The layer stack.</param>
/// <param name="Length">The file's size in bytes.</param>
public sealed record ModelFileInfo(int Version, string ElementType, Architecture Architecture, long Length);

/// <summary>
/// The versioned binary model file (docs/file-format.md): magic "NNMF", version, element type, the architecture
/// with activations by name, the parameter vector θ and a SHA-256 checksum. Version 2 stores the input shape and
/// each layer's kind and configuration; a dense network over a flat input is still written as version 1, which
/// older readers understand, and both versions load. Version 3 adds the preprocessing of a model trained on a table
/// (<see cref="Model{T}"/>, written by <see cref="Save{T}(Model{T}, string)"/>); version 4 the kinds batch
/// normalisation and dropout and the network's state (running statistics) after θ, written only for networks with
/// those kinds, so every other network keeps the bytes of its older version; version 5, in version 4's layout, lets a
/// category of the preprocessing be empty (a missing field in a categorical column) and is written only then; <see cref="Load{T}"/> reads the
/// network of any version, <see cref="LoadModel{T}(string)"/> the network with its preprocessing. <see cref="Save{T}(Network{T}, string)"/> writes atomically
/// (see <see cref="AtomicFile"/>); <see cref="Load{T}"/> checks every field and the checksum and throws
/// <see cref="ModelFormatException"/> on any corruption, returning no network.
/// </summary>
/// <example><code>
/// ModelFile.Save(network, "digits.nnm");
/// Network&lt;float&gt; again = ModelFile.Load&lt;float&gt;("digits.nnm");   // equal to network
/// </code></example>
public static partial class ModelFile
{
    /// <summary>The newest format version this library writes and reads (it reads every version from 1).</summary>
    public const ushort Version = 5;

    /// <summary>The most layers a file may declare: <see cref="Limits.MaxLayers"/>.</summary>
    public const int MaxLayers = Limits.MaxLayers;

    /// <summary>The four bytes every model file starts with: "NNMF".</summary>
    public static ReadOnlySpan<byte> Magic => "NNMF"u8;

    /// <summary>Saves a network atomically: the previous file at <paramref name="path"/> stays intact if anything fails.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>; the file records which.</typeparam>
    /// <param name="network">The network; its activations must be built-in ones (they are stored by name).</param>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException">An activation is not a built-in one.</exception>
    public static void Save<T>(Network<T> network, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bytes = ToBytes(network);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The file's bytes for a network.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network.</param>
    /// <returns>The complete file content, checksum included.</returns>
    public static byte[] ToBytes<T>(Network<T> network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var architecture = network.Architecture;
        if (StackVersion(architecture) >= StateVersion)
        {
            return Version4Bytes(network, null);
        }

        var writer = new FormatWriter();
        if (FitsVersion1(architecture))
        {
            writer.Header(Magic, 1, ElementSize<T>());
            WriteArchitecture(writer, architecture);
        }
        else
        {
            writer.Header(Magic, 2, ElementSize<T>());
            WriteStack(writer, architecture);
        }

        writer.Int64(network.Parameters.Length);
        writer.Vector(network.Parameters.AsSpan());
        return writer.Finish();
    }

    /// <summary>Loads a network, checking every field and the checksum.</summary>
    /// <typeparam name="T">The element type wanted; parameters stored with the other type are converted.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>The network.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid model file.</exception>
    public static Network<T> Load<T>(string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromBytes<T>(FormatFile.Read(path, Magic), path);
    }

    /// <summary>Reads a network from a model file's bytes.</summary>
    /// <typeparam name="T">The element type wanted.</typeparam>
    /// <param name="bytes">The complete file content.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The network.</returns>
    /// <exception cref="ModelFormatException">The bytes are not a valid model file.</exception>
    public static Network<T> FromBytes<T>(byte[] bytes, string fileName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(fileName);
        return ModelFromBytes<T>(bytes, fileName).Network;
    }

    /// <summary>What a model file holds, after checking it as thoroughly as <see cref="Load{T}"/> does.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Version, element type, architecture and size.</returns>
    /// <exception cref="ModelFormatException">The file is not a valid model file.</exception>
    public static ModelFileInfo ReadInfo(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ReadInfo(FormatFile.Read(path, Magic), path);
    }

    /// <summary>What a model file's bytes hold, checked as <see cref="FromBytes{T}"/> checks them.</summary>
    /// <param name="bytes">The complete file content (read once, so the file may be a pipe).</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>Version, element type, architecture and size.</returns>
    /// <exception cref="ModelFormatException">The bytes are not a valid model file.</exception>
    public static ModelFileInfo ReadInfo(byte[] bytes, string fileName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(fileName);
        var reader = new FormatReader(bytes, fileName);
        var elementSize = reader.ReadHeader(Magic, "model file", 1, Version, out var version);
        var architecture = version == 1 ? ReadArchitecture(reader) : ReadStack(reader, version);
        _ = ReadPreprocessing(reader, architecture, version);
        ReadParameters<double>(reader, architecture, elementSize);
        if (version >= StateVersion)
        {
            ReadState<double>(reader, architecture, elementSize);
        }

        reader.ExpectChecksumNext();
        return new ModelFileInfo(version, ElementTypeName(elementSize), architecture, bytes.Length);
    }

    internal static int ElementSize<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? 4 : typeof(T) == typeof(double) ? 8
        : throw new NotSupportedException($"the file format stores float or double, not {typeof(T).Name}.");

    internal static string ElementTypeName(int elementSize) => elementSize == 4 ? "float32" : "float64";

    /// <summary>Whether the version-1 layout (a flat input and dense layers) holds the architecture without loss.</summary>
    internal static bool FitsVersion1(Architecture architecture) => architecture.IsDense && !architecture.InputShape.IsImage;

    /// <summary>The version-1 architecture: input size and dense layer records. Checkpoint files embed it too.</summary>
    internal static void WriteArchitecture(FormatWriter writer, Architecture architecture)
    {
        if (!FitsVersion1(architecture))
        {
            throw new ArgumentException(
                $"this format stores dense layers over a flat input only, so it cannot hold {architecture} without losing its shapes or layers.",
                nameof(architecture));
        }

        EnsureBuiltInActivations(architecture);

        writer.Int32(architecture.InputSize);
        writer.Int32(architecture.Layers.Length);
        foreach (var layer in architecture.Layers)
        {
            writer.Int32(layer.Outputs);
            writer.Byte(layer.HasBias ? (byte)1 : (byte)0);
            writer.Name(layer.Activation.Name);
        }
    }

    /// <summary>The version-2 architecture: the input shape, then each layer's kind name and fields.</summary>
    internal static void WriteStack(FormatWriter writer, Architecture architecture)
    {
        EnsureBuiltInActivations(architecture);
        var input = architecture.InputShape;
        writer.Byte(input.IsImage ? (byte)1 : (byte)0);
        writer.Int32(input.Channels);
        writer.Int32(input.Height);
        writer.Int32(input.Width);
        writer.Int32(architecture.Stack.Length);
        foreach (var layer in architecture.Stack)
        {
            writer.Name(layer.KindName);
            layer.WriteFields(writer);
        }
    }

    /// <summary>
    /// Reads what <see cref="WriteStack"/> wrote in a file of <paramref name="version"/>; a layer that does not fit the
    /// shape below it, or whose kind that version does not know, is a format error naming both.
    /// </summary>
    internal static Architecture ReadStack(FormatReader reader, ushort version)
    {
        var kindAt = reader.Offset;
        var kind = reader.Byte("the input kind");
        if (kind > 1)
        {
            throw reader.Error(kindAt, "the input kind 0 (vector) or 1 (image)", $"{kind}");
        }

        var channels = reader.Int32InRange("the input channels", 1, int.MaxValue);
        var height = reader.Int32InRange("the input height", 1, kind == 1 ? int.MaxValue : 1);
        var width = reader.Int32InRange("the input width", 1, kind == 1 ? int.MaxValue : 1);
        // In 128 bits, as Shape.Image does: int.MaxValue² × 8 passes 2⁶³ and wrapped round in long to a size that passed.
        if ((Int128)channels * height * width > int.MaxValue)
        {
            throw reader.Error(kindAt + 1, $"an input of at most {int.MaxValue} values", $"{channels}x{height}x{width}");
        }

        var input = kind == 1 ? Shape.Image(channels, height, width) : Shape.Vector(channels);
        var count = reader.Int32InRange("the layer count", 1, MaxLayers);
        var layers = new List<Layer>(count);
        var shape = input;
        var parameters = 0L;
        for (var l = 0; l < count; l++)
        {
            var at = reader.Offset;
            var name = reader.Name($"layer {l}'s kind");
            if (!LayerKinds.Readers.TryGetValue(name, out var read))
            {
                throw reader.Error(at, $"layer {l}'s kind: {string.Join(", ", LayerKinds.Readers.Keys)}", $"'{name}'");
            }

            Layer layer;
            try
            {
                layer = read(reader, shape, l);
                parameters += layer.ParameterCount;
            }
            catch (ArgumentException error) when (error is ArgumentOutOfRangeException)
            {
                throw reader.Error(at, $"layer {l} ({name}) with fields in range", error.Message);
            }
            catch (ArgumentException error)
            {
                throw reader.Error(at, $"layer {l} ({name}) to fit the shape {shape} below it", error.Message);
            }
            catch (OverflowException)
            {
                throw reader.Error(at, $"layer {l} with at most {int.MaxValue} parameters", "more");
            }

            if (parameters > Limits.MaxParameterCount)
            {
                throw reader.Error(at, $"at most {Limits.MaxParameterCount} parameters (Limits.MaxParameterCount)", $"{parameters} up to layer {l}");
            }

            if (layer.ModelFileVersion > version)
            {
                throw reader.Error(at, $"layer {l}'s kind among those of version {version}", $"'{name}', which version {layer.ModelFileVersion} added");
            }

            layers.Add(layer);
            shape = layer.OutputShape;
        }

        return Architecture.FromStack(input, layers);
    }

    /// <summary>A layer's bias flag byte, 0 or 1.</summary>
    internal static bool ReadBiasFlag(FormatReader reader, int index)
    {
        var at = reader.Offset;
        var flags = reader.Byte($"layer {index}'s flags");
        if (flags > 1)
        {
            throw reader.Error(at, $"layer {index}'s flags 0 or 1 (has bias)", $"{flags}");
        }

        return flags == 1;
    }

    /// <summary>A layer's activation, by its built-in name.</summary>
    internal static Activation ReadActivation(FormatReader reader, int index)
    {
        var at = reader.Offset;
        var name = reader.Name($"layer {index}'s activation name");
        return Activation.TryParse(name) ?? throw reader.Error(at, $"layer {index}'s activation: identity, sigmoid, tanh, relu or softmax", $"'{name}'");
    }

    private static void EnsureBuiltInActivations(Architecture architecture)
    {
        foreach (var layer in architecture.Stack)
        {
            if (Activation.TryParse(layer.Activation.Name) != layer.Activation)
            {
                throw new ArgumentException(
                    $"activation '{layer.Activation.Name}' is not a built-in activation, so a file cannot restore it by name; use identity, sigmoid, tanh, relu or softmax.",
                    nameof(architecture));
            }
        }
    }

    internal static Architecture ReadArchitecture(FormatReader reader)
    {
        var inputSize = reader.Int32InRange("the input size", 1, Limits.MaxWidth);
        var count = reader.Int32InRange("the layer count", 1, MaxLayers);
        var layers = new List<DenseLayer>(count);
        var inputs = inputSize;
        var parameters = 0L;
        for (var l = 0; l < count; l++)
        {
            var outputsAt = reader.Offset;
            var outputs = reader.Int32InRange($"layer {l}'s output count", 1, Limits.MaxWidth);
            var hasBias = ReadBiasFlag(reader, l);
            var activation = ReadActivation(reader, l);

            // Both widths are at most 2^24, so the 64-bit sum cannot overflow before it is compared with the limit.
            parameters += ((long)inputs * outputs) + (hasBias ? outputs : 0);
            if (parameters > Limits.MaxParameterCount)
            {
                throw reader.Error(outputsAt, $"at most {Limits.MaxParameterCount} parameters (Limits.MaxParameterCount)", $"layers with {parameters} or more");
            }

            layers.Add(new DenseLayer(inputs, outputs, activation, hasBias));
            inputs = outputs;
        }

        return Architecture.FromLayers(inputSize, layers);
    }

    internal static T[] ReadParameters<T>(FormatReader reader, Architecture architecture, int elementSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var at = reader.Offset;
        var count = reader.Int64("the parameter count");
        if (count != architecture.ParameterCount)
        {
            throw reader.Error(at, $"{architecture.ParameterCount} parameters (the architecture {architecture} needs that many)", $"{count}");
        }

        return reader.Vector<T>(architecture.ParameterCount, elementSize, "the parameters");
    }
}
