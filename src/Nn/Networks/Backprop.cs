using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// The cost and its gradient by backpropagation, as pure functions. For each layer, from the last to the first:
/// δ^L = ∇_a C ⊙ σ'(z^L); δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l); ∂C/∂b^l = δ^l; ∂C/∂W^l = δ^l (a^(l−1))ᵀ.
/// A batch's cost is the mean of its samples' costs, so its gradient is the mean of theirs.
/// </summary>
/// <example><code>
/// var (cost, gradient) = Backprop.Gradient(network, Loss.Quadratic, inputs, targets);
/// var stepped = network.WithParameters(network.Parameters.AddScaled(-0.5, gradient));
/// </code></example>
public static class Backprop
{
    /// <summary>C and ∇θ C for one sample.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="loss">The cost function; must support the output activation.</param>
    /// <param name="input">x, length = input size.</param>
    /// <param name="target">y, length = output size.</param>
    /// <returns>The cost and the gradient in the network's parameter layout.</returns>
    public static LossAndGradient<T> Gradient<T>(Network<T> network, Loss loss, ReadOnlySpan<T> input, ReadOnlySpan<T> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Gradient(network, loss, Matrix<T>.FromRow(input), Matrix<T>.FromRow(target));
    }

    /// <summary>The batch-mean cost and gradient, with optional L2 regularisation λ/(2m) Σ W² on weights only.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="loss">The cost function; must support the output activation.</param>
    /// <param name="inputs">X, rows = samples.</param>
    /// <param name="targets">Y, the same rows, output-size columns.</param>
    /// <param name="l2">λ, at least 0, and small enough that the L2 term and its gradient are finite on the network's weights.</param>
    /// <param name="l2SampleCount">m in λ/(2m); the batch's row count when null.</param>
    /// <returns>The cost and the gradient.</returns>
    public static LossAndGradient<T> Gradient<T>(Network<T> network, Loss loss, Matrix<T> inputs, Matrix<T> targets, double l2 = 0, int? l2SampleCount = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Validate(network, loss, inputs, targets, l2, l2SampleCount);
        var gradient = new T[network.Architecture.ParameterCount];
        var workspace = new Workspace<T>(network.Architecture, inputs.Rows);
        var cost = Propagation.LossAndGradient(
            network.Architecture, network.Parameters.AsSpan(), loss, inputs.AsSpan(), targets.AsSpan(), inputs.Rows, T.CreateChecked(l2), m, workspace, gradient);
        return new LossAndGradient<T>(cost, ParameterVector<T>.Own(gradient));
    }

    /// <summary>The batch-mean cost alone (cheaper than <see cref="Gradient{T}(Network{T}, Loss, Matrix{T}, Matrix{T}, double, int?)"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="inputs">X.</param>
    /// <param name="targets">Y.</param>
    /// <param name="l2">λ, at least 0, and small enough that the L2 term and its gradient are finite on the network's weights.</param>
    /// <param name="l2SampleCount">m in λ/(2m); the row count when null.</param>
    /// <returns>The cost.</returns>
    public static T Cost<T>(Network<T> network, Loss loss, Matrix<T> inputs, Matrix<T> targets, double l2 = 0, int? l2SampleCount = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Validate(network, loss, inputs, targets, l2, l2SampleCount);
        var workspace = new Workspace<T>(network.Architecture, inputs.Rows);
        return Propagation.Loss(network.Architecture, network.Parameters.AsSpan(), loss, inputs.AsSpan(), targets.AsSpan(), inputs.Rows, T.CreateChecked(l2), m, workspace);
    }

    internal static int Validate<T>(Network<T> network, Loss loss, Matrix<T> inputs, Matrix<T> targets, double l2, int? l2SampleCount)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = ValidateShapes(network, loss, inputs, targets, l2, l2SampleCount);
        Guard.FiniteData(nameof(inputs), inputs.AsSpan());
        Guard.FiniteData(nameof(targets), targets.AsSpan());
        return m;
    }

    /// <summary>
    /// <see cref="Validate{T}(Network{T}, Loss, Matrix{T}, Matrix{T}, double, int?)"/> for a <see cref="Dataset{T}"/>,
    /// without reading its values again: every way of making a data set refuses non-finite inputs and targets, and its
    /// matrices cannot change after, so a training run over Fashion-MNIST need not walk 47 million values per call.
    /// </summary>
    internal static int Validate<T>(Network<T> network, Loss loss, Dataset<T> data, double l2)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        return ValidateShapes(network, loss, data.Inputs, data.Targets, l2, null);
    }

    private static int ValidateShapes<T>(Network<T> network, Loss loss, Matrix<T> inputs, Matrix<T> targets, double l2, int? l2SampleCount)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(targets);
        loss.EnsureSupports(network.Architecture.OutputActivation);
        Network.ValidateInputShape(network, inputs);
        if (targets.Columns != network.OutputSize)
        {
            throw new ArgumentException($"targets must have {network.OutputSize} columns (the network's output size), but have {targets.Columns}.", nameof(targets));
        }

        if (targets.Rows != inputs.Rows)
        {
            throw new ArgumentException($"targets must have {inputs.Rows} rows (one per input row), but have {targets.Rows}.", nameof(targets));
        }

        Guard.NonNegative(nameof(l2), l2);
        var m = l2SampleCount ?? inputs.Rows;
        Guard.Positive(nameof(l2SampleCount), m);
        L2Fit.Ensure(network.Architecture, network.Parameters.AsSpan(), l2, m, nameof(l2));
        return m;
    }
}
