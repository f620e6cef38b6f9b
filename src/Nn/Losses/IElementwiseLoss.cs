using System.Numerics;

namespace Nn;

/// <summary>
/// A user-defined loss that is a sum over outputs of a per-element cost c(a, y): its value and ∂c/∂a as static
/// members, specialised by the JIT. Turn it into a <see cref="Loss"/> with <see cref="Loss.Elementwise{TFunction}"/>.
/// </summary>
/// <example><code>
/// public sealed class Absolute : IElementwiseLoss
/// {
///     public static string Name => "absolute";
///     public static T Value&lt;T&gt;(T a, T y) where T : IFloatingPointIeee754&lt;T&gt; => T.Abs(a - y);
///     public static T Derivative&lt;T&gt;(T a, T y) where T : IFloatingPointIeee754&lt;T&gt; => T.CreateChecked(T.Sign(a - y));
/// }
/// </code></example>
public interface IElementwiseLoss
{
    /// <summary>The loss's name.</summary>
    static abstract string Name { get; }

    /// <summary>c(a, y) for one output.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">The output activation.</param>
    /// <param name="y">The target.</param>
    /// <returns>The cost contribution.</returns>
    static abstract T Value<T>(T a, T y)
        where T : IFloatingPointIeee754<T>;

    /// <summary>∂c/∂a.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">The output activation.</param>
    /// <param name="y">The target.</param>
    /// <returns>The derivative.</returns>
    static abstract T Derivative<T>(T a, T y)
        where T : IFloatingPointIeee754<T>;
}
