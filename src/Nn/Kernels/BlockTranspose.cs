using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nn.Kernels;

/// <summary>
/// The transposing copy behind <see cref="Gemm"/>'s packing of k-contiguous operands (X as A and W as B in
/// Z = X Wᵀ): destination[p·dStride + r] = source[r·sStride + p], done as 8 × 8 (float) or 4 × 4 (double)
/// register transposes of 256-bit vectors, so each value is loaded and stored once as part of a whole vector
/// instead of one scalar (or one gather lane) at a time. It only moves data; the products' summation order is
/// whatever the packed layout dictates, the same as with a scalar copy.
/// </summary>
internal static class BlockTranspose
{
    /// <summary>Whether <see cref="Copy{T}"/> can transpose <paramref name="rows"/> source rows of <typeparamref name="T"/> on <paramref name="path"/>: a 256-bit or wider path (so AVX), and whole blocks of rows.</summary>
    public static bool Applies<T>(KernelPath path, int rows) =>
        path is KernelPath.Vector256 or KernelPath.Vector512
        && Avx.IsSupported
        && ((typeof(T) == typeof(float) && rows % 8 == 0) || (typeof(T) == typeof(double) && rows % 4 == 0));

    /// <summary>
    /// destination[p·destinationStride + r] = source[r·sourceStride + p] for r &lt; <paramref name="rows"/> and
    /// p &lt; <paramref name="count"/>; only when <see cref="Applies{T}"/>. The caller has bounds-checked both ranges.
    /// </summary>
    public static void Copy<T>(ref T source, int sourceStride, int rows, int count, ref T destination, int destinationStride)
        where T : unmanaged
    {
        // One register transpose moves a block of 8 × 8 floats or 4 × 4 doubles: as many as a 256-bit vector holds.
        var block = Vector256<T>.Count;
        for (var r = 0; r < rows; r += block)
        {
            ref var from = ref Unsafe.Add(ref source, (nint)r * sourceStride);
            ref var to = ref Unsafe.Add(ref destination, r);
            var p = 0;
            for (; p + block <= count; p += block)
            {
                TransposeBlock(ref Unsafe.Add(ref from, p), sourceStride, ref Unsafe.Add(ref to, (nint)p * destinationStride), destinationStride);
            }

            // A depth that is not a multiple of the block (the last KC block of an odd k) ends with scalar copies.
            for (; p < count; p++)
            {
                for (var i = 0; i < block; i++)
                {
                    Unsafe.Add(ref to, ((nint)p * destinationStride) + i) = Unsafe.Add(ref from, ((nint)i * sourceStride) + p);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeBlock<T>(ref T source, int sourceStride, ref T destination, int destinationStride)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Transpose8x8(ref Unsafe.As<T, float>(ref source), sourceStride, ref Unsafe.As<T, float>(ref destination), destinationStride);
        }
        else
        {
            Transpose4x4(ref Unsafe.As<T, double>(ref source), sourceStride, ref Unsafe.As<T, double>(ref destination), destinationStride);
        }
    }

    /// <summary>
    /// An 8 × 8 float block: the four-column halves of rows r and r + 4 are first paired in one vector's two
    /// 128-bit lanes (an insert, which can take its operand from memory), then every lane holds an ordinary 4 × 4
    /// transpose, done with two rounds of in-lane unpacks and shuffles: 24 shuffles for 64 values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        var s = (nuint)sourceStride;
        var d = (nuint)destinationStride;

        // Lane 0 holds columns 0–3 (t0–t3) or 4–7 (t4–t7) of rows 0–3, lane 1 the same columns of rows 4–7.
        var t0 = Pair(ref source, 0, 4 * s);
        var t1 = Pair(ref source, s, 5 * s);
        var t2 = Pair(ref source, 2 * s, 6 * s);
        var t3 = Pair(ref source, 3 * s, 7 * s);
        var t4 = Pair(ref source, 4, (4 * s) + 4);
        var t5 = Pair(ref source, s + 4, (5 * s) + 4);
        var t6 = Pair(ref source, (2 * s) + 4, (6 * s) + 4);
        var t7 = Pair(ref source, (3 * s) + 4, (7 * s) + 4);

        Transpose4x4Lanes(t0, t1, t2, t3, ref destination, d);
        Transpose4x4Lanes(t4, t5, t6, t7, ref Unsafe.Add(ref destination, 4 * (nint)d), d);
    }

    /// <summary>The four floats at <paramref name="low"/> in lane 0 and those at <paramref name="high"/> in lane 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pair(ref float source, nuint low, nuint high) =>
        Vector256.Create(Vector128.LoadUnsafe(ref source, low), Vector128.LoadUnsafe(ref source, high));

    /// <summary>The two doubles at <paramref name="low"/> in lane 0 and those at <paramref name="high"/> in lane 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Pair(ref double source, nuint low, nuint high) =>
        Vector256.Create(Vector128.LoadUnsafe(ref source, low), Vector128.LoadUnsafe(ref source, high));

    /// <summary>In each 128-bit lane, the 4 × 4 transpose of rows t0–t3; writes its four columns as four rows of destination.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4Lanes(Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3, ref float destination, nuint stride)
    {
        var u0 = Avx.UnpackLow(t0, t1);
        var u1 = Avx.UnpackHigh(t0, t1);
        var u2 = Avx.UnpackLow(t2, t3);
        var u3 = Avx.UnpackHigh(t2, t3);
        Avx.Shuffle(u0, u2, 0x44).StoreUnsafe(ref destination);
        Avx.Shuffle(u0, u2, 0xEE).StoreUnsafe(ref destination, stride);
        Avx.Shuffle(u1, u3, 0x44).StoreUnsafe(ref destination, 2 * stride);
        Avx.Shuffle(u1, u3, 0xEE).StoreUnsafe(ref destination, 3 * stride);
    }

    /// <summary>A 4 × 4 double block: pair the two-column halves of rows r and r + 2 in the two lanes, then unpack.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(ref double source, int sourceStride, ref double destination, int destinationStride)
    {
        var s = (nuint)sourceStride;
        var d = (nuint)destinationStride;
        var t0 = Pair(ref source, 0, 2 * s);
        var t1 = Pair(ref source, s, 3 * s);
        var t2 = Pair(ref source, 2, (2 * s) + 2);
        var t3 = Pair(ref source, s + 2, (3 * s) + 2);
        Avx.UnpackLow(t0, t1).StoreUnsafe(ref destination);
        Avx.UnpackHigh(t0, t1).StoreUnsafe(ref destination, d);
        Avx.UnpackLow(t2, t3).StoreUnsafe(ref destination, 2 * d);
        Avx.UnpackHigh(t2, t3).StoreUnsafe(ref destination, 3 * d);
    }
}
