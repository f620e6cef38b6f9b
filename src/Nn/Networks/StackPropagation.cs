using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// The forward and backward passes for an architecture with layers other than dense ones (convolutions, pooling,
/// batch normalisation, dropout):
/// each layer runs its own passes, so this loop never asks which kind it holds. Dense-only architectures never come
/// here; <see cref="Propagation"/> keeps its dense fast paths for them.
/// </summary>
internal static class StackPropagation
{
    /// <summary>
    /// a^0 = x; z^l and a^l from each layer's forward pass over <paramref name="rows"/> samples, in <paramref name="mode"/>.
    /// With <paramref name="fusePairs"/> (a training step's forward pass, or one whose caller reads only the outputs), each
    /// convolution and pooling that fuse (<see cref="FusedPair"/>) run as one pass that leaves the convolution's z and a
    /// unwritten.
    /// </summary>
    public static void Forward<T>(
        Architecture architecture, ReadOnlySpan<T> theta, ReadOnlySpan<T> x, int rows, Workspace<T> workspace, PassMode<T> mode, bool fusePairs = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!mode.Training && mode.Statistics.Length != architecture.StateCount)
        {
            throw new InvalidOperationException(
                $"an inference pass through {architecture} needs its {architecture.StateCount} values of running statistics, but was given {mode.Statistics.Length}.");
        }

        var input = x.Slice(0, rows * architecture.InputSize);
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            if (fusePairs && FusedPair(architecture, l, workspace) is var (convolution, pooling))
            {
                // The convolution's z and a stay in its scratch, sample by sample; only the pooling's are kept.
                var pooledSize = rows * pooling.OutputShape.Size;
                convolution.ForwardPooled(
                    theta.Slice(architecture.WeightOffset(l), convolution.ParameterCount),
                    input,
                    rows,
                    pooling,
                    workspace.Z[l + 1].AsSpan(0, pooledSize),
                    workspace.A[l + 1].AsSpan(0, pooledSize),
                    workspace.Buffers[l + 1].Indices.AsSpan(0, pooledSize),
                    workspace.Buffers[l]);
                input = workspace.A[l + 1].AsSpan(0, pooledSize);
                l++;
                continue;
            }

