using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Nn.Kernels;

/// <summary>
/// The Vector128 micro-kernels of <see cref="Gemm"/>, written on the cross-platform Vector128 API so that one body
/// serves ARM64 NEON and x86 SSE with FMA. The tile is sized for the architectural vector registers: ARM64 has 32,
/// which hold an 8-row × three-vector tile (24 accumulators, three B vectors and one broadcast A value); x86 has 16
/// xmm registers, which hold the 6-row × two-vector tile of the Vector256 kernel (12 accumulators).
/// </summary>
internal static class MicroKernels128
{
    /// <summary>Whether this CPU has the 32 vector registers of ARM64 (and so takes the 8 × 3-vector tile).</summary>
    public static readonly bool ThirtyTwoRegisters = AdvSimd.Arm64.IsSupported;

    /// <summary>MR of the 32-register kernel.</summary>
    public const int RowsWide = 8;

    /// <summary>Vectors per row of the 32-register kernel.</summary>
    public const int VectorsWide = 3;

    /// <summary>MR of the 16-register kernel.</summary>
    public const int RowsNarrow = 6;

    /// <summary>Vectors per row of the 16-register kernel.</summary>
    public const int VectorsNarrow = 2;

    /// <summary>The tile (MR, NR) of this CPU's Vector128 kernel for element type <typeparamref name="T"/>.</summary>
    public static (int MR, int NR) TileShape<T>() =>
        ThirtyTwoRegisters ? (RowsWide, VectorsWide * Vector128<T>.Count) : (RowsNarrow, VectorsNarrow * Vector128<T>.Count);

    /// <summary>C[0..MR, 0..NR] (+)= Σ_p a[p·MR + i] b[p·NR + j] with this CPU's tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<T>(ref T a, ref T b, int kc, ref T c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ThirtyTwoRegisters)
        {
            KernelWide(ref a, ref b, kc, ref c, ldc, add);
        }
        else
        {
            MicroKernelTiles.Tile6x2<Lanes128<T>, Vector128<T>, T>(ref a, ref b, kc, ref c, ldc, add);
        }
    }

    /// <summary>An 8-row × three-Vector128 tile (8 × 12 floats, 8 × 6 doubles): 24 accumulators for 32 registers.</summary>
    internal static void KernelWide<T>(ref T a, ref T b, int kc, ref T c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (nuint)Vector128<T>.Count;
        Vector128<T> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector128<T> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector128<T> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector128<T> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.LoadUnsafe(ref b);
            var b1 = Vector128.LoadUnsafe(ref b, width);
            var b2 = Vector128.LoadUnsafe(ref b, 2 * width);
            var a0 = Vector128.Create(a);
            c00 = Lanes128<T>.FusedMultiplyAdd(a0, b0, c00);
            c01 = Lanes128<T>.FusedMultiplyAdd(a0, b1, c01);
            c02 = Lanes128<T>.FusedMultiplyAdd(a0, b2, c02);
            var a1 = Vector128.Create(Unsafe.Add(ref a, 1));
            c10 = Lanes128<T>.FusedMultiplyAdd(a1, b0, c10);
            c11 = Lanes128<T>.FusedMultiplyAdd(a1, b1, c11);
            c12 = Lanes128<T>.FusedMultiplyAdd(a1, b2, c12);
            var a2 = Vector128.Create(Unsafe.Add(ref a, 2));
            c20 = Lanes128<T>.FusedMultiplyAdd(a2, b0, c20);
            c21 = Lanes128<T>.FusedMultiplyAdd(a2, b1, c21);
            c22 = Lanes128<T>.FusedMultiplyAdd(a2, b2, c22);
            var a3 = Vector128.Create(Unsafe.Add(ref a, 3));
            c30 = Lanes128<T>.FusedMultiplyAdd(a3, b0, c30);
            c31 = Lanes128<T>.FusedMultiplyAdd(a3, b1, c31);
            c32 = Lanes128<T>.FusedMultiplyAdd(a3, b2, c32);
            var a4 = Vector128.Create(Unsafe.Add(ref a, 4));
            c40 = Lanes128<T>.FusedMultiplyAdd(a4, b0, c40);
            c41 = Lanes128<T>.FusedMultiplyAdd(a4, b1, c41);
            c42 = Lanes128<T>.FusedMultiplyAdd(a4, b2, c42);
            var a5 = Vector128.Create(Unsafe.Add(ref a, 5));
            c50 = Lanes128<T>.FusedMultiplyAdd(a5, b0, c50);
            c51 = Lanes128<T>.FusedMultiplyAdd(a5, b1, c51);
            c52 = Lanes128<T>.FusedMultiplyAdd(a5, b2, c52);
            var a6 = Vector128.Create(Unsafe.Add(ref a, 6));
            c60 = Lanes128<T>.FusedMultiplyAdd(a6, b0, c60);
            c61 = Lanes128<T>.FusedMultiplyAdd(a6, b1, c61);
            c62 = Lanes128<T>.FusedMultiplyAdd(a6, b2, c62);
            var a7 = Vector128.Create(Unsafe.Add(ref a, 7));
            c70 = Lanes128<T>.FusedMultiplyAdd(a7, b0, c70);
            c71 = Lanes128<T>.FusedMultiplyAdd(a7, b1, c71);
            c72 = Lanes128<T>.FusedMultiplyAdd(a7, b2, c72);
            a = ref Unsafe.Add(ref a, RowsWide);
            b = ref Unsafe.Add(ref b, 3 * (int)width);
        }

        Store(ref Unsafe.Add(ref c, 0 * ldc), c00, c01, c02, add);
        Store(ref Unsafe.Add(ref c, 1 * ldc), c10, c11, c12, add);
        Store(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, c22, add);
        Store(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, c32, add);
        Store(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, c42, add);
        Store(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, c52, add);
        Store(ref Unsafe.Add(ref c, 6 * ldc), c60, c61, c62, add);
        Store(ref Unsafe.Add(ref c, 7 * ldc), c70, c71, c72, add);
    }

    /// <summary>Three vectors of a row of the 8 × 3 tile into C, added to C's values when <paramref name="add"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(ref T row, Vector128<T> v0, Vector128<T> v1, Vector128<T> v2, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (nuint)Vector128<T>.Count;
        if (add)
        {
            v2 += Vector128.LoadUnsafe(ref row, 2 * width);
        }

        v2.StoreUnsafe(ref row, 2 * width);
        MicroKernelTiles.StoreRow<Lanes128<T>, Vector128<T>, T>(ref row, v0, v1, add);
    }
}
