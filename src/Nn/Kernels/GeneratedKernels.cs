using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nn.Kernels;

/// <summary>
/// The size-independent SIMD loops that the code generated for a declared network (<see cref="NetworkAttribute"/>)
/// calls: dot products, four rows of W x per pass over x, and the axpy forms of the backward pass. The generator
/// writes only the size-specific passes into each declared type; these loops live here once, so a change to them
/// is one reviewed diff instead of one per declared network. They use <see cref="Vector{T}"/> with independent
/// accumulators and add in a fixed order, so the same arguments give the same bits on every call; on the
/// <see cref="KernelPath.Vector128"/> path where <see cref="Vector{T}"/> is wider they run the same loops on 128-bit
/// vectors (<see cref="GeneratedKernels128"/>), and on <see cref="KernelPath.Portable"/> only their scalar loops.
/// Each writes only into the destination span its caller owns. Generated code reads the thread's path once per pass
/// and hands it to every call (the overloads without a path read it themselves, which costs a thread-static read
/// per call: a dozen per cent of a small network's pass).
/// </summary>
/// <example><code>
/// var path = GeneratedKernels.CurrentPath();
/// GeneratedKernels.MultiplyRows(path, w, x, z, rows: 32, n: 64);   // z_j = W_j · x, j = 0…31
/// </code></example>
public static partial class GeneratedKernels
{
    /// <summary>Σ_k a_k b_k over the length of <paramref name="a"/>: four independent vector accumulators (so the additions do not wait on each other), then single vectors, then the scalar tail.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The kernel path to run, read once per pass by the caller (<see cref="CurrentPath"/>); <see cref="KernelPath.Auto"/> reads the thread's current one.</param>
    /// <param name="a">The first vector.</param>
    /// <param name="b">The second vector, at least as long as <paramref name="a"/>.</param>
    /// <returns>The dot product a · b.</returns>
    /// <exception cref="ArgumentException"><paramref name="b"/> is shorter than <paramref name="a"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot<T>(KernelPath path, ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        AtLeast(nameof(b), a.Length, b.Length);
        path = Run(path);
        return Narrow<T>(path)
            ? GeneratedKernels128.Dot(a, b)
            : GeneratedKernelBodies.Dot<LanesVector<T>, Vector<T>, T>(a, b, Vectorised(path));
    }

    /// <summary>
    /// z_j = W_j · x for every row j of W (rows × n, row-major), four rows per pass over x so each loaded piece of x
    /// feeds four independent sums and a row costs one horizontal addition (at 32–64 inputs the per-row reduction of
    /// <see cref="Dot{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T})"/> took as long as the multiplications); the rows left over use <see cref="Dot{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T})"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The kernel path to run, read once per pass by the caller (<see cref="CurrentPath"/>); <see cref="KernelPath.Auto"/> reads the thread's current one.</param>
    /// <param name="weights">W, rows × n, row-major.</param>
    /// <param name="x">x, of length at least n.</param>
    /// <param name="z">Receives z_j for j &lt; rows; the rest is untouched.</param>
    /// <param name="rows">The number of rows of W, at least 0.</param>
    /// <param name="n">The length of a row, at least 0.</param>
    /// <exception cref="ArgumentException">A span is too short for <paramref name="rows"/> × <paramref name="n"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyRows<T>(KernelPath path, ReadOnlySpan<T> weights, ReadOnlySpan<T> x, Span<T> z, int rows, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        AtLeast(nameof(weights), (long)rows * n, weights.Length);
        AtLeast(nameof(x), n, x.Length);
        AtLeast(nameof(z), rows, z.Length);
        path = Run(path);
        if (Narrow<T>(path))
        {
            GeneratedKernels128.MultiplyRows(weights, x, z, rows, n);
        }
        else
        {
            GeneratedKernelBodies.MultiplyRows<LanesVector<T>, Vector<T>, T>(weights, x, z, rows, n, Vectorised(path));
        }
    }

    /// <summary>Four dot products of one weight row w with four consecutive samples in x (each of w's length), sharing every load of w.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The kernel path to run, read once per pass by the caller (<see cref="CurrentPath"/>); <see cref="KernelPath.Auto"/> reads the thread's current one.</param>
    /// <param name="w">The weight row, of length n.</param>
    /// <param name="x">Four samples of length n one after another, at least 4n values.</param>
    /// <param name="s0">w · x_0.</param>
    /// <param name="s1">w · x_1.</param>
    /// <param name="s2">w · x_2.</param>
    /// <param name="s3">w · x_3.</param>
    /// <exception cref="ArgumentException"><paramref name="x"/> holds fewer than 4n values.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dot4<T>(KernelPath path, ReadOnlySpan<T> w, ReadOnlySpan<T> x, out T s0, out T s1, out T s2, out T s3)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var n = w.Length;
        AtLeast(nameof(x), 4L * n, x.Length);
        path = Run(path);
        if (Narrow<T>(path))
        {
            GeneratedKernels128.Dot4(w, x, out s0, out s1, out s2, out s3);
        }
        else
        {
            GeneratedKernelBodies.Dot4<LanesVector<T>, Vector<T>, T>(w, x, out s0, out s1, out s2, out s3, Vectorised(path));
        }
    }

    /// <summary>y = s·x over the length of <paramref name="x"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The kernel path to run, read once per pass by the caller (<see cref="CurrentPath"/>); <see cref="KernelPath.Auto"/> reads the thread's current one.</param>
    /// <param name="x">x.</param>
    /// <param name="s">The scale s.</param>
    /// <param name="y">Receives s·x in its first x.Length values; overwritten there.</param>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scale<T>(KernelPath path, ReadOnlySpan<T> x, T s, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        AtLeast(nameof(y), x.Length, y.Length);
        path = Run(path);
        if (Narrow<T>(path))
        {
            GeneratedKernels128.Scale(x, s, y);
        }
        else
        {
            GeneratedKernelBodies.Scale<LanesVector<T>, Vector<T>, T>(x, s, y, Vectorised(path));
        }
    }

    /// <summary>y += s·x (an axpy) over the length of <paramref name="x"/>; each product is rounded before its sum.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The kernel path to run, read once per pass by the caller (<see cref="CurrentPath"/>); <see cref="KernelPath.Auto"/> reads the thread's current one.</param>
    /// <param name="x">x.</param>
    /// <param name="s">The scale s.</param>
    /// <param name="y">y; its first x.Length values are updated in place.</param>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled<T>(KernelPath path, ReadOnlySpan<T> x, T s, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        AtLeast(nameof(y), x.Length, y.Length);
        path = Run(path);
        if (Narrow<T>(path))
        {
            GeneratedKernels128.AddScaled(x, s, y);
        }
        else
        {
            GeneratedKernelBodies.AddScaled<LanesVector<T>, Vector<T>, T>(x, s, y, Vectorised(path));
        }
    }

    /// <summary>
    /// y += d0·x_0, then + d1·x_1, + d2·x_2, + d3·x_3 (four consecutive samples of y's length in x), loading and
    /// storing y once: the first-layer gradient rows of a block of samples, still added in sample order.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The kernel path to run, read once per pass by the caller (<see cref="CurrentPath"/>); <see cref="KernelPath.Auto"/> reads the thread's current one.</param>
    /// <param name="x">Four samples of length n = y.Length one after another, at least 4n values.</param>
    /// <param name="d0">The scale of x_0.</param>
    /// <param name="d1">The scale of x_1.</param>
    /// <param name="d2">The scale of x_2.</param>
    /// <param name="d3">The scale of x_3.</param>
    /// <param name="y">y; updated in place.</param>
    /// <exception cref="ArgumentException"><paramref name="x"/> holds fewer than 4n values.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled4<T>(KernelPath path, ReadOnlySpan<T> x, T d0, T d1, T d2, T d3, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var n = y.Length;
        AtLeast(nameof(x), 4L * n, x.Length);
        path = Run(path);
        if (Narrow<T>(path))
        {
            GeneratedKernels128.AddScaled4(x, d0, d1, d2, d3, y);
        }
        else
        {
            GeneratedKernelBodies.AddScaled4<LanesVector<T>, Vector<T>, T>(x, d0, d1, d2, d3, y, Vectorised(path));
        }
    }
}
