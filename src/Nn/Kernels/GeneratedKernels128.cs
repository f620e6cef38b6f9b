using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The <see cref="KernelPath.Vector128"/> forms of <see cref="GeneratedKernels"/> where <see cref="Vector{T}"/> is wider
/// (x86 with AVX2): <see cref="GeneratedKernelBodies"/>' loops on 128-bit vectors. They are calls, never inlined, so
/// the generated code that calls <see cref="GeneratedKernels"/> carries only the loop of the path it mostly runs, as
/// when these were separate bodies. The public methods have checked the arguments.
/// </summary>
internal static class GeneratedKernels128
{
    /// <summary><see cref="GeneratedKernels.Dot{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T})"/> on 128-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GeneratedKernelBodies.Dot<Lanes128<T>, Vector128<T>, T>(a, b, vectorised: true);

    /// <summary><see cref="GeneratedKernels.MultiplyRows{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, int)"/> on 128-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void MultiplyRows<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, Span<T> z, int rows, int n)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GeneratedKernelBodies.MultiplyRows<Lanes128<T>, Vector128<T>, T>(weights, x, z, rows, n, vectorised: true);

    /// <summary><see cref="GeneratedKernels.Dot4{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T}, out T, out T, out T, out T)"/> on 128-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Dot4<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> x, out T s0, out T s1, out T s2, out T s3)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GeneratedKernelBodies.Dot4<Lanes128<T>, Vector128<T>, T>(w, x, out s0, out s1, out s2, out s3, vectorised: true);

    /// <summary><see cref="GeneratedKernels.Scale{T}(KernelPath, ReadOnlySpan{T}, T, Span{T})"/> on 128-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Scale<T>(ReadOnlySpan<T> x, T s, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GeneratedKernelBodies.Scale<Lanes128<T>, Vector128<T>, T>(x, s, y, vectorised: true);

    /// <summary><see cref="GeneratedKernels.AddScaled{T}(KernelPath, ReadOnlySpan{T}, T, Span{T})"/> on 128-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void AddScaled<T>(ReadOnlySpan<T> x, T s, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GeneratedKernelBodies.AddScaled<Lanes128<T>, Vector128<T>, T>(x, s, y, vectorised: true);

    /// <summary><see cref="GeneratedKernels.AddScaled4{T}(KernelPath, ReadOnlySpan{T}, T, T, T, T, Span{T})"/> on 128-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void AddScaled4<T>(ReadOnlySpan<T> x, T d0, T d1, T d2, T d3, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GeneratedKernelBodies.AddScaled4<Lanes128<T>, Vector128<T>, T>(x, d0, d1, d2, d3, y, vectorised: true);
}
