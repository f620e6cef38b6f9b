using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The Vector512 bodies of <see cref="VectorKernels"/>: whole vectors first, then the remainder one element at a time
/// with the same operations in the same order. Spans are already checked by the caller.
/// </summary>
internal static class VectorKernels512
{
    /// <summary>Whether every value is finite: v − v is 0 exactly for finite v and NaN otherwise.</summary>
    public static bool AllFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var r = ref MemoryMarshal.GetReference(values);
        var width = Vector512<T>.Count;
        Vector512<T> a0 = Vector512<T>.Zero, a1 = Vector512<T>.Zero;
        var i = 0;
        for (; i <= values.Length - (2 * width); i += 2 * width)
        {
            var x0 = Vector512.LoadUnsafe(ref r, (nuint)i);
            var x1 = Vector512.LoadUnsafe(ref r, (nuint)(i + width));
            a0 += x0 - x0;
            a1 += x1 - x1;
        }

        var finite = Vector512.EqualsAll(a0 + a1, Vector512<T>.Zero);
        for (; i < values.Length; i++)
        {
            finite &= T.IsFinite(Unsafe.Add(ref r, i));
        }

        return finite;
    }

    /// <summary>result ← y + a·x over the length of x, the product rounded before the sum; returns whether every result is finite.</summary>
    public static bool MultiplyAdd<T>(T a, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rr = ref MemoryMarshal.GetReference(result);
        var va = Vector512.Create(a);
        var check = Vector512<T>.Zero;
        var width = Vector512<T>.Count;
        var i = 0;
        for (; i <= x.Length - width; i += width)
        {
            var r = (Vector512.LoadUnsafe(ref rx, (nuint)i) * va) + Vector512.LoadUnsafe(ref ry, (nuint)i);
            r.StoreUnsafe(ref rr, (nuint)i);
            check += r - r;
        }

        var finite = Vector512.EqualsAll(check, Vector512<T>.Zero);
        for (; i < x.Length; i++)
        {
            var r = (Unsafe.Add(ref rx, i) * a) + Unsafe.Add(ref ry, i);
            Unsafe.Add(ref rr, i) = r;
            finite &= T.IsFinite(r);
        }

        return finite;
    }

    /// <summary>y ← a·x over the length of x.</summary>
    public static void Multiply<T>(T a, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        var va = Vector512.Create(a);
        var width = Vector512<T>.Count;
        var i = 0;
        for (; i <= x.Length - width; i += width)
        {
            (Vector512.LoadUnsafe(ref rx, (nuint)i) * va).StoreUnsafe(ref ry, (nuint)i);
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref ry, i) = Unsafe.Add(ref rx, i) * a;
        }
    }

    /// <summary>z[j] = Σ_k w[j, k] x[k], eight rows at a time sharing each load of x, each with its own fused sums.</summary>
    public static void MultiplyRows<T>(ReadOnlySpan<T> w, int outputs, int inputs, ReadOnlySpan<T> x, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rx = ref MemoryMarshal.GetReference(x);
        var width = Vector512<T>.Count;
        var body = inputs - (inputs % width);
        var j0 = 0;
        for (; j0 <= outputs - 8; j0 += 8)
        {
            ref var row = ref Unsafe.Add(ref rw, j0 * inputs);
            var stride = (nuint)inputs;
            Vector512<T> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (var k = 0; k < body; k += width)
            {
                var xv = Vector512.LoadUnsafe(ref rx, (nuint)k);
                ref var wk = ref Unsafe.Add(ref row, k);
                s0 = Fma(Vector512.LoadUnsafe(ref wk), xv, s0);
                s1 = Fma(Vector512.LoadUnsafe(ref wk, stride), xv, s1);
                s2 = Fma(Vector512.LoadUnsafe(ref wk, 2 * stride), xv, s2);
                s3 = Fma(Vector512.LoadUnsafe(ref wk, 3 * stride), xv, s3);
                s4 = Fma(Vector512.LoadUnsafe(ref wk, 4 * stride), xv, s4);
                s5 = Fma(Vector512.LoadUnsafe(ref wk, 5 * stride), xv, s5);
                s6 = Fma(Vector512.LoadUnsafe(ref wk, 6 * stride), xv, s6);
                s7 = Fma(Vector512.LoadUnsafe(ref wk, 7 * stride), xv, s7);
            }

            z[j0] = Vector512.Sum(s0) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 0), ref rx, body, inputs);
            z[j0 + 1] = Vector512.Sum(s1) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, inputs), ref rx, body, inputs);
            z[j0 + 2] = Vector512.Sum(s2) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 2 * inputs), ref rx, body, inputs);
            z[j0 + 3] = Vector512.Sum(s3) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 3 * inputs), ref rx, body, inputs);
            z[j0 + 4] = Vector512.Sum(s4) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 4 * inputs), ref rx, body, inputs);
            z[j0 + 5] = Vector512.Sum(s5) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 5 * inputs), ref rx, body, inputs);
            z[j0 + 6] = Vector512.Sum(s6) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 6 * inputs), ref rx, body, inputs);
            z[j0 + 7] = Vector512.Sum(s7) + ScalarKernels.FusedDot(ref Unsafe.Add(ref row, 7 * inputs), ref rx, body, inputs);
        }

        for (; j0 < outputs; j0++)
        {
            ref var row = ref Unsafe.Add(ref rw, j0 * inputs);
            var s = Vector512<T>.Zero;
            for (var k = 0; k < body; k += width)
            {
                s = Fma(Vector512.LoadUnsafe(ref row, (nuint)k), Vector512.LoadUnsafe(ref rx, (nuint)k), s);
            }

            z[j0] = Vector512.Sum(s) + ScalarKernels.FusedDot(ref row, ref rx, body, inputs);
        }
    }

    /// <summary>The Adam step over whole vectors from index 0; returns how far it got and whether every θ' written is finite (the caller finishes the rest).</summary>
    public static (int Done, bool Finite) AdamUpdate<T>(
        ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, ReadOnlySpan<T> m, ReadOnlySpan<T> v, T beta1, T beta2, T stepSize, T epsilon, Span<T> next, Span<T> nextM, Span<T> nextV)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rmNext = ref MemoryMarshal.GetReference(nextM);
        ref var rvNext = ref MemoryMarshal.GetReference(nextV);
        ref var rn = ref MemoryMarshal.GetReference(next);
        ref var rt = ref MemoryMarshal.GetReference(theta);
        ref var rg = ref MemoryMarshal.GetReference(gradient);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var check = Vector512<T>.Zero;
        var width = Vector512<T>.Count;
        Vector512<T> b1 = Vector512.Create(beta1), c1 = Vector512.Create(T.One - beta1), b2 = Vector512.Create(beta2), c2 = Vector512.Create(T.One - beta2);
        Vector512<T> s = Vector512.Create(stepSize), e = Vector512.Create(epsilon), tiny = Vector512.Create(ScalarKernels.MinNormal<T>());
        var i = 0;
        for (; i <= theta.Length - width; i += width)
        {
            var g = Vector512.LoadUnsafe(ref rg, (nuint)i);
            var mi = FlushSubnormal((b1 * Vector512.LoadUnsafe(ref rm, (nuint)i)) + (c1 * g), tiny);
            var vi = FlushSubnormal((b2 * Vector512.LoadUnsafe(ref rv, (nuint)i)) + (c2 * g * g), tiny);
            mi.StoreUnsafe(ref rmNext, (nuint)i);
            vi.StoreUnsafe(ref rvNext, (nuint)i);
            var ti = FlushSubnormal(Vector512.LoadUnsafe(ref rt, (nuint)i) - (s * mi / (Vector512.Sqrt(vi) + e)), tiny);
            ti.StoreUnsafe(ref rn, (nuint)i);
            check += ti - ti;
        }

        return (i, Vector512.EqualsAll(check, Vector512<T>.Zero));
    }

    /// <summary>Each lane as <see cref="ScalarKernels.FlushSubnormal{T}"/> makes it: a subnormal becomes a zero of its sign, anything else stays.</summary>
    /// <param name="x">The values.</param>
    /// <param name="tiny">The smallest normal value (<see cref="ScalarKernels.MinNormal{T}"/>) in every lane.</param>
    private static Vector512<T> FlushSubnormal<T>(Vector512<T> x, Vector512<T> tiny)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var subnormal = Vector512.LessThan(Vector512.Abs(x), tiny) & ~Vector512.Equals(x, Vector512<T>.Zero);
        return Vector512.ConditionalSelect(subnormal, x & Vector512.Create(T.NegativeZero), x);
    }

    /// <summary>The ReLU backward pass over whole vectors from index 0; returns how far it got.</summary>
    public static int ReluBackward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var rz = ref MemoryMarshal.GetReference(z);
        ref var rg = ref MemoryMarshal.GetReference(gradientA);
        ref var ro = ref MemoryMarshal.GetReference(gradientZ);
        var i = 0;
        for (; i <= z.Length - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var positive = Vector512.GreaterThan(Vector512.LoadUnsafe(ref rz, (nuint)i), Vector512<T>.Zero);
            Vector512.ConditionalSelect(positive, Vector512.LoadUnsafe(ref rg, (nuint)i), Vector512<T>.Zero).StoreUnsafe(ref ro, (nuint)i);
        }

        return i;
    }

    /// <summary>The sigmoid backward pass over whole vectors from index 0; returns how far it got.</summary>
    public static int SigmoidBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rg = ref MemoryMarshal.GetReference(gradientA);
        ref var ro = ref MemoryMarshal.GetReference(gradientZ);
        var one = Vector512<T>.One;
        var i = 0;
        for (; i <= a.Length - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var ai = Vector512.LoadUnsafe(ref ra, (nuint)i);
            (Vector512.LoadUnsafe(ref rg, (nuint)i) * ai * (one - ai)).StoreUnsafe(ref ro, (nuint)i);
        }

        return i;
    }

    /// <summary>x·y + acc with one rounding (float or double lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> acc)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        }

        return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
    }
}
