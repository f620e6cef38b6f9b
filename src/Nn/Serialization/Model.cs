using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// A network with the preprocessing that turns raw table rows into its inputs: what a model file of version 3
/// holds (<see cref="ModelFile.LoadModel{T}(string)"/>). Without preprocessing the network takes its inputs as they are.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Network">The trained network.</param>
/// <param name="Preprocessing">The row-to-input mapping learned from the training rows, or null.</param>
/// <example><code>
/// var model = ModelFile.LoadModel&lt;float&gt;("admit.nnm");
/// Matrix&lt;float&gt; outputs = model.Predict(Table.Load("applicants.csv", header: true));
/// </code></example>
public sealed record Model<T>(Network<T> Network, Preprocessing? Preprocessing)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The network's outputs for raw rows: class probabilities (classification) or predicted values (regression).</summary>
    /// <param name="rows">Rows with the training columns; target columns may be present (they are ignored) or left out.</param>
    /// <returns>One output row per table row.</returns>
    /// <exception cref="InvalidOperationException">The model has no preprocessing, so it takes numeric inputs, not table rows.</exception>
    /// <exception cref="DataFormatException">A column is missing or a field is not a number.</exception>
    public Matrix<T> Predict(Table rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var preprocessing = Preprocessing
            ?? throw new InvalidOperationException("this model has no preprocessing (it was not trained on a table), so it takes numeric inputs: use Network.Forward.");
        return Nn.Network.Forward(Network, preprocessing.Inputs<T>(rows));
    }
}
