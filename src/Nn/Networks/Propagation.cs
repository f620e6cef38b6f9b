using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The forward and backward passes over spans, writing only into a <see cref="Workspace{T}"/> and a gradient
/// buffer the caller owns. The public pure functions (<see cref="Network"/>, <see cref="Backprop"/>) and the
/// training loop are thin wrappers around these two, so every path computes the same numbers.
/// </summary>
internal static partial class Propagation
{
    /// <summary>The inference forward pass of an architecture without state (<see cref="Architecture.StateCount"/> = 0).</summary>
    public static void Forward<T>(Architecture architecture, ReadOnlySpan<T> theta, ReadOnlySpan<T> x, int rows, Workspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Forward(architecture, theta, x, rows, workspace, PassMode<T>.Inference(ReadOnlySpan<T>.Empty));

    /// <summary>
    /// a^0 = x; z^l = W^l a^(l−1) + b^l; a^l = σ(z^l), for a batch of <paramref name="rows"/> rows, with batch
    /// normalisation and dropout run as <paramref name="mode"/> says (dense-only stacks have neither and ignore it).
    /// With <paramref name="outputsOnly"/> (a caller that reads only the last layers' z and a), each convolution and
    /// the pooling above it that fuse run as one pass and leave the convolution's z and a unwritten: the same outputs,
    /// without batch-sized passes over the convolutions' buffers.
    /// </summary>
    public static void Forward<T>(Architecture architecture, ReadOnlySpan<T> theta, ReadOnlySpan<T> x, int rows, Workspace<T> workspace, PassMode<T> mode, bool outputsOnly = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!architecture.IsDense)
        {
            StackPropagation.Forward(architecture, theta, x, rows, workspace, mode, fusePairs: outputsOnly);
            return;
        }

        if (workspace.StepRegions is { } regions && regions.Parts(rows, out _) >= 2)
        {
            // Each thread takes its rows through every layer: bit for bit the loop below.
            regions.Forward(theta, x.Slice(0, rows * architecture.InputSize), rows);
            return;
        }

        var input = x.Slice(0, rows * architecture.InputSize);
        for (var l = 0; l < architecture.Layers.Length; l++)
        {
            ForwardLayer(architecture, theta, l, input, rows, workspace);
            input = workspace.A[l].AsSpan(0, rows * architecture.Layers[l].Outputs);
        }
    }

    /// <summary>Layer l alone: z^l = W^l a^(l−1) + b^l and a^l = σ(z^l) into the workspace, from <paramref name="input"/> = a^(l−1).</summary>
    public static void ForwardLayer<T>(Architecture architecture, ReadOnlySpan<T> theta, int l, ReadOnlySpan<T> input, int rows, Workspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layer = architecture.Layers[l];
        var z = workspace.Z[l].AsSpan(0, rows * layer.Outputs);
        var a = workspace.A[l].AsSpan(0, rows * layer.Outputs);
        var w = theta.Slice(architecture.WeightOffset(l), layer.WeightCount);
        DenseKernels.MultiplyByTranspose(input, rows, layer.Inputs, w, layer.Outputs, z, workspace.Path, workspace.Team);
        var bias = layer.HasBias ? theta.Slice(architecture.BiasOffset(l), layer.Outputs) : ReadOnlySpan<T>.Empty;
        if (workspace.RowPasses is { } passes)
        {
            passes.BiasAndActivation(layer.Activation, bias, rows, layer.Outputs, z, a);
            return;
        }

        if (layer.HasBias)
        {
            DenseKernels.AddRowVectorInto(bias, rows, z);
        }

        layer.Activation.ForwardInto<T>(z, a, layer.Outputs);
    }

