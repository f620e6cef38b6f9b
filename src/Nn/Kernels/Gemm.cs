using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// C = A·B or C += A·B over strided operands: the engine behind the three matrix products of <see cref="DenseKernels"/>.
/// Blocked and packed in the BLIS manner: a KC-deep block of B is copied into NR-wide column panels, a block of A
/// into MR-tall row slivers, and a register-blocked micro-kernel (<see cref="MicroKernels"/>) multiplies one
/// sliver by one panel with all MR×NR sums held in registers. Transposed operands cost little extra: the
/// packing reads them through their strides, and a k-contiguous operand (X and W in Z = X Wᵀ) is packed by
/// register transposes of 8 × 8 blocks (<see cref="BlockTranspose"/>).
/// </summary>
/// <remarks>
/// Every element of C is summed over k in the same order (KC blocks in turn, each in index order) whatever
/// column range <see cref="Multiply{T}"/> is asked for, so splitting the columns over threads gives bit-for-bit
/// the same result as one thread.
/// </remarks>
internal static partial class Gemm
{
    /// <summary>The depth of a packed block: a KC × NR panel of B (32 KiB for float at NR = 32) stays in L1.</summary>
    private const int KC = 256;

    /// <summary>Rows of A packed at once (an MC × KC block, 128 KiB for float, lives in L2).</summary>
    internal const int MC = 128;

    /// <summary>Columns of B packed at once.</summary>
    private const int NC = 512;

    /// <summary>The micro-tile shape (MR rows × NR columns) of a path for element type <typeparamref name="T"/>.</summary>
    public static (int MR, int NR) TileShape<T>(KernelPath path) => path switch
    {
        KernelPath.Vector512 => (MicroKernels.Rows512, 2 * Vector512<T>.Count),
        KernelPath.Vector256 => (MicroKernels.Rows256, 2 * Vector256<T>.Count),
        KernelPath.Vector128 => MicroKernels128.TileShape<T>(),
        _ => (MicroKernels.RowsPortable, MicroKernels.ColumnsPortable),
    };

