using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// Copies the samples of one batch, in the epoch's order, into the training run's contiguous batch buffers. At
/// batch 128 of 784 inputs that is 400 KB gathered from scattered rows, a pass as long as a small product, so with
/// a <see cref="WorkerPool"/> the rows are split into one contiguous range per thread (a copy is a copy, whichever
/// thread makes it). Given an <see cref="InputMirror{T}"/> on two threads, each thread gathers the whole batch
/// instead, part 0 into the run's buffers and part 1 into the mirror, so that neither thread's products read x from
/// the other's core (on a VM whose two vCPUs sit far apart, about 2% of a Network B step; docs/benchmarks.md).
/// Owned by a training run; allocates nothing per batch.
/// </summary>
internal sealed class BatchGather<T> : IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Batches of fewer input values than this are copied on the calling thread alone.</summary>
    private const int MinimumParallelValues = 1 << 14;

    private readonly Dataset<T> data;
    private readonly int[] order;
    private readonly T[] inputs;
    private readonly T[] targets;
    private readonly WorkerPool? pool;
    private readonly InputMirror<T>? mirror;
    private bool mirroring;
    private int start;
    private int rows;

    /// <param name="data">The training set.</param>
    /// <param name="order">The epoch's order of sample indices (the run shuffles it in place).</param>
    /// <param name="inputs">The batch's x, rows × inputs.</param>
    /// <param name="targets">The batch's y, rows × outputs.</param>
    /// <param name="pool">The run's threads, or null.</param>
    /// <param name="mirror">Where the second of two threads gathers its own copy of x, or null.</param>
    public BatchGather(Dataset<T> data, int[] order, T[] inputs, T[] targets, WorkerPool? pool, InputMirror<T>? mirror = null)
    {
        this.mirror = mirror;
        this.data = data;
        this.order = order;
        this.inputs = inputs;
        this.targets = targets;
        this.pool = pool;
    }

    /// <summary>
    /// Copies the samples order[start .. start + rows) into the first rows of the batch buffers, on the calling thread
    /// alone when <paramref name="split"/> is false (a step that will not split its work then reads them from its own
    /// cache rather than half from the other core's).
    /// </summary>
    public void Gather(int start, int rows, bool split = true)
    {
        this.start = start;
        this.rows = rows;
        mirror?.Mark(null, 0);
        if (!split || pool is null || rows * data.Inputs.Columns < MinimumParallelValues)
        {
            Copy(0, rows);
            return;
        }

        mirroring = InputMirrors.Enabled && mirror is not null && pool.Threads == 2 && rows * data.Inputs.Columns <= mirror.Copy.Length;
        pool.Run(this, pool.Threads);
        if (mirroring)
        {
            mirror!.Mark(inputs, rows * data.Inputs.Columns);
        }
    }

    void IPartitionedWork.Execute(int part, int parts)
    {
        if (!mirroring)
        {
            Copy(Partition.Start(rows, part, parts), Partition.Start(rows, part + 1, parts));
        }
        else if (part == 0)
        {
            Copy(0, rows);
        }
        else
        {
            Copy(0, rows, mirror!.Copy, withTargets: false);
        }
    }

    /// <summary>Rows [from, to) of the batch into <paramref name="x"/> (the run's buffer by default) and, unless told not to, their targets.</summary>
    private void Copy(int from, int to, T[]? x = null, bool withTargets = true)
    {
        int width = data.Inputs.Columns, outputs = data.Targets.Columns;
        var destination = x ?? inputs;
        var samples = data.Inputs.AsSpan();
        var y = data.Targets.AsSpan();
        for (var i = from; i < to; i++)
        {
            var sample = order[start + i];
            samples.Slice(sample * width, width).CopyTo(destination.AsSpan(i * width, width));
            if (withTargets)
            {
                y.Slice(sample * outputs, outputs).CopyTo(targets.AsSpan(i * outputs, outputs));
            }
        }
    }
}
