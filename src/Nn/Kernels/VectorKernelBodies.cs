using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nn.Kernels;

/// <summary>
/// The vector bodies of <see cref="VectorKernels"/>, written once for every width (<see cref="Lanes128{T}"/>,
/// <see cref="Lanes256{T}"/>, <see cref="Lanes512{T}"/>): whole vectors first, then the remainder one element at a
/// time with the same operations in the same order. Spans are already checked by the caller.
/// </summary>
internal static class VectorKernelBodies
{
    /// <summary>Whether every value is finite: v − v is 0 exactly for finite v and NaN otherwise.</summary>
    public static bool AllFinite<TLanes, TVector, T>(ReadOnlySpan<T> values)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var r = ref MemoryMarshal.GetReference(values);
        var width = TLanes.Count;
        TVector a0 = TLanes.Zero, a1 = TLanes.Zero;
        var i = 0;
        for (; i <= values.Length - (2 * width); i += 2 * width)
        {
            var x0 = TLanes.LoadAt(ref r, (nuint)i);
            var x1 = TLanes.LoadAt(ref r, (nuint)(i + width));
            a0 = TLanes.Add(a0, TLanes.Subtract(x0, x0));
            a1 = TLanes.Add(a1, TLanes.Subtract(x1, x1));
        }

        var finite = TLanes.AllZero(TLanes.Add(a0, a1));
        for (; i < values.Length; i++)
        {
            finite &= T.IsFinite(Unsafe.Add(ref r, i));
        }

