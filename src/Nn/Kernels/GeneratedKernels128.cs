using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The <see cref="KernelPath.Vector128"/> bodies of <see cref="GeneratedKernels"/> where <see cref="Vector{T}"/> is wider
/// (x86 with AVX2): the same loops, accumulators and order of additions, on 128-bit vectors. The public methods have
/// checked the arguments.
/// </summary>
internal static class GeneratedKernels128
{
    /// <summary><see cref="GeneratedKernels.Dot{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T})"/> on 128-bit vectors.</summary>
    internal static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var left = ref MemoryMarshal.GetReference(a);
        ref var right = ref MemoryMarshal.GetReference(b);
        var width = Vector128<T>.Count;
        var k = 0;
        var sum = T.Zero;
        if (a.Length >= width)
        {
            var lanes0 = Vector128<T>.Zero;
            var lanes1 = Vector128<T>.Zero;
            var lanes2 = Vector128<T>.Zero;
            var lanes3 = Vector128<T>.Zero;
            for (; k <= a.Length - (4 * width); k += 4 * width)
            {
                lanes0 += Vector128.LoadUnsafe(ref left, (nuint)k) * Vector128.LoadUnsafe(ref right, (nuint)k);
                lanes1 += Vector128.LoadUnsafe(ref left, (nuint)(k + width)) * Vector128.LoadUnsafe(ref right, (nuint)(k + width));
                lanes2 += Vector128.LoadUnsafe(ref left, (nuint)(k + (2 * width))) * Vector128.LoadUnsafe(ref right, (nuint)(k + (2 * width)));
                lanes3 += Vector128.LoadUnsafe(ref left, (nuint)(k + (3 * width))) * Vector128.LoadUnsafe(ref right, (nuint)(k + (3 * width)));
            }

            for (; k <= a.Length - width; k += width)
            {
                lanes0 += Vector128.LoadUnsafe(ref left, (nuint)k) * Vector128.LoadUnsafe(ref right, (nuint)k);
            }

            sum = Vector128.Sum((lanes0 + lanes1) + (lanes2 + lanes3));
        }

        for (; k < a.Length; k++)
        {
            sum += Unsafe.Add(ref left, k) * Unsafe.Add(ref right, k);
        }

