using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nn.Kernels;

/// <summary>
/// The loops of <see cref="GeneratedKernels"/> and of <see cref="GeneratedChecks"/>' update, written once for the
/// vectors of <see cref="Vector{T}"/> (<see cref="LanesVector{T}"/>) and of 128 bits (<see cref="Lanes128{T}"/>, through
/// <see cref="GeneratedKernels128"/>): the same accumulators and order of additions on either. Each is inlined into
/// its caller, so the loop on <see cref="Vector{T}"/> lands in the generated code as before. With
/// <c>vectorised</c> false only the scalar loop runs (the <see cref="KernelPath.Portable"/> path). Arguments are
/// checked by the public methods.
/// </summary>
internal static class GeneratedKernelBodies
{
    /// <summary>Σ_k a_k b_k: four independent vector accumulators, then single vectors, then the scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot<TLanes, TVector, T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, bool vectorised)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var left = ref MemoryMarshal.GetReference(a);
        ref var right = ref MemoryMarshal.GetReference(b);
        var width = TLanes.Count;
        var k = 0;
        var sum = T.Zero;
        if (vectorised && a.Length >= width)
        {
            TVector lanes0 = TLanes.Zero, lanes1 = TLanes.Zero, lanes2 = TLanes.Zero, lanes3 = TLanes.Zero;
            for (; k <= a.Length - (4 * width); k += 4 * width)
            {
                lanes0 = TLanes.Add(lanes0, Product<TLanes, TVector, T>(ref left, ref right, k));
                lanes1 = TLanes.Add(lanes1, Product<TLanes, TVector, T>(ref left, ref right, k + width));
                lanes2 = TLanes.Add(lanes2, Product<TLanes, TVector, T>(ref left, ref right, k + (2 * width)));
                lanes3 = TLanes.Add(lanes3, Product<TLanes, TVector, T>(ref left, ref right, k + (3 * width)));
            }

            for (; k <= a.Length - width; k += width)
            {
                lanes0 = TLanes.Add(lanes0, Product<TLanes, TVector, T>(ref left, ref right, k));
            }

            sum = TLanes.Sum(TLanes.Add(TLanes.Add(lanes0, lanes1), TLanes.Add(lanes2, lanes3)));
        }

        for (; k < a.Length; k++)
        {
            sum += Unsafe.Add(ref left, k) * Unsafe.Add(ref right, k);
        }

