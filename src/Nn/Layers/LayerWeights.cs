using System;
using System.Numerics;

namespace Nn;

/// <summary>One layer given by its parameters: W^l (rows = outputs j, columns = inputs k), b^l or null, and σ.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <example><code>
/// var layer = new LayerWeights&lt;double&gt;(new double[,] { { 0.1, -0.3 } }, null, Activation.Sigmoid);
/// </code></example>
public sealed record LayerWeights<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the layer description, copying the arrays so later changes to them do not reach it.</summary>
    /// <param name="Weights">W^l, outputs × inputs.</param>
    /// <param name="Bias">b^l with one entry per output, or null for a layer without bias.</param>
    /// <param name="Activation">σ.</param>
    /// <exception cref="ArgumentException">The bias length differs from the number of rows of W.</exception>
    public LayerWeights(T[,] Weights, T[]? Bias, Activation Activation)
    {
        ArgumentNullException.ThrowIfNull(Weights);
        ArgumentNullException.ThrowIfNull(Activation);
        if (Bias is not null)
        {
            Guard.Length(nameof(Bias), Weights.GetLength(0), Bias.Length);
        }

        this.Weights = Matrix<T>.FromArray(Weights);
        this.Bias = Bias is null ? null : ParameterVector<T>.Create(Bias);
        this.Activation = Activation;
    }

    /// <summary>W^l.</summary>
    public Matrix<T> Weights { get; }

    /// <summary>b^l, or null.</summary>
    public ParameterVector<T>? Bias { get; }

    /// <summary>σ.</summary>
    public Activation Activation { get; }

    /// <summary>Splits Θ^l = [b^l | W^l] (bias in column 0) into weights and bias.</summary>
    /// <param name="theta">Θ^l, outputs × (1 + inputs).</param>
    /// <param name="activation">σ.</param>
    /// <returns>The layer.</returns>
    public static LayerWeights<T> FromBiasFirstColumn(T[,] theta, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(theta);
        int outputs = theta.GetLength(0), columns = theta.GetLength(1);
        // An array made by Array.CreateInstance may start at any index; its first element is still row 0, column 0.
        int rowBase = theta.GetLowerBound(0), columnBase = theta.GetLowerBound(1);
        if (columns < 2)
        {
            throw new ArgumentException($"a bias-first matrix must have at least 2 columns (bias + 1 input), but has {columns}.", nameof(theta));
        }

        var weights = new T[outputs, columns - 1];
        var bias = new T[outputs];
        for (var j = 0; j < outputs; j++)
        {
            bias[j] = theta[rowBase + j, columnBase];
            for (var k = 1; k < columns; k++)
            {
                weights[j, k - 1] = theta[rowBase + j, columnBase + k];
            }
        }

        return new LayerWeights<T>(weights, bias, activation);
    }
}
