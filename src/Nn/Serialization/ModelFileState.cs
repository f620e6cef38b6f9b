using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// What version 4 of the model file adds: the kinds batch normalisation and dropout, a flag byte saying whether the
/// preprocessing section follows the stack, and the network's state after θ.
/// </summary>
public static partial class ModelFile
{
    /// <summary>The first version with the state after θ (and the kinds that keep state or draw masks).</summary>
    private const ushort StateVersion = 4;

    /// <summary>
    /// A version-4 file: the stack, the preprocessing flag and section, θ, then the state; version 5 in the same
    /// layout when a category is empty, which only version 5 lets a reader take.
    /// </summary>
    private static byte[] Version4Bytes<T>(Network<T> network, Preprocessing? preprocessing)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var writer = new FormatWriter();
        var version = preprocessing is not null && PreprocessingFormat.HasEmptyCategory(preprocessing) ? PreprocessingFormat.EmptyCategoryVersion : StateVersion;
        writer.Header(Magic, version, ElementSize<T>());
        WriteStack(writer, network.Architecture);
        writer.Byte(preprocessing is null ? (byte)0 : (byte)1);
        if (preprocessing is not null)
        {
            PreprocessingFormat.Write(writer, preprocessing);
        }

        writer.Int64(network.Parameters.Length);
        writer.Vector(network.Parameters.AsSpan());
        writer.Int64(network.State.Length);
        writer.Vector(network.State.AsSpan());
        return writer.Finish();
    }

    /// <summary>The preprocessing section: always there in version 3, after a flag byte in version 4, absent before.</summary>
    private static Preprocessing? ReadPreprocessing(FormatReader reader, Architecture architecture, ushort version)
    {
        if (version < 3)
        {
            return null;
        }

        if (version >= StateVersion)
        {
            var at = reader.Offset;
            var flag = reader.Byte("the preprocessing flag");
            if (flag > 1)
            {
                throw reader.Error(at, "a preprocessing flag 0 or 1", $"{flag}");
            }

            if (flag == 0)
            {
                return null;
            }
        }

        return PreprocessingFormat.Read(reader, architecture, version);
    }

    /// <summary>The version a stack of layers needs: 2, or 4 when a layer kind is one version 4 added.</summary>
    internal static ushort StackVersion(Architecture architecture)
    {
        ushort version = 2;
        foreach (var layer in architecture.Stack)
        {
            version = Math.Max(version, layer.ModelFileVersion);
        }

        return version;
    }

    /// <summary>The state vector of a version-3 file: its count, which must be the architecture's, then finite values.</summary>
    internal static T[] ReadState<T>(FormatReader reader, Architecture architecture, int elementSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var at = reader.Offset;
        var count = reader.Int64("the state count");
        if (count != architecture.StateCount)
        {
            throw reader.Error(at, $"{architecture.StateCount} values of state (the architecture {architecture} keeps that many)", $"{count}");
        }

        at = reader.Offset;
        var state = reader.Vector<T>(architecture.StateCount, elementSize, "the state");
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            var layer = architecture.Stack[l];
            if (layer.InvalidState<T>(state.AsSpan(architecture.StateOffset(l), layer.StateCount)) is { } problem)
            {
                throw reader.Error(at + ((long)architecture.StateOffset(l) * elementSize), $"layer {l}'s state to be valid", problem);
            }
        }

        return state;
    }
}