        return sum;
    }

    /// <summary><see cref="GeneratedKernels.MultiplyRows{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, int)"/> on 128-bit vectors.</summary>
    internal static void MultiplyRows<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, Span<T> z, int rows, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var j = 0;
        if (n >= Vector128<T>.Count)
        {
            ref var input = ref MemoryMarshal.GetReference(x);
            ref var matrix = ref MemoryMarshal.GetReference(weights);
            var width = Vector128<T>.Count;
            for (; j <= rows - 4; j += 4)
            {
                var row0 = (nuint)(j * n);
                var row1 = row0 + (nuint)n;
                var row2 = row1 + (nuint)n;
                var row3 = row2 + (nuint)n;
                var lanes0 = Vector128<T>.Zero;
                var lanes1 = Vector128<T>.Zero;
                var lanes2 = Vector128<T>.Zero;
                var lanes3 = Vector128<T>.Zero;
                var k = 0;
                for (; k <= n - width; k += width)
                {
                    var piece = Vector128.LoadUnsafe(ref input, (nuint)k);
                    lanes0 += Vector128.LoadUnsafe(ref matrix, row0 + (nuint)k) * piece;
                    lanes1 += Vector128.LoadUnsafe(ref matrix, row1 + (nuint)k) * piece;
                    lanes2 += Vector128.LoadUnsafe(ref matrix, row2 + (nuint)k) * piece;
                    lanes3 += Vector128.LoadUnsafe(ref matrix, row3 + (nuint)k) * piece;
                }

                var sum0 = Vector128.Sum(lanes0);
                var sum1 = Vector128.Sum(lanes1);
                var sum2 = Vector128.Sum(lanes2);
                var sum3 = Vector128.Sum(lanes3);
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
            z[j] = Dot(weights.Slice(j * n, n), x);
        }
    }

    /// <summary><see cref="GeneratedKernels.Dot4{T}(KernelPath, ReadOnlySpan{T}, ReadOnlySpan{T}, out T, out T, out T, out T)"/> on 128-bit vectors.</summary>
    internal static void Dot4<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> x, out T s0, out T s1, out T s2, out T s3)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var n = w.Length;
        ref var weights = ref MemoryMarshal.GetReference(w);
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var x1 = ref Unsafe.Add(ref x0, n);
        ref var x2 = ref Unsafe.Add(ref x0, 2 * n);
        ref var x3 = ref Unsafe.Add(ref x0, 3 * n);
        var k = 0;
        s0 = s1 = s2 = s3 = T.Zero;
        if (n >= Vector128<T>.Count)
        {
            var v0 = Vector128<T>.Zero;
            var v1 = Vector128<T>.Zero;
            var v2 = Vector128<T>.Zero;
            var v3 = Vector128<T>.Zero;
            for (; k <= n - Vector128<T>.Count; k += Vector128<T>.Count)
            {
                var wk = Vector128.LoadUnsafe(ref weights, (nuint)k);
                v0 += wk * Vector128.LoadUnsafe(ref x0, (nuint)k);
                v1 += wk * Vector128.LoadUnsafe(ref x1, (nuint)k);
                v2 += wk * Vector128.LoadUnsafe(ref x2, (nuint)k);
                v3 += wk * Vector128.LoadUnsafe(ref x3, (nuint)k);
            }

            s0 = Vector128.Sum(v0);
            s1 = Vector128.Sum(v1);
            s2 = Vector128.Sum(v2);
            s3 = Vector128.Sum(v3);
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

    /// <summary><see cref="GeneratedKernels.Scale{T}(KernelPath, ReadOnlySpan{T}, T, Span{T})"/> on 128-bit vectors.</summary>
    internal static void Scale<T>(ReadOnlySpan<T> x, T s, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var source = ref MemoryMarshal.GetReference(x);
        ref var target = ref MemoryMarshal.GetReference(y);
        var k = 0;
        if (x.Length >= Vector128<T>.Count)
        {
            var scale = Vector128.Create(s);
            for (; k <= x.Length - Vector128<T>.Count; k += Vector128<T>.Count)
            {
                (scale * Vector128.LoadUnsafe(ref source, (nuint)k)).StoreUnsafe(ref target, (nuint)k);
            }
        }

        for (; k < x.Length; k++)
        {
            Unsafe.Add(ref target, k) = s * Unsafe.Add(ref source, k);
        }
    }

    /// <summary><see cref="GeneratedKernels.AddScaled{T}(KernelPath, ReadOnlySpan{T}, T, Span{T})"/> on 128-bit vectors.</summary>
    internal static void AddScaled<T>(ReadOnlySpan<T> x, T s, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var source = ref MemoryMarshal.GetReference(x);
        ref var target = ref MemoryMarshal.GetReference(y);
        var k = 0;
        if (x.Length >= Vector128<T>.Count)
        {
            var scale = Vector128.Create(s);
            for (; k <= x.Length - Vector128<T>.Count; k += Vector128<T>.Count)
            {
                (Vector128.LoadUnsafe(ref target, (nuint)k) + (scale * Vector128.LoadUnsafe(ref source, (nuint)k))).StoreUnsafe(ref target, (nuint)k);
            }
        }

        for (; k < x.Length; k++)
        {
            Unsafe.Add(ref target, k) += s * Unsafe.Add(ref source, k);
        }
    }

    /// <summary><see cref="GeneratedKernels.AddScaled4{T}(KernelPath, ReadOnlySpan{T}, T, T, T, T, Span{T})"/> on 128-bit vectors.</summary>
    internal static void AddScaled4<T>(ReadOnlySpan<T> x, T d0, T d1, T d2, T d3, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var n = y.Length;
        ref var target = ref MemoryMarshal.GetReference(y);
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var x1 = ref Unsafe.Add(ref x0, n);
        ref var x2 = ref Unsafe.Add(ref x0, 2 * n);
        ref var x3 = ref Unsafe.Add(ref x0, 3 * n);
        var k = 0;
        if (n >= Vector128<T>.Count)
        {
            var scale0 = Vector128.Create(d0);
            var scale1 = Vector128.Create(d1);
            var scale2 = Vector128.Create(d2);
            var scale3 = Vector128.Create(d3);
            for (; k <= n - Vector128<T>.Count; k += Vector128<T>.Count)
            {
                var sum = Vector128.LoadUnsafe(ref target, (nuint)k);
                sum += scale0 * Vector128.LoadUnsafe(ref x0, (nuint)k);
                sum += scale1 * Vector128.LoadUnsafe(ref x1, (nuint)k);
                sum += scale2 * Vector128.LoadUnsafe(ref x2, (nuint)k);
                sum += scale3 * Vector128.LoadUnsafe(ref x3, (nuint)k);
                sum.StoreUnsafe(ref target, (nuint)k);
            }
        }

        for (; k < n; k++)
        {
            ref var element = ref Unsafe.Add(ref target, k);
            element = element + (d0 * Unsafe.Add(ref x0, k)) + (d1 * Unsafe.Add(ref x1, k)) + (d2 * Unsafe.Add(ref x2, k)) + (d3 * Unsafe.Add(ref x3, k));
        }
    }

    /// <summary>
    /// θ ← θ + step·g over whole 128-bit vectors from index 0, the vector part of
    /// <see cref="GeneratedChecks.UpdateChecked{T}(Span{T}, ReadOnlySpan{T}, T, Architecture)"/>; returns how far it got
    /// and whether every θ' and every θ it saw were finite.
    /// </summary>
    internal static (int Done, bool Finite, bool WasFinite) Update<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var theta = ref MemoryMarshal.GetReference(parameters);
        ref var g = ref MemoryMarshal.GetReference(gradient);
        var scale = Vector128.Create(step);
        var after = Vector128<T>.Zero;
        var before = Vector128<T>.Zero;
        var k = 0;
        for (; k <= parameters.Length - Vector128<T>.Count; k += Vector128<T>.Count)
        {
            var old = Vector128.LoadUnsafe(ref theta, (nuint)k);
            var next = old + (scale * Vector128.LoadUnsafe(ref g, (nuint)k));
            next.StoreUnsafe(ref theta, (nuint)k);
            after |= next - next;
            before |= old - old;
        }

        return (k, Vector128.EqualsAll(after, Vector128<T>.Zero), Vector128.EqualsAll(before, Vector128<T>.Zero));
    }
}
