using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Nn.Kernels;

/// <summary>
/// The hot loops of a dense layer over row-major spans: the three matrix products of the batch form
/// (Z = X Wᵀ, ∂W += δᵀ X, ∂X = δ W), the bias broadcast and the bias gradient's column sums.
/// Each writes only into its destination span, which the caller owns.
/// </summary>
/// <example><code>
/// DenseKernels.MultiplyByTransposeInto(x, rows, inputs, weights, outputs, z); // Z = X Wᵀ
/// </code></example>
public static class DenseKernels
{
    /// <summary>Z = X Wᵀ: z[i, j] = Σ_k x[i, k] w[j, k] (the weighted inputs of a batch, before the bias).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">X, rows × inputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="inputs">The number of inputs k.</param>
    /// <param name="w">W, outputs × inputs.</param>
    /// <param name="outputs">The number of outputs j.</param>
    /// <param name="z">Destination Z, rows × outputs; overwritten.</param>
    public static void MultiplyByTransposeInto<T>(ReadOnlySpan<T> x, int rows, int inputs, ReadOnlySpan<T> w, int outputs, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(x, rows, inputs, nameof(x));
        CheckShape(w, outputs, inputs, nameof(w));
        CheckShape(z, rows, outputs, nameof(z));
        for (var i = 0; i < rows; i++)
        {
            var xRow = x.Slice(i * inputs, inputs);
            var zRow = z.Slice(i * outputs, outputs);
            for (var j = 0; j < outputs; j++)
            {
                zRow[j] = TensorPrimitives.Dot(xRow, w.Slice(j * inputs, inputs));
            }
        }
    }

    /// <summary>∂W += δᵀ X: dw[j, k] += Σ_i delta[i, j] x[i, k] (equation 4 summed over a batch).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="delta">δ, rows × outputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="outputs">The number of outputs j.</param>
    /// <param name="x">The layer's inputs a^(l−1), rows × inputs.</param>
    /// <param name="inputs">The number of inputs k.</param>
    /// <param name="dw">Destination ∂W, outputs × inputs; added to.</param>
    public static void AddTransposeProductInto<T>(ReadOnlySpan<T> delta, int rows, int outputs, ReadOnlySpan<T> x, int inputs, Span<T> dw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(delta, rows, outputs, nameof(delta));
        CheckShape(x, rows, inputs, nameof(x));
        CheckShape(dw, outputs, inputs, nameof(dw));
        for (var i = 0; i < rows; i++)
        {
            var xRow = x.Slice(i * inputs, inputs);
            for (var j = 0; j < outputs; j++)
            {
                var d = delta[(i * outputs) + j];
                if (d != T.Zero)
                {
                    var dwRow = dw.Slice(j * inputs, inputs);
                    TensorPrimitives.MultiplyAdd(xRow, d, dwRow, dwRow);
                }
            }
        }
    }

    /// <summary>∂X = δ W: dx[i, k] = Σ_j delta[i, j] w[j, k] (the (W^l)ᵀ δ^l of equation 2, for a batch).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="delta">δ, rows × outputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="outputs">The number of outputs j.</param>
    /// <param name="w">W, outputs × inputs.</param>
    /// <param name="inputs">The number of inputs k.</param>
    /// <param name="dx">Destination, rows × inputs; overwritten.</param>
    public static void MultiplyInto<T>(ReadOnlySpan<T> delta, int rows, int outputs, ReadOnlySpan<T> w, int inputs, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(delta, rows, outputs, nameof(delta));
        CheckShape(w, outputs, inputs, nameof(w));
        CheckShape(dx, rows, inputs, nameof(dx));
        dx.Slice(0, rows * inputs).Clear();
        for (var i = 0; i < rows; i++)
        {
            var dxRow = dx.Slice(i * inputs, inputs);
            for (var j = 0; j < outputs; j++)
            {
                var d = delta[(i * outputs) + j];
                if (d != T.Zero)
                {
                    TensorPrimitives.MultiplyAdd(w.Slice(j * inputs, inputs), d, dxRow, dxRow);
                }
            }
        }
    }

    /// <summary>z[i, j] += b[j] for every row: the "+ b^l" of z^l = W^l a^(l−1) + b^l.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="bias">b, length outputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="z">Z, rows × outputs; added to.</param>
    public static void AddRowVectorInto<T>(ReadOnlySpan<T> bias, int rows, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(z, rows, bias.Length, nameof(z));
        for (var i = 0; i < rows; i++)
        {
            var zRow = z.Slice(i * bias.Length, bias.Length);
            TensorPrimitives.Add(zRow, bias, zRow);
        }
    }

    /// <summary>db[j] += Σ_i delta[i, j]: the bias gradient (equation 3) as column sums of δ.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="delta">δ, rows × outputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="db">Destination, length outputs; added to.</param>
    public static void AddColumnSumsInto<T>(ReadOnlySpan<T> delta, int rows, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(delta, rows, db.Length, nameof(delta));
        for (var i = 0; i < rows; i++)
        {
            TensorPrimitives.Add(db, delta.Slice(i * db.Length, db.Length), db);
        }
    }

    private static void CheckShape<T>(ReadOnlySpan<T> span, int rows, int columns, string name)
    {
        if (rows < 0 || columns < 0 || span.Length < rows * columns)
        {
            throw new ArgumentException($"{name} must hold at least {rows}×{columns} = {rows * columns} elements, but holds {span.Length}.", name);
        }
    }
}