    /// <summary>
    /// C[i, j] (+)= Σ_p A(i, p) B(p, j) for 0 ≤ i &lt; m and <paramref name="jFrom"/> ≤ j &lt; <paramref name="jTo"/>,
    /// where A(i, p) = a[i·aRowStride + p·aColumnStride], B(p, j) = b[p·bRowStride + j·bColumnStride] and
    /// C[i, j] = c[i·ldc + j].
    /// </summary>
    public static void Multiply<T>(
        KernelPath path,
        int m,
        int k,
        ReadOnlySpan<T> a,
        int aRowStride,
        int aColumnStride,
        ReadOnlySpan<T> b,
        int bRowStride,
        int bColumnStride,
        Span<T> c,
        int ldc,
        bool accumulate,
        int jFrom,
        int jTo)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || jTo <= jFrom)
        {
            return;
        }

        KernelCensus.Resolve(path);

        if (k == 0)
        {
            if (!accumulate)
            {
                for (var i = 0; i < m; i++)
                {
                    c.Slice((i * ldc) + jFrom, jTo - jFrom).Clear();
                }
            }

            return;
        }

        var (mr, nr) = TileShape<T>(path);
        var packA = Scratch<T>.PackA(RoundUp(Math.Min(MC, m), mr) * KC);
        var packB = Scratch<T>.PackB(RoundUp(Math.Min(NC, jTo - jFrom), nr) * KC);
        for (var jc = jFrom; jc < jTo; jc += NC)
        {
            var nc = Math.Min(NC, jTo - jc);
            for (var pc = 0; pc < k; pc += KC)
            {
                var kc = Math.Min(KC, k - pc);
                PackB(path, b, bRowStride, bColumnStride, pc, kc, jc, nc, nr, packB);
                MultiplyBlock(path, m, a, aRowStride, aColumnStride, packA, packB, pc, kc, jc, nc, c, ldc, accumulate || pc > 0);
            }
        }
    }

    /// <summary>
    /// C[0..m, jc..jc+nc) (+)= A(0..m, pc..pc+kc) times the kc × nc block of B packed in <paramref name="panels"/>: A
    /// packed MC rows at a time into <paramref name="packA"/>, each MR-row sliver by each NR-wide panel.
    /// </summary>
    private static void MultiplyBlock<T>(
        KernelPath path, int m, ReadOnlySpan<T> a, int aRowStride, int aColumnStride, Span<T> packA, ReadOnlySpan<T> panels, int pc, int kc, int jc, int nc, Span<T> c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (mr, nr) = TileShape<T>(path);
        Span<T> tile = stackalloc T[MicroKernels.MaxTile];
        for (var ic = 0; ic < m; ic += MC)
        {
            var mc = Math.Min(MC, m - ic);
            PackA(path, a, aRowStride, aColumnStride, ic, mc, pc, kc, mr, packA);
            for (var jr = 0; jr < nc; jr += nr)
            {
                var columns = Math.Min(nr, nc - jr);
                ref var panel = ref MemoryMarshal.GetReference(panels.Slice((jr / nr) * kc * nr));
                for (var ir = 0; ir < mc; ir += mr)
                {
                    var rows = Math.Min(mr, mc - ir);
                    ref var sliver = ref packA[(ir / mr) * kc * mr];
                    var origin = ((ic + ir) * ldc) + jc + jr;
                    if (rows == mr && columns == nr)
                    {
                        MicroKernels.Run(path, ref sliver, ref panel, kc, ref c[origin], ldc, add);
                    }
                    else
                    {
                        // An edge tile: compute the whole padded tile aside, then keep its valid part.
                        MicroKernels.Run(path, ref sliver, ref panel, kc, ref tile[0], nr, false);
                        for (var i = 0; i < rows; i++)
                        {
                            var cRow = c.Slice(origin + (i * ldc), columns);
                            var tRow = tile.Slice(i * nr, columns);
                            for (var j = 0; j < columns; j++)
                            {
                                cRow[j] = add ? cRow[j] + tRow[j] : tRow[j];
                            }
                        }
                    }
                }
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Copies B(pc..pc+kc, jc..jc+nc) into NR-wide panels, each kc × NR row-major, padding with zeros.</summary>
    private static void PackB<T>(KernelPath path, ReadOnlySpan<T> b, int rowStride, int columnStride, int pc, int kc, int jc, int nc, int nr, Span<T> packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var jr = 0; jr < nc; jr += nr)
        {
            var columns = Math.Min(nr, nc - jr);
            var panel = packed.Slice((jr / nr) * kc * nr, kc * nr);
            if (columns < nr)
            {
                panel.Clear();
            }

            var j0 = jc + jr;
            if (columnStride == 1)
            {
                for (var p = 0; p < kc; p++)
                {
                    b.Slice(((pc + p) * rowStride) + j0, columns).CopyTo(panel.Slice(p * nr, columns));
                }
            }
            else
            {
                var start = (j0 * columnStride) + (pc * rowStride);
                var transposed = 0;
                if (rowStride == 1)
                {
                    // Wᵀ in Z = X Wᵀ (or X̂ᵀ in a convolution's ∂K = Δ X̂ᵀ): the panel's columns are rows of the
                    // source, each contiguous in p; whole blocks of them go by register transposes, even in a
                    // narrow last panel (25 columns of a 5×5 kernel's X̂ are 24 transposed and 1 copied).
                    transposed = columns - (columns % Vector256<T>.Count);
                    if (transposed > 0 && BlockTranspose.Applies<T>(path, transposed))
                    {
                        var rows = b.Slice(start, ((transposed - 1) * columnStride) + kc);
                        BlockTranspose.Copy(ref MemoryMarshal.GetReference(rows), columnStride, transposed, kc, ref MemoryMarshal.GetReference(panel), nr);
                    }
                    else
                    {
                        transposed = 0;
                    }
                }

                // A transposed operand elsewhere (and the columns left over above): walk each source row
                // contiguously, write with stride NR. The bounds were checked once by the slices; the inner loop
                // indexes by reference.
                ref var destination = ref MemoryMarshal.GetReference(panel);
                for (var j = transposed; j < columns; j++)
                {
                    var source = start + (j * columnStride);
                    ref var from = ref MemoryMarshal.GetReference(b.Slice(source, ((kc - 1) * rowStride) + 1));
                    ref var to = ref Unsafe.Add(ref destination, j);
                    for (var p = 0; p < kc; p++)
                    {
                        Unsafe.Add(ref to, p * nr) = Unsafe.Add(ref from, p * rowStride);
                    }
                }
            }
        }
    }

    /// <summary>Copies A(ic..ic+mc, pc..pc+kc) into MR-tall slivers, each kc × MR (column of MR values per p), padding with zeros.</summary>
    private static void PackA<T>(KernelPath path, ReadOnlySpan<T> a, int rowStride, int columnStride, int ic, int mc, int pc, int kc, int mr, Span<T> packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var ir = 0; ir < mc; ir += mr)
        {
            var rows = Math.Min(mr, mc - ir);
            var sliver = packed.Slice((ir / mr) * kc * mr, kc * mr);
            if (rows < mr)
            {
                sliver.Clear();
            }

            var i0 = ic + ir;
            ref var destination = ref MemoryMarshal.GetReference(sliver);
            if (columnStride == 1 && rows == mr && BlockTranspose.Applies<T>(path, mr))
            {
                // X in Z = X Wᵀ or δ in ∂X = δ W: the sliver's MR values per p come from MR rows, each contiguous in p.
                var source = a.Slice((i0 * rowStride) + pc, ((mr - 1) * rowStride) + kc);
                BlockTranspose.Copy(ref MemoryMarshal.GetReference(source), rowStride, mr, kc, ref destination, mr);
            }
            else if (columnStride == 1)
            {
                for (var i = 0; i < rows; i++)
                {
                    ref var from = ref MemoryMarshal.GetReference(a.Slice(((i0 + i) * rowStride) + pc, kc));
                    ref var to = ref Unsafe.Add(ref destination, i);
                    for (var p = 0; p < kc; p++)
                    {
                        Unsafe.Add(ref to, p * mr) = Unsafe.Add(ref from, p);
                    }
                }
            }
            else if (rowStride == 1 && rows == mr && mr % Vector256<T>.Count == 0 && path is KernelPath.Vector256 or KernelPath.Vector512)
            {
                // δᵀ in ∂W = δᵀ X: the MR values per p are contiguous, so each p is a copy of whole vectors.
                ref var from = ref MemoryMarshal.GetReference(a.Slice(i0 + (pc * columnStride), ((kc - 1) * columnStride) + mr));
                for (var p = 0; p < kc; p++)
                {
                    ref var column = ref Unsafe.Add(ref from, p * columnStride);
                    ref var to = ref Unsafe.Add(ref destination, p * mr);
                    for (var i = 0; i < mr; i += Vector256<T>.Count)
                    {
                        Vector256.LoadUnsafe(ref column, (nuint)i).StoreUnsafe(ref to, (nuint)i);
                    }
                }
            }
            else
            {
                ref var from = ref MemoryMarshal.GetReference(a.Slice((i0 * rowStride) + (pc * columnStride), ((rows - 1) * rowStride) + ((kc - 1) * columnStride) + 1));
                for (var p = 0; p < kc; p++)
                {
                    ref var column = ref Unsafe.Add(ref from, p * columnStride);
                    ref var to = ref Unsafe.Add(ref destination, p * mr);
                    for (var i = 0; i < rows; i++)
                    {
                        Unsafe.Add(ref to, i) = Unsafe.Add(ref column, i * rowStride);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packing buffers, one pair per thread and element type, grown on first use and then reused, so a steady
    /// state of products allocates nothing.
    /// </summary>
    private static class Scratch<T>
    {
        [ThreadStatic]
        private static T[]? a;

        [ThreadStatic]
        private static T[]? b;

        public static Span<T> PackA(int length) => Grow(ref a, length);

        public static Span<T> PackB(int length) => Grow(ref b, length);

        private static Span<T> Grow(ref T[]? buffer, int length)
        {
            if (buffer is null || buffer.Length < length)
            {
                buffer = GC.AllocateUninitializedArray<T>(length, pinned: false);
            }

            return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(buffer), length);
        }
    }
}
