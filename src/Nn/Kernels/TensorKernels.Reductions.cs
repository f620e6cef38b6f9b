using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Nn.Kernels;

// The reductions and searches: a span in, one value or index out.
internal static partial class TensorKernels
{
    /// <summary>The largest value (NaN if any is NaN); x must not be empty.</summary>
    public static T Max<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar || x.IsEmpty)
        {
            return TensorPrimitives.Max(x);
        }

        var max = x[0];
        for (var i = 1; i < x.Length; i++)
        {
            max = T.Max(max, x[i]);
        }

        return max;
    }

    /// <summary>Σ x, in index order on the scalar path.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            return TensorPrimitives.Sum(x);
        }

        var sum = T.Zero;
        foreach (var value in x)
        {
            sum += value;
        }

        return sum;
    }

    /// <summary>Σ x², in index order on the scalar path.</summary>
    public static T SumOfSquares<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            return TensorPrimitives.SumOfSquares(x);
        }

        var sum = T.Zero;
        foreach (var value in x)
        {
            sum += value * value;
        }

        return sum;
    }

    /// <summary>Σ x·y, in index order on the scalar path.</summary>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            return TensorPrimitives.Dot(x, y);
        }

        Fit(x, x.Length, y.Length);
        var sum = T.Zero;
        for (var i = 0; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>
    /// Spans shorter than this — a network's outputs, nearly always — are searched by the loop of the portable path on
    /// every path: the same index, and no process that only predicts a few classes compiles the vector search.
    /// </summary>
    private const int VectorSearchFrom = 32;

    /// <summary>The index of the first largest value (of the first NaN, if any); −1 for an empty span.</summary>
    public static int IndexOfMax<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar && x.Length >= VectorSearchFrom)
        {
            return TensorPrimitives.IndexOfMax(x);
        }

        var best = -1;
        for (var i = 0; i < x.Length; i++)
        {
            if (T.IsNaN(x[i]))
            {
                return i;
            }

            // +0 counts as larger than −0, as TensorPrimitives counts it.
            if (best < 0 || x[i] > x[best] || (x[i] == x[best] && T.IsNegative(x[best]) && !T.IsNegative(x[i])))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// <see cref="IndexOfMax{T}"/> of a span whose values are all finite; −1 when one is NaN or infinite, as a class
    /// read off such outputs is no answer the network gave.
    /// </summary>
    public static int IndexOfMaxIfFinite<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var value in x)
        {
            if (!T.IsFinite(value))
            {
                return -1;
            }
        }

        return IndexOfMax(x);
    }
}
