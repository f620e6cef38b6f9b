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
        if (Narrow<T>(path))
        {
            return GeneratedKernels128.Dot(a, b);
        }

        ref var left = ref MemoryMarshal.GetReference(a);
        ref var right = ref MemoryMarshal.GetReference(b);
        var width = Vector<T>.Count;
        var k = 0;
        var sum = T.Zero;
        if (Vectorised(path) && a.Length >= width)
        {
            var lanes0 = Vector<T>.Zero;
            var lanes1 = Vector<T>.Zero;
            var lanes2 = Vector<T>.Zero;
            var lanes3 = Vector<T>.Zero;
            for (; k <= a.Length - (4 * width); k += 4 * width)
            {
                lanes0 += Vector.LoadUnsafe(ref left, (nuint)k) * Vector.LoadUnsafe(ref right, (nuint)k);
                lanes1 += Vector.LoadUnsafe(ref left, (nuint)(k + width)) * Vector.LoadUnsafe(ref right, (nuint)(k + width));
                lanes2 += Vector.LoadUnsafe(ref left, (nuint)(k + (2 * width))) * Vector.LoadUnsafe(ref right, (nuint)(k + (2 * width)));
                lanes3 += Vector.LoadUnsafe(ref left, (nuint)(k + (3 * width))) * Vector.LoadUnsafe(ref right, (nuint)(k + (3 * width)));
            }

            for (; k <= a.Length - width; k += width)
            {
                lanes0 += Vector.LoadUnsafe(ref left, (nuint)k) * Vector.LoadUnsafe(ref right, (nuint)k);
            }

            sum = Vector.Sum((lanes0 + lanes1) + (lanes2 + lanes3));
        }

        for (; k < a.Length; k++)
        {
            sum += Unsafe.Add(ref left, k) * Unsafe.Add(ref right, k);
        }

        return sum;
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
            return;
        }

        var j = 0;
        if (Vectorised(path) && n >= Vector<T>.Count)
        {
            ref var input = ref MemoryMarshal.GetReference(x);
            ref var matrix = ref MemoryMarshal.GetReference(weights);
            var width = Vector<T>.Count;
            for (; j <= rows - 4; j += 4)
            {
                var row0 = (nuint)(j * n);
                var row1 = row0 + (nuint)n;
                var row2 = row1 + (nuint)n;
                var row3 = row2 + (nuint)n;
                var lanes0 = Vector<T>.Zero;
                var lanes1 = Vector<T>.Zero;
                var lanes2 = Vector<T>.Zero;
                var lanes3 = Vector<T>.Zero;
                var k = 0;
                for (; k <= n - width; k += width)
                {
                    var piece = Vector.LoadUnsafe(ref input, (nuint)k);
                    lanes0 += Vector.LoadUnsafe(ref matrix, row0 + (nuint)k) * piece;
                    lanes1 += Vector.LoadUnsafe(ref matrix, row1 + (nuint)k) * piece;
                    lanes2 += Vector.LoadUnsafe(ref matrix, row2 + (nuint)k) * piece;
                    lanes3 += Vector.LoadUnsafe(ref matrix, row3 + (nuint)k) * piece;
                }

                var sum0 = Vector.Sum(lanes0);
                var sum1 = Vector.Sum(lanes1);
                var sum2 = Vector.Sum(lanes2);
                var sum3 = Vector.Sum(lanes3);
                for (; k < n; k++)
                {
                    var xk = Unsafe.Add(ref input, k);
                    sum0 += Unsafe.Add(ref matrix, row0 + (nuint)k) * xk;
                    sum1 += Unsafe.Add(ref matrix, row1 + (nuint)k) * xk;
                    sum2 += Unsafe.Add(ref matrix, row2 + (nuint)k) * xk;
                    sum3 += Unsafe.Add(ref matrix, row3 + (nuint)k) * xk;
                }

                z[j] = sum0;
                z[j + 1] = sum1;
                z[j + 2] = sum2;
                z[j + 3] = sum3;
            }
        }

        for (; j < rows; j++)
        {
            z[j] = Dot(path, weights.Slice(j * n, n), x);
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
            return;
        }

        ref var weights = ref MemoryMarshal.GetReference(w);
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var x1 = ref Unsafe.Add(ref x0, n);
        ref var x2 = ref Unsafe.Add(ref x0, 2 * n);
        ref var x3 = ref Unsafe.Add(ref x0, 3 * n);
        var k = 0;
        s0 = s1 = s2 = s3 = T.Zero;
        if (Vectorised(path) && n >= Vector<T>.Count)
        {
            var v0 = Vector<T>.Zero;
            var v1 = Vector<T>.Zero;
            var v2 = Vector<T>.Zero;
            var v3 = Vector<T>.Zero;
            for (; k <= n - Vector<T>.Count; k += Vector<T>.Count)
            {
                var wk = Vector.LoadUnsafe(ref weights, (nuint)k);
                v0 += wk * Vector.LoadUnsafe(ref x0, (nuint)k);
                v1 += wk * Vector.LoadUnsafe(ref x1, (nuint)k);
                v2 += wk * Vector.LoadUnsafe(ref x2, (nuint)k);
                v3 += wk * Vector.LoadUnsafe(ref x3, (nuint)k);
            }

            s0 = Vector.Sum(v0);
            s1 = Vector.Sum(v1);
            s2 = Vector.Sum(v2);
            s3 = Vector.Sum(v3);
        }

        for (; k < n; k++)
        {
            var wk = Unsafe.Add(ref weights, k);
            s0 += wk * Unsafe.Add(ref x0, k);
            s1 += wk * Unsafe.Add(ref x1, k);
            s2 += wk * Unsafe.Add(ref x2, k);
            s3 += wk * Unsafe.Add(ref x3, k);
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
            return;
        }

        ref var source = ref MemoryMarshal.GetReference(x);
        ref var target = ref MemoryMarshal.GetReference(y);
        var k = 0;
        if (Vectorised(path) && x.Length >= Vector<T>.Count)
        {
            var scale = new Vector<T>(s);
            for (; k <= x.Length - Vector<T>.Count; k += Vector<T>.Count)
            {
                (scale * Vector.LoadUnsafe(ref source, (nuint)k)).StoreUnsafe(ref target, (nuint)k);
            }
        }

        for (; k < x.Length; k++)
        {
            Unsafe.Add(ref target, k) = s * Unsafe.Add(ref source, k);
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
            return;
        }

        ref var source = ref MemoryMarshal.GetReference(x);
        ref var target = ref MemoryMarshal.GetReference(y);
        var k = 0;
        if (Vectorised(path) && x.Length >= Vector<T>.Count)
        {
            var scale = new Vector<T>(s);
            for (; k <= x.Length - Vector<T>.Count; k += Vector<T>.Count)
            {
                (Vector.LoadUnsafe(ref target, (nuint)k) + (scale * Vector.LoadUnsafe(ref source, (nuint)k))).StoreUnsafe(ref target, (nuint)k);
            }
        }

        for (; k < x.Length; k++)
        {
            Unsafe.Add(ref target, k) += s * Unsafe.Add(ref source, k);
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
            return;
        }

        ref var target = ref MemoryMarshal.GetReference(y);
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var x1 = ref Unsafe.Add(ref x0, n);
        ref var x2 = ref Unsafe.Add(ref x0, 2 * n);
        ref var x3 = ref Unsafe.Add(ref x0, 3 * n);
        var k = 0;
        if (Vectorised(path) && n >= Vector<T>.Count)
        {
            var scale0 = new Vector<T>(d0);
            var scale1 = new Vector<T>(d1);
            var scale2 = new Vector<T>(d2);
            var scale3 = new Vector<T>(d3);
            for (; k <= n - Vector<T>.Count; k += Vector<T>.Count)
            {
                var sum = Vector.LoadUnsafe(ref target, (nuint)k);
                sum += scale0 * Vector.LoadUnsafe(ref x0, (nuint)k);
                sum += scale1 * Vector.LoadUnsafe(ref x1, (nuint)k);
                sum += scale2 * Vector.LoadUnsafe(ref x2, (nuint)k);
                sum += scale3 * Vector.LoadUnsafe(ref x3, (nuint)k);
                sum.StoreUnsafe(ref target, (nuint)k);
            }
        }

        for (; k < n; k++)
        {
            ref var element = ref Unsafe.Add(ref target, k);
            element = element + (d0 * Unsafe.Add(ref x0, k)) + (d1 * Unsafe.Add(ref x1, k)) + (d2 * Unsafe.Add(ref x2, k)) + (d3 * Unsafe.Add(ref x3, k));
        }
    }
}