        return finite;
    }

    /// <summary>result ← y + a·x over the length of x, the product rounded before the sum; returns whether every result is finite.</summary>
    public static bool MultiplyAdd<TLanes, TVector, T>(T a, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rr = ref MemoryMarshal.GetReference(result);
        var va = TLanes.Broadcast(a);
        var check = TLanes.Zero;
        var width = TLanes.Count;
        var i = 0;
        for (; i <= x.Length - width; i += width)
        {
            var r = TLanes.Add(TLanes.Multiply(TLanes.LoadAt(ref rx, (nuint)i), va), TLanes.LoadAt(ref ry, (nuint)i));
            TLanes.StoreAt(r, ref rr, (nuint)i);
            check = TLanes.Add(check, TLanes.Subtract(r, r));
        }

        var finite = TLanes.AllZero(check);
        for (; i < x.Length; i++)
        {
            var r = (Unsafe.Add(ref rx, i) * a) + Unsafe.Add(ref ry, i);
            Unsafe.Add(ref rr, i) = r;
            finite &= T.IsFinite(r);
        }

        return finite;
    }

    /// <summary>y ← y + Σ_i cᵢ·xᵢ over the rows of <paramref name="rows"/>, i in order, each product rounded before its sum.</summary>
    public static void MultiplyAddRows<TLanes, TVector, T>(ReadOnlySpan<T> coefficients, ReadOnlySpan<T> rows, int width, Span<T> y)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rx = ref MemoryMarshal.GetReference(rows);
        ref var ry = ref MemoryMarshal.GetReference(y);
        var count = coefficients.Length;
        var lanes = TLanes.Count;
        var j = 0;
        for (; j <= width - lanes; j += lanes)
        {
            var sum = TLanes.LoadAt(ref ry, (nuint)j);
            for (var i = 0; i < count; i++)
            {
                sum = TLanes.Add(TLanes.Multiply(TLanes.LoadAt(ref rx, (nuint)((i * width) + j)), TLanes.Broadcast(coefficients[i])), sum);
            }

            TLanes.StoreAt(sum, ref ry, (nuint)j);
        }

        for (; j < width; j++)
        {
            var sum = Unsafe.Add(ref ry, j);
            for (var i = 0; i < count; i++)
            {
                sum = (Unsafe.Add(ref rx, (i * width) + j) * coefficients[i]) + sum;
            }

            Unsafe.Add(ref ry, j) = sum;
        }
    }

    /// <summary>y ← a·x over the length of x.</summary>
    public static void Multiply<TLanes, TVector, T>(T a, ReadOnlySpan<T> x, Span<T> y)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        var va = TLanes.Broadcast(a);
        var width = TLanes.Count;
        var i = 0;
        for (; i <= x.Length - width; i += width)
        {
            TLanes.StoreAt(TLanes.Multiply(TLanes.LoadAt(ref rx, (nuint)i), va), ref ry, (nuint)i);
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref ry, i) = Unsafe.Add(ref rx, i) * a;
        }
    }

    /// <summary>z[j] = Σ_k w[j, k] x[k], eight rows at a time sharing each load of x, each with its own fused sums.</summary>
    public static void MultiplyRows<TLanes, TVector, T>(ReadOnlySpan<T> w, int outputs, int inputs, ReadOnlySpan<T> x, Span<T> z)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rx = ref MemoryMarshal.GetReference(x);
        var width = TLanes.Count;
        var body = inputs - (inputs % width);
        var j0 = 0;
        for (; j0 <= outputs - 8; j0 += 8)
        {
            ref var row = ref Unsafe.Add(ref rw, j0 * inputs);
            var stride = (nuint)inputs;
            TVector s0 = TLanes.Zero, s1 = TLanes.Zero, s2 = TLanes.Zero, s3 = TLanes.Zero, s4 = TLanes.Zero, s5 = TLanes.Zero, s6 = TLanes.Zero, s7 = TLanes.Zero;
            for (var k = 0; k < body; k += width)
            {
                var xv = TLanes.LoadAt(ref rx, (nuint)k);
                ref var wk = ref Unsafe.Add(ref row, k);
                s0 = TLanes.FusedMultiplyAdd(TLanes.LoadAt(ref wk, 0), xv, s0);
                s1 = TLanes.FusedMultiplyAdd(TLanes.LoadAt(ref wk, stride), xv, s1);
                s2 = TLanes.FusedMultiplyAdd(TLanes.LoadAt(ref wk, 2 * stride), xv, s2);
                s3 = TLanes.FusedMultiplyAdd(TLanes.LoadAt(ref wk, 3 * stride), xv, s3);
                s4 = TLanes.FusedMultiplyAdd(TLanes.LoadAt(ref wk, 4 * stride), xv, s4);
                s5 = TLanes.FusedMultiplyAdd(TLanes.LoadAt(ref wk, 5 * stride), xv, s5);
                s6 = TLanes.FusedMultiplyAdd(TLanes.LoadAt(ref wk, 6 * stride), xv, s6);
                s7 = TLanes.FusedMultiplyAdd(TLanes.LoadAt(ref wk, 7 * stride), xv, s7);
            }

            z[j0] = TLanes.Sum(s0) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 0), ref rx, body, inputs);
            z[j0 + 1] = TLanes.Sum(s1) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, inputs), ref rx, body, inputs);
            z[j0 + 2] = TLanes.Sum(s2) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 2 * inputs), ref rx, body, inputs);
            z[j0 + 3] = TLanes.Sum(s3) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 3 * inputs), ref rx, body, inputs);
            z[j0 + 4] = TLanes.Sum(s4) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 4 * inputs), ref rx, body, inputs);
            z[j0 + 5] = TLanes.Sum(s5) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 5 * inputs), ref rx, body, inputs);
            z[j0 + 6] = TLanes.Sum(s6) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 6 * inputs), ref rx, body, inputs);
            z[j0 + 7] = TLanes.Sum(s7) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 7 * inputs), ref rx, body, inputs);
        }

        for (; j0 < outputs; j0++)
        {
            ref var row = ref Unsafe.Add(ref rw, j0 * inputs);
            var s = TLanes.Zero;
            for (var k = 0; k < body; k += width)
            {
                s = TLanes.FusedMultiplyAdd(TLanes.LoadAt(ref row, (nuint)k), TLanes.LoadAt(ref rx, (nuint)k), s);
            }

            z[j0] = TLanes.Sum(s) + ScalarKernels.FusedDot(ref row, ref rx, body, inputs);
        }
    }

    /// <summary>The Adam step over whole vectors from index 0; returns how far it got and whether every θ' written is finite (the caller finishes the rest).</summary>
    public static (int Done, bool Finite) AdamUpdate<TLanes, TVector, T>(
        ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, ReadOnlySpan<T> m, ReadOnlySpan<T> v, T beta1, T beta2, T stepSize, T epsilon, Span<T> next, Span<T> nextM, Span<T> nextV)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rmNext = ref MemoryMarshal.GetReference(nextM);
        ref var rvNext = ref MemoryMarshal.GetReference(nextV);
        ref var rn = ref MemoryMarshal.GetReference(next);
        ref var rt = ref MemoryMarshal.GetReference(theta);
        ref var rg = ref MemoryMarshal.GetReference(gradient);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var check = TLanes.Zero;
        var width = TLanes.Count;
        TVector b1 = TLanes.Broadcast(beta1), c1 = TLanes.Broadcast(T.One - beta1), b2 = TLanes.Broadcast(beta2), c2 = TLanes.Broadcast(T.One - beta2);
        TVector s = TLanes.Broadcast(stepSize), e = TLanes.Broadcast(epsilon), tiny = TLanes.Broadcast(ScalarKernels.MinNormal<T>());
        var i = 0;
        for (; i <= theta.Length - width; i += width)
        {
            var g = TLanes.LoadAt(ref rg, (nuint)i);
            var mi = FlushSubnormal<TLanes, TVector, T>(TLanes.Add(TLanes.Multiply(b1, TLanes.LoadAt(ref rm, (nuint)i)), TLanes.Multiply(c1, g)), tiny);
            var vi = FlushSubnormal<TLanes, TVector, T>(TLanes.Add(TLanes.Multiply(b2, TLanes.LoadAt(ref rv, (nuint)i)), TLanes.Multiply(TLanes.Multiply(c2, g), g)), tiny);
            TLanes.StoreAt(mi, ref rmNext, (nuint)i);
            TLanes.StoreAt(vi, ref rvNext, (nuint)i);
            var step = TLanes.Divide(TLanes.Multiply(s, mi), TLanes.Add(TLanes.Sqrt(vi), e));
            var ti = FlushSubnormal<TLanes, TVector, T>(TLanes.Subtract(TLanes.LoadAt(ref rt, (nuint)i), step), tiny);
            TLanes.StoreAt(ti, ref rn, (nuint)i);
            check = TLanes.Add(check, TLanes.Subtract(ti, ti));
        }

        return (i, TLanes.AllZero(check));
    }

    /// <summary>The ReLU backward pass over whole vectors from index 0; returns how far it got.</summary>
    public static int ReluBackward<TLanes, TVector, T>(ReadOnlySpan<T> z, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rz = ref MemoryMarshal.GetReference(z);
        ref var rg = ref MemoryMarshal.GetReference(gradientA);
        ref var ro = ref MemoryMarshal.GetReference(gradientZ);
        var width = TLanes.Count;
        var i = 0;
        for (; i <= z.Length - width; i += width)
        {
            var positive = TLanes.GreaterThan(TLanes.LoadAt(ref rz, (nuint)i), TLanes.Zero);
            TLanes.StoreAt(TLanes.Select(positive, TLanes.LoadAt(ref rg, (nuint)i), TLanes.Zero), ref ro, (nuint)i);
        }

        return i;
    }

    /// <summary>The sigmoid backward pass over whole vectors from index 0; returns how far it got.</summary>
    public static int SigmoidBackward<TLanes, TVector, T>(ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rg = ref MemoryMarshal.GetReference(gradientA);
        ref var ro = ref MemoryMarshal.GetReference(gradientZ);
        var one = TLanes.One;
        var width = TLanes.Count;
        var i = 0;
        for (; i <= a.Length - width; i += width)
        {
            var ai = TLanes.LoadAt(ref ra, (nuint)i);
            TLanes.StoreAt(TLanes.Multiply(TLanes.Multiply(TLanes.LoadAt(ref rg, (nuint)i), ai), TLanes.Subtract(one, ai)), ref ro, (nuint)i);
        }

        return i;
    }

    /// <summary>Each lane as <see cref="ScalarKernels.FlushSubnormal{T}"/> makes it: a subnormal becomes a zero of its sign, anything else stays.</summary>
    /// <param name="x">The values.</param>
    /// <param name="tiny">The smallest normal value (<see cref="ScalarKernels.MinNormal{T}"/>) in every lane.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector FlushSubnormal<TLanes, TVector, T>(TVector x, TVector tiny)
        where TLanes : struct, IVectorArithmetic<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var subnormal = TLanes.AndNot(TLanes.LessThan(TLanes.Abs(x), tiny), TLanes.EqualLanes(x, TLanes.Zero));
        return TLanes.Select(subnormal, TLanes.And(x, TLanes.Broadcast(T.NegativeZero)), x);
    }
}
