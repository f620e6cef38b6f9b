using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;

namespace Nn;

/// <summary>
/// An immutable row-major matrix with structural equality. A batch is a matrix with one sample per row,
/// so X has shape (batch × inputs) and the network's output has shape (batch × outputs).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <example><code>
/// var batch = Matrix&lt;double&gt;.FromRows([[0.5, 0.1, -0.2], [1.0, 0.0, 0.3]]);
/// </code></example>
public sealed class Matrix<T> : IEquatable<Matrix<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] values;

    private Matrix(int rows, int columns, T[] values)
    {
        Rows = rows;
        Columns = columns;
        this.values = values;
    }

    /// <summary>The number of rows (samples in a batch).</summary>
    public int Rows { get; }

    /// <summary>The number of columns (features per sample).</summary>
    public int Columns { get; }

    /// <summary>The element in row <paramref name="row"/> and column <paramref name="column"/>.</summary>
    /// <param name="row">The row index.</param>
    /// <param name="column">The column index.</param>
    public T this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            return values[(row * Columns) + column];
        }
    }

    /// <summary>A read-only view of one row.</summary>
    /// <param name="row">The row index.</param>
    /// <returns>The row's elements, without copying.</returns>
    public ReadOnlySpan<T> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return values.AsSpan(row * Columns, Columns);
    }

    /// <summary>A copy of one row as an array the caller owns.</summary>
    /// <param name="row">The row index.</param>
    /// <returns>A fresh array.</returns>
    public T[] RowArray(int row) => Row(row).ToArray();

    /// <summary>All elements in row-major order, without copying.</summary>
    /// <returns>A read-only view.</returns>
    public ReadOnlySpan<T> AsSpan() => values;

    /// <summary>All elements in row-major order, without copying, as memory that may be stored in fields.</summary>
    /// <returns>A read-only view.</returns>
    public ReadOnlyMemory<T> AsMemory() => values;

    /// <summary>Copies the matrix into a new two-dimensional array.</summary>
    /// <returns>A fresh array.</returns>
    public T[,] ToArray()
    {
        var result = new T[Rows, Columns];
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                result[r, c] = values[(r * Columns) + c];
            }
        }

        return result;
    }

    /// <summary>Creates a matrix from row-major elements, copying them.</summary>
    /// <param name="rows">The number of rows, at least 0.</param>
    /// <param name="columns">The number of columns, at least 1.</param>
    /// <param name="values">rows × columns elements in row-major order.</param>
    /// <returns>The new matrix.</returns>
    public static Matrix<T> Create(int rows, int columns, ReadOnlySpan<T> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Guard.Positive(nameof(columns), columns);
        Guard.Length(nameof(values), Limits.Elements(nameof(values), rows, columns, "a matrix of rows × columns"), values.Length);
        return new Matrix<T>(rows, columns, values.ToArray());
    }

    /// <summary>Creates a matrix from a two-dimensional array, copying it.</summary>
    /// <param name="values">The elements; the first index is the row.</param>
    /// <returns>The new matrix.</returns>
    public static Matrix<T> FromArray(T[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        // An array made by Array.CreateInstance may start at any index; its first element is still row 0, column 0.
        int rowBase = values.GetLowerBound(0), columnBase = values.GetLowerBound(1);
        Guard.Positive("columns", columns);
        var data = new T[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                data[(r * columns) + c] = values[rowBase + r, columnBase + c];
            }
        }

        return new Matrix<T>(rows, columns, data);
    }

    /// <summary>Creates a matrix whose rows are the given lists; all must have the same length.</summary>
    /// <typeparam name="TRow">
    /// The row type: an array, a <see cref="List{T}"/>, an F# list or any other <see cref="IReadOnlyList{T}"/>. It is
    /// a type parameter rather than <see cref="IReadOnlyList{T}"/> itself so that F#, which does not convert
    /// <c>float[][]</c> to a sequence of <see cref="IReadOnlyList{T}"/>, can pass jagged arrays and lists of lists as they are.
    /// </typeparam>
    /// <param name="rows">The rows, at least one.</param>
    /// <returns>The new matrix.</returns>
    /// <example><code>
    /// var x = Matrix&lt;double&gt;.FromRows(new[] { new[] { 0.0, 1.0 }, new[] { 1.0, 0.0 } });
    /// // F#: Matrix&lt;float&gt;.FromRows [ [ 0.0; 1.0 ]; [ 1.0; 0.0 ] ]
    /// </code></example>
    public static Matrix<T> FromRows<TRow>(IEnumerable<TRow> rows)
        where TRow : IReadOnlyList<T>
    {
        ArgumentNullException.ThrowIfNull(rows);
        Guard.NotDefault(rows, nameof(rows));
        var list = new List<TRow>(rows);
        if (list.Count == 0)
        {
            throw new ArgumentException("rows must hold at least one row, but is empty.", nameof(rows));
        }

        var missing = list.FindIndex(row => row is null);
        if (missing >= 0)
        {
            throw new ArgumentException($"row {missing} is null.", nameof(rows));
        }

        var unset = list.FindIndex(row => row is ImmutableArray<T> { IsDefault: true });
        if (unset >= 0)
        {
            throw new ArgumentException($"row {unset} is a default ImmutableArray, which holds no values.", nameof(rows));
        }

        var columns = list[0].Count;
        Guard.Positive("columns", columns);
        var data = new T[Limits.Elements(nameof(rows), list.Count, columns, "a matrix of rows × columns")];
        for (var r = 0; r < list.Count; r++)
        {
            Guard.Length($"rows[{r}]", columns, list[r].Count);
            for (var c = 0; c < columns; c++)
            {
                data[(r * columns) + c] = list[r][c];
            }
        }

        return new Matrix<T>(list.Count, columns, data);
    }

    /// <summary>A one-row matrix holding a copy of <paramref name="row"/>.</summary>
    /// <param name="row">The single sample.</param>
    /// <returns>The new matrix.</returns>
    public static Matrix<T> FromRow(ReadOnlySpan<T> row) => Create(1, row.Length, row);

    /// <summary>Takes ownership of an array no one else references.</summary>
    internal static Matrix<T> Own(int rows, int columns, T[] values) => new(rows, columns, values);

    /// <summary>The rows at the given indices, in that order (a mini-batch gathered from a data set).</summary>
    /// <param name="indices">Row indices, each in [0, <see cref="Rows"/>).</param>
    /// <returns>A new matrix with indices.Length rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below <see cref="Rows"/>.</exception>
    public Matrix<T> SelectRows(ReadOnlySpan<int> indices)
    {
        var data = new T[Limits.Elements(nameof(indices), indices.Length, Columns, "the selected rows × columns")];
        for (var i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Rows)
            {
                // The name is built only for the refusal: gathering a batch allocates nothing else.
                Guard.Index($"indices[{i}]", indices[i], Rows);
            }

            Row(indices[i]).CopyTo(data.AsSpan(i * Columns, Columns));
        }

        return new Matrix<T>(indices.Length, Columns, data);
    }

    /// <summary>Converts every element to another floating-point type, rounding each to the nearest value it holds.</summary>
    /// <typeparam name="TOther">The target element type.</typeparam>
    /// <returns>A new matrix; NaN and infinities stay what they are.</returns>
    /// <exception cref="OverflowException">
    /// A finite element is beyond the range of <typeparamref name="TOther"/> (1e300 in float32), where it would become
    /// infinite; the message names its row, column and value.
    /// </exception>
    public Matrix<TOther> Convert<TOther>()
        where TOther : unmanaged, IFloatingPointIeee754<TOther>
    {
        var columns = Columns;
        var data = ElementTypes.Convert<T, TOther>(values, i => string.Create(CultureInfo.InvariantCulture, $"element [{i / columns}, {i % columns}]"));
        return Matrix<TOther>.Own(Rows, Columns, data);
    }

    /// <inheritdoc/>
    public bool Equals(Matrix<T>? other) =>
        other is not null && Rows == other.Rows && Columns == other.Columns && values.AsSpan().SequenceEqual(other.values);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Matrix<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Rows);
        hash.Add(Columns);
        foreach (var v in values)
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"Matrix<{typeof(T).Name}>[{Rows}×{Columns}]";

    /// <summary>Structural equality.</summary>
    public static bool operator ==(Matrix<T>? left, Matrix<T>? right) =>
        EqualityComparer<Matrix<T>>.Default.Equals(left, right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(Matrix<T>? left, Matrix<T>? right) => !(left == right);
}
