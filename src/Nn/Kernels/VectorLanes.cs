using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The vector operations of one width, so a kernel body can be written once, generic over the width, instead of
/// once per <see cref="Vector128{T}"/>, <see cref="Vector256{T}"/> and <see cref="Vector512{T}"/>. The widths are
/// structs: the JIT compiles a generic body separately for each, with these calls inlined, so the machine code is
/// that of a body written for the width by hand.
/// </summary>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
/// <typeparam name="T">The element type, float or double.</typeparam>
internal unsafe interface IVectorLanes<TVector, T>
    where TVector : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The lanes of one vector.</summary>
    static abstract int Count { get; }

    /// <summary>The vector at <paramref name="at"/> (unaligned).</summary>
    static abstract TVector Load(T* at);

    /// <summary>Writes <paramref name="value"/> at <paramref name="at"/> (unaligned).</summary>
    static abstract void Store(TVector value, T* at);

    /// <summary><paramref name="value"/> in every lane.</summary>
    static abstract TVector Broadcast(T value);

    /// <summary>Lane-wise x + y.</summary>
    static abstract TVector Add(TVector x, TVector y);

    /// <summary>Lane-wise x · y + acc, rounded once.</summary>
    static abstract TVector FusedMultiplyAdd(TVector x, TVector y, TVector acc);

    /// <summary>Lane-wise maximum as <c>T.Max</c> gives it (NaN propagated, +0 above −0).</summary>
    static abstract TVector Max(TVector x, TVector y);

    /// <summary>Lane-wise x AND y (bits).</summary>
    static abstract TVector And(TVector x, TVector y);

    /// <summary>All bits set in the lanes from <paramref name="first"/> on, clear below: a mask for <see cref="And"/>.</summary>
    static abstract TVector LanesFrom(int first);

    /// <summary>The vector's halves added down to 128 bits (the vector itself at 128): the same lane sum in fewer lanes.</summary>
    static abstract Vector128<T> Fold(TVector x);
}

/// <summary>The 128-bit lanes (the Vector128 path: ARM64 NEON, x86 SSE with FMA).</summary>
internal readonly unsafe partial struct Lanes128<T> : IVectorLanes<Vector128<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(T* at) => Vector128.Load(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, T* at) => value.Store(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> x, Vector128<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> FusedMultiplyAdd(Vector128<T> x, Vector128<T> y, Vector128<T> acc) =>
        typeof(T) == typeof(float)
            ? Vector128.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
            : Vector128.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max(Vector128<T> x, Vector128<T> y) => Vector128.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> And(Vector128<T> x, Vector128<T> y) => x & y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LanesFrom(int first) =>
        Vector128.GreaterThanOrEqual(Vector128<T>.Indices, Vector128.Create(T.CreateTruncating(first)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Fold(Vector128<T> x) => x;
}

/// <summary>The 256-bit lanes (the Vector256 path: AVX2 with FMA).</summary>
internal readonly unsafe partial struct Lanes256<T> : IVectorLanes<Vector256<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* at) => Vector256.Load(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, T* at) => value.Store(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> x, Vector256<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FusedMultiplyAdd(Vector256<T> x, Vector256<T> y, Vector256<T> acc) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max(Vector256<T> x, Vector256<T> y) => Vector256.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> And(Vector256<T> x, Vector256<T> y) => x & y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LanesFrom(int first) =>
        Vector256.GreaterThanOrEqual(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(first)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Fold(Vector256<T> x) => x.GetLower() + x.GetUpper();
}

/// <summary>The 512-bit lanes (the Vector512 path: AVX-512F).</summary>
internal readonly unsafe partial struct Lanes512<T> : IVectorLanes<Vector512<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* at) => Vector512.Load(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, T* at) => value.Store(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> x, Vector512<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FusedMultiplyAdd(Vector512<T> x, Vector512<T> y, Vector512<T> acc) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max(Vector512<T> x, Vector512<T> y) => Vector512.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> And(Vector512<T> x, Vector512<T> y) => x & y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LanesFrom(int first) =>
        Vector512.GreaterThanOrEqual(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(first)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Fold(Vector512<T> x) => Lanes256<T>.Fold(x.GetLower() + x.GetUpper());
}
