using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// An inference forward pass over a batch of any size in pieces of a few hundred rows through one small
/// workspace, writing each piece's outputs straight into the caller's array. Every row's outputs are the bits a
/// single pass over the whole batch gives (<see cref="PieceRows"/> keeps each piece on the batched products), but
/// a piece's z and a stay in cache from one layer to the next, and a call touches a few MB of fresh memory rather
/// than its whole batch's activations: on a virtual machine where the first write to a new page is slow, a
/// Network B pass over 10,000 rows through one whole-batch workspace took twice as long as in pieces of 256.
/// </summary>
internal static class PiecewiseForward
{
    /// <summary>The rows one pass takes at most: the measuring pass's groups too (<c>Evaluation</c>).</summary>
    internal const int PieceCapacity = 256;

    /// <summary>The most bytes of layer buffers a piece's workspace may span; a convolutional stack's rows are tens of KB, so its pieces are smaller.</summary>
    internal const long WorkspaceBytes = 8L << 20;

    /// <summary>Fewer rows than this per pass would leave the matrix products too short to reach speed.</summary>
    private const int MinimumRows = 16;

    /// <summary>
    /// The rows of a workspace for passes over <paramref name="rows"/> rows at most <paramref name="capacity"/> at a
    /// time: halved from the smaller of the two while a workspace of that many rows spans more than 8 MB, down to 16.
    /// </summary>
    public static int WorkspaceRows<T>(Architecture architecture, int rows, int capacity = PieceCapacity)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var chosen = Math.Min(rows, capacity);
        while (chosen > MinimumRows && Bytes<T>(architecture, chosen) > WorkspaceBytes)
        {
            chosen = Math.Max(MinimumRows, (chosen + 1) / 2);
        }

        return chosen;
    }

    /// <summary>
    /// The inference outputs of <paramref name="rows"/> rows of <paramref name="x"/> into <paramref name="outputs"/>
    /// (rows × output size), with the running <paramref name="statistics"/>, through <paramref name="workspace"/>
    /// (any capacity of at least twice <see cref="DenseKernels.SmallBatch"/>, or at least <paramref name="rows"/>),
    /// and, unless <paramref name="lastZ"/> is empty, the last layer's z into it (rows × output size), which a cost
    /// needs beside the outputs.
    /// </summary>
    public static void Forward<T>(
        Architecture architecture, ReadOnlySpan<T> theta, ReadOnlySpan<T> statistics, ReadOnlySpan<T> x, int rows, Workspace<T> workspace, Span<T> outputs, Span<T> lastZ = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = architecture.OutputSize;
        var last = architecture.Stack.Length - 1;
        int piece;
        for (var at = 0; at < rows; at += piece)
        {
            piece = PieceRows(rows - at, workspace.Capacity);
            Propagation.Forward(architecture, theta, x.Slice(at * architecture.InputSize), piece, workspace, PassMode<T>.Inference(statistics), outputsOnly: true);
            workspace.Output(piece).CopyTo(outputs.Slice(at * width, piece * width));
            if (!lastZ.IsEmpty)
            {
                workspace.Z[last].AsSpan(0, piece * width).CopyTo(lastZ.Slice(at * width, piece * width));
            }
        }
    }

    /// <summary>
    /// The rows of the next pass when <paramref name="left"/> rows remain: at most <paramref name="capacity"/>, and
    /// never a piece of fewer than <see cref="DenseKernels.SmallBatch"/> rows cut from a larger batch, since so few
    /// rows take the single-row product, which sums in another order than the batched product a whole pass takes.
    /// </summary>
    public static int PieceRows(int left, int capacity) =>
        left <= capacity ? left
        : left - capacity < DenseKernels.SmallBatch ? left - DenseKernels.SmallBatch
        : capacity;

    /// <summary>The bytes of a workspace's z, a, δ and scratch for <paramref name="rows"/> rows.</summary>
    private static long Bytes<T>(Architecture architecture, int rows)
        where T : unmanaged
    {
        var values = 0L;
        foreach (var layer in architecture.Stack)
        {
            values += layer.ScratchLength(rows) + (3L * rows * layer.OutputShape.Size);
        }

        return values * Unsafe.SizeOf<T>();
    }
}
