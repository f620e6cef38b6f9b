using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Nn.Kernels;

/// <summary>
/// The span operations the layers, losses, activations and optimiser rules call, in one place so that they follow
/// the kernel path like every other kernel: on a vector path they are <see cref="TensorPrimitives"/> (which picks its
/// own vector width, the widest the CPU has), on <see cref="KernelPath.Portable"/> plain loops with no vector types,
/// each element computed with the same scalar operation (<c>T.Exp</c>, <c>T.Tanh</c>, …) and reductions summed in
/// index order. Each writes only into its destination span, which the caller owns.
/// </summary>
internal static partial class TensorKernels
{
    private static bool Scalar => KernelCensus.Resolve(KernelPath.Auto) == KernelPath.Portable;

    /// <summary>destination = x + y (for any number type: the distributed sums add counts as well as values).</summary>
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, INumberBase<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Add(x, y, destination);
            return;
        }

        Fit(destination, x.Length, y.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] + y[i];
        }
    }

    /// <summary>destination = x + y for a scalar y.</summary>
    public static void Add<T>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Add(x, y, destination);
            return;
        }

        Fit(destination, x.Length, x.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] + y;
        }
    }

    /// <summary>destination = x − y.</summary>
    public static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Subtract(x, y, destination);
            return;
        }

        Fit(destination, x.Length, y.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] - y[i];
        }
    }

    /// <summary>destination = x − y for a scalar y.</summary>
    public static void Subtract<T>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Subtract(x, y, destination);
            return;
        }

        Fit(destination, x.Length, x.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] - y;
        }
    }

    /// <summary>destination = x · y element by element.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Multiply(x, y, destination);
            return;
        }

        Fit(destination, x.Length, y.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] * y[i];
        }
    }

    /// <summary>destination = x · y for a scalar y (for any number type, like <see cref="Add{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>).</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where T : unmanaged, INumberBase<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Multiply(x, y, destination);
            return;
        }

        Fit(destination, x.Length, x.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] * y;
        }
    }

    /// <summary>destination = x / y for a scalar y.</summary>
    public static void Divide<T>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Divide(x, y, destination);
            return;
        }

        Fit(destination, x.Length, x.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] / y;
        }
    }

    /// <summary>destination = x · y + addend for a scalar y, the product rounded before the sum.</summary>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, T y, ReadOnlySpan<T> addend, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.MultiplyAdd(x, y, addend, destination);
            return;
        }

        Fit(destination, x.Length, addend.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = (x[i] * y) + addend[i];
        }
    }

    /// <summary>destination = max(x, y) for a scalar y (NaN propagates, as <c>T.Max</c>).</summary>
    public static void Max<T>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Max(x, y, destination);
            return;
        }

        Fit(destination, x.Length, x.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = T.Max(x[i], y);
        }
    }

    /// <summary>destination = eˣ.</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Exp(x, destination);
            return;
        }

        Fit(destination, x.Length, x.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = T.Exp(x[i]);
        }
    }

    /// <summary>destination = tanh x.</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Tanh(x, destination);
            return;
        }

        Fit(destination, x.Length, x.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = T.Tanh(x[i]);
        }
    }

    /// <summary>destination = σ(x) = 1 / (1 + e⁻ˣ).</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Scalar)
        {
            TensorPrimitives.Sigmoid(x, destination);
            return;
        }

        Fit(destination, x.Length, x.Length);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = T.One / (T.One + T.Exp(-x[i]));
        }
    }

    // TensorPrimitives refuses a short destination (or unequal operands) before writing; the scalar loops do the same.
    private static void Fit<T>(ReadOnlySpan<T> destination, int length, int otherLength)
    {
        if (otherLength != length)
        {
            throw new ArgumentException($"the operands must have the same length, but have {length} and {otherLength}.");
        }

        if (destination.Length < length)
        {
            throw new ArgumentException($"the destination must hold at least {length} elements, but holds {destination.Length}.", nameof(destination));
        }
    }
}
