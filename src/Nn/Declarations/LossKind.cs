namespace Nn;

/// <summary>
/// The cost C of a network declared with <see cref="NetworkAttribute"/>; each kind is the generator's name for the
/// runtime <see cref="Loss"/> of the same name, with the same numerically stable forms.
/// </summary>
/// <example><code>
/// [Network(typeof(float), Inputs = 64, Loss = LossKind.SoftmaxCrossEntropy)]
/// </code></example>
public enum LossKind
{
    /// <summary>C = ½ Σ_j (y_j − a_j)², defined for every output activation (<see cref="Loss.Quadratic"/>).</summary>
    Quadratic = 0,

    /// <summary>
    /// C = −Σ_k [y_k ln a_k + (1−y_k) ln(1−a_k)], for sigmoid or softmax outputs (<see cref="Loss.BinaryCrossEntropy"/>).
    /// </summary>
    BinaryCrossEntropy = 1,

    /// <summary>C = −Σ_k t_k ln a_k, for softmax or sigmoid outputs (<see cref="Loss.SoftmaxCrossEntropy"/>).</summary>
    SoftmaxCrossEntropy = 2,
}
