using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nn.Kernels;

/// <summary>
/// The <see cref="KernelPath.Portable"/> bodies of <see cref="VectorKernels"/>: one element at a time, each doing
/// exactly what one lane of a vector body does, with no vector types at all. Spans are already checked by the caller.
/// </summary>
internal static class ScalarKernels
{
    /// <summary>Whether every value is finite.</summary>
    public static bool AllFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var finite = true;
        foreach (var value in values)
        {
            finite &= T.IsFinite(value);
        }

        return finite;
    }

    /// <summary>result ← y + a·x over the length of x, the product rounded before the sum; returns whether every result is finite.</summary>
    public static bool MultiplyAdd<T>(T a, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var finite = true;
        for (var i = 0; i < x.Length; i++)
        {
            var r = (x[i] * a) + y[i];
            result[i] = r;
            finite &= T.IsFinite(r);
        }

        return finite;
    }

    /// <summary>y ← y + Σ_i cᵢ·xᵢ over the rows of <paramref name="rows"/>, i in order, each product rounded before its sum.</summary>
    public static void MultiplyAddRows<T>(ReadOnlySpan<T> coefficients, ReadOnlySpan<T> rows, int width, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var j = 0; j < width; j++)
        {
            var sum = y[j];
            for (var i = 0; i < coefficients.Length; i++)
            {
                sum = (rows[(i * width) + j] * coefficients[i]) + sum;
            }

            y[j] = sum;
        }
    }

    /// <summary>y ← a·x over the length of x.</summary>
    public static void Multiply<T>(T a, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = x[i] * a;
        }
    }

    /// <summary>z[j] = Σ_k w[j, k] x[k], each sum in index order with the product rounded before it is added.</summary>
    public static void MultiplyRows<T>(ReadOnlySpan<T> w, int outputs, int inputs, ReadOnlySpan<T> x, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var j = 0; j < outputs; j++)
        {
            var row = w.Slice(j * inputs, inputs);
            var sum = T.Zero;
            for (var k = 0; k < inputs; k++)
            {
                sum += row[k] * x[k];
            }

            z[j] = sum;
        }
    }

    /// <summary>Σ_{k = from}^{to − 1} w[k] x[k] with fused steps: the part of a row past the last whole vector of the vector bodies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FusedDot<T>(ref T w, ref T x, int from, int to)
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
    /// <paramref name="x"/>, or a zero of its sign when it is subnormal. Adam's kernels apply it to m, v and θ' as
    /// they are made, so that no subnormal outlives the step that made it (see <c>Training/SubnormalFlush.cs</c> for
    /// why a subnormal is slow); the vector paths do the same in every lane.
    /// </summary>
    public static T FlushSubnormal<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T> => T.IsSubnormal(x) ? T.CopySign(T.Zero, x) : x;

    /// <summary>The smallest positive normal value: 2⁻¹²⁶ for float, 2⁻¹⁰²² for double.</summary>
    /// <exception cref="NotSupportedException">T is neither float nor double.</exception>
    public static T MinNormal<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(float.ScaleB(1f, -126))
        : typeof(T) == typeof(double) ? T.CreateTruncating(double.ScaleB(1.0, -1022))
        : throw new NotSupportedException($"the kernels run on float and double, not {typeof(T).Name}.");

    /// <summary>
    /// The Adam step from element <paramref name="from"/> on (the vector bodies stop at their last whole vector):
    /// m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − s·m / (√v + ε), each of m, v and θ' flushed to zero when
    /// subnormal (<see cref="FlushSubnormal{T}"/>); returns whether every θ' written is finite.
    /// </summary>
    public static bool AdamUpdate<T>(
        int from, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, ReadOnlySpan<T> m, ReadOnlySpan<T> v, T beta1, T beta2, T stepSize, T epsilon, Span<T> next, Span<T> nextM, Span<T> nextV)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var oneMinusBeta1 = T.One - beta1;
        var oneMinusBeta2 = T.One - beta2;
        ref var rmNext = ref MemoryMarshal.GetReference(nextM);
        ref var rvNext = ref MemoryMarshal.GetReference(nextV);
        ref var rn = ref MemoryMarshal.GetReference(next);
        ref var rt = ref MemoryMarshal.GetReference(theta);
        ref var rg = ref MemoryMarshal.GetReference(gradient);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var finite = true;
        for (var i = from; i < theta.Length; i++)
        {
            var g = Unsafe.Add(ref rg, i);
            var mi = FlushSubnormal((beta1 * Unsafe.Add(ref rm, i)) + (oneMinusBeta1 * g));
            var vi = FlushSubnormal((beta2 * Unsafe.Add(ref rv, i)) + (oneMinusBeta2 * g * g));
            Unsafe.Add(ref rmNext, i) = mi;
            Unsafe.Add(ref rvNext, i) = vi;
            var t = FlushSubnormal(Unsafe.Add(ref rt, i) - (stepSize * mi / (T.Sqrt(vi) + epsilon)));
            Unsafe.Add(ref rn, i) = t;
            finite &= T.IsFinite(t);
        }

        return finite;
    }

    /// <summary>The ReLU backward pass from element <paramref name="from"/> on: ∂C/∂z = ∂C/∂a where z &gt; 0, else 0.</summary>
    public static void ReluBackward<T>(int from, ReadOnlySpan<T> z, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = from; i < z.Length; i++)
        {
            gradientZ[i] = z[i] > T.Zero ? gradientA[i] : T.Zero;
        }
    }

    /// <summary>The sigmoid backward pass from element <paramref name="from"/> on: ∂C/∂z = ∂C/∂a · a · (1 − a), in that order.</summary>
    public static void SigmoidBackward<T>(int from, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = from; i < a.Length; i++)
        {
            var ai = a[i];
            gradientZ[i] = gradientA[i] * ai * (T.One - ai);
        }
    }
}
