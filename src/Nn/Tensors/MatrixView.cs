using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// A read-only view of a block of a parameter vector as a row-major matrix: the weights W^l of one layer,
/// with rows = outputs j and columns = inputs k, so <c>view[j, k]</c> is W^l_jk.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public readonly struct MatrixView<T> : IEquatable<MatrixView<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlyMemory<T> memory;

    internal MatrixView(ReadOnlyMemory<T> memory, int rows, int columns)
    {
        this.memory = memory;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The number of rows (the layer's outputs).</summary>
    public int Rows { get; }

    /// <summary>The number of columns (the layer's inputs).</summary>
    public int Columns { get; }

    /// <summary>The element W_jk.</summary>
    /// <param name="row">The output index j.</param>
    /// <param name="column">The input index k.</param>
    public T this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            return memory.Span[(row * Columns) + column];
        }
    }

    /// <summary>The elements in row-major order, without copying.</summary>
    /// <returns>A read-only span.</returns>
    public ReadOnlySpan<T> AsSpan() => memory.Span;

    /// <summary>One row (the incoming weights of output unit j), without copying.</summary>
    /// <param name="row">The output index j.</param>
    /// <returns>A read-only span of length <see cref="Columns"/>.</returns>
    public ReadOnlySpan<T> Row(int row) => memory.Span.Slice(row * Columns, Columns);

    /// <summary>Copies the block into a new two-dimensional array.</summary>
    /// <returns>A fresh array indexed [row, column].</returns>
    public T[,] ToArray()
    {
        var result = new T[Rows, Columns];
        var span = memory.Span;
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                result[r, c] = span[(r * Columns) + c];
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public bool Equals(MatrixView<T> other) =>
        Rows == other.Rows && Columns == other.Columns && memory.Span.SequenceEqual(other.memory.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MatrixView<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Rows, Columns, memory.Length);

    /// <summary>Structural equality.</summary>
    public static bool operator ==(MatrixView<T> left, MatrixView<T> right) => left.Equals(right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(MatrixView<T> left, MatrixView<T> right) => !left.Equals(right);
}
