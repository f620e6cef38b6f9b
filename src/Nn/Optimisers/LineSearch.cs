using System;

namespace Nn;

/// <summary>
/// A line search for the strong Wolfe conditions: sufficient decrease f(x + αd) ≤ f(x) + c₁α∇f·d and curvature
/// |∇f(x + αd)·d| ≤ c₂|∇f·d|. It brackets a step, then narrows the bracket with safeguarded cubic interpolation.
/// </summary>
internal static class LineSearch
{
    public readonly record struct Point(double Alpha, double F, double[] G, double Slope);

    /// <summary>A step satisfying the strong Wolfe conditions, or the best decreasing one seen (f below f(x), not only by rounding within Armijo's bound), or null when none decreased f.</summary>
    public static Point? Search(
        Func<double[], (double F, double[] G)> evaluate, double[] x, double fx, double slope0, double[] direction, double alpha0, double c1, double c2, int maxEvaluations = 30)
    {
        var evaluations = 0;
        Point At(double alpha)
        {
            evaluations++;
            var trial = new double[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                trial[i] = x[i] + (alpha * direction[i]);
            }

            var (f, g) = evaluate(trial);
            return new Point(alpha, f, g, Dot(g, direction));
        }

        bool Armijo(Point p) => p.F <= fx + (c1 * p.Alpha * slope0);
        bool Curvature(Point p) => Math.Abs(p.Slope) <= -c2 * slope0;

        var previous = new Point(0, fx, Array.Empty<double>(), slope0);
        Point? best = null;
        var alpha = alpha0;
        while (evaluations < maxEvaluations)
        {
            var current = At(alpha);
            if (!double.IsFinite(current.F))
            {
                // Too long a step left the region where the cost is finite; shrink it.
                alpha = (previous.Alpha + alpha) / 2;
                continue;
            }

            // Only a lower cost is a decrease worth returning: with |C| far above c₁α|∇f·d| Armijo's bound rounds to C
            // itself, and a step that left C as it was became the point found, so a search that had gone nowhere
            // (C of 5e35 with a slope of −1e36 in float) reported that it had converged.
            if (Armijo(current) && current.F < fx && (best is null || current.F < best.Value.F))
            {
                best = current;
            }

            if (!Armijo(current) || (evaluations > 1 && current.F >= previous.F))
            {
                return Zoom(previous, current) ?? best;
            }

            if (Curvature(current) && current.F < fx)
            {
                return current;
            }

            if (current.Slope >= 0)
            {
                return Zoom(current, previous) ?? best;
            }

            previous = current;
            alpha *= 2;
        }

        return best;

        Point? Zoom(Point low, Point high)
        {
            while (evaluations < maxEvaluations)
            {
                var alpha = Interpolate(low, high);
                var current = At(alpha);
                if (!double.IsFinite(current.F) || !Armijo(current) || current.F >= low.F)
                {
                    high = current;
                    continue;
                }

                if (best is null || current.F < best.Value.F)
                {
                    best = current;
                }

                if (Curvature(current))
                {
                    return current;
                }

                // Whether the slope points back across the bracket: compared by sign, because the product of a tiny
                // slope and a tiny width can underflow to −0 and turn a bracket that should not turn. Neither is 0 here:
                // a slope of 0 meets the curvature condition above, and a bracket of no width yields no lower point.
                if ((current.Slope > 0) == (high.Alpha > low.Alpha))
                {
                    high = low;
                }

                low = current;
            }

            return best;
        }
    }

    public static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>The minimiser of the cubic through both ends' values and slopes, kept inside the middle 80% of the bracket.</summary>
    private static double Interpolate(Point a, Point b)
    {
        var lowEnd = Math.Min(a.Alpha, b.Alpha);
        var highEnd = Math.Max(a.Alpha, b.Alpha);
        var margin = 0.1 * (highEnd - lowEnd);
        if (double.IsFinite(b.F))
        {
            var d1 = a.Slope + b.Slope - (3 * (a.F - b.F) / (a.Alpha - b.Alpha));
            var radicand = (d1 * d1) - (a.Slope * b.Slope);
            if (radicand >= 0)
            {
                var d2 = Math.Sign(b.Alpha - a.Alpha) * Math.Sqrt(radicand);
                var alpha = b.Alpha - ((b.Alpha - a.Alpha) * (b.Slope + d2 - d1) / (b.Slope - a.Slope + (2 * d2)));
                if (double.IsFinite(alpha) && alpha >= lowEnd + margin && alpha <= highEnd - margin)
                {
                    return alpha;
                }
            }
        }

        return (a.Alpha + b.Alpha) / 2;
    }
}
