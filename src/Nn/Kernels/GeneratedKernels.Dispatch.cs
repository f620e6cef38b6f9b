using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// How <see cref="GeneratedKernels"/> picks its loops: the overloads that read the calling thread's kernel path
/// themselves, the tests on a path, and the length check every loop starts with.
/// </summary>
public static partial class GeneratedKernels
{
    /// <summary>
    /// The kernel path a generated pass runs on: the calling thread's (a training run's <see cref="TrainingOptions.Kernels"/>
    /// or a <see cref="KernelSelection.Enter"/> scope, else <see cref="KernelSelection.Default"/>). A generated pass
    /// reads it once and hands it to every call, which then runs that path without reading it again.
    /// </summary>
    /// <returns>The path, never <see cref="KernelPath.Auto"/>.</returns>
    public static KernelPath CurrentPath() => KernelCensus.Resolve(KernelPath.Auto);

    /// <summary>Σ_k a_k b_k on the thread's current kernel path (see <see cref="Dot{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T})"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="a">The first vector.</param>
    /// <param name="b">The second vector, at least as long as <paramref name="a"/>.</param>
    /// <returns>The dot product a · b.</returns>
    /// <exception cref="ArgumentException"><paramref name="b"/> is shorter than <paramref name="a"/>.</exception>
    public static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, IFloatingPointIeee754<T> => Dot(KernelPath.Auto, a, b);

    /// <summary>z_j = W_j · x for every row j of W on the thread's current kernel path (see <see cref="MultiplyRows{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, int)"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="weights">W, rows × n, row-major.</param>
    /// <param name="x">x, of length at least n.</param>
    /// <param name="z">Receives z_j for j &lt; rows; the rest is untouched.</param>
    /// <param name="rows">The number of rows of W, at least 0.</param>
    /// <param name="n">The length of a row, at least 0.</param>
    /// <exception cref="ArgumentException">A span is too short for <paramref name="rows"/> × <paramref name="n"/>.</exception>
    public static void MultiplyRows<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, Span<T> z, int rows, int n)
        where T : unmanaged, IFloatingPointIeee754<T> => MultiplyRows(KernelPath.Auto, weights, x, z, rows, n);

    /// <summary>Four dot products of one weight row with four consecutive samples, on the thread's current kernel path (see <see cref="Dot4{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T}, out T, out T, out T, out T)"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="w">The weight row, of length n.</param>
    /// <param name="x">Four samples of length n one after another, at least 4n values.</param>
    /// <param name="s0">w · x_0.</param>
    /// <param name="s1">w · x_1.</param>
    /// <param name="s2">w · x_2.</param>
    /// <param name="s3">w · x_3.</param>
    /// <exception cref="ArgumentException"><paramref name="x"/> holds fewer than 4n values.</exception>
    public static void Dot4<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> x, out T s0, out T s1, out T s2, out T s3)
        where T : unmanaged, IFloatingPointIeee754<T> => Dot4(KernelPath.Auto, w, x, out s0, out s1, out s2, out s3);

    /// <summary>y = s·x on the thread's current kernel path (see <see cref="Scale{T}(KernelPath, ReadOnlySpan{T}, T, Span{T})"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">x.</param>
    /// <param name="s">The scale s.</param>
    /// <param name="y">Receives s·x in its first x.Length values; overwritten there.</param>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Scale<T>(ReadOnlySpan<T> x, T s, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Scale(KernelPath.Auto, x, s, y);

    /// <summary>y += s·x on the thread's current kernel path (see <see cref="AddScaled{T}(KernelPath, ReadOnlySpan{T}, T, Span{T})"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">x.</param>
    /// <param name="s">The scale s.</param>
    /// <param name="y">y; its first x.Length values are updated in place.</param>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void AddScaled<T>(ReadOnlySpan<T> x, T s, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => AddScaled(KernelPath.Auto, x, s, y);

    /// <summary>y += d0·x_0 + d1·x_1 + d2·x_2 + d3·x_3 on the thread's current kernel path (see <see cref="AddScaled4{T}(KernelPath, ReadOnlySpan{T}, T, T, T, T, Span{T})"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">Four samples of length n = y.Length one after another, at least 4n values.</param>
    /// <param name="d0">The scale of x_0.</param>
    /// <param name="d1">The scale of x_1.</param>
    /// <param name="d2">The scale of x_2.</param>
    /// <param name="d3">The scale of x_3.</param>
    /// <param name="y">y; updated in place.</param>
    /// <exception cref="ArgumentException"><paramref name="x"/> holds fewer than 4n values.</exception>
    public static void AddScaled4<T>(ReadOnlySpan<T> x, T d0, T d1, T d2, T d3, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => AddScaled4(KernelPath.Auto, x, d0, d1, d2, d3, y);

    /// <summary>The path a call runs: the one it was handed, or for <see cref="KernelPath.Auto"/> the thread's current one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static KernelPath Run(KernelPath path) => path == KernelPath.Auto ? KernelCensus.Resolve(path) : path;

    /// <summary>Whether <paramref name="path"/> is a vector one; on <see cref="KernelPath.Portable"/> only the scalar loops run.</summary>
    private static bool Vectorised(KernelPath path) => path != KernelPath.Portable && Vector.IsHardwareAccelerated;

    /// <summary>Whether <paramref name="path"/> is <see cref="KernelPath.Vector128"/> while <see cref="Vector{T}"/> is wider (x86), so <see cref="GeneratedKernels128"/> runs instead.</summary>
    private static bool Narrow<T>(KernelPath path) => Vector<T>.Count > Vector128<T>.Count && path == KernelPath.Vector128;

    // The loops read through references past bounds checks, so a short span must be refused before they start. The
    // test inlines into every call (a generated pass makes dozens); the message is built only when it throws.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AtLeast(string name, long needed, int length)
    {
        if (length < needed)
        {
            TooShort(name, needed, length);
        }
    }

    [DoesNotReturn]
    private static void TooShort(string name, long needed, int length) =>
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} must hold at least {needed} values, but holds {length}."), name);
}
