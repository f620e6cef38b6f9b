namespace Nn;

/// <summary>
/// The activation σ of a layer declared with <see cref="DenseAttribute"/>; each kind is the generator's name for
/// the runtime <see cref="Activation"/> of the same name.
/// </summary>
/// <example><code>
/// [Dense(0, 32, ActivationKind.Relu)]
/// </code></example>
public enum ActivationKind
{
    /// <summary>σ(z) = z (<see cref="Activation.Identity"/>).</summary>
    Identity = 0,

    /// <summary>σ(z) = 1 / (1 + e^(−z)), σ' = σ(1 − σ) (<see cref="Activation.Sigmoid"/>).</summary>
    Sigmoid = 1,

    /// <summary>σ(z) = tanh z, σ' = 1 − σ² (<see cref="Activation.Tanh"/>).</summary>
    Tanh = 2,

    /// <summary>σ(z) = max(0, z), σ' = 1 for z &gt; 0 else 0 (<see cref="Activation.Relu"/>).</summary>
    Relu = 3,

    /// <summary>Softmax over the layer's outputs, on any layer (<see cref="Activation.Softmax"/>).</summary>
    Softmax = 4,
}
