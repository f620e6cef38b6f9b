using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The element-wise and single-sample loops around the matrix products: finiteness checks, axpy, the single-row
/// products of per-sample SGD and the optimiser updates. Each runs on the path it is given, or, for
/// <see cref="KernelPath.Auto"/>, the one in use on this thread (<see cref="KernelSelection.Current"/>): a vector
/// body written once for every width (<see cref="VectorKernelBodies"/>)
/// or the scalar one (<see cref="ScalarKernels"/>). Element-wise results are the same bits on every path; the
/// single-row products sum in a different order per width. Each writes only into the destination span its caller owns.
/// </summary>
internal static class VectorKernels
{
    /// <summary>Whether every value is finite (no NaN, no ±∞).</summary>
    public static bool AllFinite<T>(ReadOnlySpan<T> values, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T> => KernelCensus.Resolve(path) switch
        {
            KernelPath.Vector512 => VectorKernelBodies.AllFinite<Lanes512<T>, Vector512<T>, T>(values),
            KernelPath.Vector256 => VectorKernelBodies.AllFinite<Lanes256<T>, Vector256<T>, T>(values),
            KernelPath.Vector128 => VectorKernelBodies.AllFinite<Lanes128<T>, Vector128<T>, T>(values),
            _ => ScalarKernels.AllFinite(values),
        };

    /// <summary>y ← y + a·x (axpy), in place on <paramref name="y"/>; the product is rounded before the sum, as <see cref="System.Numerics.Tensors.TensorPrimitives.MultiplyAdd{T}(ReadOnlySpan{T}, T, ReadOnlySpan{T}, Span{T})"/> does.</summary>
    public static void MultiplyAdd<T>(T a, ReadOnlySpan<T> x, Span<T> y, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T> => MultiplyAddFinite(a, x, y, y, path);

    /// <summary>
    /// y ← y + Σ_i cᵢ·xᵢ over the rows xᵢ of <paramref name="rows"/> (each <paramref name="width"/> long), i in order,
    /// each product rounded before its sum: the bits of one <see cref="MultiplyAdd{T}(T, ReadOnlySpan{T}, Span{T}, KernelPath)"/>
    /// per row, with y held in registers across the rows instead of read and written once per row.
    /// </summary>
    public static void MultiplyAddRows<T>(ReadOnlySpan<T> coefficients, ReadOnlySpan<T> rows, int width, Span<T> y, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows.Length < coefficients.Length * width || y.Length < width)
        {
            throw new ArgumentException($"{coefficients.Length} rows of {width} need {coefficients.Length * width} elements and y {width}, but hold {rows.Length} and {y.Length}.", nameof(rows));
        }

        switch (KernelCensus.Resolve(path))
        {
            case KernelPath.Vector512:
                VectorKernelBodies.MultiplyAddRows<Lanes512<T>, Vector512<T>, T>(coefficients, rows, width, y);
                break;
            case KernelPath.Vector256:
                VectorKernelBodies.MultiplyAddRows<Lanes256<T>, Vector256<T>, T>(coefficients, rows, width, y);
                break;
            case KernelPath.Vector128:
                VectorKernelBodies.MultiplyAddRows<Lanes128<T>, Vector128<T>, T>(coefficients, rows, width, y);
                break;
            default:
                ScalarKernels.MultiplyAddRows(coefficients, rows, width, y);
                break;
        }
    }

    /// <summary>result ← y + a·x; <paramref name="result"/> may be <paramref name="y"/> itself.</summary>
    public static void MultiplyAdd<T>(T a, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T> => MultiplyAddFinite(a, x, y, result, path);

    /// <summary>result ← y + a·x like <see cref="MultiplyAdd{T}(T, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, KernelPath)"/>, returning whether every result is finite (checked as it is written, with no second pass).</summary>
    public static bool MultiplyAddFinite<T>(T a, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length < x.Length || result.Length < x.Length)
        {
            throw new ArgumentException($"y and the result must hold at least {x.Length} elements, but hold {y.Length} and {result.Length}.", nameof(y));
        }

        return KernelCensus.Resolve(path) switch
        {
            KernelPath.Vector512 => VectorKernelBodies.MultiplyAdd<Lanes512<T>, Vector512<T>, T>(a, x, y, result),
            KernelPath.Vector256 => VectorKernelBodies.MultiplyAdd<Lanes256<T>, Vector256<T>, T>(a, x, y, result),
            KernelPath.Vector128 => VectorKernelBodies.MultiplyAdd<Lanes128<T>, Vector128<T>, T>(a, x, y, result),
            _ => ScalarKernels.MultiplyAdd(a, x, y, result),
        };
    }

    /// <summary>y ← a·x, overwriting <paramref name="y"/>.</summary>
    public static void Multiply<T>(T a, ReadOnlySpan<T> x, Span<T> y, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"y must hold at least {x.Length} elements, but holds {y.Length}.", nameof(y));
        }

