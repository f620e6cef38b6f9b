using System;
using System.Numerics;

namespace Nn;

// The costs of a forward pass: the batch's cost with its L2 term, the sum and the mean over the rows, and the penalty itself.
internal static partial class Propagation
{
    /// <summary>
    /// The batch-mean cost alone, with the same L2 term and the same function of θ as <see cref="LossAndGradient{T}(Architecture, ReadOnlySpan{T}, Nn.Loss, ReadOnlySpan{T}, ReadOnlySpan{T}, int, T, int, Workspace{T}, Span{T}, bool)"/>
    /// (batch statistics, dropout masks of key 0); used by line searches and gradient checks.
    /// </summary>
    public static T Loss<T>(
        Architecture architecture, ReadOnlySpan<T> theta, Loss loss, ReadOnlySpan<T> x, ReadOnlySpan<T> y, int rows, T l2Lambda, int l2Count, Workspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Forward(architecture, theta, x, rows, workspace, PassMode<T>.Objective);
        var cost = MeanCost(architecture, loss, y, rows, workspace);
        if (l2Lambda != T.Zero)
        {
            cost += L2Penalty(architecture, theta, l2Lambda, l2Count);
        }

        return cost;
    }

    /// <summary>
    /// The batch-mean cost (1/m) Σ C(a^L, y) of the forward pass the workspace holds. Every path takes its cost from
    /// here, so the cost alone and the cost reported with a gradient agree to the last bit.
    /// </summary>
    public static T MeanCost<T>(Architecture architecture, Loss loss, ReadOnlySpan<T> y, int rows, Workspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SumOfCosts(architecture, loss, y, rows, workspace) / T.CreateChecked(rows);

    /// <summary>Σ C(a^L, y) over the <paramref name="rows"/> rows of the forward pass the workspace holds.</summary>
    public static T SumOfCosts<T>(Architecture architecture, Loss loss, ReadOnlySpan<T> y, int rows, Workspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var last = architecture.Stack.Length - 1;
        var outputs = architecture.OutputSize;
        var length = rows * outputs;
        return loss.SumOfCosts<T>(
            workspace.Z[last].AsSpan(0, length), workspace.A[last].AsSpan(0, length), y.Slice(0, length), outputs, architecture.OutputActivation);
    }

    /// <summary>λ/(2m) Σ_l Σ W², over weights only, never biases (nor a batch normalisation's γ, see <see cref="Layer.WeightsDecay"/>).</summary>
    public static T L2Penalty<T>(Architecture architecture, ReadOnlySpan<T> theta, T lambda, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = T.Zero;
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            if (architecture.Stack[l].WeightsDecay)
            {
                sum += Kernels.TensorKernels.SumOfSquares(theta.Slice(architecture.WeightOffset(l), architecture.Stack[l].WeightCount));
            }
        }

        return lambda * sum / T.CreateChecked(2 * count);
    }

    /// <summary>Adds (λ/m) W to the gradient of every weight block and returns the penalty λ/(2m) Σ W².</summary>
    internal static T AddL2<T>(Architecture architecture, ReadOnlySpan<T> theta, T lambda, int count, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scale = lambda / T.CreateChecked(count);
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            if (!architecture.Stack[l].WeightsDecay)
            {
                continue;
            }

            var offset = architecture.WeightOffset(l);
            var length = architecture.Stack[l].WeightCount;
            var g = gradient.Slice(offset, length);
            Kernels.TensorKernels.MultiplyAdd(theta.Slice(offset, length), scale, g, g);
        }

        return L2Penalty(architecture, theta, lambda, count);
    }
}
