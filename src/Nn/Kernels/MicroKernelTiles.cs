using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// The register tiles of <see cref="MicroKernels"/> written once over the vector width: an 8-row × two-vector tile (the
/// Vector512 kernel's 16 accumulators) and a 6-row × two-vector one (12 accumulators, which fit the 16 registers of
/// AVX2 and of x86's 128-bit path alike). Each packed A value is broadcast once and fused with both B vectors of
/// its step; the sums of a tile then go to C, added to what C holds or written over it.
/// </summary>
internal static class MicroKernelTiles
{
    /// <summary>C[0..8, 0..2W] (+)= Σ_p a[8p + i] b[2Wp + j], W the lanes of a vector.</summary>
    public static void Tile8x2<TLanes, TVector, T>(ref T a, ref T b, int kc, ref T c, int ldc, bool add)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (nuint)TLanes.Count;
        TVector c00 = TLanes.Zero, c01 = TLanes.Zero, c10 = TLanes.Zero, c11 = TLanes.Zero, c20 = TLanes.Zero, c21 = TLanes.Zero, c30 = TLanes.Zero, c31 = TLanes.Zero;
        TVector c40 = TLanes.Zero, c41 = TLanes.Zero, c50 = TLanes.Zero, c51 = TLanes.Zero, c60 = TLanes.Zero, c61 = TLanes.Zero, c70 = TLanes.Zero, c71 = TLanes.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = TLanes.LoadAt(ref b, 0);
            var b1 = TLanes.LoadAt(ref b, width);
            var a0 = TLanes.Broadcast(a);
            c00 = TLanes.FusedMultiplyAdd(a0, b0, c00);
            c01 = TLanes.FusedMultiplyAdd(a0, b1, c01);
            var a1 = TLanes.Broadcast(Unsafe.Add(ref a, 1));
            c10 = TLanes.FusedMultiplyAdd(a1, b0, c10);
            c11 = TLanes.FusedMultiplyAdd(a1, b1, c11);
            var a2 = TLanes.Broadcast(Unsafe.Add(ref a, 2));
            c20 = TLanes.FusedMultiplyAdd(a2, b0, c20);
            c21 = TLanes.FusedMultiplyAdd(a2, b1, c21);
            var a3 = TLanes.Broadcast(Unsafe.Add(ref a, 3));
            c30 = TLanes.FusedMultiplyAdd(a3, b0, c30);
            c31 = TLanes.FusedMultiplyAdd(a3, b1, c31);
            var a4 = TLanes.Broadcast(Unsafe.Add(ref a, 4));
            c40 = TLanes.FusedMultiplyAdd(a4, b0, c40);
            c41 = TLanes.FusedMultiplyAdd(a4, b1, c41);
            var a5 = TLanes.Broadcast(Unsafe.Add(ref a, 5));
            c50 = TLanes.FusedMultiplyAdd(a5, b0, c50);
            c51 = TLanes.FusedMultiplyAdd(a5, b1, c51);
            var a6 = TLanes.Broadcast(Unsafe.Add(ref a, 6));
            c60 = TLanes.FusedMultiplyAdd(a6, b0, c60);
            c61 = TLanes.FusedMultiplyAdd(a6, b1, c61);
            var a7 = TLanes.Broadcast(Unsafe.Add(ref a, 7));
            c70 = TLanes.FusedMultiplyAdd(a7, b0, c70);
            c71 = TLanes.FusedMultiplyAdd(a7, b1, c71);
            a = ref Unsafe.Add(ref a, 8);
            b = ref Unsafe.Add(ref b, 2 * (int)width);
        }

        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 0 * ldc), c00, c01, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 1 * ldc), c10, c11, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 6 * ldc), c60, c61, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 7 * ldc), c70, c71, add);
    }

    /// <summary>C[0..6, 0..2W] (+)= Σ_p a[6p + i] b[2Wp + j], W the lanes of a vector.</summary>
    public static void Tile6x2<TLanes, TVector, T>(ref T a, ref T b, int kc, ref T c, int ldc, bool add)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (nuint)TLanes.Count;
        TVector c00 = TLanes.Zero, c01 = TLanes.Zero, c10 = TLanes.Zero, c11 = TLanes.Zero, c20 = TLanes.Zero, c21 = TLanes.Zero;
        TVector c30 = TLanes.Zero, c31 = TLanes.Zero, c40 = TLanes.Zero, c41 = TLanes.Zero, c50 = TLanes.Zero, c51 = TLanes.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = TLanes.LoadAt(ref b, 0);
            var b1 = TLanes.LoadAt(ref b, width);
            var a0 = TLanes.Broadcast(a);
            c00 = TLanes.FusedMultiplyAdd(a0, b0, c00);
            c01 = TLanes.FusedMultiplyAdd(a0, b1, c01);
            var a1 = TLanes.Broadcast(Unsafe.Add(ref a, 1));
            c10 = TLanes.FusedMultiplyAdd(a1, b0, c10);
            c11 = TLanes.FusedMultiplyAdd(a1, b1, c11);
            var a2 = TLanes.Broadcast(Unsafe.Add(ref a, 2));
            c20 = TLanes.FusedMultiplyAdd(a2, b0, c20);
            c21 = TLanes.FusedMultiplyAdd(a2, b1, c21);
            var a3 = TLanes.Broadcast(Unsafe.Add(ref a, 3));
            c30 = TLanes.FusedMultiplyAdd(a3, b0, c30);
            c31 = TLanes.FusedMultiplyAdd(a3, b1, c31);
            var a4 = TLanes.Broadcast(Unsafe.Add(ref a, 4));
            c40 = TLanes.FusedMultiplyAdd(a4, b0, c40);
            c41 = TLanes.FusedMultiplyAdd(a4, b1, c41);
            var a5 = TLanes.Broadcast(Unsafe.Add(ref a, 5));
            c50 = TLanes.FusedMultiplyAdd(a5, b0, c50);
            c51 = TLanes.FusedMultiplyAdd(a5, b1, c51);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, 2 * (int)width);
        }

        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 0 * ldc), c00, c01, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 1 * ldc), c10, c11, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, add);
        StoreRow<TLanes, TVector, T>(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, add);
    }

    /// <summary>Two vectors of a tile's row into C at <paramref name="row"/>, added to C's values when <paramref name="add"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRow<TLanes, TVector, T>(ref T row, TVector v0, TVector v1, bool add)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (nuint)TLanes.Count;
        if (add)
        {
            v0 = TLanes.Add(v0, TLanes.LoadAt(ref row, 0));
            v1 = TLanes.Add(v1, TLanes.LoadAt(ref row, width));
        }

        TLanes.StoreAt(v0, ref row, 0);
        TLanes.StoreAt(v1, ref row, width);
    }
}
