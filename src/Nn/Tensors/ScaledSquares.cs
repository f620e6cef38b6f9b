using System;

namespace Nn;

/// <summary>
/// Sums of squares in units of a scale s, Σ(xᵢ/s − cᵢ/s)²: with s the largest magnitude involved, squares of values
/// above about 1e154 no longer overflow and squares below about 1e-162 no longer vanish, and s times the root of the
/// sum is the plain root. The gradient check's norms, the standardising deviation of a table column and a regression
/// report's error sums all measure this way.
/// </summary>
internal static class ScaledSquares
{
    /// <summary>max |vᵢ|, 0 for no values, NaN when any value is NaN.</summary>
    public static double LargestMagnitude(ReadOnlySpan<double> values)
    {
        var largest = 0.0;
        foreach (var v in values)
        {
            if (double.IsNaN(v))
            {
                return double.NaN;
            }

            largest = Math.Max(largest, Math.Abs(v));
        }

        return largest;
    }

    /// <summary>Σ(xᵢ/s − cᵢ/s)² in index order, each term divided before it is subtracted.</summary>
    /// <param name="x">The values.</param>
    /// <param name="centres">What each value is measured from, as long as <paramref name="x"/>.</param>
    /// <param name="scale">s, positive (1 gives the plain sum, bit for bit).</param>
    public static double Sum(ReadOnlySpan<double> x, ReadOnlySpan<double> centres, double scale)
    {
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var d = (x[i] / scale) - (centres[i] / scale);
            sum += d * d;
        }

        return sum;
    }

    /// <summary>Σ(xᵢ/s − c/s)² in index order, with one centre c for every value (0 for a plain norm).</summary>
    /// <param name="x">The values.</param>
    /// <param name="centre">c.</param>
    /// <param name="scale">s, positive (1 gives the plain sum, bit for bit).</param>
    public static double Sum(ReadOnlySpan<double> x, double centre, double scale)
    {
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var d = (x[i] / scale) - (centre / scale);
            sum += d * d;
        }

        return sum;
    }
}
