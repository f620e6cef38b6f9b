using System;
using System.Numerics;

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
    /// <summary>Batches with fewer rows than this use direct dot-product and axpy loops instead of packing.</summary>
    internal const int SmallBatch = 4;

    /// <summary>Z = X Wᵀ: z[i, j] = Σ_k x[i, k] w[j, k] (the weighted inputs of a batch, before the bias).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">X, rows × inputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="inputs">The number of inputs k.</param>
    /// <param name="w">W, outputs × inputs.</param>
    /// <param name="outputs">The number of outputs j.</param>
    /// <param name="z">Destination Z, rows × outputs; overwritten.</param>
    public static void MultiplyByTransposeInto<T>(ReadOnlySpan<T> x, int rows, int inputs, ReadOnlySpan<T> w, int outputs, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MultiplyByTransposeInto(x, rows, inputs, w, outputs, z, KernelPath.Auto);

    /// <summary>Z = X Wᵀ on a chosen <see cref="KernelPath"/>: z[i, j] = Σ_k x[i, k] w[j, k].</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">X, rows × inputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="inputs">The number of inputs k.</param>
    /// <param name="w">W, outputs × inputs.</param>
    /// <param name="outputs">The number of outputs j.</param>
    /// <param name="z">Destination Z, rows × outputs; overwritten.</param>
    /// <param name="path">The micro-kernels to use; <see cref="KernelPath.Auto"/> is the path in use (<see cref="KernelSelection.Resolve"/>), and a path the CPU cannot run is refused.</param>
    /// <example><code>
    /// DenseKernels.MultiplyByTransposeInto&lt;float&gt;(x, 128, 784, w, 256, z, KernelPath.Portable);
    /// </code></example>
    public static void MultiplyByTransposeInto<T>(ReadOnlySpan<T> x, int rows, int inputs, ReadOnlySpan<T> w, int outputs, Span<T> z, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(x, rows, inputs, nameof(x));
        CheckShape(w, outputs, inputs, nameof(w));
        CheckShape(z, rows, outputs, nameof(z));
        MultiplyByTranspose(x, rows, inputs, w, outputs, z, KernelSelection.Resolve(path), null);
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
        where T : unmanaged, IFloatingPointIeee754<T> =>
        AddTransposeProductInto(delta, rows, outputs, x, inputs, dw, KernelPath.Auto);

    /// <summary>∂W += δᵀ X on a chosen <see cref="KernelPath"/>: dw[j, k] += Σ_i delta[i, j] x[i, k].</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="delta">δ, rows × outputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="outputs">The number of outputs j.</param>
    /// <param name="x">The layer's inputs a^(l−1), rows × inputs.</param>
    /// <param name="inputs">The number of inputs k.</param>
    /// <param name="dw">Destination ∂W, outputs × inputs; added to.</param>
    /// <param name="path">The micro-kernels to use.</param>
    /// <example><code>
    /// DenseKernels.AddTransposeProductInto&lt;float&gt;(delta, 128, 256, x, 784, dw, KernelPath.Auto);
    /// </code></example>
    public static void AddTransposeProductInto<T>(ReadOnlySpan<T> delta, int rows, int outputs, ReadOnlySpan<T> x, int inputs, Span<T> dw, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(delta, rows, outputs, nameof(delta));
        CheckShape(x, rows, inputs, nameof(x));
        CheckShape(dw, outputs, inputs, nameof(dw));
        TransposeProduct(delta, rows, outputs, x, inputs, dw, accumulate: true, KernelSelection.Resolve(path), null);
    }

    /// <summary>∂W = δᵀ X, overwriting: dw[j, k] = Σ_i delta[i, j] x[i, k] (saves clearing ∂W first).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="delta">δ, rows × outputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="outputs">The number of outputs j.</param>
    /// <param name="x">The layer's inputs a^(l−1), rows × inputs.</param>
    /// <param name="inputs">The number of inputs k.</param>
    /// <param name="dw">Destination ∂W, outputs × inputs; overwritten.</param>
    /// <param name="path">The micro-kernels to use.</param>
    /// <example><code>
    /// DenseKernels.TransposeProductInto&lt;float&gt;(delta, 128, 256, x, 784, dw, KernelPath.Auto);
    /// </code></example>
    public static void TransposeProductInto<T>(ReadOnlySpan<T> delta, int rows, int outputs, ReadOnlySpan<T> x, int inputs, Span<T> dw, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(delta, rows, outputs, nameof(delta));
        CheckShape(x, rows, inputs, nameof(x));
        CheckShape(dw, outputs, inputs, nameof(dw));
        TransposeProduct(delta, rows, outputs, x, inputs, dw, accumulate: false, KernelSelection.Resolve(path), null);
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
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MultiplyInto(delta, rows, outputs, w, inputs, dx, KernelPath.Auto);

    /// <summary>∂X = δ W on a chosen <see cref="KernelPath"/>: dx[i, k] = Σ_j delta[i, j] w[j, k].</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="delta">δ, rows × outputs.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="outputs">The number of outputs j.</param>
    /// <param name="w">W, outputs × inputs.</param>
    /// <param name="inputs">The number of inputs k.</param>
    /// <param name="dx">Destination, rows × inputs; overwritten.</param>
    /// <param name="path">The micro-kernels to use.</param>
    /// <example><code>
    /// DenseKernels.MultiplyInto&lt;float&gt;(delta, 128, 256, w, 784, dx, KernelPath.Auto);
    /// </code></example>
    public static void MultiplyInto<T>(ReadOnlySpan<T> delta, int rows, int outputs, ReadOnlySpan<T> w, int inputs, Span<T> dx, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(delta, rows, outputs, nameof(delta));
        CheckShape(w, outputs, inputs, nameof(w));
        CheckShape(dx, rows, inputs, nameof(dx));
        Multiply(delta, rows, outputs, w, inputs, dx, KernelSelection.Resolve(path), null);
    }

    /// <summary>Z = X Wᵀ on a resolved path, optionally split over a team; shapes already checked.</summary>
    internal static void MultiplyByTranspose<T>(ReadOnlySpan<T> x, int rows, int inputs, ReadOnlySpan<T> w, int outputs, Span<T> z, KernelPath path, GemmTeam<T>? team, ReadOnlySpan<T> xMirror = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows < SmallBatch && path != KernelPath.Portable)
        {
            for (var i = 0; i < rows; i++)
            {
                VectorKernels.MultiplyRows(w, outputs, inputs, x.Slice(i * inputs, inputs), z.Slice(i * outputs, outputs), path);
            }

            return;
        }

        // C = Z (rows × outputs), A = X, B(p, j) = W[j, p].
        if (team is null)
        {
            Gemm.Multiply(path, rows, inputs, x, inputs, 1, w, 1, inputs, z, outputs, false, 0, outputs);
        }
        else
        {
            team.Multiply(path, rows, outputs, inputs, x, inputs, 1, w, 1, inputs, z, outputs, false, xMirror);
        }
    }

    /// <summary>∂W (+)= δᵀ X on a resolved path, optionally split over a team; shapes already checked.</summary>
    internal static void TransposeProduct<T>(
        ReadOnlySpan<T> delta, int rows, int outputs, ReadOnlySpan<T> x, int inputs, Span<T> dw, bool accumulate, KernelPath path, GemmTeam<T>? team)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows < SmallBatch && path != KernelPath.Portable)
        {
            if (rows == 0 && !accumulate)
            {
                // No rank-one update writes ∂W, which over no rows is 0 (as Gemm's product of depth 0 writes it).
                dw.Slice(0, outputs * inputs).Clear();
            }

            // Rank-one updates: dw[j, ·] (+)= delta[i, j] x[i, ·].
            for (var i = 0; i < rows; i++)
            {
                var xRow = x.Slice(i * inputs, inputs);
                for (var j = 0; j < outputs; j++)
                {
                    var dwRow = dw.Slice(j * inputs, inputs);
                    if (i == 0 && !accumulate)
                    {
                        VectorKernels.Multiply(delta[j], xRow, dwRow, path);
                    }
                    else
                    {
                        VectorKernels.MultiplyAdd(delta[(i * outputs) + j], xRow, dwRow, path);
                    }
                }
            }

            return;
        }

        // C = ∂W (outputs × inputs), A(j, i) = δ[i, j], B = X.
        if (team is null)
        {
            Gemm.Multiply(path, outputs, rows, delta, 1, outputs, x, inputs, 1, dw, inputs, accumulate, 0, inputs);
        }
        else
        {
            team.Multiply(path, outputs, inputs, rows, delta, 1, outputs, x, inputs, 1, dw, inputs, accumulate);
        }
    }

    /// <summary>∂X = δ W on a resolved path, optionally split over a team; shapes already checked.</summary>
    internal static void Multiply<T>(ReadOnlySpan<T> delta, int rows, int outputs, ReadOnlySpan<T> w, int inputs, Span<T> dx, KernelPath path, GemmTeam<T>? team)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows < SmallBatch && path != KernelPath.Portable)
        {
            // dx[i, ·] = Σ_j delta[i, j] w[j, ·], as a sequence of axpys.
            for (var i = 0; i < rows; i++)
            {
                var dxRow = dx.Slice(i * inputs, inputs);
                dxRow.Clear();
                for (var j = 0; j < outputs; j++)
                {
                    VectorKernels.MultiplyAdd(delta[(i * outputs) + j], w.Slice(j * inputs, inputs), dxRow, path);
                }
            }

            return;
        }

        // C = ∂X (rows × inputs), A = δ, B = W.
        if (team is null)
        {
            Gemm.Multiply(path, rows, outputs, delta, outputs, 1, w, inputs, 1, dx, inputs, false, 0, inputs);
        }
        else
        {
            team.Multiply(path, rows, inputs, outputs, delta, outputs, 1, w, inputs, 1, dx, inputs, false);
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
            TensorKernels.Add(zRow, bias, zRow);
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
        AddColumnSumsInto(delta, rows, db.Length, 0, db);
    }

    /// <summary>
    /// db[j] += Σ_i delta[i, first + j] for the columns [first, first + db.Length) of a rows × width δ: the bias
    /// gradient of one thread's block of a layer's units, each column summed row after row as the whole-row form sums it.
    /// </summary>
    internal static void AddColumnSumsInto<T>(ReadOnlySpan<T> delta, int rows, int width, int first, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < rows; i++)
        {
            TensorKernels.Add(db, delta.Slice((i * width) + first, db.Length), db);
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