            var layer = architecture.Stack[l];
            var size = rows * layer.OutputShape.Size;
            layer.Forward(
                theta.Slice(architecture.WeightOffset(l), layer.ParameterCount),
                input,
                rows,
                workspace.Z[l].AsSpan(0, size),
                workspace.A[l].AsSpan(0, size),
                workspace.Buffers[l],
                mode.ForLayer(l, architecture.StateOffset(l), layer.StateCount));
            input = workspace.A[l].AsSpan(0, size);
        }
    }

    /// <summary>
    /// The same contract as Propagation.LossAndGradient: δ^L = ∇_a C ⊙ σ'(z^L) / m, then from the last
    /// layer down each layer's backward pass writes its gradient block and ∂C/∂a^(l−1), which σ' of the layer below
    /// turns into δ^(l−1).
    /// </summary>
    public static T LossAndGradient<T>(
        Architecture architecture,
        ReadOnlySpan<T> theta,
        Loss loss,
        ReadOnlySpan<T> x,
        ReadOnlySpan<T> y,
        int rows,
        T l2Lambda,
        int l2Count,
        Workspace<T> workspace,
        Span<T> gradient,
        bool overwrite,
        PassMode<T> mode)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Forward(architecture, theta, x, rows, workspace, mode, fusePairs: true);
        var layers = architecture.Stack;
        var last = layers.Length - 1;
        var outputs = architecture.OutputSize;
        var cost = Propagation.MeanCost(architecture, loss, y, rows, workspace);
        var deltaL = workspace.Delta[last].AsSpan(0, rows * outputs);
        loss.OutputDeltaInto(
            workspace.Z[last].AsSpan(0, rows * outputs), workspace.A[last].AsSpan(0, rows * outputs), y.Slice(0, rows * outputs), outputs, layers[last].Activation, deltaL);
        Kernels.TensorKernels.Multiply(deltaL, T.One / T.CreateChecked(rows), deltaL);

        for (var l = last; l >= 0; l--)
        {
            var layer = layers[l];
            var inputSize = rows * layer.InputShape.Size;
            var input = l == 0 ? x.Slice(0, inputSize) : workspace.A[l - 1].AsSpan(0, inputSize);
            var inputGradient = l == 0 ? Span<T>.Empty : workspace.Delta[l - 1].AsSpan(0, inputSize);
            if (l > 0 && FusedPair(architecture, l - 1, workspace) is var (convolution, pooling))
            {
                // The pooling's backward pass and the convolution's run as one, from the pooling's δ; then on from the
                // convolution (layer l − 1) down.
                l--;
                var convolutionInput = rows * convolution.InputShape.Size;
                var pooledSize = rows * pooling.OutputShape.Size;
                inputGradient = l == 0 ? Span<T>.Empty : workspace.Delta[l - 1].AsSpan(0, convolutionInput);
                convolution.BackwardPooled(
                    theta.Slice(architecture.WeightOffset(l), convolution.ParameterCount),
                    l == 0 ? x.Slice(0, convolutionInput) : workspace.A[l - 1].AsSpan(0, convolutionInput),
                    rows,
                    pooling,
                    workspace.Delta[l + 1].AsSpan(0, pooledSize),
                    workspace.A[l + 1].AsSpan(0, pooledSize),
                    workspace.Buffers[l + 1].Indices.AsSpan(0, pooledSize),
                    gradient.Slice(architecture.WeightOffset(l), convolution.ParameterCount),
                    !overwrite,
                    inputGradient,
                    workspace.Buffers[l]);
            }
            else
            {
                BackwardLayer(architecture, l, theta, input, rows, workspace, gradient, !overwrite, inputGradient, mode.ForLayer(l, architecture.StateOffset(l), layer.StateCount));
            }

            // Identity's σ' is 1 (a pooling layer's, say): ∂C/∂z is the ∂C/∂a already in place, and copying it onto itself
            // would cost a pass over the layer's output. A layer that takes ∂C/∂a applies its σ' itself.
            if (l > 0 && layers[l - 1].Activation != Activation.Identity && !IsHandedActivationGradient(architecture, l - 1))
            {
                // σ' of the layer below: a whole pass over its output (442,368 elements under LeNet-5's first convolution
                // at batch 128), split by rows over the run's threads rather than left to the calling thread between regions.
                var below = layers[l - 1];
                var belowSize = rows * below.OutputShape.Size;
                var z = workspace.Z[l - 1].AsSpan(0, belowSize);
                var a = workspace.A[l - 1].AsSpan(0, belowSize);
                var belowGradient = workspace.Delta[l - 1].AsSpan(0, belowSize);
                if (workspace.RowPasses is { } passes)
                {
                    passes.ActivationBackward(below.Activation, rows, below.OutputShape.Size, z, a, belowGradient);
                }
                else
                {
                    below.Activation.BackwardInto<T>(z, a, belowGradient, belowGradient, below.OutputShape.Size);
                }
            }
        }

        if (l2Lambda != T.Zero)
        {
            cost += Propagation.AddL2(architecture, theta, l2Lambda, l2Count, gradient);
        }

        return cost;
    }

    /// <summary>
    /// Layer l's backward pass within a step: given δ = ∂C/∂z in <c>workspace.Delta[l]</c>, or ∂C/∂a when the layer
    /// applies its own σ' (<see cref="IsHandedActivationGradient"/>), its gradient block written (or added to, with
    /// <paramref name="accumulate"/>) and ∂C/∂a of the layer below into <paramref name="inputGradient"/>.
    /// </summary>
    internal static void BackwardLayer<T>(
        Architecture architecture,
        int l,
        ReadOnlySpan<T> theta,
        ReadOnlySpan<T> input,
        int rows,
        Workspace<T> workspace,
        Span<T> gradient,
        bool accumulate,
        Span<T> inputGradient,
        PassMode<T> layerMode)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layer = architecture.Stack[l];
        var offset = architecture.WeightOffset(l);
        var outputSize = rows * layer.OutputShape.Size;
        var parameters = theta.Slice(offset, layer.ParameterCount);
        var delta = workspace.Delta[l].AsSpan(0, outputSize);
        var layerGradient = gradient.Slice(offset, layer.ParameterCount);
        if (IsHandedActivationGradient(architecture, l))
        {
            // The σ' pass after the layer above was skipped: this layer applies σ' to each part of the batch on the
            // thread that then reads δ.
            var z = workspace.Z[l].AsSpan(0, outputSize);
            var a = workspace.A[l].AsSpan(0, outputSize);
            layer.BackwardFromActivationGradient(parameters, input, z, a, delta, rows, layerGradient, accumulate, inputGradient, workspace.Buffers[l], layerMode);
        }
        else
        {
            layer.Backward(parameters, input, delta, rows, layerGradient, accumulate, inputGradient, workspace.Buffers[l], layerMode);
        }
    }

    /// <summary>
    /// Layer l and the pooling above it when a step runs them as one pass each way: a convolution and a max-pooling
    /// that <see cref="Conv2DLayer.FusesWith"/> accepts on the layer's kernel path, under another layer (so the pooling's
    /// δ comes from above); else null. The forward and backward passes ask the same question, so a pair runs fused both
    /// ways or not at all.
    /// </summary>
    private static (Conv2DLayer Convolution, MaxPool2DLayer Pooling)? FusedPair<T>(Architecture architecture, int l, Workspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        l + 2 < architecture.Stack.Length
        && architecture.Stack[l] is Conv2DLayer convolution
        && architecture.Stack[l + 1] is MaxPool2DLayer pooling
        && convolution.FusesWith(pooling, workspace.Buffers[l].Path, l == 0)
            ? (convolution, pooling)
            : null;

    /// <summary>Whether layer l is handed ∂C/∂a rather than δ: a layer that takes it, below the top (whose δ the loss gives).</summary>
    private static bool IsHandedActivationGradient(Architecture architecture, int l) =>
        l < architecture.Stack.Length - 1 && architecture.Stack[l].TakesActivationGradient;
}
