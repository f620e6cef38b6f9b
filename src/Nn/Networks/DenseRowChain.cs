using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// A block of a batch's rows through a dense network on the calling thread: every layer's z^l = a^(l−1) (W^l)ᵀ + b^l
/// and a^l = σ(z^l), then (with a cost function) δ^L and δ^(l−1) = (δ^l W^l) ⊙ σ'(z^(l−1)) down to the first layer,
/// each into the block's rows of the workspace. Every one of those passes works row by row, so the block needs no
/// other rows; <see cref="DenseStepRegions{T}"/> runs one block per thread. Allocates nothing.
/// </summary>
internal static class DenseRowChain
{
    /// <summary>
    /// Rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of the batch forward and,
    /// when <paramref name="loss"/> is given, backward to δ¹.
    /// </summary>
    /// <param name="workspace">Holds z^l, a^l and δ^l of the whole batch; only the block's rows are written.</param>
    /// <param name="theta">θ.</param>
    /// <param name="x">The whole batch's inputs, rows × inputs.</param>
    /// <param name="y">The whole batch's targets (empty for a forward pass alone).</param>
    /// <param name="loss">The cost function, or null for a forward pass alone.</param>
    /// <param name="batchScale">1/m for the batch of m rows the gradient is a mean over.</param>
    /// <param name="first">The block's first row.</param>
    /// <param name="count">The block's rows.</param>
    /// <param name="firstProductDone">Whether z¹ of these rows is already in the workspace (computed by another split).</param>
    public static void Run<T>(
        Workspace<T> workspace, ReadOnlySpan<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Loss? loss, T batchScale, int first, int count, bool firstProductDone)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var architecture = workspace.Architecture;
        var layers = architecture.Layers;
        var path = workspace.Path;
        var input = x.Slice(first * architecture.InputSize, count * architecture.InputSize);
        for (var l = 0; l < layers.Length; l++)
        {
            var layer = layers[l];
            var z = workspace.Z[l].AsSpan(first * layer.Outputs, count * layer.Outputs);
            var a = workspace.A[l].AsSpan(first * layer.Outputs, count * layer.Outputs);
            var w = theta.Slice(architecture.WeightOffset(l), layer.WeightCount);

            // Z = X Wᵀ as DenseKernels.MultiplyByTranspose computes it for a batch of at least SmallBatch rows.
            if (l > 0 || !firstProductDone)
            {
                Gemm.Multiply(path, count, layer.Inputs, input, layer.Inputs, 1, w, 1, layer.Inputs, z, layer.Outputs, false, 0, layer.Outputs);
            }

            if (layer.HasBias)
            {
                DenseKernels.AddRowVectorInto(theta.Slice(architecture.BiasOffset(l), layer.Outputs), count, z);
            }

            layer.Activation.ForwardInto<T>(z, a, layer.Outputs);
            input = a;
        }

        if (loss is null)
        {
            return;
        }

        // Equation 1: δ^L = ∇_a C ⊙ σ'(z^L), scaled by 1/m so that the gradients are batch means.
        var last = layers.Length - 1;
        var outputs = layers[last].Outputs;
        var span = first * outputs;
        var deltaL = workspace.Delta[last].AsSpan(span, count * outputs);
        loss.OutputDeltaInto(
            workspace.Z[last].AsSpan(span, count * outputs),
            workspace.A[last].AsSpan(span, count * outputs),
            y.Slice(span, count * outputs),
            outputs,
            layers[last].Activation,
            deltaL);
        TensorKernels.Multiply(deltaL, batchScale, deltaL);

        // Equation 2: δ^(l−1) = (δ^l W^l) ⊙ σ'(z^(l−1)), as DenseKernels.Multiply and the activation's backward pass compute it.
        for (var l = last; l > 0; l--)
        {
            var layer = layers[l];
            var below = layers[l - 1];
            var delta = workspace.Delta[l].AsSpan(first * layer.Outputs, count * layer.Outputs);
            var deltaBelow = workspace.Delta[l - 1].AsSpan(first * below.Outputs, count * below.Outputs);
            var w = theta.Slice(architecture.WeightOffset(l), layer.WeightCount);
            Gemm.Multiply(path, count, layer.Outputs, delta, layer.Outputs, 1, w, layer.Inputs, 1, deltaBelow, layer.Inputs, false, 0, layer.Inputs);
            below.Activation.BackwardInto<T>(
                workspace.Z[l - 1].AsSpan(first * below.Outputs, count * below.Outputs),
                workspace.A[l - 1].AsSpan(first * below.Outputs, count * below.Outputs),
                deltaBelow,
                deltaBelow,
                below.Outputs);
        }
    }
}
