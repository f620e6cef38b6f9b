using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// A cost function C(a, y) of one sample: its value and the output error δ^L = ∇_a C ⊙ σ'(z^L) live side by side.
/// The built-in losses are <see cref="Quadratic"/>, <see cref="BinaryCrossEntropy"/> and <see cref="SoftmaxCrossEntropy"/>;
/// <see cref="Elementwise{TFunction}"/> turns a user's <see cref="IElementwiseLoss"/> into one.
/// </summary>
/// <remarks>
/// Both members work on a whole batch (rows = samples) and return or write per-sample quantities; averaging
/// over the batch is the caller's job, so the batch cost is the mean of the per-sample costs.
/// </remarks>
/// <example><code>
/// var (loss, gradient) = Backprop.Gradient(network, Loss.SoftmaxCrossEntropy, inputs, targets);
/// </code></example>
public abstract record Loss
{
    /// <summary>The name used in model files, the command line and the generator attributes.</summary>
    public abstract string Name { get; }

    /// <summary>Whether this loss is defined for outputs of the given activation.</summary>
    /// <param name="output">The activation of the last layer.</param>
    /// <returns>True when the pairing is supported.</returns>
    public abstract bool Supports(Activation output);

    /// <summary>Σ over the rows of the per-sample cost C(a, y).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="z">The output layer's weighted inputs z^L (stable forms compute from these).</param>
    /// <param name="a">The output activations a^L = σ(z^L).</param>
    /// <param name="target">The targets y, same shape.</param>
    /// <param name="width">The number of outputs.</param>
    /// <param name="output">The output activation σ.</param>
    /// <returns>The summed cost.</returns>
    /// <exception cref="ArgumentException">
    /// The built-in losses refuse a width outside 1..<see cref="Limits.MaxWidth"/>
    /// (<see cref="ArgumentOutOfRangeException"/>), a <paramref name="z"/> that is not whole rows of it, any other
    /// span whose length differs from <paramref name="z"/>'s, and an <paramref name="output"/> activation the loss
    /// does not <see cref="Supports"/> (<see cref="ArgumentNullException"/> for null).
    /// </exception>
    public abstract T SumOfCosts<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The output error δ^L = ∇_a C ⊙ σ'(z^L) of every row (equation 1), not divided by the batch size.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="z">z^L.</param>
    /// <param name="a">a^L.</param>
    /// <param name="target">The targets y.</param>
    /// <param name="width">The number of outputs.</param>
    /// <param name="output">The output activation σ.</param>
    /// <param name="delta">Destination for δ^L, same shape as <paramref name="a"/>.</param>
    /// <exception cref="ArgumentException">
    /// The built-in losses refuse a width outside 1..<see cref="Limits.MaxWidth"/>
    /// (<see cref="ArgumentOutOfRangeException"/>), a <paramref name="z"/> that is not whole rows of it, any other
    /// span whose length differs from <paramref name="z"/>'s, and an <paramref name="output"/> activation the loss
    /// does not <see cref="Supports"/> (<see cref="ArgumentNullException"/> for null).
    /// </exception>
    public abstract void OutputDeltaInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Quadratic cost C = ½ Σ_j (y_j − a_j)², ∂C/∂a = a − y.</summary>
    public static Loss Quadratic { get; } = new QuadraticLoss();

    /// <summary>Binary (multi-label) cross-entropy summed over the outputs, C = −Σ_k [y_k ln a_k + (1−y_k) ln(1−a_k)].</summary>
    public static Loss BinaryCrossEntropy { get; } = new BinaryCrossEntropyLoss();

    /// <summary>Cross-entropy of a probability output against one-hot or soft targets, C = −Σ_k t_k ln a_k.</summary>
    public static Loss SoftmaxCrossEntropy { get; } = new SoftmaxCrossEntropyLoss();

    /// <summary>The loss defined by a user's <see cref="IElementwiseLoss"/> type.</summary>
    /// <typeparam name="TFunction">The type that supplies the value and ∂C/∂a.</typeparam>
    /// <returns>A loss that calls <typeparamref name="TFunction"/> with no virtual call per element.</returns>
    public static Loss Elementwise<TFunction>()
        where TFunction : IElementwiseLoss => ElementwiseLoss<TFunction>.Instance;

    /// <summary>The built-in loss with the given name: quadratic, binary-cross-entropy or softmax-cross-entropy.</summary>
    /// <param name="name">The name, case-insensitive; "mse", "bce" and "cross-entropy" are accepted too.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The name is not a built-in loss.</exception>
    public static Loss Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name) ?? throw new ArgumentException(
            $"loss must be one of quadratic, binary-cross-entropy, softmax-cross-entropy, but is '{name}'.", nameof(name));
    }

    /// <summary>The built-in loss with the given name, or null.</summary>
    /// <param name="name">The name, case-insensitive.</param>
    /// <returns>The loss, or null.</returns>
    public static Loss? TryParse(string name) => name?.ToUpperInvariant() switch
    {
        "QUADRATIC" or "MSE" => Quadratic,
        "BINARY-CROSS-ENTROPY" or "BCE" => BinaryCrossEntropy,
        "SOFTMAX-CROSS-ENTROPY" or "CROSS-ENTROPY" or "CE" => SoftmaxCrossEntropy,
        _ => null,
    };

    /// <summary>Throws when <paramref name="output"/> is not an activation this loss supports.</summary>
    /// <param name="output">The output activation.</param>
    /// <exception cref="ArgumentException">The pairing is unsupported.</exception>
    public void EnsureSupports(Activation output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!Supports(output))
        {
            throw new ArgumentException(
                $"loss '{Name}' is not defined for output activation '{output.Name}'.", nameof(output));
        }
    }

    /// <summary>
    /// Refuses a batch whose spans or width do not fit together, or an output activation this loss is not defined
    /// for, naming the span, the width or the activation.
    /// </summary>
    private protected void CheckBatch<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output)
    {
        BatchShape.Rows(nameof(z), z.Length, width);
        BatchShape.Same(nameof(a), z.Length, a.Length);
        BatchShape.Same(nameof(target), z.Length, target.Length);
        EnsureSupports(output);
    }

    /// <summary>As <see cref="CheckBatch{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, int, Activation)"/>, and the destination δ too.</summary>
    private protected void CheckBatch<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output, Span<T> delta)
    {
        CheckBatch(z, a, target, width, output);
        BatchShape.Same(nameof(delta), z.Length, delta.Length);
    }

    /// <summary>δ^L through the chain rule: ∂C/∂a into <paramref name="delta"/>, then σ's backward pass in place.</summary>
    private protected static void ChainThroughActivation<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, int width, Activation output, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        output.BackwardInto(z, a, delta, delta, width);

    /// <summary>The smallest probability a log is taken of, so ln 0 never appears.</summary>
    private protected static T ProbabilityFloor<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateChecked(1e-7) : T.CreateChecked(1e-15);

    /// <summary>The name. Sealed, because a derived record would otherwise print itself as "QuadraticLoss { Name = … }".</summary>
    /// <returns><see cref="Name"/>.</returns>
    public sealed override string ToString() => Name;
}
