using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The lane-wise arithmetic, comparisons and reductions of one width, on top of <see cref="IVectorLanes{TVector, T}"/>'s
/// loads and fused products, for bodies written once over every width (<see cref="VectorKernelBodies"/>). Each member
/// is the width's own operator or intrinsic, so a body compiled for a width does what one written for it by hand does,
/// in the same order and with the same roundings.
/// </summary>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
/// <typeparam name="T">The element type, float or double.</typeparam>
internal interface IVectorArithmetic<TVector, T> : IVectorLanes<TVector, T>
    where TVector : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>0 in every lane.</summary>
    static abstract TVector Zero { get; }

    /// <summary>1 in every lane.</summary>
    static abstract TVector One { get; }

    /// <summary>The vector at element <paramref name="offset"/> from <paramref name="start"/> (unaligned).</summary>
    static abstract TVector LoadAt(ref T start, nuint offset);

    /// <summary>Writes <paramref name="value"/> at element <paramref name="offset"/> from <paramref name="start"/> (unaligned).</summary>
    static abstract void StoreAt(TVector value, ref T start, nuint offset);

    /// <summary>Lane-wise x − y.</summary>
    static abstract TVector Subtract(TVector x, TVector y);

    /// <summary>Lane-wise x · y.</summary>
    static abstract TVector Multiply(TVector x, TVector y);

    /// <summary>Lane-wise x ÷ y.</summary>
    static abstract TVector Divide(TVector x, TVector y);

    /// <summary>Lane-wise √x.</summary>
    static abstract TVector Sqrt(TVector x);

    /// <summary>Lane-wise |x|.</summary>
    static abstract TVector Abs(TVector x);

    /// <summary>Lane-wise x OR y (bits).</summary>
    static abstract TVector Or(TVector x, TVector y);

    /// <summary>Lane-wise x AND NOT y (bits).</summary>
    static abstract TVector AndNot(TVector x, TVector y);

    /// <summary>All bits set in the lanes where x &lt; y, clear elsewhere.</summary>
    static abstract TVector LessThan(TVector x, TVector y);

    /// <summary>All bits set in the lanes where x &gt; y, clear elsewhere.</summary>
    static abstract TVector GreaterThan(TVector x, TVector y);

    /// <summary>All bits set in the lanes where x = y, clear elsewhere.</summary>
    static abstract TVector EqualLanes(TVector x, TVector y);

    /// <summary>Each lane from <paramref name="whenSet"/> where <paramref name="mask"/>'s bits are set, else from <paramref name="otherwise"/>.</summary>
    static abstract TVector Select(TVector mask, TVector whenSet, TVector otherwise);

    /// <summary>Whether every lane of <paramref name="x"/> equals 0 (a NaN lane does not).</summary>
    static abstract bool AllZero(TVector x);

    /// <summary>The lanes' sum, in the width's own order.</summary>
    static abstract T Sum(TVector x);
}

/// <summary>The 128-bit arithmetic (Vector128).</summary>
internal readonly partial struct Lanes128<T> : IVectorArithmetic<Vector128<T>, T>
{
    public static Vector128<T> Zero => Vector128<T>.Zero;

    public static Vector128<T> One => Vector128<T>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LoadAt(ref T start, nuint offset) => Vector128.LoadUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAt(Vector128<T> value, ref T start, nuint offset) => value.StoreUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Subtract(Vector128<T> x, Vector128<T> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> x, Vector128<T> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> x, Vector128<T> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sqrt(Vector128<T> x) => Vector128.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Abs(Vector128<T> x) => Vector128.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Or(Vector128<T> x, Vector128<T> y) => x | y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AndNot(Vector128<T> x, Vector128<T> y) => x & ~y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LessThan(Vector128<T> x, Vector128<T> y) => Vector128.LessThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> GreaterThan(Vector128<T> x, Vector128<T> y) => Vector128.GreaterThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> EqualLanes(Vector128<T> x, Vector128<T> y) => Vector128.Equals(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Select(Vector128<T> mask, Vector128<T> whenSet, Vector128<T> otherwise) => Vector128.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Vector128<T> x) => Vector128.EqualsAll(x, Vector128<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> x) => Vector128.Sum(x);
}

/// <summary>The 256-bit arithmetic (Vector256).</summary>
internal readonly partial struct Lanes256<T> : IVectorArithmetic<Vector256<T>, T>
{
    public static Vector256<T> Zero => Vector256<T>.Zero;

    public static Vector256<T> One => Vector256<T>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadAt(ref T start, nuint offset) => Vector256.LoadUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAt(Vector256<T> value, ref T start, nuint offset) => value.StoreUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> x, Vector256<T> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> x, Vector256<T> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> x, Vector256<T> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sqrt(Vector256<T> x) => Vector256.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs(Vector256<T> x) => Vector256.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Or(Vector256<T> x, Vector256<T> y) => x | y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AndNot(Vector256<T> x, Vector256<T> y) => x & ~y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThan(Vector256<T> x, Vector256<T> y) => Vector256.LessThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThan(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> EqualLanes(Vector256<T> x, Vector256<T> y) => Vector256.Equals(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Select(Vector256<T> mask, Vector256<T> whenSet, Vector256<T> otherwise) => Vector256.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Vector256<T> x) => Vector256.EqualsAll(x, Vector256<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> x) => Vector256.Sum(x);
}

/// <summary>The 512-bit arithmetic (Vector512).</summary>
internal readonly partial struct Lanes512<T> : IVectorArithmetic<Vector512<T>, T>
{
    public static Vector512<T> Zero => Vector512<T>.Zero;

    public static Vector512<T> One => Vector512<T>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadAt(ref T start, nuint offset) => Vector512.LoadUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAt(Vector512<T> value, ref T start, nuint offset) => value.StoreUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> x, Vector512<T> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> x, Vector512<T> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> x, Vector512<T> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sqrt(Vector512<T> x) => Vector512.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs(Vector512<T> x) => Vector512.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Or(Vector512<T> x, Vector512<T> y) => x | y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AndNot(Vector512<T> x, Vector512<T> y) => x & ~y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThan(Vector512<T> x, Vector512<T> y) => Vector512.LessThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThan(Vector512<T> x, Vector512<T> y) => Vector512.GreaterThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> EqualLanes(Vector512<T> x, Vector512<T> y) => Vector512.Equals(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Select(Vector512<T> mask, Vector512<T> whenSet, Vector512<T> otherwise) => Vector512.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Vector512<T> x) => Vector512.EqualsAll(x, Vector512<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> x) => Vector512.Sum(x);
}
