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
/// with activations by name, the parameter vector θ and a SHA-256 checksum. <see cref="Save{T}"/> writes atomically
/// (see <see cref="AtomicFile"/>); <see cref="Load{T}"/> checks every field and the checksum and throws
/// <see cref="ModelFormatException"/> on any corruption, returning no network.
/// </summary>
/// <example><code>
/// ModelFile.Save(network, "digits.nnm");
/// Network&lt;float&gt; again = ModelFile.Load&lt;float&gt;("digits.nnm");   // equal to network
/// </code></example>
public static class ModelFile
{
    /// <summary>The format version this library writes and reads.</summary>
    public const ushort Version = 1;

    /// <summary>The most layers a file may declare: <see cref="Limits.MaxLayers"/>.</summary>
    public const int MaxLayers = Limits.MaxLayers;

    /// <summary>The four bytes every model file starts with: "NNMF".</summary>
    public static ReadOnlySpan<byte> Magic => "NNMF"u8;

    /// <summary>Saves a network atomically: the previous file at <paramref name="path"/> stays intact if anything fails.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>; the file records which.</typeparam>
    /// <param name="network">The network; its activations must be built-in ones (they are stored by name).</param>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException">An activation is not a built-in one, or a layer is not dense (this version stores dense layers only).</exception>
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
        var writer = new FormatWriter();
        writer.Header(Magic, Version, ElementSize<T>());
        WriteArchitecture(writer, network.Architecture);
        writer.Int64(network.Parameters.Length);
        writer.Vector(network.Parameters.AsSpan());
        return writer.Finish();
    }

    /// <summary>Loads a network, checking every field and the checksum.</summary>
    /// <typeparam name="T">The element type wanted; parameters stored with the other type are converted.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>The network.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid model file.</exception>
    public static Network<T> Load<T>(string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromBytes<T>(File.ReadAllBytes(path), path);
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
        var reader = new FormatReader(bytes, fileName);
        var elementSize = reader.ReadHeader(Magic, "model file", Version);
        var architecture = ReadArchitecture(reader);
        var parameters = ReadParameters<T>(reader, architecture, elementSize);
        reader.ExpectChecksumNext();
        return new Network<T>(architecture, ParameterVector<T>.Own(parameters));
    }

    /// <summary>What a model file holds, after checking it as thoroughly as <see cref="Load{T}"/> does.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Version, element type, architecture and size.</returns>
    /// <exception cref="ModelFormatException">The file is not a valid model file.</exception>
    public static ModelFileInfo ReadInfo(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ReadInfo(File.ReadAllBytes(path), path);
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
        var elementSize = reader.ReadHeader(Magic, "model file", Version);
        var architecture = ReadArchitecture(reader);
        ReadParameters<double>(reader, architecture, elementSize);
        reader.ExpectChecksumNext();
        return new ModelFileInfo(Version, ElementTypeName(elementSize), architecture, bytes.Length);
    }

    internal static int ElementSize<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? 4 : typeof(T) == typeof(double) ? 8
        : throw new NotSupportedException($"the file format stores float or double, not {typeof(T).Name}.");

    internal static string ElementTypeName(int elementSize) => elementSize == 4 ? "float32" : "float64";

    internal static void WriteArchitecture(FormatWriter writer, Architecture architecture)
    {
        if (!architecture.IsDense)
        {
            throw new ArgumentException(
                $"model file version {Version} stores dense layers only, so it cannot hold {architecture}; its convolution and pooling layers would be lost.",
                nameof(architecture));
        }

        foreach (var layer in architecture.Layers)
        {
            if (Activation.TryParse(layer.Activation.Name) != layer.Activation)
            {
                throw new ArgumentException(
                    $"activation '{layer.Activation.Name}' is not a built-in activation, so a file cannot restore it by name; use identity, sigmoid, tanh, relu or softmax.",
                    nameof(architecture));
            }
        }

        writer.Int32(architecture.InputSize);
        writer.Int32(architecture.Layers.Length);
        foreach (var layer in architecture.Layers)
        {
            writer.Int32(layer.Outputs);
            writer.Byte(layer.HasBias ? (byte)1 : (byte)0);
            writer.Name(layer.Activation.Name);
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
            var flagsAt = reader.Offset;
            var flags = reader.Byte($"layer {l}'s flags");
            if (flags > 1)
            {
                throw reader.Error(flagsAt, $"layer {l}'s flags 0 or 1 (has bias)", $"{flags}");
            }

            var nameAt = reader.Offset;
            var name = reader.Name($"layer {l}'s activation name");
            var activation = Activation.TryParse(name)
                ?? throw reader.Error(nameAt, $"layer {l}'s activation: identity, sigmoid, tanh, relu or softmax", $"'{name}'");

            // Both widths are at most 2^24, so the 64-bit sum cannot overflow before it is compared with the limit.
            parameters += ((long)inputs * outputs) + (flags == 1 ? outputs : 0);
            if (parameters > Limits.MaxParameterCount)
            {
                throw reader.Error(outputsAt, $"at most {Limits.MaxParameterCount} parameters (Limits.MaxParameterCount)", $"layers with {parameters} or more");
            }

            layers.Add(new DenseLayer(inputs, outputs, activation, flags == 1));
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
