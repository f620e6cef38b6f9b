using System.Numerics;
using static System.FormattableString;

namespace Nn;

/// <summary>
/// Per-sample SGD with the update fused into backpropagation (<see cref="Propagation.SgdStep{T}"/>): θ' is written
/// straight into the spare buffer, without a gradient vector. Only for plain SGD without L2 on dense layers.
/// </summary>
internal sealed class FusedSgdSteps<T> : StepStrategy<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StepContext<T> context;
    private readonly StepBuffers<T> buffers;
    private readonly T learningRate;

    public FusedSgdSteps(StepContext<T> context, StepBuffers<T> buffers)
    {
        this.context = context;
        this.buffers = buffers;
        learningRate = T.CreateChecked(((Sgd)context.Optimizer).LearningRate);
    }

    /// <inheritdoc/>
    public override int SamplesPerAdvance => 1;

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
        buffers.Gather(start, 1);
        var (sampleCost, finite) = Propagation.SgdStep<T>(
            context.Architecture, buffers.Theta, context.Loss, buffers.Inputs, buffers.Targets, learningRate, context.Workspace, buffers.NextTheta);
        var cost = double.CreateChecked(sampleCost);
        buffers.Predict(context.Workspace, 1, 0);
        if (!double.IsFinite(cost))
        {
            return (cost, Invariant($"the cost became {cost}"));
        }

        if (!finite)
        {
            return (cost, "a parameter became NaN or infinite");
        }

        buffers.AcceptTheta();
        return (cost, null);
    }
}
