using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The register-blocked inner kernels of <see cref="Gemm"/>: each multiplies a packed MR × kc sliver of A by a packed
/// kc × NR panel of B, keeping the MR × NR sums in registers, then writes (or adds) them to C. The vector tiles are
/// written once over the width (<see cref="MicroKernelTiles"/>) and serve float and double; the JIT specialises them
/// per width and element type.
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
                MicroKernelTiles.Tile8x2<Lanes512<T>, Vector512<T>, T>(ref a, ref b, kc, ref c, ldc, add);
                break;
            case KernelPath.Vector256:
                MicroKernelTiles.Tile6x2<Lanes256<T>, Vector256<T>, T>(ref a, ref b, kc, ref c, ldc, add);
                break;
            case KernelPath.Vector128:
                MicroKernels128.Run(ref a, ref b, kc, ref c, ldc, add);
                break;
            default:
                KernelPortable(ref a, ref b, kc, ref c, ldc, add);
                break;
        }
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
}
