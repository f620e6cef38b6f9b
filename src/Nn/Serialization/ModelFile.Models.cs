using System;
using System.IO;
using System.Numerics;

namespace Nn;

/// <summary>Model files with the preprocessing of a network trained on a table (version 3).</summary>
public static partial class ModelFile
{
    /// <summary>
    /// Saves a model atomically. With preprocessing the file is version 3 (the version-2 layer stack, then the
    /// preprocessing section); without, it is exactly the file <see cref="Save{T}(Network{T}, string)"/> writes.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>; the file records which.</typeparam>
    /// <param name="model">The network and its preprocessing.</param>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException">An activation is not a built-in one, or the preprocessing's widths are not the network's.</exception>
    public static void Save<T>(Model<T> model, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bytes = ToBytes(model);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The file's bytes for a model.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="model">The network and its preprocessing.</param>
    /// <returns>The complete file content, checksum included.</returns>
    /// <exception cref="ArgumentException">The preprocessing's input or output width is not the network's.</exception>
    public static byte[] ToBytes<T>(Model<T> model)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Preprocessing is not { } preprocessing)
        {
            return ToBytes(model.Network);
        }

        var architecture = model.Network.Architecture;
        Model<T>.Matched(model.Network, preprocessing);

        if (StackVersion(architecture) >= StateVersion || PreprocessingFormat.HasEmptyCategory(preprocessing))
        {
            return Version4Bytes(model.Network, preprocessing);
        }

        var writer = new FormatWriter();
        writer.Header(Magic, 3, ElementSize<T>());
        WriteStack(writer, architecture);
        PreprocessingFormat.Write(writer, preprocessing);
        writer.Int64(model.Network.Parameters.Length);
        writer.Vector(model.Network.Parameters.AsSpan());
        return writer.Finish();
    }

    /// <summary>Loads a model: the network, and its preprocessing when the file is version 3 (null for versions 1 and 2).</summary>
    /// <typeparam name="T">The element type wanted; parameters stored with the other type are converted.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid model file.</exception>
    public static Model<T> LoadModel<T>(string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        return ModelFromBytes<T>(FormatFile.Read(path, Magic), path);
    }

    /// <summary>Reads a model from a model file's bytes, checking every field and the checksum.</summary>
    /// <typeparam name="T">The element type wanted.</typeparam>
    /// <param name="bytes">The complete file content.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The model; its preprocessing is null for files of versions 1 and 2.</returns>
    /// <exception cref="ModelFormatException">The bytes are not a valid model file.</exception>
    public static Model<T> ModelFromBytes<T>(byte[] bytes, string fileName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(fileName);
        var reader = new FormatReader(bytes, fileName);
        var elementSize = reader.ReadHeader(Magic, "model file", 1, Version, out var version);
        var stackAt = reader.Offset;
        var architecture = version == 1 ? ReadArchitecture(reader) : ReadStack(reader, version);
        EnsureFits<T>(reader, architecture, stackAt);
        var preprocessing = ReadPreprocessing(reader, architecture, version);
        var parameters = ReadParameters<T>(reader, architecture, elementSize);
        var state = version >= StateVersion ? ReadState<T>(reader, architecture, elementSize) : null;
        reader.ExpectChecksumNext();
        var network = state is null
            ? new Network<T>(architecture, ParameterVector<T>.Own(parameters))
            : new Network<T>(architecture, ParameterVector<T>.Own(parameters), ParameterVector<T>.Own(state));
        return new Model<T>(network, preprocessing);
    }

    /// <summary>
    /// Refuses, as a fault of the file, layers whose constants <typeparamref name="T"/> cannot hold (a batch
    /// normalisation's ε that is 0 or infinite there), which the network's constructor would refuse as a bad argument.
    /// </summary>
    internal static void EnsureFits<T>(FormatReader reader, Architecture architecture, long stackAt)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            if (architecture.Stack[l].UnfitFor<T>() is { } unfit)
            {
                throw reader.Error(stackAt, $"layers whose constants {ElementTypes.Name<T>()} can hold", $"layer {l} with {unfit}");
            }
        }
    }
}
