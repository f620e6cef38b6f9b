using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The lanes of <see cref="Vector{T}"/>, whose width the runtime picks for the CPU (256 bits with AVX2, 128 with SSE or
/// NEON): the vectors of the size-independent loops that declared networks' generated code calls
/// (<see cref="GeneratedKernels"/>), so those loops are written once for it and for <see cref="Lanes128{T}"/>.
/// </summary>
/// <typeparam name="T">The element type, float or double.</typeparam>
internal readonly unsafe struct LanesVector<T> : IVectorArithmetic<Vector<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector<T>.Count;

    public static Vector<T> Zero => Vector<T>.Zero;

    public static Vector<T> One => Vector<T>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Load(T* at) => Vector.Load(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<T> value, T* at) => value.Store(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> LoadAt(ref T start, nuint offset) => Vector.LoadUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAt(Vector<T> value, ref T start, nuint offset) => value.StoreUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Broadcast(T value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Add(Vector<T> x, Vector<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Subtract(Vector<T> x, Vector<T> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Multiply(Vector<T> x, Vector<T> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Divide(Vector<T> x, Vector<T> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> FusedMultiplyAdd(Vector<T> x, Vector<T> y, Vector<T> acc) =>
        typeof(T) == typeof(float)
            ? Vector.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), acc.As<T, float>()).As<float, T>()
            : Vector.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), acc.As<T, double>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Sqrt(Vector<T> x) => Vector.SquareRoot(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Abs(Vector<T> x) => Vector.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Max(Vector<T> x, Vector<T> y) => Vector.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> And(Vector<T> x, Vector<T> y) => x & y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Or(Vector<T> x, Vector<T> y) => x | y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> AndNot(Vector<T> x, Vector<T> y) => x & ~y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> LessThan(Vector<T> x, Vector<T> y) => Vector.LessThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> GreaterThan(Vector<T> x, Vector<T> y) => Vector.GreaterThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> EqualLanes(Vector<T> x, Vector<T> y) => Vector.Equals(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Select(Vector<T> mask, Vector<T> whenSet, Vector<T> otherwise) => Vector.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> LanesFrom(int first) =>
        Vector.GreaterThanOrEqual(Vector<T>.Indices, new Vector<T>(T.CreateTruncating(first)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Fold(Vector<T> x) =>
        Vector<T>.Count == Vector512<T>.Count ? Lanes512<T>.Fold(x.AsVector512())
            : Vector<T>.Count == Vector256<T>.Count ? Lanes256<T>.Fold(x.AsVector256())
            : x.AsVector128();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Vector<T> x) => Vector.EqualsAll(x, Vector<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector<T> x) => Vector.Sum(x);
}
