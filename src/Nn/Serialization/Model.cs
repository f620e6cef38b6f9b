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
/// <exception cref="ArgumentNullException"><paramref name="Network"/> is null.</exception>
/// <exception cref="ArgumentException">The preprocessing's input or output width is not the network's.</exception>
public sealed record Model<T>(Network<T> Network, Preprocessing? Preprocessing)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // Checked when made; a `with` expression may set both properties one at a time, so Predict and saving check again.
    private readonly Network<T> network = Matched(Network, Preprocessing);

    /// <summary>The trained network.</summary>
    public Network<T> Network { get => network; init => network = value ?? throw new ArgumentNullException(nameof(Network)); }

    /// <summary>The network's outputs for raw rows: class probabilities (classification) or predicted values (regression).</summary>
    /// <param name="rows">Rows with the training columns; target columns may be present (they are ignored) or left out.</param>
    /// <returns>One output row per table row.</returns>
    /// <exception cref="InvalidOperationException">The model has no preprocessing, so it takes numeric inputs, not table rows.</exception>
    /// <exception cref="DataFormatException">A column is missing or a field is not a number.</exception>
    /// <exception cref="ArgumentException">A <c>with</c> expression gave the model a network of other widths than its preprocessing's.</exception>
    public Matrix<T> Predict(Table rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var preprocessing = Preprocessing
            ?? throw new InvalidOperationException("this model has no preprocessing (it was not trained on a table), so it takes numeric inputs: use Network.Forward.");
        return Nn.Network.Forward(Matched(Network, preprocessing), preprocessing.Inputs<T>(rows));
    }

    /// <summary>The network, when the preprocessing gives its inputs and takes its outputs; refuses a model where it does not.</summary>
    internal static Network<T> Matched(Network<T> network, Preprocessing? preprocessing)
    {
        ArgumentNullException.ThrowIfNull(network, nameof(Network));
        var architecture = network.Architecture;
        return preprocessing is null || (preprocessing.InputWidth == architecture.InputSize && preprocessing.OutputWidth == architecture.OutputSize)
            ? network
            : throw new ArgumentException(
                $"the preprocessing gives {preprocessing.InputWidth} inputs and takes {preprocessing.OutputWidth} outputs, but the network {architecture} has {architecture.InputSize} and {architecture.OutputSize}.",
                nameof(Preprocessing));
    }
}