        switch (KernelCensus.Resolve(path))
        {
            case KernelPath.Vector512:
                VectorKernelBodies.Multiply<Lanes512<T>, Vector512<T>, T>(a, x, y);
                break;
            case KernelPath.Vector256:
                VectorKernelBodies.Multiply<Lanes256<T>, Vector256<T>, T>(a, x, y);
                break;
            case KernelPath.Vector128:
                VectorKernelBodies.Multiply<Lanes128<T>, Vector128<T>, T>(a, x, y);
                break;
            default:
                ScalarKernels.Multiply(a, x, y);
                break;
        }
    }

    /// <summary>
    /// z[j] = Σ_k w[j, k] x[k] for every row j of W (outputs × inputs): the product of one sample. The vector bodies
    /// take eight rows at a time, sharing each load of x and keeping eight independent sums, so the loop runs at the
    /// load rate, not the FMA latency.
    /// </summary>
    public static void MultiplyRows<T>(ReadOnlySpan<T> w, int outputs, int inputs, ReadOnlySpan<T> x, Span<T> z, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (w.Length < outputs * inputs || x.Length < inputs || z.Length < outputs)
        {
            throw new ArgumentException($"w must hold {outputs}×{inputs}, x {inputs} and z {outputs} elements.");
        }

        switch (KernelCensus.Resolve(path))
        {
            case KernelPath.Vector512:
                VectorKernelBodies.MultiplyRows<Lanes512<T>, Vector512<T>, T>(w, outputs, inputs, x, z);
                break;
            case KernelPath.Vector256:
                VectorKernelBodies.MultiplyRows<Lanes256<T>, Vector256<T>, T>(w, outputs, inputs, x, z);
                break;
            case KernelPath.Vector128:
                VectorKernelBodies.MultiplyRows<Lanes128<T>, Vector128<T>, T>(w, outputs, inputs, x, z);
                break;
            default:
                ScalarKernels.MultiplyRows(w, outputs, inputs, x, z);
                break;
        }
    }

    /// <summary>
    /// One Adam step in place: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − s·m / (√v + ε), where the caller has
    /// folded both bias corrections into s and ε, and each of m, v and θ' is flushed to a zero of its sign when it is
    /// subnormal (<see cref="ScalarKernels.FlushSubnormal{T}"/>). Each lane does exactly the scalar operations, in the same order.
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

        var (done, finite) = KernelCensus.Resolve(KernelPath.Auto) switch
        {
            KernelPath.Vector512 => VectorKernelBodies.AdamUpdate<Lanes512<T>, Vector512<T>, T>(theta, gradient, m, v, beta1, beta2, stepSize, epsilon, next, nextM, nextV),
            KernelPath.Vector256 => VectorKernelBodies.AdamUpdate<Lanes256<T>, Vector256<T>, T>(theta, gradient, m, v, beta1, beta2, stepSize, epsilon, next, nextM, nextV),
            KernelPath.Vector128 => VectorKernelBodies.AdamUpdate<Lanes128<T>, Vector128<T>, T>(theta, gradient, m, v, beta1, beta2, stepSize, epsilon, next, nextM, nextV),
            _ => (0, true),
        };
        return ScalarKernels.AdamUpdate(done, theta, gradient, m, v, beta1, beta2, stepSize, epsilon, next, nextM, nextV) & finite;
    }

    /// <summary>The ReLU backward pass: ∂C/∂z = ∂C/∂a where z &gt; 0, else 0 (the kink belongs to the flat side).</summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradientA.Length < z.Length || gradientZ.Length < z.Length)
        {
            throw new ArgumentException($"both gradients must hold at least {z.Length} elements.");
        }

        var done = KernelCensus.Resolve(KernelPath.Auto) switch
        {
            KernelPath.Vector512 => VectorKernelBodies.ReluBackward<Lanes512<T>, Vector512<T>, T>(z, gradientA, gradientZ),
            KernelPath.Vector256 => VectorKernelBodies.ReluBackward<Lanes256<T>, Vector256<T>, T>(z, gradientA, gradientZ),
            KernelPath.Vector128 => VectorKernelBodies.ReluBackward<Lanes128<T>, Vector128<T>, T>(z, gradientA, gradientZ),
            _ => 0,
        };
        ScalarKernels.ReluBackward(done, z, gradientA, gradientZ);
    }

    /// <summary>The sigmoid backward pass from the stored activation: ∂C/∂z = ∂C/∂a · a · (1 − a), in that order.</summary>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradientA.Length < a.Length || gradientZ.Length < a.Length)
        {
            throw new ArgumentException($"both gradients must hold at least {a.Length} elements.");
        }

        var done = KernelCensus.Resolve(KernelPath.Auto) switch
        {
            KernelPath.Vector512 => VectorKernelBodies.SigmoidBackward<Lanes512<T>, Vector512<T>, T>(a, gradientA, gradientZ),
            KernelPath.Vector256 => VectorKernelBodies.SigmoidBackward<Lanes256<T>, Vector256<T>, T>(a, gradientA, gradientZ),
            KernelPath.Vector128 => VectorKernelBodies.SigmoidBackward<Lanes128<T>, Vector128<T>, T>(a, gradientA, gradientZ),
            _ => 0,
        };
        ScalarKernels.SigmoidBackward(done, a, gradientA, gradientZ);
    }
}
