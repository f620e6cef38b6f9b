using System;

namespace Nn;

/// <summary>
/// Inner products of the full-batch minimisers that stay finite where the plain sums overflow: with gradient elements
/// above about 1e154 in float64, g·g and g·d are beyond double's range although the search direction and the ratios the
/// minimisers need are not. Each vector is multiplied by the power of two that brings its largest magnitude into
/// [1, 2) (exact, apart from elements far below the largest), and the powers are carried beside the sum.
/// </summary>
internal static class ScaledProducts
{
    /// <summary>
    /// The direction a line search should move along and its slope g·d there: <paramref name="direction"/> itself while
    /// g·d is finite (every run whose products fit takes exactly the steps it took before), else d times a power of two
    /// small enough that g·d cannot overflow, whose inverse is <c>Scale</c> (d = Scale · searched).
    /// </summary>
    /// <param name="gradient">g, finite.</param>
    /// <param name="direction">d, finite.</param>
    public static (double[] Searched, double Slope, double Scale) ForSearch(double[] gradient, double[] direction)
    {
        var slope = LineSearch.Dot(gradient, direction);
        if (double.IsFinite(slope))
        {
            return (direction, slope, 1);
        }

        // |g·d̂| ≤ n · max|g| · max|d̂| ≤ max|g| once max|d̂| < 2 / 2^(bits of n + 1).
        var shift = Exponent(direction) + 1 + (64 - (int)ulong.LeadingZeroCount((ulong)direction.Length));
        var searched = new double[direction.Length];
        for (var i = 0; i < direction.Length; i++)
        {
            searched[i] = Math.ScaleB(direction[i], -shift);
        }

        return (searched, LineSearch.Dot(gradient, searched), Math.ScaleB(1.0, shift));
    }

    /// <summary>a·b / (c·d), each product summed in units of its vectors' largest magnitudes; NaN when c·d is 0.</summary>
    public static double Quotient(double[] a, double[] b, double[] c, double[] d)
    {
        var (numerator, numeratorExponent) = Dot(a, b);
        var (denominator, denominatorExponent) = Dot(c, d);
        return denominator == 0 ? double.NaN : Math.ScaleB(numerator / denominator, numeratorExponent - denominatorExponent);
    }

    /// <summary>‖v‖₂ without overflow: √(v·v) of v in units of its largest magnitude, times that unit.</summary>
    public static double Norm(double[] v)
    {
        var (sum, exponent) = Dot(v, v);
        return Math.ScaleB(Math.Sqrt(sum), exponent / 2);
    }

    /// <summary>(m, e) with a·b = m · 2^e, each vector scaled by a power of two to a largest magnitude in [1, 2) first.</summary>
    public static (double Sum, int Exponent) Dot(double[] a, double[] b)
    {
        var (ea, eb) = (Exponent(a), Exponent(b));
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.ScaleB(a[i], -ea) * Math.ScaleB(b[i], -eb);
        }

        return (sum, ea + eb);
    }

    /// <summary>The binary exponent of the largest magnitude in <paramref name="v"/>, or 0 when every element is 0.</summary>
    private static int Exponent(double[] v)
    {
        var largest = ScaledSquares.LargestMagnitude(v);
        return largest == 0 ? 0 : Math.ILogB(largest);
    }
}
