using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// Mini-batch steps as one rank of a data-parallel run: this rank computes the gradient of its
/// <see cref="DataParallel.Share"/> of the batch's rows, <see cref="DataParallel.Combine"/> sums the ranks' parts
/// into the batch-mean gradient (the same bits on every rank), and the rule's update follows as in one process.
/// </summary>
internal sealed class DataParallelSteps<T> : StepStrategy<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StepContext<T> context;
    private readonly StepBuffers<T> buffers;
    private readonly OptimizerSteps<T> rule;
    private readonly IDataParallelGroup group;

    /// <summary>This rank's gradient and, in the last entry, its cost: what one sum over the ranks carries.</summary>
    private readonly T[] summed;

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
    }

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
        var (localStart, localRows) = DataParallel.Share(start, rows, group.Rank, group.Size);

        // Only this rank's rows get a prediction; the others' are marked as no class, and the ranks' counts are summed.
        buffers.Predictions.AsSpan(0, rows).Fill(-1);
        if (localRows > 0)
        {
            buffers.Gather(localStart, localRows);
            summed[^1] = Propagation.LossAndGradient<T>(
                context.Architecture, buffers.Theta, context.Loss, buffers.Inputs, buffers.Targets, localRows, T.Zero, context.TrainCount,
                context.Workspace, summed.AsSpan(0, summed.Length - 1), overwrite: true);
            buffers.Predict(context.Workspace, localRows, localStart - start);
        }

        // Every rank reaches this sum, whatever its own cost: a rank that stopped here alone would leave the others waiting.
        var cost = DataParallel.Combine<T>(group, context.Architecture, buffers.Theta, summed, localRows, rows, context.L2, context.TrainCount);
        summed.AsSpan(0, summed.Length - 1).CopyTo(buffers.Gradient);
        return double.IsFinite(cost) ? rule.ApplyUpdate(step, cost) : (cost, $"the cost became {cost}");
    }
}
