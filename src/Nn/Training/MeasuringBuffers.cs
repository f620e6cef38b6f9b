using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The buffers of a measuring pass (<see cref="Evaluation.Measure{T}"/>): a forward workspace of
/// <see cref="ForwardRows"/> rows, or one per thread of a training run (<see cref="Pieces"/>), and, when a pass
/// takes fewer rows than <see cref="CostRows"/> or the threads share a group out, the last layer's z and a for a
/// group of <see cref="CostRows"/> rows. The costs of a group are summed together as one forward pass over the whole
/// group would sum them, so the measured cost does not depend on how many rows each forward pass takes. Owned by
/// the function or training run that made it; the pass overwrites all of it.
/// </summary>
internal sealed class MeasuringBuffers<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// The most bytes of layer buffers (z, a, δ and scratch) one forward pass of a measuring workspace may span. A
    /// convolutional stack's buffers grow by tens of KB a row, and, while convolutions still built the im2col matrix
    /// of a whole pass, measuring LeNet-5's 4,096-image probe in passes of 256 rows took 0.20–0.24 s against
    /// 0.145–0.17 s in passes of 32–64 (CPU time, Intel Xeon VM); a dense stack's rows are a few KB, so it keeps its 256.
    /// </summary>
    internal const long ForwardBytes = PiecewiseForward.WorkspaceBytes;

    /// <param name="architecture">The network's architecture.</param>
    /// <param name="costRows">The rows whose costs are summed together, at least 1.</param>
    /// <param name="team">The run's threads, each of which then takes its own share of a group's rows (<see cref="Pieces"/>), or null.</param>
    /// <param name="forwardRows">The rows of one forward pass, at least twice <see cref="DenseKernels.SmallBatch"/> (tests set it); null chooses by <see cref="ForwardRowsFor"/>.</param>
    public MeasuringBuffers(Architecture architecture, int costRows, GemmTeam<T>? team, int? forwardRows = null)
    {
        CostRows = costRows;
        if (team is null || team.Pool.Threads == 1)
        {
            Workspace = new Workspace<T>(architecture, Math.Min(costRows, forwardRows ?? ForwardRowsFor(architecture, costRows)));
        }
        else
        {
            Pieces = new ParallelPieces<T>(architecture, costRows, team.Pool);
        }

        var staged = Workspace is null || Workspace.Capacity < costRows ? costRows * architecture.OutputSize : 0;
        Z = new T[staged];
        A = new T[staged];
    }

    /// <summary>The rows whose costs are summed together (a group).</summary>
    public int CostRows { get; }

    /// <summary>The rows of one forward pass on the calling thread: <see cref="Workspace"/>'s capacity (<see cref="CostRows"/> with <see cref="Pieces"/>).</summary>
    public int ForwardRows => Workspace?.Capacity ?? CostRows;

    /// <summary>The forward workspace of passes on the calling thread alone; null when <see cref="Pieces"/> takes the passes.</summary>
    public Workspace<T>? Workspace { get; }

    /// <summary>
    /// The threads' own workspaces when the run has more than one thread: each takes a share of a group's rows and
    /// writes their last layer's z and a into <see cref="Z"/> and <see cref="A"/>; null on one thread.
    /// </summary>
    public ParallelPieces<T>? Pieces { get; }

    /// <summary>The last layer's z of a group, gathered from its forward passes (empty when one pass on the calling thread takes a whole group).</summary>
    public T[] Z { get; }

    /// <summary>The last layer's a of a group, like <see cref="Z"/>.</summary>
    public T[] A { get; }

    /// <summary>
    /// The rows per forward pass for groups of <paramref name="costRows"/>: halved from <paramref name="costRows"/>
    /// while a workspace of that many rows spans more than <see cref="ForwardBytes"/>, down to 16.
    /// </summary>
    public static int ForwardRowsFor(Architecture architecture, int costRows) =>
        PiecewiseForward.WorkspaceRows<T>(architecture, costRows, costRows);
}
