using System.Collections.Immutable;
using System.Numerics;

namespace Nn;

/// <summary>
/// A user-defined element-wise activation: its value and its derivative as static members, so the generic
/// code that applies it is specialised by the JIT with no virtual call per element.
/// Turn it into an <see cref="Activation"/> with <see cref="Activation.Elementwise{TFunction}"/>.
/// </summary>
/// <example><code>
/// public sealed class Softplus : IElementwiseActivation
/// {
///     public static string Name => "softplus";
///     public static T Value&lt;T&gt;(T z) where T : IFloatingPointIeee754&lt;T&gt; => T.Log(T.One + T.Exp(z));
///     public static T Derivative&lt;T&gt;(T z, T a) where T : IFloatingPointIeee754&lt;T&gt; => T.One / (T.One + T.Exp(-z));
/// }
/// </code></example>
public interface IElementwiseActivation
{
    /// <summary>The activation's name, unique among the activations a program uses.</summary>
    static abstract string Name { get; }

    /// <summary>σ(z).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="z">The weighted input.</param>
    /// <returns>The activation.</returns>
    static abstract T Value<T>(T z)
        where T : IFloatingPointIeee754<T>;

    /// <summary>σ'(z), given both z and a = σ(z) so either form of the derivative can be used.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="z">The weighted input.</param>
    /// <param name="a">σ(z).</param>
    /// <returns>The derivative dσ/dz at z.</returns>
    static abstract T Derivative<T>(T z, T a)
        where T : IFloatingPointIeee754<T>;

    /// <summary>
    /// The values of z at which σ' jumps (0 for a function shaped like ReLU), so that a gradient check does not take a
    /// central difference across one as a derivative (<see cref="Activation.Kinks"/>); none unless the type says so.
    /// </summary>
    static virtual ImmutableArray<double> Kinks => ImmutableArray<double>.Empty;
}