    /// <summary>
    /// Runs the forward pass, then backpropagates, adding the batch-mean gradient ∇θ C into
    /// <paramref name="gradient"/> (which the caller clears) and returning the batch-mean cost, both including
    /// the L2 term λ/(2m) Σ W² with gradient (λ/m) W on weights only. <c>l2Lambda</c> is λ (0 for none) and
    /// <c>l2Count</c> is the m it is divided by. With <paramref name="overwrite"/> the gradient is written rather
    /// than added to, so the caller need not clear it (every entry of θ is a weight or a bias, so all are written).
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
        bool overwrite = false)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LossAndGradient(architecture, theta, loss, x, y, rows, l2Lambda, l2Count, workspace, gradient, overwrite, PassMode<T>.Objective);

    /// <summary>
    /// <see cref="LossAndGradient{T}(Architecture, ReadOnlySpan{T}, Nn.Loss, ReadOnlySpan{T}, ReadOnlySpan{T}, int, T, int, Workspace{T}, Span{T}, bool)"/>
    /// with the forward pass run as <paramref name="mode"/> says: a training step's masks and running statistics.
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
        if (!architecture.IsDense)
        {
            return StackPropagation.LossAndGradient(architecture, theta, loss, x, y, rows, l2Lambda, l2Count, workspace, gradient, overwrite, mode);
        }

        if (workspace.StepRegions is { } regions && regions.Parts(rows, out _) >= 2)
        {
            // The same passes in two regions instead of one per product: bit for bit the branch below.
            var outputSize = architecture.OutputSize;
            regions.ForwardAndBackward(loss, theta, x.Slice(0, rows * architecture.InputSize), y.Slice(0, rows * outputSize), rows, gradient, overwrite);
            var total = MeanCost(architecture, loss, y, rows, workspace);
            return l2Lambda != T.Zero ? total + AddL2(architecture, theta, l2Lambda, l2Count, gradient) : total;
        }

        Forward(architecture, theta, x, rows, workspace);
        var layers = architecture.Layers;
        var last = layers.Length - 1;
        var outputs = layers[last].Outputs;
        var zL = workspace.Z[last].AsSpan(0, rows * outputs);
        var aL = workspace.A[last].AsSpan(0, rows * outputs);
        var target = y.Slice(0, rows * outputs);
        var batchScale = T.One / T.CreateChecked(rows);
        var cost = MeanCost(architecture, loss, y, rows, workspace);

        // Equation 1: δ^L = ∇_a C ⊙ σ'(z^L), scaled by 1/m so the sums below are batch means.
        var deltaL = workspace.Delta[last].AsSpan(0, rows * outputs);
        loss.OutputDeltaInto(zL, aL, target, outputs, layers[last].Activation, deltaL);
        Kernels.TensorKernels.Multiply(deltaL, batchScale, deltaL);

        for (var l = last; l >= 0; l--)
        {
            var layer = layers[l];
            var delta = workspace.Delta[l].AsSpan(0, rows * layer.Outputs);
            var input = l == 0 ? x.Slice(0, rows * layer.Inputs) : workspace.A[l - 1].AsSpan(0, rows * layer.Inputs);
            var weights = theta.Slice(architecture.WeightOffset(l), layer.WeightCount);

            // Equation 4: ∂C/∂W^l = δ^l (a^(l−1))ᵀ, summed over the batch as δᵀ X.
            DenseKernels.TransposeProduct(
                delta, rows, layer.Outputs, input, layer.Inputs, gradient.Slice(architecture.WeightOffset(l), layer.WeightCount), !overwrite, workspace.Path, workspace.Team);

            // Equation 3: ∂C/∂b^l = δ^l, summed over the batch as column sums (below, with σ' of the layer under it).
            var biasGradient = layer.HasBias ? gradient.Slice(architecture.BiasOffset(l), layer.Outputs) : Span<T>.Empty;
            if (overwrite)
            {
                biasGradient.Clear();
            }

            // Equation 2: δ^(l−1) = ((W^l)ᵀ δ^l) ⊙ σ'(z^(l−1)).
            var previous = l > 0 ? layers[l - 1] : layer;
            var deltaPrevious = l > 0 ? workspace.Delta[l - 1].AsSpan(0, rows * previous.Outputs) : Span<T>.Empty;
            if (l > 0)
            {
                DenseKernels.Multiply<T>(delta, rows, layer.Outputs, weights, layer.Inputs, deltaPrevious, workspace.Path, workspace.Team);
            }

            BiasGradientAndActivationBackward(workspace, delta, rows, layer.Outputs, biasGradient, previous, l > 0 ? l - 1 : 0, deltaPrevious);
        }

        if (l2Lambda != T.Zero)
        {
            cost += AddL2(architecture, theta, l2Lambda, l2Count, gradient);
        }

        return cost;
    }

    /// <summary>
    /// ∂C/∂b^l += Σ_rows δ^l (none for an empty <paramref name="biasGradient"/>) and, unless
    /// <paramref name="gradientBelow"/> is empty, δ^(l−1) = ∂C/∂a^(l−1) ⊙ σ'(z^(l−1)) in place: on the workspace's
    /// threads when it has them, the same bits either way.
    /// </summary>
    private static void BiasGradientAndActivationBackward<T>(
        Workspace<T> workspace, ReadOnlySpan<T> delta, int rows, int width, Span<T> biasGradient, DenseLayer below, int belowIndex, Span<T> gradientBelow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = gradientBelow.IsEmpty ? 0 : rows * below.Outputs;
        var zBelow = workspace.Z[belowIndex].AsSpan(0, length);
        var aBelow = workspace.A[belowIndex].AsSpan(0, length);
        if (workspace.RowPasses is { } passes)
        {
            passes.BiasGradientAndActivationBackward(delta, rows, width, biasGradient, below.Activation, below.Outputs, zBelow, aBelow, gradientBelow);
            return;
        }

        if (!biasGradient.IsEmpty)
        {
            DenseKernels.AddColumnSumsInto<T>(delta, rows, biasGradient);
        }

        if (!gradientBelow.IsEmpty)
        {
            below.Activation.BackwardInto<T>(zBelow, aBelow, gradientBelow, gradientBelow, below.Outputs);
        }
    }

    /// <summary>
    /// Per-sample SGD fused with backpropagation, for one row and no L2 term: θ' = θ − η ∇θ C is written into
    /// <paramref name="next"/> block by block as each block of the gradient is known (∂W^l = δ^l (a^(l−1))ᵀ goes
    /// straight into W'^l = W^l − η δ^l (a^(l−1))ᵀ), so the gradient is never stored and read back. θ itself is
    /// not changed, which keeps it the last finite value if θ' is not. Returns the cost and whether θ' is finite.
    /// </summary>
    public static (T Cost, bool Finite) SgdStep<T>(
        Architecture architecture, ReadOnlySpan<T> theta, Loss loss, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T learningRate, Workspace<T> workspace, Span<T> next)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Forward(architecture, theta, x, 1, workspace);
        var layers = architecture.Layers;
        var cost = SampleCostAndOutputDelta(architecture, loss, y, workspace);
        var finite = true;
        for (var l = layers.Length - 1; l >= 0; l--)
        {
            var input = l == 0 ? x.Slice(0, layers[0].Inputs) : workspace.A[l - 1].AsSpan(0, layers[l].Inputs);
            finite &= SgdLayerStep(architecture, l, theta, input, learningRate, workspace, next);
        }

        return (cost, finite);
    }

    /// <summary>
    /// For the one sample whose forward pass the workspace holds: its cost C(a^L, y), and δ^L (equation 1) written
    /// into the workspace for backpropagation.
    /// </summary>
    public static T SampleCostAndOutputDelta<T>(Architecture architecture, Loss loss, ReadOnlySpan<T> y, Workspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var last = architecture.Layers.Length - 1;
        var outputs = architecture.OutputSize;
        var cost = MeanCost(architecture, loss, y, 1, workspace);
        loss.OutputDeltaInto(
            workspace.Z[last].AsSpan(0, outputs), workspace.A[last].AsSpan(0, outputs), y.Slice(0, outputs), outputs, architecture.OutputActivation, workspace.Delta[last].AsSpan(0, outputs));
        return cost;
    }

    /// <summary>
    /// The backward step of per-sample SGD through layer l, from δ^l in the workspace: δ^(l−1) with W^l as
    /// <paramref name="theta"/> holds it (equation 2; none for the first layer), then W'^l = W^l − η δ^l (a^(l−1))ᵀ and
    /// b'^l = b^l − η δ^l written into <paramref name="next"/> (equations 4 and 3 with the step). Because δ^(l−1) is
    /// taken first, <paramref name="next"/> may be <paramref name="theta"/> itself (an update in place). Returns
    /// whether the written parameters are finite.
    /// </summary>
    public static bool SgdLayerStep<T>(Architecture architecture, int l, ReadOnlySpan<T> theta, ReadOnlySpan<T> input, T learningRate, Workspace<T> workspace, Span<T> next)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layer = architecture.Layers[l];
        var delta = workspace.Delta[l].AsSpan(0, layer.Outputs);
        var weightOffset = architecture.WeightOffset(l);
        if (l > 0)
        {
            var previous = architecture.Layers[l - 1];
            var deltaPrevious = workspace.Delta[l - 1].AsSpan(0, previous.Outputs);
            DenseKernels.Multiply<T>(delta, 1, layer.Outputs, theta.Slice(weightOffset, layer.WeightCount), layer.Inputs, deltaPrevious, workspace.Path, null);
            previous.Activation.BackwardInto<T>(
                workspace.Z[l - 1].AsSpan(0, previous.Outputs), workspace.A[l - 1].AsSpan(0, previous.Outputs), deltaPrevious, deltaPrevious, previous.Outputs);
        }

        var finite = true;
        for (var j = 0; j < layer.Outputs; j++)
        {
            var row = weightOffset + (j * layer.Inputs);
            finite &= VectorKernels.MultiplyAddFinite(-learningRate * delta[j], input, theta.Slice(row, layer.Inputs), next.Slice(row, layer.Inputs));
        }

        if (layer.HasBias)
        {
            var biasOffset = architecture.BiasOffset(l);
            finite &= VectorKernels.MultiplyAddFinite(-learningRate, delta, theta.Slice(biasOffset, layer.Outputs), next.Slice(biasOffset, layer.Outputs));
        }

        return finite;
    }
}
