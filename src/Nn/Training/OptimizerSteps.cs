using System.Diagnostics;
using System.Numerics;
using Nn.Kernels;
using static System.FormattableString;

namespace Nn;

/// <summary>
/// Mini-batch steps with any rule: the batch-mean cost and gradient (<see cref="ComputeGradient"/>), then the rule's
/// update (<see cref="ApplyUpdate"/>). The two are separate so that whatever must happen to the gradient between
/// them (summing it over processes, say) has its place. When the rule is plain SGD on a dense network without L2,
/// a batch of one sample (the last of an epoch) takes the fused per-sample step instead, as it always has.
/// </summary>
internal sealed class OptimizerSteps<T> : StepStrategy<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StepContext<T> context;
    private readonly StepBuffers<T> buffers;
    private readonly int batch;
    private readonly FusedSgdSteps<T>? singles;
    private readonly WorkerPool? team;
    private readonly StepSplitChooser? chooser;

    /// <param name="context">The run's context.</param>
    /// <param name="buffers">The run's buffers, gathering at least <paramref name="batch"/> samples.</param>
    /// <param name="batch">Samples per step.</param>
    /// <param name="singles">The fused step for a batch of one sample, or null when the rule cannot fuse.</param>
    public OptimizerSteps(StepContext<T> context, StepBuffers<T> buffers, int batch, FusedSgdSteps<T>? singles)
    {
        this.context = context;
        this.buffers = buffers;
        this.batch = batch;
        this.singles = singles;
        team = context.Workspace.Team?.Pool;
        chooser = team is { Workers: > 0 } ? new StepSplitChooser() : null;
    }

    /// <summary>The run's split-or-alone decisions so far, or null without a team (for the benchmarks and tests).</summary>
    public StepSplitChooser? Chooser => chooser;

    /// <inheritdoc/>
    public override int SamplesPerAdvance => batch;

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
        if (rows == 1 && singles is not null)
        {
            return singles.Step(step, start, rows);
        }

        // Every step takes the chooser's mode, but only whole batches are timed: a short last batch would look
        // faster than either mode is.
        var split = chooser?.Next() ?? true;
        var started = Stopwatch.GetTimestamp();
        (double Cost, string? Failure) result;
        team?.Alone = !split;
        try
        {
            buffers.Gather(start, rows, split);
            var cost = ComputeGradient(step, rows);
            buffers.Predict(context.Workspace, rows, 0);
            result = double.IsFinite(cost) ? ApplyUpdate(step, cost) : (cost, Invariant($"the cost became {cost}"));
        }
        finally
        {
            team?.Alone = false;
        }

        if (chooser is not null && rows == batch && result.Failure is null)
        {
            chooser.Record(Stopwatch.GetTimestamp() - started);
        }

        return result;
    }

    /// <summary>
    /// The gathered batch's mean cost plus the L2 term, in training mode (step <paramref name="step"/>'s dropout masks,
    /// batch statistics, the running statistics' update into their spare); its gradient goes into <see cref="StepBuffers{T}.Gradient"/>.
    /// </summary>
    private double ComputeGradient(long step, int rows) =>
        double.CreateChecked(Propagation.LossAndGradient<T>(
            context.Architecture, buffers.Theta, context.Loss, buffers.Inputs, buffers.Targets, rows, T.CreateChecked(context.L2), context.TrainCount,
            context.Workspace, buffers.Gradient, true, buffers.TrainingStep(step)));

    /// <summary>
    /// The rule's update from <see cref="StepBuffers{T}.Gradient"/>: θ' and the moments after the step go into the
    /// spares and replace θ and the moments (and the running statistics) only when θ' is finite, so a failed step leaves the last finite state
    /// whole. A non-finite gradient needs no pass of its own: it makes θ' non-finite, which is then discarded.
    /// </summary>
    internal (double Cost, string? Failure) ApplyUpdate(long step, double cost)
    {
        // The step's number drives Adam's bias correction and any schedule; the architecture says which entries are biases.
        var at = new UpdateStep(step, context.Architecture);
        var updated = context.Update?.UpdateInto(context.Optimizer, at, buffers.Theta, buffers.Gradient, buffers.Moments, buffers.NextMoments, buffers.NextTheta)
            ?? context.Optimizer.UpdateInto<T>(at, buffers.Theta, buffers.Gradient, buffers.Moments, buffers.NextMoments, buffers.NextTheta);
        if (!updated)
        {
            return (cost, "a parameter became NaN or infinite");
        }

        buffers.AcceptStep(step);

        return (cost, null);
    }
}
