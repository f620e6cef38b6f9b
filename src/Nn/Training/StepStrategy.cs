using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// How a training run takes its steps, chosen once when the run is made (<see cref="Choose"/>) so the loop never
/// asks which rule or architecture it has. Each strategy works in the run's <see cref="StepBuffers{T}"/>: it reads θ
/// and the moments, writes θ' and the moments after a step into the spares and accepts them only when they are finite.
/// </summary>
internal abstract class StepStrategy<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The most samples one <see cref="Advance"/> takes.</summary>
    public abstract int SamplesPerAdvance { get; }

    /// <summary>How many samples each step of an advance over <paramref name="rows"/> samples took.</summary>
    public virtual int SamplesPerStep(int rows) => rows;

    /// <summary>
    /// The steps on the samples order[start .. start + rows) (at most <see cref="SamplesPerAdvance"/>), their costs
    /// written to <see cref="StepBuffers{T}.Costs"/>. Returns how many steps were taken and, if one failed, why
    /// (θ is then the last finite value).
    /// </summary>
    /// <param name="step">The 1-based number of the first step.</param>
    /// <param name="start">The first position in the epoch's order.</param>
    /// <param name="rows">The number of samples.</param>
    public abstract (int Done, string? Failure) Advance(long step, int start, int rows);

    /// <summary>
    /// One step on the samples order[start .. start + rows): the batch-mean cost and, when the step failed (a
    /// non-finite cost or θ', which leaves θ as it was), why.
    /// </summary>
    /// <param name="step">The 1-based number of this step (Adam's bias correction uses it).</param>
    /// <param name="start">The first position in the epoch's order.</param>
    /// <param name="rows">The batch size.</param>
    public abstract (double Cost, string? Failure) Step(long step, int start, int rows);

    /// <summary>
    /// The whole moments, in new arrays, for a strategy whose buffers keep only its part of them
    /// (<see cref="StepBuffers{T}.MomentStart"/>); null when <see cref="StepBuffers{T}.Moments"/> are whole, for the run
    /// to copy. Every rank of a data-parallel run calls it at the same point.
    /// </summary>
    public virtual T[][]? GatherMoments() => null;

    /// <summary>
    /// Makes <see cref="StepBuffers{T}.Theta"/> hold θ before the run reads or overwrites it, for a strategy whose steps
    /// keep θ elsewhere (<see cref="DataParallelSteps{T}"/> in memory the ranks share); the others have nothing to do.
    /// </summary>
    public virtual void SettleTheta()
    {
    }

    /// <summary>
    /// The strategy for a run: deferred blocks for per-sample SGD on a dense network without L2, fused per-sample
    /// SGD when blocks are off (<see cref="BlockSize"/> gave 0 or 1), and otherwise
    /// mini-batch steps with the rule (which still fuse a lone trailing sample when the rule is plain SGD); in a
    /// data-parallel run always <see cref="DataParallelSteps{T}"/>.
    /// </summary>
    /// <param name="context">What every strategy reads: the architecture, the cost function, the rule, the options.</param>
    /// <param name="buffers">The run's buffers.</param>
    /// <param name="batch">The batch size, at most the training set's size.</param>
    /// <param name="block">The deferred block size, or 0 or 1 for none.</param>
    public static StepStrategy<T> Choose(StepContext<T> context, StepBuffers<T> buffers, int batch, int block)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Group is not null)
        {
            return new DataParallelSteps<T>(context, buffers, new OptimizerSteps<T>(context, buffers, batch, singles: null));
        }

        var fused = FusesSamples(context) ? new FusedSgdSteps<T>(context, buffers) : null;
        if (fused is not null && batch == 1)
        {
            return block > 1 ? new DeferredSgdSteps<T>(context, buffers, fused, block) : fused;
        }

        return new OptimizerSteps<T>(context, buffers, batch, fused);
    }

    /// <summary>
    /// The deferred block size for a run with this context and batch size: <see cref="DeferredSgd{T}.BlockSizeFor"/>
    /// (or the test's <paramref name="sampleBlock"/>) when its steps are fused per-sample SGD, otherwise 0.
    /// </summary>
    public static int BlockSize(StepContext<T> context, int batch, int count, int? sampleBlock)
    {
        ArgumentNullException.ThrowIfNull(context);
        return FusesSamples(context) && batch == 1 ? Math.Min(sampleBlock ?? DeferredSgd<T>.BlockSizeFor(context.Architecture), count) : 0;
    }

    /// <summary>
    /// Whether a one-sample step can fold the update into backpropagation: plain SGD, no L2, dense layers, one process
    /// (a data-parallel step must sum the gradient over the ranks before any update).
    /// </summary>
    private static bool FusesSamples(StepContext<T> context) =>
        context.Architecture.IsDense && context.Optimizer is Sgd && context.L2 == 0 && context.Group is null;
}

/// <summary>What every step strategy reads and never changes.</summary>
/// <param name="Architecture">The network's architecture.</param>
/// <param name="Loss">The cost function.</param>
/// <param name="Optimizer">The rule.</param>
/// <param name="L2">λ of the L2 term.</param>
/// <param name="TrainCount">The training set's size n, the L2 term's divisor.</param>
/// <param name="Workspace">The forward and backward buffers of one batch.</param>
/// <param name="Update">The rule's update split over the run's threads, or null with one thread.</param>
/// <param name="Group">The ranks of a data-parallel run, or null in one process.</param>
internal sealed record StepContext<T>(
    Architecture Architecture, Loss Loss, Optimizer Optimizer, double L2, int TrainCount, Workspace<T> Workspace, ParallelUpdate<T>? Update,
    IDataParallelGroup? Group = null)
    where T : unmanaged, IFloatingPointIeee754<T>;
