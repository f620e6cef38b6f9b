using System;
using System.Collections.Immutable;
using System.Numerics;

namespace Nn;

/// <summary>
/// An activation function σ: its value a = σ(z) and its backward pass dC/dz from dC/da live side by side.
/// Activations are values compared by kind; the built-in ones are <see cref="Identity"/>, <see cref="Sigmoid"/>,
/// <see cref="Tanh"/>, <see cref="Relu"/> and <see cref="Softmax"/>, and <see cref="Elementwise{TFunction}"/>
/// turns a user's <see cref="IElementwiseActivation"/> into one.
/// </summary>
/// <remarks>
/// Both passes work on a whole batch at once (rows = samples, <c>width</c> columns) so a network pays one
/// call per layer, not one per element. They write only into the destination span the caller owns.
/// </remarks>
/// <example><code>
/// var architecture = Architecture.Input(64).Dense(32, Activation.Relu).Dense(10, Activation.Softmax);
/// </code></example>
public abstract record Activation
{
    /// <summary>The name used in model files, the command line and the generator attributes.</summary>
    public abstract string Name { get; }

    /// <summary>Whether σ acts on each element alone (false only for softmax, whose Jacobian is not diagonal).</summary>
    public virtual bool IsElementwise => true;

    /// <summary>
    /// The values of z at which σ' jumps — 0 for <see cref="Relu"/> — empty for a smooth σ. <see cref="GradientCheck"/>
    /// does not take a central difference as a derivative when its step moved some z across one of them.
    /// </summary>
    public virtual ImmutableArray<double> Kinks => ImmutableArray<double>.Empty;

    /// <summary>a = σ(z) for every row of a batch.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="z">Weighted inputs z, rows × width, row-major.</param>
    /// <param name="a">Destination for the activations, same shape.</param>
    /// <param name="width">The number of units (columns).</param>
    /// <exception cref="ArgumentException">
    /// The built-in activations refuse a width outside 1..<see cref="Limits.MaxWidth"/>
    /// (<see cref="ArgumentOutOfRangeException"/>), a <paramref name="z"/> that is not whole rows of it, and any
    /// other span whose length differs from <paramref name="z"/>'s.
    /// </exception>
    public abstract void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The backward pass: ∂C/∂z from ∂C/∂a. For an element-wise σ this is ∂C/∂a ⊙ σ'(z), the factor in
    /// δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="z">Weighted inputs z.</param>
    /// <param name="a">Activations a = σ(z), as computed by <see cref="ForwardInto{T}"/>.</param>
    /// <param name="gradientA">∂C/∂a.</param>
    /// <param name="gradientZ">Destination for ∂C/∂z.</param>
    /// <param name="width">The number of units (columns).</param>
    /// <exception cref="ArgumentException">
    /// The built-in activations refuse a width outside 1..<see cref="Limits.MaxWidth"/>
    /// (<see cref="ArgumentOutOfRangeException"/>), a <paramref name="z"/> that is not whole rows of it, and any
    /// other span whose length differs from <paramref name="z"/>'s.
    /// </exception>
    public abstract void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// σ and σ' over one sample's values as pointers to static functions, for kernels that apply them to each sample
    /// on the thread that computed it (<see cref="Kernels.SampleActivation{T}"/>). The built-in activations have them;
    /// the default has none, and a layer then applies σ and σ' over the whole batch itself.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The two functions, or two nulls.</returns>
    internal virtual Kernels.SampleActivation<T> SampleSteps<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => default;

    /// <summary>Refuses a forward batch whose spans or width do not fit together, naming the span or the width.</summary>
    private protected static void CheckForward<T>(ReadOnlySpan<T> z, Span<T> a, int width)
    {
        BatchShape.Rows(nameof(z), z.Length, width);
        BatchShape.Same(nameof(a), z.Length, a.Length);
    }

    /// <summary>Refuses a backward batch whose spans or width do not fit together, naming the span or the width.</summary>
    private protected static void CheckBackward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        BatchShape.Rows(nameof(z), z.Length, width);
        BatchShape.Same(nameof(a), z.Length, a.Length);
        BatchShape.Same(nameof(gradientA), z.Length, gradientA.Length);
        BatchShape.Same(nameof(gradientZ), z.Length, gradientZ.Length);
    }

    /// <summary>The identity σ(z) = z, σ'(z) = 1.</summary>
    public static Activation Identity { get; } = new IdentityActivation();

    /// <summary>The logistic sigmoid σ(z) = 1 / (1 + e^(−z)), σ' = σ(1 − σ).</summary>
    public static Activation Sigmoid { get; } = new SigmoidActivation();

    /// <summary>The hyperbolic tangent, σ' = 1 − σ².</summary>
    public static Activation Tanh { get; } = new TanhActivation();

    /// <summary>The rectifier max(0, z), with derivative 1 for z &gt; 0 and 0 for z ≤ 0.</summary>
    public static Activation Relu { get; } = new ReluActivation();

    /// <summary>Softmax over each row, computed as e^(z − max z) / Σ e^(z − max z) so large z cannot overflow.</summary>
    public static Activation Softmax { get; } = new SoftmaxActivation();

    /// <summary>The activation defined by a user's <see cref="IElementwiseActivation"/> type.</summary>
    /// <typeparam name="TFunction">The type that supplies the value and the derivative.</typeparam>
    /// <returns>An activation that calls <typeparamref name="TFunction"/> with no virtual call per element.</returns>
    public static Activation Elementwise<TFunction>()
        where TFunction : IElementwiseActivation => ElementwiseActivation<TFunction>.Instance;

    /// <summary>The built-in activation with the given name: identity, sigmoid, tanh, relu or softmax.</summary>
    /// <param name="name">The name, case-insensitive.</param>
    /// <returns>The activation.</returns>
    /// <exception cref="ArgumentException">The name is not a built-in activation.</exception>
    public static Activation Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name) ?? throw new ArgumentException(
            $"activation must be one of identity, sigmoid, tanh, relu, softmax, but is '{name}'.", nameof(name));
    }

    /// <summary>The built-in activation with the given name, or null when there is none.</summary>
    /// <param name="name">The name, case-insensitive.</param>
    /// <returns>The activation, or null.</returns>
    public static Activation? TryParse(string name) => name?.ToUpperInvariant() switch
    {
        "IDENTITY" or "LINEAR" => Identity,
        "SIGMOID" or "LOGISTIC" => Sigmoid,
        "TANH" => Tanh,
        "RELU" => Relu,
        "SOFTMAX" => Softmax,
        _ => null,
    };

    /// <summary>The name. Sealed, because a derived record would otherwise print itself as "SigmoidActivation { Name = … }".</summary>
    /// <returns><see cref="Name"/>.</returns>
    public sealed override string ToString() => Name;
}
