using System;
using System.Numerics;
using Nn.Kernels;
using static System.FormattableString;

namespace Nn;

/// <summary>
/// Mini-batch steps of a dense network cut into a fixed number of shares of the batch's rows, the way a data-parallel
/// run cuts a batch between processes (<see cref="DataParallelSteps{T}"/>), inside one process. How many shares a
/// batch has depends on the network and the batch's rows alone (<see cref="Shares"/>), never on the threads. A step is
/// two regions: in the first each share gathers its rows, takes them forward and back and writes its part of the
/// batch-mean gradient into a buffer of its own (one share wholly on one thread: its activations, deltas and weight
/// gradients never leave that core's caches); in the second each thread takes a range of θ and, chunk by chunk, sums
/// the shares' gradients in share order and applies the rule to the chunk while it is in cache. One thread runs the
/// shares one after the other and then the same sums and updates, so every thread count gives the same bits.
/// Batches too short for two shares (an epoch's last, say) take <see cref="OptimizerSteps{T}"/>, which is
/// independent of the thread count too. Owned by a training run; allocates nothing per step.
/// </summary>
internal sealed class BatchShareSteps<T> : StepStrategy<T>, IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// A share holds at least this many rows, so that its products still run at the GEMM's speed (Network B at batch
    /// 128 has two shares of 64 rows).
    /// </summary>
    internal const int MinimumShareRows = 64;

    /// <summary>The most shares a batch is cut into: each share costs a gradient buffer and a read of it per step.</summary>
    internal const int MaximumShares = 4;

    /// <summary>Below this many forward multiply–adds a step gains nothing from a second thread (as in <see cref="DenseStepRegions{T}"/>).</summary>
    private const long MinimumParallelWork = 1L << 18;

    /// <summary>
    /// The sum and update run over chunks of this many elements (a multiple of 64, so every chunk but the last is
    /// covered by the vector loops alone, as in one pass), short enough that a chunk's sum is still in cache when the
    /// rule reads it.
    /// </summary>
    private const int Chunk = 8192;

    /// <summary>Ranges of the update start at multiples of this many elements (see <see cref="Chunk"/>).</summary>
    private const int Alignment = 64;

    /// <summary>Vectors shorter than this are updated on the calling thread alone (as in <see cref="ParallelUpdate{T}"/>).</summary>
    private const int MinimumParallelLength = 1 << 15;

    private readonly StepContext<T> context;
    private readonly StepBuffers<T> buffers;
    private readonly OptimizerSteps<T> whole;
    private readonly WorkerPool? pool;

    /// <summary>Each share's gradient with a pool (one buffer without); the first is <see cref="StepBuffers{T}.Gradient"/>, which receives the sum.</summary>
    private readonly T[][] gradients;

    /// <summary>The shares of a whole batch, the most any step takes.</summary>
    private readonly int mostShares;

    /// <summary>Whether each part's range of θ' is finite.</summary>
    private readonly bool[] finite;

    /// <summary>On one thread, a share's bias gradient before it is added to the sum of the shares before it.</summary>
    private readonly T[] biasScratch;

    /// <summary>Shares start at multiples of this many rows (<see cref="DenseStepRegions{T}.UnitRows"/>).</summary>
    private readonly int unitRows;

    private bool updating;
    private int shares;
    private int start;
    private int rows;
    private UpdateStep updateStep;

    /// <param name="context">The run's context: a dense network, no L2, a rule that updates by range, one process.</param>
    /// <param name="buffers">The run's buffers.</param>
    /// <param name="whole">The steps for batches too short for two shares.</param>
    /// <param name="pool">The run's threads, or null with one thread.</param>
    /// <param name="batch">The batch size.</param>
    public BatchShareSteps(StepContext<T> context, StepBuffers<T> buffers, OptimizerSteps<T> whole, WorkerPool? pool, int batch)
    {
        this.context = context;
        this.buffers = buffers;
        this.whole = whole;
        this.pool = pool;
        mostShares = Math.Max(1, Shares(context.Architecture, batch));

        // On one thread the shares add up in the first buffer as they are computed.
        gradients = new T[pool is null ? 1 : mostShares][];
        gradients[0] = buffers.Gradient;
        for (var s = 1; s < gradients.Length; s++)
        {
            gradients[s] = new T[buffers.Gradient.Length];
        }

        finite = new bool[pool?.Threads ?? 1];
        unitRows = DenseStepRegions<T>.UnitRows(context.Architecture);
        var widest = 0;
        foreach (var layer in context.Architecture.Layers)
        {
            widest = Math.Max(widest, layer.Outputs);
        }

        biasScratch = pool is null ? new T[widest] : [];
    }

    /// <inheritdoc/>
    public override int SamplesPerAdvance => whole.SamplesPerAdvance;

    /// <summary>
    /// How many shares a batch of <paramref name="rows"/> rows through <paramref name="architecture"/> is cut into: the
    /// largest power of two up to <see cref="MaximumShares"/> that leaves each share <see cref="MinimumShareRows"/> rows
    /// or more, when the batch's forward products have at least 2^18 multiply–adds; otherwise 1 (the batch is not
    /// cut). A function of the network and the rows alone, so the bits of a step never depend on the threads; a power
    /// of two spreads evenly over two or four threads.
    /// </summary>
    public static int Shares(Architecture architecture, int rows)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        if (!architecture.IsDense)
        {
            return 1;
        }

        var work = 0L;
        foreach (var layer in architecture.Layers)
        {
            work += (long)rows * layer.Inputs * layer.Outputs;
        }

        if (work < MinimumParallelWork)
        {
            return 1;
        }

        var shares = 1;
        while (shares < MaximumShares && rows / (shares * 2) >= MinimumShareRows)
        {
            shares *= 2;
        }

        return shares;
    }

    /// <summary>How many shares this run's step over <paramref name="rows"/> rows takes (1: the whole batch at once).</summary>
    internal int SharesOf(int rows) => Math.Min(Shares(context.Architecture, rows), mostShares);

    /// <summary>Whether a run with this context and batch size takes its steps in shares.</summary>
    public static bool Applies(StepContext<T> context, int batch)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Group is null && context.L2 == 0 && context.Optimizer.UpdatesByRange && context.Architecture.IsDense
            && Shares(context.Architecture, batch) >= 2;
    }

    /// <inheritdoc/>
    public override (int Done, string? Failure) Advance(long step, int start, int rows)
    {
        var (cost, failure) = Step(step, start, rows);
        buffers.Costs[0] = cost;
        return (failure is null ? 1 : 0, failure);
    }

    /// <inheritdoc/>
    public override (double Cost, string? Failure) Step(long step, int start, int rows)
    {
        var count = SharesOf(rows);
        if (count < 2)
        {
            return whole.Step(step, start, rows);
        }

        shares = count;
        this.start = start;
        this.rows = rows;
        updating = false;
        if (pool is null)
        {
            SharesInTurn();
        }
        else
        {
            pool.Run(this, count);
        }

        // The cost sums every row in the one-thread order, on the calling thread.
        var cost = double.CreateChecked(Propagation.MeanCost<T>(context.Architecture, context.Loss, buffers.Targets, rows, context.Workspace));
        if (!double.IsFinite(cost))
        {
            return (cost, Invariant($"the cost became {cost}"));
        }

        updateStep = new UpdateStep(step, context.Architecture);
        updating = true;
        var length = buffers.Theta.Length;
        var parts = pool is null || length < MinimumParallelLength ? 1 : pool.Threads;
        if (parts == 1)
        {
            // On one thread the shares were summed as they were computed.
            finite[0] = SumAndUpdate(0, length, pool is null ? 1 : shares);
        }
        else
        {
            pool!.Run(this, parts);
        }

        var all = true;
        for (var part = 0; part < parts; part++)
        {
            all &= finite[part];
        }

        if (!all)
        {
            return (cost, "a parameter became NaN or infinite");
        }

        buffers.AcceptStep(step);
        return (cost, null);
    }

    void IPartitionedWork.Execute(int part, int parts)
    {
        if (updating)
        {
            var length = buffers.Theta.Length;
            var blocks = (length + Alignment - 1) / Alignment;
            var from = Math.Min(length, Partition.Start(blocks, part, parts) * Alignment);
            var to = Math.Min(length, Partition.Start(blocks, part + 1, parts) * Alignment);
            finite[part] = SumAndUpdate(from, to, shares);
            return;
        }

        var (first, end) = Share(part, parts);
        buffers.GatherRows(start, first, end);
        DenseShareGradient.Compute<T>(context.Workspace, buffers.Theta, context.Loss, buffers.Inputs, buffers.Targets, rows, first, end - first, gradients[part]);
        buffers.PredictRows(context.Workspace, first, end);
    }

    /// <summary>Rows first … end − 1 of share <paramref name="share"/> of <paramref name="count"/>: whole units of rows, the last share taking the rest.</summary>
    private (int First, int End) Share(int share, int count)
    {
        var units = rows / unitRows;
        var first = Partition.Start(units, share, count) * unitRows;
        return (first, share == count - 1 ? rows : Partition.Start(units, share + 1, count) * unitRows);
    }

    /// <summary>
    /// The shares on the calling thread. Their rows go forward and back as one block: a product over a block of rows
    /// gives each element the bits of the product over any block holding its row, and every share starts at a whole
    /// unit of rows, where the element-wise loops of a share's own pass start too (as in <see cref="DenseStepRegions{T}"/>).
    /// Then each share's weight and bias gradients are added to the first's in share order: the bits of the shares
    /// apart summed in that order (<see cref="DenseShareGradient.WeightAndBiasGradients{T}"/>), with no sum left for
    /// the update.
    /// </summary>
    private void SharesInTurn()
    {
        buffers.Gather(start, rows);
        DenseRowChain.Run<T>(context.Workspace, buffers.Theta, buffers.Inputs, buffers.Targets, context.Loss, T.One / T.CreateChecked(rows), 0, rows, firstProductDone: false);
        for (var share = 0; share < shares; share++)
        {
            var (first, end) = Share(share, shares);
            DenseShareGradient.WeightAndBiasGradients<T>(context.Workspace, buffers.Inputs, first, end - first, gradients[0], share > 0, biasScratch);
        }

        buffers.Predict(context.Workspace, rows, 0);
    }

    /// <summary>
    /// Elements from … to − 1, a chunk at a time: the shares' gradients summed into the first in share order, then the
    /// rule's update of the chunk into θ' and the moments' spares. Returns whether θ' is finite there.
    /// </summary>
    /// <param name="from">The first element.</param>
    /// <param name="to">The element after the last.</param>
    /// <param name="summands">How many shares' buffers to sum (1: the first already holds the sum).</param>
    private bool SumAndUpdate(int from, int to, int summands)
    {
        var sum = gradients[0];
        if (summands == 1)
        {
            return context.Optimizer.UpdateRangeInto<T>(updateStep, from, to, buffers.Theta, sum, buffers.Moments, buffers.NextMoments, buffers.NextTheta);
        }

        var all = true;
        for (var chunk = from; chunk < to; chunk += Chunk)
        {
            var length = Math.Min(Chunk, to - chunk);
            var total = sum.AsSpan(chunk, length);
            for (var s = 1; s < summands; s++)
            {
                TensorKernels.Add<T>(total, gradients[s].AsSpan(chunk, length), total);
            }

            all &= context.Optimizer.UpdateRangeInto<T>(updateStep, chunk, chunk + length, buffers.Theta, sum, buffers.Moments, buffers.NextMoments, buffers.NextTheta);
        }

        return all;
    }
}
