using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The gradient of one share of a batch through a dense network, on the calling thread: the share's rows forward and
/// back (<see cref="DenseRowChain"/>), then ∂C/∂W^l = (δ^l)ᵀ a^(l−1) and ∂C/∂b^l = Σ_rows δ^l over the share's rows
/// alone. With δ^L scaled by 1/m of the whole batch, the shares' gradients add up to the batch-mean gradient.
/// Everything a share writes stays with the thread that computes it. Allocates nothing.
/// </summary>
internal static class DenseShareGradient
{
    /// <summary>
    /// Writes the share's part of the batch-mean gradient into <paramref name="gradient"/> (every entry of θ is a
    /// weight or a bias, so all of it is written) and its rows' z^l, a^l and δ^l into the workspace.
    /// </summary>
    /// <param name="workspace">Holds the whole batch's z^l, a^l and δ^l; only the share's rows are written.</param>
    /// <param name="theta">θ.</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="x">The whole batch's inputs.</param>
    /// <param name="y">The whole batch's targets.</param>
    /// <param name="batchRows">m, the rows of the whole batch the gradient is a mean over.</param>
    /// <param name="first">The share's first row.</param>
    /// <param name="count">The share's rows.</param>
    /// <param name="gradient">The share's gradient, laid out like θ.</param>
    public static void Compute<T>(
        Workspace<T> workspace, ReadOnlySpan<T> theta, Loss loss, ReadOnlySpan<T> x, ReadOnlySpan<T> y, int batchRows, int first, int count, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DenseRowChain.Run(workspace, theta, x, y, loss, T.One / T.CreateChecked(batchRows), first, count, firstProductDone: false);
        WeightAndBiasGradients(workspace, x, first, count, gradient, accumulate: false, Span<T>.Empty);
    }

    /// <summary>
    /// ∂C/∂W^l and ∂C/∂b^l of the rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>)
    /// from the δ^l and a^l the workspace holds, written into <paramref name="gradient"/> or, with
    /// <paramref name="accumulate"/>, added to it. Added, they have the bits of the share written apart and added
    /// afterwards: the GEMM sums each element over the share's rows from zero before adding that sum to C, and the
    /// bias gradient, summed row by row, is summed apart in <paramref name="biasScratch"/> and then added.
    /// </summary>
    /// <param name="workspace">Holds δ^l and a^l of these rows.</param>
    /// <param name="x">The whole batch's inputs.</param>
    /// <param name="first">The share's first row.</param>
    /// <param name="count">The share's rows.</param>
    /// <param name="gradient">Laid out like θ.</param>
    /// <param name="accumulate">Whether to add to <paramref name="gradient"/> rather than write it.</param>
    /// <param name="biasScratch">At least the widest layer's outputs long when <paramref name="accumulate"/>.</param>
    public static void WeightAndBiasGradients<T>(Workspace<T> workspace, ReadOnlySpan<T> x, int first, int count, Span<T> gradient, bool accumulate, Span<T> biasScratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var architecture = workspace.Architecture;
        var layers = architecture.Layers;
        var path = workspace.Path;
        for (var l = 0; l < layers.Length; l++)
        {
            var layer = layers[l];
            var delta = workspace.Delta[l].AsSpan(first * layer.Outputs, count * layer.Outputs);
            var input = l == 0
                ? x.Slice(first * layer.Inputs, count * layer.Inputs)
                : workspace.A[l - 1].AsSpan(first * layer.Inputs, count * layer.Inputs);

            // Equation 4 over the share's rows: δᵀ X, as DenseKernels.TransposeProduct computes it.
            var dw = gradient.Slice(architecture.WeightOffset(l), layer.WeightCount);
            Gemm.Multiply(path, layer.Outputs, count, delta, 1, layer.Outputs, input, layer.Inputs, 1, dw, layer.Inputs, accumulate, 0, layer.Inputs);
            if (!layer.HasBias)
            {
                continue;
            }

            // Equation 3 over the share's rows: column sums in row order.
            var db = gradient.Slice(architecture.BiasOffset(l), layer.Outputs);
            var sums = accumulate ? biasScratch.Slice(0, layer.Outputs) : db;
            sums.Clear();
            DenseKernels.AddColumnSumsInto(delta, count, layer.Outputs, 0, sums);
            if (accumulate)
            {
                TensorKernels.Add<T>(db, sums, db);
            }
        }
    }
}
