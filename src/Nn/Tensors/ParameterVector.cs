using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;

namespace Nn;

/// <summary>
/// An immutable, contiguous vector of numbers with structural equality: the parameters θ of a network,
/// a gradient ∇θ C with the same layout, or an optimiser moment. Every operation returns a new vector.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <example><code>
/// var theta = ParameterVector&lt;double&gt;.Create([1.0, 2.0]);
/// var moved = theta.AddScaled(-0.1, gradient); // θ − 0.1 ∇θ
/// </code></example>
public sealed class ParameterVector<T> : IEquatable<ParameterVector<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] values;

    private ParameterVector(T[] values, bool zeros = false)
    {
        this.values = values;
        IsZeros = zeros;
    }

    /// <summary>The number of elements.</summary>
    public int Length => values.Length;

    /// <summary>
    /// Whether the vector is known to hold zeros only without reading it: made by <see cref="Zeros"/> (a vector never
    /// changes). A training run then clears its buffer rather than copying: the pages of a large fresh array are not yet
    /// mapped, and reading them costs a page fault each (about 15 µs on the virtual machine of docs/benchmarks.md).
    /// </summary>
    internal bool IsZeros { get; }

    /// <summary>The element at <paramref name="index"/>.</summary>
    /// <param name="index">A position in [0, <see cref="Length"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Length"/>), as for <see cref="Matrix{T}"/>.</exception>
    public T this[int index]
    {
        get
        {
            Guard.Index(nameof(index), index, values.Length);
            return values[index];
        }
    }

    /// <summary>A read-only view of the elements; valid as long as this vector.</summary>
    /// <returns>The elements, without copying.</returns>
    public ReadOnlySpan<T> AsSpan() => values;

    /// <summary>A read-only view of the elements that may be stored in fields.</summary>
    /// <returns>The elements, without copying.</returns>
    public ReadOnlyMemory<T> AsMemory() => values;

    /// <summary>Copies the elements into a new array the caller owns.</summary>
    /// <returns>A fresh array.</returns>
    public T[] ToArray() => (T[])values.Clone();

    /// <summary>Creates a vector holding a copy of <paramref name="values"/>.</summary>
    /// <param name="values">The elements; copied, so later changes to the source do not reach the vector.</param>
    /// <returns>The new vector.</returns>
    public static ParameterVector<T> Create(ReadOnlySpan<T> values) => new(values.ToArray());

    /// <summary>Creates a vector of <paramref name="length"/> zeros.</summary>
    /// <param name="length">The number of elements, in 0..<see cref="Limits.MaxParameterCount"/>.</param>
    /// <returns>The new vector.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or more than <see cref="Limits.MaxParameterCount"/>, the most one array holds.</exception>
    public static ParameterVector<T> Zeros(int length)
    {
        if (length < 0 || length > Limits.MaxParameterCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(length),
                string.Create(CultureInfo.InvariantCulture, $"length must be in 0..{Limits.MaxParameterCount} (Limits.MaxParameterCount), but is {length}."));
        }

        return new ParameterVector<T>(new T[length], zeros: true);
    }

    /// <summary>Takes ownership of an array that no one else references; used by functions that fill a fresh buffer.</summary>
    internal static ParameterVector<T> Own(T[] values) => new(values);

    /// <summary>θ + α·v, the axpy of the optimisers.</summary>
    /// <param name="alpha">The factor α applied to <paramref name="other"/>.</param>
    /// <param name="other">The vector v, of the same length.</param>
    /// <returns>A new vector.</returns>
    public ParameterVector<T> AddScaled(T alpha, ParameterVector<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Guard.Length(nameof(other), Length, other.Length);
        var result = (T[])values.Clone();
        Kernels.TensorKernels.MultiplyAdd(other.values, alpha, result, result);
        return new ParameterVector<T>(result);
    }

    /// <summary>The element-wise sum of this vector and <paramref name="other"/>.</summary>
    /// <param name="other">A vector of the same length.</param>
    /// <returns>A new vector.</returns>
    public ParameterVector<T> Add(ParameterVector<T> other) => AddScaled(T.One, other);

    /// <summary>The element-wise difference of this vector and <paramref name="other"/>.</summary>
    /// <param name="other">A vector of the same length.</param>
    /// <returns>A new vector.</returns>
    public ParameterVector<T> Subtract(ParameterVector<T> other) => AddScaled(-T.One, other);

    /// <summary>This vector multiplied by <paramref name="factor"/>.</summary>
    /// <param name="factor">The scale.</param>
    /// <returns>A new vector.</returns>
    public ParameterVector<T> Scale(T factor)
    {
        var result = new T[values.Length];
        Kernels.TensorKernels.Multiply(values, factor, result);
        return new ParameterVector<T>(result);
    }

    /// <summary>The inner product Σ θᵢ vᵢ.</summary>
    /// <param name="other">A vector of the same length.</param>
    /// <returns>The dot product.</returns>
    public T Dot(ParameterVector<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Guard.Length(nameof(other), Length, other.Length);
        return Kernels.TensorKernels.Dot<T>(values, other.values);
    }

    /// <summary>Whether every element is finite (no NaN, no infinity).</summary>
    /// <returns>True when all elements are finite.</returns>
    public bool IsFinite() => Nn.Kernels.VectorKernels.AllFinite<T>(values);

    /// <summary>Converts every element to another floating-point type, rounding each to the nearest value it holds.</summary>
    /// <typeparam name="TOther">The target element type.</typeparam>
    /// <returns>A new vector; NaN and infinities stay what they are.</returns>
    /// <exception cref="OverflowException">
    /// A finite element is beyond the range of <typeparamref name="TOther"/> (1e300 in float32), where it would become
    /// infinite; the message names its index and value.
    /// </exception>
    public ParameterVector<TOther> Convert<TOther>()
        where TOther : unmanaged, IFloatingPointIeee754<TOther> =>
        ParameterVector<TOther>.Own(ElementTypes.Convert<T, TOther>(values, i => string.Create(CultureInfo.InvariantCulture, $"element {i}")));

    /// <summary>
    /// <see cref="Convert{TOther}"/> that lets an element beyond the range of <typeparamref name="TOther"/> become
    /// infinite: a full-batch search tries such points, and its objective's cost there makes the search step back.
    /// </summary>
    internal ParameterVector<TOther> ConvertUnchecked<TOther>()
        where TOther : unmanaged, IFloatingPointIeee754<TOther> =>
        ParameterVector<TOther>.Own(ElementTypes.Convert<T, TOther>(values, null));

    /// <inheritdoc/>
    public bool Equals(ParameterVector<T>? other) =>
        other is not null && values.AsSpan().SequenceEqual(other.values);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ParameterVector<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(values.Length);
        foreach (var v in values)
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"ParameterVector<{typeof(T).Name}>[{Length}]";

    /// <summary>Structural equality.</summary>
    public static bool operator ==(ParameterVector<T>? left, ParameterVector<T>? right) =>
        EqualityComparer<ParameterVector<T>>.Default.Equals(left, right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(ParameterVector<T>? left, ParameterVector<T>? right) => !(left == right);
}