        return sum;
    }

    /// <summary>z_j = W_j · x, four rows per pass over x, the rows left over by <see cref="Dot{TLanes, TVector, T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyRows<TLanes, TVector, T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, Span<T> z, int rows, int n, bool vectorised)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var j = 0;
        if (vectorised && n >= TLanes.Count)
        {
            ref var input = ref MemoryMarshal.GetReference(x);
            ref var matrix = ref MemoryMarshal.GetReference(weights);
            var width = TLanes.Count;
            for (; j <= rows - 4; j += 4)
            {
                var row0 = (nuint)(j * n);
                var row1 = row0 + (nuint)n;
                var row2 = row1 + (nuint)n;
                var row3 = row2 + (nuint)n;
                TVector lanes0 = TLanes.Zero, lanes1 = TLanes.Zero, lanes2 = TLanes.Zero, lanes3 = TLanes.Zero;
                var k = 0;
                for (; k <= n - width; k += width)
                {
                    var piece = TLanes.LoadAt(ref input, (nuint)k);
                    lanes0 = TLanes.Add(lanes0, TLanes.Multiply(TLanes.LoadAt(ref matrix, row0 + (nuint)k), piece));
                    lanes1 = TLanes.Add(lanes1, TLanes.Multiply(TLanes.LoadAt(ref matrix, row1 + (nuint)k), piece));
                    lanes2 = TLanes.Add(lanes2, TLanes.Multiply(TLanes.LoadAt(ref matrix, row2 + (nuint)k), piece));
                    lanes3 = TLanes.Add(lanes3, TLanes.Multiply(TLanes.LoadAt(ref matrix, row3 + (nuint)k), piece));
                }

                var sum0 = TLanes.Sum(lanes0);
                var sum1 = TLanes.Sum(lanes1);
                var sum2 = TLanes.Sum(lanes2);
                var sum3 = TLanes.Sum(lanes3);
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
            z[j] = Dot<TLanes, TVector, T>(weights.Slice(j * n, n), x, vectorised);
        }
    }

    /// <summary>Four dot products of one weight row with four consecutive samples, sharing every load of the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dot4<TLanes, TVector, T>(ReadOnlySpan<T> w, ReadOnlySpan<T> x, out T s0, out T s1, out T s2, out T s3, bool vectorised)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
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
        if (vectorised && n >= TLanes.Count)
        {
            TVector v0 = TLanes.Zero, v1 = TLanes.Zero, v2 = TLanes.Zero, v3 = TLanes.Zero;
            for (; k <= n - TLanes.Count; k += TLanes.Count)
            {
                var wk = TLanes.LoadAt(ref weights, (nuint)k);
                v0 = TLanes.Add(v0, TLanes.Multiply(wk, TLanes.LoadAt(ref x0, (nuint)k)));
                v1 = TLanes.Add(v1, TLanes.Multiply(wk, TLanes.LoadAt(ref x1, (nuint)k)));
                v2 = TLanes.Add(v2, TLanes.Multiply(wk, TLanes.LoadAt(ref x2, (nuint)k)));
                v3 = TLanes.Add(v3, TLanes.Multiply(wk, TLanes.LoadAt(ref x3, (nuint)k)));
            }

            s0 = TLanes.Sum(v0);
            s1 = TLanes.Sum(v1);
            s2 = TLanes.Sum(v2);
            s3 = TLanes.Sum(v3);
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

    /// <summary>y = s·x over the length of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scale<TLanes, TVector, T>(ReadOnlySpan<T> x, T s, Span<T> y, bool vectorised)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var source = ref MemoryMarshal.GetReference(x);
        ref var target = ref MemoryMarshal.GetReference(y);
        var k = 0;
        if (vectorised && x.Length >= TLanes.Count)
        {
            var scale = TLanes.Broadcast(s);
            for (; k <= x.Length - TLanes.Count; k += TLanes.Count)
            {
                TLanes.StoreAt(TLanes.Multiply(scale, TLanes.LoadAt(ref source, (nuint)k)), ref target, (nuint)k);
            }
        }

        for (; k < x.Length; k++)
        {
            Unsafe.Add(ref target, k) = s * Unsafe.Add(ref source, k);
        }
    }

    /// <summary>y += s·x over the length of x, each product rounded before its sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled<TLanes, TVector, T>(ReadOnlySpan<T> x, T s, Span<T> y, bool vectorised)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var source = ref MemoryMarshal.GetReference(x);
        ref var target = ref MemoryMarshal.GetReference(y);
        var k = 0;
        if (vectorised && x.Length >= TLanes.Count)
        {
            var scale = TLanes.Broadcast(s);
            for (; k <= x.Length - TLanes.Count; k += TLanes.Count)
            {
                var sum = TLanes.Add(TLanes.LoadAt(ref target, (nuint)k), TLanes.Multiply(scale, TLanes.LoadAt(ref source, (nuint)k)));
                TLanes.StoreAt(sum, ref target, (nuint)k);
            }
        }

        for (; k < x.Length; k++)
        {
            Unsafe.Add(ref target, k) += s * Unsafe.Add(ref source, k);
        }
    }

    /// <summary>y += d0·x_0 + d1·x_1 + d2·x_2 + d3·x_3 (four consecutive samples in x), added in sample order, y loaded and stored once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled4<TLanes, TVector, T>(ReadOnlySpan<T> x, T d0, T d1, T d2, T d3, Span<T> y, bool vectorised)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var n = y.Length;
        ref var target = ref MemoryMarshal.GetReference(y);
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var x1 = ref Unsafe.Add(ref x0, n);
        ref var x2 = ref Unsafe.Add(ref x0, 2 * n);
        ref var x3 = ref Unsafe.Add(ref x0, 3 * n);
        var k = 0;
        if (vectorised && n >= TLanes.Count)
        {
            TVector scale0 = TLanes.Broadcast(d0), scale1 = TLanes.Broadcast(d1), scale2 = TLanes.Broadcast(d2), scale3 = TLanes.Broadcast(d3);
            for (; k <= n - TLanes.Count; k += TLanes.Count)
            {
                var sum = TLanes.LoadAt(ref target, (nuint)k);
                sum = TLanes.Add(sum, TLanes.Multiply(scale0, TLanes.LoadAt(ref x0, (nuint)k)));
                sum = TLanes.Add(sum, TLanes.Multiply(scale1, TLanes.LoadAt(ref x1, (nuint)k)));
                sum = TLanes.Add(sum, TLanes.Multiply(scale2, TLanes.LoadAt(ref x2, (nuint)k)));
                sum = TLanes.Add(sum, TLanes.Multiply(scale3, TLanes.LoadAt(ref x3, (nuint)k)));
                TLanes.StoreAt(sum, ref target, (nuint)k);
            }
        }

        for (; k < n; k++)
        {
            ref var element = ref Unsafe.Add(ref target, k);
            element = element + (d0 * Unsafe.Add(ref x0, k)) + (d1 * Unsafe.Add(ref x1, k)) + (d2 * Unsafe.Add(ref x2, k)) + (d3 * Unsafe.Add(ref x3, k));
        }
    }

    /// <summary>θ ← θ + step·g over whole vectors from index 0; returns how far it got and whether every θ' and every θ it saw were finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (int Done, bool Finite, bool WasFinite) Update<TLanes, TVector, T>(Span<T> parameters, ReadOnlySpan<T> gradient, T step)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var theta = ref MemoryMarshal.GetReference(parameters);
        ref var g = ref MemoryMarshal.GetReference(gradient);
        var scale = TLanes.Broadcast(step);
        TVector after = TLanes.Zero, before = TLanes.Zero;
        var k = 0;
        for (; k <= parameters.Length - TLanes.Count; k += TLanes.Count)
        {
            var old = TLanes.LoadAt(ref theta, (nuint)k);
            var next = TLanes.Add(old, TLanes.Multiply(scale, TLanes.LoadAt(ref g, (nuint)k)));
            TLanes.StoreAt(next, ref theta, (nuint)k);
            after = TLanes.Or(after, TLanes.Subtract(next, next));
            before = TLanes.Or(before, TLanes.Subtract(old, old));
        }

        return (k, TLanes.AllZero(after), TLanes.AllZero(before));
    }

    /// <summary>a[k…] · b[k…] lane-wise, the vector product Dot sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Product<TLanes, TVector, T>(ref T left, ref T right, int k)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T> =>
        TLanes.Multiply(TLanes.LoadAt(ref left, (nuint)k), TLanes.LoadAt(ref right, (nuint)k));
}
