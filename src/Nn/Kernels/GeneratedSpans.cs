using System;
using System.Numerics;

namespace Nn.Kernels;

/// <summary>
/// The span operations that the code generated for a declared network (<see cref="NetworkAttribute"/>) calls on
/// whole rows — activations, the softmax's maximum and sum, the dot products and axpys of rows of 256 inputs or more,
/// the L2 term and a bias gradient's sum. They run on the calling thread's kernel path like every other kernel
/// (<see cref="KernelSelection"/>): on a vector path they give exactly what <c>System.Numerics.Tensors.TensorPrimitives</c>
/// gives, on <see cref="KernelPath.Portable"/> plain scalar loops summed in index order, so forcing Portable makes a
/// declared network scalar end to end. Each writes only into the destination span its caller owns.
/// </summary>
/// <example><code>
/// GeneratedSpans.Sigmoid&lt;float&gt;(z, a);                  // a_j = σ(z_j)
/// var norm = GeneratedSpans.SumOfSquares&lt;float&gt;(w);     // Σ w²
/// </code></example>
public static class GeneratedSpans
{
    /// <summary>Σ x_i y_i.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The first vector.</param>
    /// <param name="y">The second vector, as long as <paramref name="x"/>.</param>
    /// <returns>The dot product.</returns>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Dot(x, y);

    /// <summary>Σ x_i.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The values.</param>
    /// <returns>Their sum.</returns>
    public static T Sum<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Sum(x);

    /// <summary>Σ x_i².</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The values.</param>
    /// <returns>The sum of their squares.</returns>
    public static T SumOfSquares<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.SumOfSquares(x);

    /// <summary>The largest x_i (NaN if any is NaN).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The values, at least one.</param>
    /// <returns>Their maximum.</returns>
    public static T Max<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Max(x);

    /// <summary>destination_i = max(x_i, y): ReLU when y is 0.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The values.</param>
    /// <param name="y">The floor.</param>
    /// <param name="destination">The results, at least as long as <paramref name="x"/>; may be <paramref name="x"/> itself.</param>
    public static void Max<T>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Max(x, y, destination);

    /// <summary>destination_i = x_i · y.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The values.</param>
    /// <param name="y">The factor.</param>
    /// <param name="destination">The results; may be <paramref name="x"/> itself.</param>
    public static void Multiply<T>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Multiply(x, y, destination);

    /// <summary>destination_i = x_i · y + addend_i (an axpy when destination is the addend).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The values.</param>
    /// <param name="y">The factor.</param>
    /// <param name="addend">What is added, as long as <paramref name="x"/>.</param>
    /// <param name="destination">The results; may be <paramref name="addend"/> itself.</param>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, T y, ReadOnlySpan<T> addend, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.MultiplyAdd(x, y, addend, destination);

    /// <summary>destination_i = 1 / (1 + e^(−x_i)).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The values.</param>
    /// <param name="destination">The results; may be <paramref name="x"/> itself.</param>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Sigmoid(x, destination);

    /// <summary>destination_i = tanh(x_i).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The values.</param>
    /// <param name="destination">The results; may be <paramref name="x"/> itself.</param>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorKernels.Tanh(x, destination);
}
