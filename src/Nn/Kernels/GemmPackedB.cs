using System;
using System.Numerics;

namespace Nn.Kernels;

/// <summary>
/// A B operand packed once and multiplied several times: where threads split a product by rows of C, each one would
/// otherwise pack all of B for itself (a deferred SGD block's W¹ update, Uᵀ X, packs the block's X on every thread),
/// and where one thread computes a product in row slivers one after another (the block's Gram matrix beside its
/// per-sample loop), each sliver would pack B again.
/// </summary>
/// <remarks>
/// The packed B holds, for each KC-deep block of rows in turn, the NR-wide panels <see cref="Multiply{T}"/> packs for
/// it; a product through it runs the same micro-kernel on the same panels and slivers, so every element gets the bits
/// of <see cref="Multiply{T}"/>.
/// </remarks>
internal static partial class Gemm
{
    /// <summary>The elements <see cref="PackWholeB{T}"/> writes for a k × n operand.</summary>
    public static int PackedBLength<T>(KernelPath path, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> => RoundUp(n, TileShape<T>(path).NR) * k;

    /// <summary>
    /// Packs B(p, j) = b[p·bRowStride + j·bColumnStride], 0 ≤ p &lt; <paramref name="k"/>, 0 ≤ j &lt; <paramref name="n"/>,
    /// into <paramref name="packed"/> (<see cref="PackedBLength{T}"/> elements) for <see cref="MultiplyPackedB{T}"/>.
    /// </summary>
    public static void PackWholeB<T>(KernelPath path, int k, int n, ReadOnlySpan<T> b, int bRowStride, int bColumnStride, Span<T> packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var nr = TileShape<T>(path).NR;
        var width = RoundUp(n, nr);
        for (var pc = 0; pc < k; pc += KC)
        {
            var kc = Math.Min(KC, k - pc);
            PackB(path, b, bRowStride, bColumnStride, pc, kc, 0, n, nr, packed.Slice(pc * width, kc * width));
        }
    }

    /// <summary>
    /// <see cref="Multiply{T}"/> with B (k × <paramref name="n"/>) already packed by <see cref="PackWholeB{T}"/> on the
    /// same path. <paramref name="jFrom"/> must start a panel (a multiple of NR).
    /// </summary>
    public static void MultiplyPackedB<T>(
        KernelPath path, int m, int k, ReadOnlySpan<T> a, int aRowStride, int aColumnStride, ReadOnlySpan<T> packed, int n, Span<T> c, int ldc, bool accumulate, int jFrom, int jTo)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (mr, nr) = TileShape<T>(path);
        if (jFrom % nr != 0 || jTo > n)
        {
            throw new ArgumentOutOfRangeException(nameof(jFrom), jFrom, $"a packed B of {n} columns is read from a panel's first column (a multiple of {nr}) up to its width; asked for columns {jFrom} to {jTo}.");
        }

        if (m == 0 || jTo <= jFrom)
        {
            return;
        }

        if (k == 0)
        {
            for (var i = 0; i < m && !accumulate; i++)
            {
                c.Slice((i * ldc) + jFrom, jTo - jFrom).Clear();
            }

            return;
        }

        KernelCensus.Resolve(path);
        var packA = Scratch<T>.PackA(RoundUp(Math.Min(MC, m), mr) * KC);
        var width = RoundUp(n, nr);

        // All the columns in one block: B is packed already, so NC's bound on the packing buffer does not apply, and
        // an element's sum does not depend on which panel or block of columns it falls in.
        for (var pc = 0; pc < k; pc += KC)
        {
            var kc = Math.Min(KC, k - pc);
            MultiplyBlock(path, m, a, aRowStride, aColumnStride, packA, packed.Slice((pc * width) + ((jFrom / nr) * kc * nr)), pc, kc, jFrom, jTo - jFrom, c, ldc, accumulate || pc > 0);
        }
    }
}
