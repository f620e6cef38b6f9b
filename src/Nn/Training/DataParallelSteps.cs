using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static System.FormattableString;

namespace Nn;

/// <summary>
/// Mini-batch steps as one rank of a data-parallel run: this rank computes the gradient of its
/// <see cref="DataParallel.Share"/> of the batch's rows, and the ranks' parts become the batch-mean gradient.
/// With a rule that updates element by element (<see cref="Optimizer.UpdatesByRange"/>: SGD, Adam, AdamW) the step
/// is sharded: a reduce-scatter leaves rank r the summed gradient of its <see cref="DataParallel.Block"/> of θ
/// only, rank r applies the rule to that block alone, and an all-gather of θ' gives every rank every block. Each
/// element of θ' is then computed once, on one rank, and copied, so all ranks hold the same bits; each rank does
/// 1/N of the update and sends and receives each byte once in each direction. Where the group holds θ in memory
/// every rank reads (<see cref="IDataParallelGroup.ShareParameters"/>), each rank writes its block of θ' there and
/// nothing is gathered; θ then stays there between steps until the run takes it back (<see cref="SettleTheta"/>).
/// Each rank keeps the moments of its block only (<see cref="MomentBlock"/>), 1/N of each, and a snapshot gathers them
/// (<see cref="GatherMoments"/>). Other rules sum the whole gradient (<see cref="DataParallel.Combine"/>)
/// and every rank applies the same whole update.
/// </summary>
internal sealed class DataParallelSteps<T> : StepStrategy<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StepContext<T> context;
    private readonly StepBuffers<T> buffers;
    private readonly OptimizerSteps<T> rule;
    private readonly IDataParallelGroup group;

    /// <summary>This rank's gradient and, in the last entry, its cost: what a sum over the ranks carries.</summary>
    private readonly T[] summed;

    /// <summary>Whether the rule's update is split into the ranks' blocks.</summary>
    private readonly bool sharded;

    /// <summary>This rank's block of θ, the gradient and the moments.</summary>
    private readonly int blockStart;
    private readonly int blockCount;

    /// <summary>θ and θ' where every rank reads them, for a sharded step whose group has such memory; otherwise null.</summary>
    private readonly ISharedParameters? shared;

    /// <summary>
    /// Whether <see cref="shared"/> holds the run's θ (after a step through it); otherwise <see cref="StepBuffers{T}.Theta"/>
    /// does (the run loaded it there, or <see cref="SettleTheta"/> handed it back).
    /// </summary>
    private bool thetaShared;

    /// <param name="context">The run's context, with its group.</param>
    /// <param name="buffers">The run's buffers, gathering at least a share of a batch.</param>
    /// <param name="rule">The one-process steps whose update this strategy applies after the sum.</param>
    public DataParallelSteps(StepContext<T> context, StepBuffers<T> buffers, OptimizerSteps<T> rule)
    {
        this.context = context;
        this.buffers = buffers;
        this.rule = rule;
        group = context.Group!;
        summed = new T[context.Architecture.ParameterCount + 1];
        sharded = context.Optimizer.UpdatesByRange;
        (blockStart, blockCount) = DataParallel.Block(context.Architecture.ParameterCount, group.Rank, group.Size);
        shared = sharded ? group.ShareParameters(context.Architecture.ParameterCount, Unsafe.SizeOf<T>()) : null;
    }

    /// <summary>θ as this step reads it: in the shared memory after a step through it, otherwise the run's buffer.</summary>
    private ReadOnlySpan<T> Theta => thetaShared ? Shared(shared!.Current) : buffers.Theta;

    /// <inheritdoc/>
    public override int SamplesPerAdvance => rule.SamplesPerAdvance;

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
        group.Reached(StepPhase.Started);
        var (localStart, localRows) = DataParallel.Share(start, rows, group.Rank, group.Size);

        // Only this rank's rows get a prediction; the others' are marked as no class, and the ranks' counts are summed.
        buffers.Predictions.AsSpan(0, rows).Fill(-1);
        if (localRows > 0)
        {
            buffers.Gather(localStart, localRows);
            group.Reached(StepPhase.Gathered);
            summed[^1] = Propagation.LossAndGradient<T>(
                context.Architecture, Theta, context.Loss, buffers.Inputs, buffers.Targets, localRows, T.Zero, context.TrainCount,
                context.Workspace, summed.AsSpan(0, summed.Length - 1), overwrite: true);
            buffers.Predict(context.Workspace, localRows, localStart - start);
        }

        // Every rank reaches the sums, whatever its own cost: a rank that stopped here alone would leave the others waiting.
        if (sharded)
        {
            var outcome = ShardedStep(step, localRows, rows);
            group.Reached(StepPhase.Finished);
            return outcome;
        }

        group.Reached(StepPhase.Propagated);
        var cost = DataParallel.Combine<T>(group, context.Architecture, buffers.Theta, summed, localRows, rows, context.L2, context.TrainCount);
        summed.AsSpan(0, summed.Length - 1).CopyTo(buffers.Gradient);
        var result = double.IsFinite(cost) ? rule.ApplyUpdate(step, cost) : (cost, Invariant($"the cost became {cost}"));
        group.Reached(StepPhase.Updated);
        group.Reached(StepPhase.Finished);
        return result;
    }

    /// <summary>
    /// The elements of θ whose moments a rank's buffers keep: with a rule that updates element by element, the rank's
    /// <see cref="DataParallel.Block"/>, the only elements its steps update; otherwise, and in one process, all.
    /// </summary>
    public static (int Start, int Count) MomentBlock(Optimizer optimizer, IDataParallelGroup? group, int parameterCount) =>
        group is not null && optimizer.UpdatesByRange ? DataParallel.Block(parameterCount, group.Rank, group.Size) : (0, parameterCount);

    /// <summary>
    /// The whole moments for a snapshot, in new arrays: this rank's blocks and every other rank's, the same bits on
    /// every rank; null when the step is not sharded and the buffers hold the whole moments. Every rank calls it at
    /// the same point.
    /// </summary>
    public override T[][]? GatherMoments()
    {
        if (!sharded)
        {
            return null;
        }

        var whole = new T[buffers.Moments.Length][];
        for (var i = 0; i < whole.Length; i++)
        {
            // Fresh memory every snapshot, all of it written below: its pages are backed in one call, as a clone's are.
            whole[i] = Kernels.FreshPages.Backed<T>(context.Architecture.ParameterCount);
            buffers.Moments[i].CopyTo(whole[i].AsSpan(blockStart, blockCount));
            DataParallel.GatherBlocksOf<T>(group, whole[i]);
        }

        return whole;
    }

    /// <summary>
    /// Copies θ from the shared memory into <see cref="StepBuffers{T}.Theta"/> if a step left it there, so that the run
    /// reads (measures, snapshots) or overwrites (loads) the buffer; the next step takes θ from the buffer. Each rank
    /// on its own: every rank's shared θ is the same whole vector.
    /// </summary>
    public override void SettleTheta()
    {
        if (thetaShared)
        {
            Shared(shared!.Current).CopyTo(buffers.Theta);
            thetaShared = false;
        }
    }

    /// <summary>
    /// The sharded step: reduce-scatter the weighted gradient into this rank's block of
    /// <see cref="StepBuffers{T}.Gradient"/>, add the L2 term there, update the block of θ and the moments, all-gather
    /// θ', and, in the same exchange, agree on the cost and on whether θ' is finite with one small sum (the same bits on every
    /// rank, so every rank reaches the same verdict). θ and the moments are replaced only when both are finite.
    /// </summary>
    private (double Cost, string? Failure) ShardedStep(long step, int localRows, int rows)
    {
        var parameters = summed.Length - 1;
        var local = summed.AsSpan(0, parameters);

        // A rank with no rows contributes zeros (what its buffer holds may be anything, NaN included, and 0 · NaN is NaN).
        if (localRows == 0)
        {
            summed.AsSpan().Clear();
        }

        var localCost = localRows == 0 ? 0.0 : double.CreateChecked(summed[^1]) * ((double)localRows / rows);
        group.Reached(StepPhase.Propagated);

        // The weight m_r/B is applied by the sum, which passes over the values anyway.
        DataParallel.SumBlockOf<T>(group, local, T.CreateChecked((double)localRows / rows), buffers.Gradient.AsSpan(blockStart, blockCount));
        var blockEnd = blockStart + blockCount;
        var theta = Theta;
        if (context.L2 != 0)
        {
            DataParallel.AddL2(context.Architecture, theta, T.CreateChecked(context.L2), context.TrainCount, buffers.Gradient, blockStart, blockEnd);
        }

        // θ' is made in this rank's own memory even when the ranks share θ: the shared copy is written in one pass when
        // it is published (ISharedParameters.Publish says why).
        var next = buffers.NextTheta.AsSpan();
        var finite = context.Optimizer.UpdateRangeInto<T>(
            new UpdateStep(step, context.Architecture), blockStart, blockEnd, theta, buffers.Gradient, buffers.Moments, buffers.NextMoments, next, blockStart);
        if (shared is not null && SubnormalFlush.IsDue(step))
        {
            // What accepting the step flushes in θ, flushed by each block's owner before the others can read it.
            SubnormalFlush.Flush(next.Slice(blockStart, blockCount));
        }

        // θ is read before the exchange below: after it another rank may write its next θ' where θ is.
        var penalty = context.L2 == 0 ? 0 : double.CreateChecked(Propagation.L2Penalty<T>(context.Architecture, theta, T.CreateChecked(context.L2), context.TrainCount));
        group.Reached(StepPhase.Updated);

        // The cost's parts travel with θ' rather than with the gradient, whose blocks end on different ranks.
        Span<double> verdict = [localCost, finite ? 0 : 1];
        if (shared is null)
        {
            DataParallel.GatherBlocksOf<T>(group, buffers.NextTheta, verdict);
        }
        else
        {
            shared.Publish(MemoryMarshal.AsBytes(next.Slice(blockStart, blockCount)), (long)blockStart * Unsafe.SizeOf<T>(), verdict);
        }

        var cost = context.L2 == 0 ? verdict[0] : verdict[0] + penalty;
        if (!double.IsFinite(cost))
        {
            return (cost, Invariant($"the cost became {cost}"));
        }

        if (verdict[1] != 0)
        {
            return (cost, "a parameter became NaN or infinite");
        }

        // θ is whole and the same on every rank, so it stays so after a flush.
        if (shared is null)
        {
            buffers.AcceptStep(step);
        }
        else
        {
            shared.Accept();
            thetaShared = true;
            buffers.AcceptMoments();
            buffers.AcceptStatistics();
            if (SubnormalFlush.IsDue(step))
            {
                foreach (var moment in buffers.Moments)
                {
                    SubnormalFlush.Flush<T>(moment);
                }
            }
        }

        return (cost, null);
    }

    /// <summary>The vector of θ's length at <paramref name="start"/> in the shared memory.</summary>
    private unsafe Span<T> Shared(IntPtr start) => new((void*)start, buffers.Theta.Length);
}
