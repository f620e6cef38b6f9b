using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The register-blocked inner kernels of <see cref="Gemm"/>: each multiplies a packed MR × kc sliver of A by a packed
/// kc × NR panel of B, keeping the MR × NR sums in registers, then writes (or adds) them to C. One generic body per
/// vector width serves float and double; the JIT specialises it per element type and drops the dead branch of
/// <see cref="Fma{T}(Vector512{T}, Vector512{T}, Vector512{T})"/>.
/// </summary>
internal static class MicroKernels
{
    /// <summary>MR of the Vector512 kernel.</summary>
    public const int Rows512 = 8;

    /// <summary>MR of the Vector256 kernel.</summary>
    public const int Rows256 = 6;

    /// <summary>MR of the portable kernel.</summary>
    public const int RowsPortable = 4;

    /// <summary>NR of the portable kernel.</summary>
    public const int ColumnsPortable = 4;

    /// <summary>The largest MR × NR of any path and element type (Vector512 float: 8 × 32).</summary>
    public const int MaxTile = 8 * 32;

    /// <summary>C[0..MR, 0..NR] (+)= Σ_p a[p·MR + i] b[p·NR + j] on the given path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<T>(KernelPath path, ref T a, ref T b, int kc, ref T c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (path)
        {
            case KernelPath.Vector512:
                Kernel512(ref a, ref b, kc, ref c, ldc, add);
                break;
            case KernelPath.Vector256:
                Kernel256(ref a, ref b, kc, ref c, ldc, add);
                break;
            case KernelPath.Vector128:
                MicroKernels128.Run(ref a, ref b, kc, ref c, ldc, add);
                break;
            default:
                KernelPortable(ref a, ref b, kc, ref c, ldc, add);
                break;
        }
    }

    /// <summary>An 8-row × two-Vector512 tile: 16 accumulators, one FMA per packed A value and B vector.</summary>
    internal static void Kernel512<T>(ref T a, ref T b, int kc, ref T c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (nuint)Vector512<T>.Count;
        Vector512<T> c00 = Vector512<T>.Zero, c01 = Vector512<T>.Zero, c10 = Vector512<T>.Zero, c11 = Vector512<T>.Zero, c20 = Vector512<T>.Zero, c21 = Vector512<T>.Zero, c30 = Vector512<T>.Zero, c31 = Vector512<T>.Zero, c40 = Vector512<T>.Zero, c41 = Vector512<T>.Zero, c50 = Vector512<T>.Zero, c51 = Vector512<T>.Zero, c60 = Vector512<T>.Zero, c61 = Vector512<T>.Zero, c70 = Vector512<T>.Zero, c71 = Vector512<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, width);
            var a0 = Vector512.Create(a);
            c00 = Fma(a0, b0, c00);
            c01 = Fma(a0, b1, c01);
            var a1 = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = Fma(a1, b0, c10);
            c11 = Fma(a1, b1, c11);
            var a2 = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = Fma(a2, b0, c20);
            c21 = Fma(a2, b1, c21);
            var a3 = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = Fma(a3, b0, c30);
            c31 = Fma(a3, b1, c31);
            var a4 = Vector512.Create(Unsafe.Add(ref a, 4));
            c40 = Fma(a4, b0, c40);
            c41 = Fma(a4, b1, c41);
            var a5 = Vector512.Create(Unsafe.Add(ref a, 5));
            c50 = Fma(a5, b0, c50);
            c51 = Fma(a5, b1, c51);
            var a6 = Vector512.Create(Unsafe.Add(ref a, 6));
            c60 = Fma(a6, b0, c60);
            c61 = Fma(a6, b1, c61);
            var a7 = Vector512.Create(Unsafe.Add(ref a, 7));
            c70 = Fma(a7, b0, c70);
            c71 = Fma(a7, b1, c71);
            a = ref Unsafe.Add(ref a, 8);
            b = ref Unsafe.Add(ref b, 2 * (int)width);
        }

        Store(ref Unsafe.Add(ref c, 0 * ldc), c00, c01, add);
        Store(ref Unsafe.Add(ref c, 1 * ldc), c10, c11, add);
        Store(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, add);
        Store(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, add);
        Store(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, add);
        Store(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, add);
        Store(ref Unsafe.Add(ref c, 6 * ldc), c60, c61, add);
        Store(ref Unsafe.Add(ref c, 7 * ldc), c70, c71, add);
    }

    /// <summary>A 6-row × two-Vector256 tile: 12 accumulators, fitting the 16 registers of AVX2.</summary>
    internal static void Kernel256<T>(ref T a, ref T b, int kc, ref T c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (nuint)Vector256<T>.Count;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero, c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero, c20 = Vector256<T>.Zero, c21 = Vector256<T>.Zero, c30 = Vector256<T>.Zero, c31 = Vector256<T>.Zero, c40 = Vector256<T>.Zero, c41 = Vector256<T>.Zero, c50 = Vector256<T>.Zero, c51 = Vector256<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref b);
            var b1 = Vector256.LoadUnsafe(ref b, width);
            var a0 = Vector256.Create(a);
            c00 = Fma(a0, b0, c00);
            c01 = Fma(a0, b1, c01);
            var a1 = Vector256.Create(Unsafe.Add(ref a, 1));
            c10 = Fma(a1, b0, c10);
            c11 = Fma(a1, b1, c11);
            var a2 = Vector256.Create(Unsafe.Add(ref a, 2));
            c20 = Fma(a2, b0, c20);
            c21 = Fma(a2, b1, c21);
            var a3 = Vector256.Create(Unsafe.Add(ref a, 3));
            c30 = Fma(a3, b0, c30);
            c31 = Fma(a3, b1, c31);
            var a4 = Vector256.Create(Unsafe.Add(ref a, 4));
            c40 = Fma(a4, b0, c40);
            c41 = Fma(a4, b1, c41);
            var a5 = Vector256.Create(Unsafe.Add(ref a, 5));
            c50 = Fma(a5, b0, c50);
            c51 = Fma(a5, b1, c51);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, 2 * (int)width);
        }

        Store(ref Unsafe.Add(ref c, 0 * ldc), c00, c01, add);
        Store(ref Unsafe.Add(ref c, 1 * ldc), c10, c11, add);
        Store(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, add);
        Store(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, add);
        Store(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, add);
        Store(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, add);
    }

    /// <summary>A 4 × 4 scalar tile: the portable path, plain multiply and add.</summary>
    internal static void KernelPortable<T>(ref T a, ref T b, int kc, ref T c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sums = (stackalloc T[RowsPortable * ColumnsPortable]);
        sums.Clear();
        for (var p = 0; p < kc; p++)
        {
            for (var i = 0; i < RowsPortable; i++)
            {
                var ai = Unsafe.Add(ref a, (p * RowsPortable) + i);
                for (var j = 0; j < ColumnsPortable; j++)
                {
                    sums[(i * ColumnsPortable) + j] += ai * Unsafe.Add(ref b, (p * ColumnsPortable) + j);
                }
            }
        }

        for (var i = 0; i < RowsPortable; i++)
        {
            for (var j = 0; j < ColumnsPortable; j++)
            {
                ref var target = ref Unsafe.Add(ref c, (i * ldc) + j);
                target = add ? target + sums[(i * ColumnsPortable) + j] : sums[(i * ColumnsPortable) + j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(ref T row, Vector512<T> v0, Vector512<T> v1, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (nuint)Vector512<T>.Count;
        if (add)
        {
            v0 += Vector512.LoadUnsafe(ref row);
            v1 += Vector512.LoadUnsafe(ref row, width);
        }

        v0.StoreUnsafe(ref row);
        v1.StoreUnsafe(ref row, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(ref T row, Vector256<T> v0, Vector256<T> v1, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = (nuint)Vector256<T>.Count;
        if (add)
        {
            v0 += Vector256.LoadUnsafe(ref row);
            v1 += Vector256.LoadUnsafe(ref row, width);
        }

        v0.StoreUnsafe(ref row);
        v1.StoreUnsafe(ref row, width);
    }

    /// <summary>x·y + acc with one rounding (float or double lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> acc)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        }

        return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
    }

    /// <summary>x·y + acc with one rounding (float or double lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> acc)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        }

        return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
    }
}
