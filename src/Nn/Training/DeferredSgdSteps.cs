using System.Diagnostics;
using System.Numerics;

namespace Nn;

/// <summary>
/// Per-sample SGD taken a block of samples at a time by <see cref="DeferredSgd{T}"/>. A block that meets a NaN or an
/// infinity is replayed one sample at a time from θ (which the block left unchanged) by the fused steps, which stop
/// at the exact failing sample. On more than one thread a <see cref="SplitChooser"/> times the blocks split and alone
/// and runs them the faster way (the same bits either way).
/// </summary>
internal sealed class DeferredSgdSteps<T> : StepStrategy<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StepContext<T> context;
    private readonly StepBuffers<T> buffers;
    private readonly FusedSgdSteps<T> samples;
    private readonly DeferredSgd<T> deferred;
    private readonly SplitChooser? chooser;

    /// <param name="context">The run's context; its rule is <see cref="Sgd"/>.</param>
    /// <param name="buffers">The run's buffers, gathering at least <paramref name="block"/> samples.</param>
    /// <param name="samples">The one-sample steps that replay a failed block.</param>
    /// <param name="block">Samples per block, above 1.</param>
    public DeferredSgdSteps(StepContext<T> context, StepBuffers<T> buffers, FusedSgdSteps<T> samples, int block)
    {
        this.context = context;
        this.buffers = buffers;
        this.samples = samples;
        deferred = new DeferredSgd<T>(context.Architecture, context.Loss, T.CreateChecked(((Sgd)context.Optimizer).LearningRate), block);
        chooser = context.Workspace.Team is not null && deferred.CanSplit(block) ? new SplitChooser() : null;
    }

    /// <summary>The run's split-or-alone decisions so far, or null on one thread (for the benchmarks and tests).</summary>
    public SplitChooser? Chooser => chooser;

    /// <inheritdoc/>
    public override int SamplesPerAdvance => deferred.BlockSize;

    /// <inheritdoc/>
    public override int SamplesPerStep(int rows) => 1;

    /// <inheritdoc/>
    public override (int Done, string? Failure) Advance(long step, int start, int rows)
    {
        // Every block takes the chooser's current mode, but only whole ones are timed: a short last block would look
        // faster than either mode is.
        var timed = chooser is not null && rows == deferred.BlockSize;
        var split = deferred.CanSplit(rows) && (chooser?.Next() ?? true);
        var started = Stopwatch.GetTimestamp();
        buffers.Gather(start, rows, split);
        if (deferred.TryRun(buffers.Theta, buffers.Inputs, buffers.Targets, rows, buffers.NextTheta, buffers.Costs, buffers.Predictions, context.Workspace, buffers.Gradient, split))
        {
            buffers.AcceptTheta();
            if (timed)
            {
                chooser!.Record(Stopwatch.GetTimestamp() - started);
            }

            return (rows, null);
        }

        // Each one-sample step predicts into slot 0, which must end up holding the first sample's prediction.
        var first = 0;
        for (var i = 0; i < rows; i++)
        {
            var (cost, failure) = samples.Step(step + i, start + i, 1);
            var prediction = buffers.Predictions[0];
            first = i == 0 ? prediction : first;
            buffers.Predictions[0] = first;
            if (failure is not null)
            {
                return (i, failure);
            }

            buffers.Costs[i] = cost;
            buffers.Predictions[i] = prediction;
        }

        return (rows, null);
    }

    /// <inheritdoc/>
    public override (double Cost, string? Failure) Step(long step, int start, int rows) => samples.Step(step, start, rows);
}
