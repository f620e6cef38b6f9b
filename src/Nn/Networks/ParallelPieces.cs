using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// An inference forward pass over many rows in which each thread of a pool takes its own contiguous share of the rows
/// through a workspace of its own, piece by piece (<see cref="PiecewiseForward"/>), instead of every product and
/// layer of each piece being split over the threads. A piece of a convolutional stack is a few dozen rows, so the
/// split per layer meant a region every few tens of microseconds, each ending with the caller waiting for the slower
/// thread, and each thread reading the activations the other had just written; a thread's own share leaves nothing
/// to wait for until the end and keeps every activation in the cache of the core that made it. Owned by one
/// measuring pass or one call; allocates nothing per pass.
/// </summary>
/// <remarks>
/// Bit for bit the one-thread pass: a row's outputs do not depend on which other rows share its pass as long as every
/// pass takes the batched products (at least <see cref="DenseKernels.SmallBatch"/> rows, which
/// <see cref="PiecewiseForward.PieceRows"/> keeps and a share of at least <see cref="MinimumRowsPerPart"/> rows
/// allows), and no thread writes a row another thread writes.
/// </remarks>
internal sealed unsafe class ParallelPieces<T> : IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows fewer than this per thread stay with fewer threads: a share should fill the products' tiles.</summary>
    internal const int MinimumRowsPerPart = 16;

    private readonly WorkerPool pool;
    private readonly Workspace<T>[] workspaces;
    private T* theta;
    private int thetaLength;
    private T* statistics;
    private int statisticsLength;
    private T* x;
    private int rows;
    private T* outputs;
    private T* lastZ;

    /// <param name="architecture">The network's architecture.</param>
    /// <param name="rows">The most rows one call passes.</param>
    /// <param name="pool">The threads; each that a pass of <paramref name="rows"/> rows takes gets a workspace of its own, sized for its share.</param>
    public ParallelPieces(Architecture architecture, int rows, WorkerPool pool)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        this.pool = pool;
        Architecture = architecture;
        workspaces = new Workspace<T>[Math.Max(1, Math.Min(pool.Threads, rows / MinimumRowsPerPart))];
        var share = (rows + workspaces.Length - 1) / workspaces.Length;
        for (var i = 0; i < workspaces.Length; i++)
        {
            workspaces[i] = new Workspace<T>(architecture, PiecewiseForward.WorkspaceRows<T>(architecture, share));
        }
    }

    /// <summary>The architecture the workspaces are made for.</summary>
    public Architecture Architecture { get; }

    /// <summary>
    /// Whether a pass of <paramref name="count"/> rows on <paramref name="team"/> and kernel path <paramref name="path"/>
    /// goes here as it would through shares made for it: on the same team and path, over as many threads, through
    /// workspaces at least as large.
    /// </summary>
    public bool Serves(int count, WorkerPool team, KernelPath path)
    {
        var threads = Math.Max(1, Math.Min(team.Threads, count / MinimumRowsPerPart));
        var share = (count + threads - 1) / threads;
        return ReferenceEquals(team, pool) && workspaces[0].Path == path && workspaces.Length >= threads
            && workspaces[0].Capacity >= PiecewiseForward.WorkspaceRows<T>(Architecture, share);
    }

    /// <summary>How many threads a pass of <paramref name="count"/> rows is split over.</summary>
    public int Parts(int count) => Math.Max(1, Math.Min(workspaces.Length, count / MinimumRowsPerPart));

    /// <summary>
    /// The inference outputs of <paramref name="count"/> rows of <paramref name="x"/> into <paramref name="outputs"/>
    /// (count × output size), with the running <paramref name="statistics"/>, and, unless <paramref name="lastZ"/> is
    /// empty, the last layer's z into it: the bits of <see cref="PiecewiseForward.Forward{T}"/> over the same rows.
    /// </summary>
    public void Forward(ReadOnlySpan<T> theta, ReadOnlySpan<T> statistics, ReadOnlySpan<T> x, int count, Span<T> outputs, Span<T> lastZ = default)
    {
        var width = Architecture.OutputSize;
        if (x.Length < (long)count * Architecture.InputSize || outputs.Length < (long)count * width || (!lastZ.IsEmpty && lastZ.Length < (long)count * width))
        {
            throw new ArgumentException($"a pass of {count} rows needs {count} rows of inputs and of outputs.", nameof(count));
        }

        fixed (T* pt = theta, ps = statistics, px = x, po = outputs, pz = lastZ)
        {
            this.theta = pt;
            thetaLength = theta.Length;
            this.statistics = ps;
            statisticsLength = statistics.Length;
            this.x = px;
            rows = count;
            this.outputs = po;
            this.lastZ = lastZ.IsEmpty ? null : pz;
            try
            {
                pool.Run(this, Parts(count));
            }
            finally
            {
                this.theta = this.statistics = this.x = this.outputs = this.lastZ = null;
                thetaLength = statisticsLength = rows = 0;
            }
        }
    }

    void IPartitionedWork.Execute(int part, int parts)
    {
        var first = Partition.Start(rows, part, parts);
        var count = Partition.Start(rows, part + 1, parts) - first;
        var width = Architecture.OutputSize;
        PiecewiseForward.Forward(
            Architecture,
            new ReadOnlySpan<T>(theta, thetaLength),
            new ReadOnlySpan<T>(statistics, statisticsLength),
            new ReadOnlySpan<T>(x + ((long)first * Architecture.InputSize), count * Architecture.InputSize),
            count,
            workspaces[part],
            new Span<T>(outputs + ((long)first * width), count * width),
            lastZ is null ? default : new Span<T>(lastZ + ((long)first * width), count * width));
    }
}
