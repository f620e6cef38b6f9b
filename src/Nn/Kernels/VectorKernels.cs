using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// Vector loops for the element-wise and single-sample work around the matrix products: finiteness checks, axpy,
/// the single-row products of per-sample SGD and the optimiser updates. On a CPU with AVX-512 they are written
/// with Vector512 and no per-call set-up; elsewhere they fall back to <see cref="TensorPrimitives"/> or scalar code.
/// Each writes only into the destination span its caller owns.
/// </summary>
internal static class VectorKernels
{
    private static bool Wide => Vector512.IsHardwareAccelerated;

    /// <summary>Whether every value is finite (no NaN, no ±∞): v − v is 0 exactly for finite v and NaN otherwise.</summary>
    public static bool AllFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Wide)
        {
            return TensorPrimitives.IsFiniteAll(values);
        }

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

    /// <summary>y ← y + a·x (axpy), in place on <paramref name="y"/>; the product is rounded before the sum, as <see cref="TensorPrimitives.MultiplyAdd{T}(ReadOnlySpan{T}, T, ReadOnlySpan{T}, Span{T})"/> does.</summary>
    public static void MultiplyAdd<T>(T a, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => MultiplyAdd(a, x, y, y);

    /// <summary>result ← y + a·x; <paramref name="result"/> may be <paramref name="y"/> itself.</summary>
    public static void MultiplyAdd<T>(T a, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length < x.Length || result.Length < x.Length)
        {
            throw new ArgumentException($"y and the result must hold at least {x.Length} elements, but hold {y.Length} and {result.Length}.", nameof(y));
        }

        if (!Wide)
        {
            TensorPrimitives.MultiplyAdd(x, a, y.Slice(0, x.Length), result);
            return;
        }

        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rr = ref MemoryMarshal.GetReference(result);
        var va = Vector512.Create(a);
        var width = Vector512<T>.Count;
        var i = 0;
        for (; i <= x.Length - width; i += width)
        {
            ((Vector512.LoadUnsafe(ref rx, (nuint)i) * va) + Vector512.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rr, (nuint)i);
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref rr, i) = (Unsafe.Add(ref rx, i) * a) + Unsafe.Add(ref ry, i);
        }
    }

    /// <summary>result ← y + a·x like <see cref="MultiplyAdd{T}(T, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>, returning whether every result is finite (checked as it is written, with no second pass).</summary>
    public static bool MultiplyAddFinite<T>(T a, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Wide)
        {
            MultiplyAdd(a, x, y, result);
            return AllFinite<T>(result.Slice(0, x.Length));
        }

        if (y.Length < x.Length || result.Length < x.Length)
        {
            throw new ArgumentException($"y and the result must hold at least {x.Length} elements, but hold {y.Length} and {result.Length}.", nameof(y));
        }

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

    /// <summary>y ← a·x, overwriting <paramref name="y"/>.</summary>
    public static void Multiply<T>(T a, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Wide)
        {
            TensorPrimitives.Multiply(x, a, y);
            return;
        }

        if (y.Length < x.Length)
        {
            throw new ArgumentException($"y must hold at least {x.Length} elements, but holds {y.Length}.", nameof(y));
        }

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

    /// <summary>
    /// z[j] = Σ_k w[j, k] x[k] for every row j of W (outputs × inputs): the product of one sample. Eight rows at a
    /// time share each load of x and keep eight independent sums, so the loop runs at the load rate, not the FMA latency.
    /// </summary>
    public static void MultiplyRows<T>(ReadOnlySpan<T> w, int outputs, int inputs, ReadOnlySpan<T> x, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Wide)
        {
            for (var j = 0; j < outputs; j++)
            {
                z[j] = TensorPrimitives.Dot(x.Slice(0, inputs), w.Slice(j * inputs, inputs));
            }

            return;
        }

        if (w.Length < outputs * inputs || x.Length < inputs || z.Length < outputs)
        {
            throw new ArgumentException($"w must hold {outputs}×{inputs}, x {inputs} and z {outputs} elements.");
        }

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
                s0 = MicroKernels.Fma(Vector512.LoadUnsafe(ref wk), xv, s0);
                s1 = MicroKernels.Fma(Vector512.LoadUnsafe(ref wk, stride), xv, s1);
                s2 = MicroKernels.Fma(Vector512.LoadUnsafe(ref wk, 2 * stride), xv, s2);
                s3 = MicroKernels.Fma(Vector512.LoadUnsafe(ref wk, 3 * stride), xv, s3);
                s4 = MicroKernels.Fma(Vector512.LoadUnsafe(ref wk, 4 * stride), xv, s4);
                s5 = MicroKernels.Fma(Vector512.LoadUnsafe(ref wk, 5 * stride), xv, s5);
                s6 = MicroKernels.Fma(Vector512.LoadUnsafe(ref wk, 6 * stride), xv, s6);
                s7 = MicroKernels.Fma(Vector512.LoadUnsafe(ref wk, 7 * stride), xv, s7);
            }

            z[j0] = Vector512.Sum(s0) + Tail(ref Unsafe.Add(ref row, 0), ref rx, body, inputs);
            z[j0 + 1] = Vector512.Sum(s1) + Tail(ref Unsafe.Add(ref row, inputs), ref rx, body, inputs);
            z[j0 + 2] = Vector512.Sum(s2) + Tail(ref Unsafe.Add(ref row, 2 * inputs), ref rx, body, inputs);
            z[j0 + 3] = Vector512.Sum(s3) + Tail(ref Unsafe.Add(ref row, 3 * inputs), ref rx, body, inputs);
            z[j0 + 4] = Vector512.Sum(s4) + Tail(ref Unsafe.Add(ref row, 4 * inputs), ref rx, body, inputs);
            z[j0 + 5] = Vector512.Sum(s5) + Tail(ref Unsafe.Add(ref row, 5 * inputs), ref rx, body, inputs);
            z[j0 + 6] = Vector512.Sum(s6) + Tail(ref Unsafe.Add(ref row, 6 * inputs), ref rx, body, inputs);
            z[j0 + 7] = Vector512.Sum(s7) + Tail(ref Unsafe.Add(ref row, 7 * inputs), ref rx, body, inputs);
        }

        for (; j0 < outputs; j0++)
        {
            ref var row = ref Unsafe.Add(ref rw, j0 * inputs);
            var s = Vector512<T>.Zero;
            for (var k = 0; k < body; k += width)
            {
                s = MicroKernels.Fma(Vector512.LoadUnsafe(ref row, (nuint)k), Vector512.LoadUnsafe(ref rx, (nuint)k), s);
            }

            z[j0] = Vector512.Sum(s) + Tail(ref row, ref rx, body, inputs);
        }
    }

    /// <summary>Σ_{k = from}^{to − 1} w[k] x[k], scalar: the part of a row past the last whole vector.</summary>
    private static T Tail<T>(ref T w, ref T x, int from, int to)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = T.Zero;
        for (var k = from; k < to; k++)
        {
            sum = T.FusedMultiplyAdd(Unsafe.Add(ref w, k), Unsafe.Add(ref x, k), sum);
        }

        return sum;
    }

    /// <summary>
    /// One Adam step in place: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − s·m / (√v + ε), where the caller has
    /// folded both bias corrections into s and ε. Each lane does exactly the scalar operations, in the same order.
    /// </summary>
    public static void AdamUpdate<T>(Span<T> theta, ReadOnlySpan<T> gradient, Span<T> m, Span<T> v, T beta1, T beta2, T stepSize, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T> => AdamUpdate(theta, gradient, m, v, beta1, beta2, stepSize, epsilon, theta, m, v);

    /// <summary>
    /// The Adam step from θ, m and v into <paramref name="next"/>, <paramref name="nextM"/> and
    /// <paramref name="nextV"/> (each may be its input itself); returns whether every element of θ' is finite,
    /// checked as it is written.
    /// </summary>
    public static bool AdamUpdate<T>(
        ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, ReadOnlySpan<T> m, ReadOnlySpan<T> v, T beta1, T beta2, T stepSize, T epsilon, Span<T> next, Span<T> nextM, Span<T> nextV)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = theta.Length;
        if (gradient.Length < length || m.Length < length || v.Length < length || next.Length < length || nextM.Length < length || nextV.Length < length)
        {
            throw new ArgumentException($"the gradient, the moments and the results must hold at least {length} elements.");
        }

        ref var rmNext = ref MemoryMarshal.GetReference(nextM);
        ref var rvNext = ref MemoryMarshal.GetReference(nextV);

        ref var rn = ref MemoryMarshal.GetReference(next);
        var check = Vector512<T>.Zero;

        var oneMinusBeta1 = T.One - beta1;
        var oneMinusBeta2 = T.One - beta2;
        ref var rt = ref MemoryMarshal.GetReference(theta);
        ref var rg = ref MemoryMarshal.GetReference(gradient);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var i = 0;
        if (Wide)
        {
            var width = Vector512<T>.Count;
            Vector512<T> b1 = Vector512.Create(beta1), c1 = Vector512.Create(oneMinusBeta1), b2 = Vector512.Create(beta2), c2 = Vector512.Create(oneMinusBeta2);
            Vector512<T> s = Vector512.Create(stepSize), e = Vector512.Create(epsilon);
            for (; i <= length - width; i += width)
            {
                var g = Vector512.LoadUnsafe(ref rg, (nuint)i);
                var mi = (b1 * Vector512.LoadUnsafe(ref rm, (nuint)i)) + (c1 * g);
                var vi = (b2 * Vector512.LoadUnsafe(ref rv, (nuint)i)) + (c2 * g * g);
                mi.StoreUnsafe(ref rmNext, (nuint)i);
                vi.StoreUnsafe(ref rvNext, (nuint)i);
                var ti = Vector512.LoadUnsafe(ref rt, (nuint)i) - (s * mi / (Vector512.Sqrt(vi) + e));
                ti.StoreUnsafe(ref rn, (nuint)i);
                check += ti - ti;
            }
        }

        var finite = Vector512.EqualsAll(check, Vector512<T>.Zero);

        for (; i < length; i++)
        {
            var g = Unsafe.Add(ref rg, i);
            var mi = (beta1 * Unsafe.Add(ref rm, i)) + (oneMinusBeta1 * g);
            var vi = (beta2 * Unsafe.Add(ref rv, i)) + (oneMinusBeta2 * g * g);
            Unsafe.Add(ref rmNext, i) = mi;
            Unsafe.Add(ref rvNext, i) = vi;
            var t = Unsafe.Add(ref rt, i) - (stepSize * mi / (T.Sqrt(vi) + epsilon));
            Unsafe.Add(ref rn, i) = t;
            finite &= T.IsFinite(t);
        }

        return finite;
    }

    /// <summary>The ReLU backward pass: ∂C/∂z = ∂C/∂a where z &gt; 0, else 0 (the kink belongs to the flat side).</summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = z.Length;
        if (gradientA.Length < length || gradientZ.Length < length)
        {
            throw new ArgumentException($"both gradients must hold at least {length} elements.");
        }

        ref var rz = ref MemoryMarshal.GetReference(z);
        ref var rg = ref MemoryMarshal.GetReference(gradientA);
        ref var ro = ref MemoryMarshal.GetReference(gradientZ);
        var i = 0;
        if (Wide)
        {
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var positive = Vector512.GreaterThan(Vector512.LoadUnsafe(ref rz, (nuint)i), Vector512<T>.Zero);
                Vector512.ConditionalSelect(positive, Vector512.LoadUnsafe(ref rg, (nuint)i), Vector512<T>.Zero).StoreUnsafe(ref ro, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref ro, i) = Unsafe.Add(ref rz, i) > T.Zero ? Unsafe.Add(ref rg, i) : T.Zero;
        }
    }

    /// <summary>The sigmoid backward pass from the stored activation: ∂C/∂z = ∂C/∂a · a · (1 − a), in that order.</summary>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = a.Length;
        if (gradientA.Length < length || gradientZ.Length < length)
        {
            throw new ArgumentException($"both gradients must hold at least {length} elements.");
        }

        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rg = ref MemoryMarshal.GetReference(gradientA);
        ref var ro = ref MemoryMarshal.GetReference(gradientZ);
        var i = 0;
        if (Wide)
        {
            var one = Vector512<T>.One;
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var ai = Vector512.LoadUnsafe(ref ra, (nuint)i);
                (Vector512.LoadUnsafe(ref rg, (nuint)i) * ai * (one - ai)).StoreUnsafe(ref ro, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            var ai = Unsafe.Add(ref ra, i);
            Unsafe.Add(ref ro, i) = Unsafe.Add(ref rg, i) * ai * (T.One - ai);
        }
    }
}
