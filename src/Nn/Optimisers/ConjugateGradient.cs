using System;

namespace Nn;

/// <summary>
/// Nonlinear conjugate gradient (Polak–Ribière with restarts, β = max(0, gₖ₊₁·(gₖ₊₁ − gₖ) / gₖ·gₖ)) with a strong
/// Wolfe line search: the full-batch minimiser the classic course switches to from hand-written gradient descent.
/// </summary>
/// <example><code>
/// var result = new ConjugateGradient(MaxIterations: 50).Minimize(objective, network.Parameters);
/// </code></example>
public sealed record ConjugateGradient : FullBatchOptimizer
{
    /// <summary>Creates the minimiser.</summary>
    /// <param name="MaxIterations">The most iterations, at least 1.</param>
    /// <param name="GradientTolerance">Stop when max |∂C/∂θ_i| falls to this.</param>
    /// <param name="FunctionTolerance">Stop when an iteration lowers C by no more than this times max(1, |C|).</param>
    public ConjugateGradient(int MaxIterations = 100, double GradientTolerance = 1e-6, double FunctionTolerance = 1e-12)
        : base(MaxIterations, GradientTolerance, FunctionTolerance)
    {
    }

    /// <inheritdoc/>
    public override string Name => "cg";

    private protected override (double[] X, double F, int Iterations, MinimizationStop Stop) Run(
        Func<double[], (double F, double[] G)> evaluate, double[] start, Action<int, double> onIteration)
    {
        var x = start;
        var (f, g) = evaluate(x);
        var direction = Negate(g);

        // The line search moves along `searched`, d itself unless g·d overflows (gradients above about 1e154).
        var (searched, slope, scale) = ScaledProducts.ForSearch(g, direction);

        // A first step of length 1 (of length ‖g‖ below that): d = −g, so √(−g·d) is ‖d‖, computed without overflow.
        var alpha = scale == 1 ? 1 / Math.Max(1, Math.Sqrt(-slope)) : 1 / ScaledProducts.Norm(searched);
        for (var iteration = 1; iteration <= MaxIterations; iteration++)
        {
            var step = LineSearch.Search(evaluate, x, f, slope, searched, alpha, c1: 1e-4, c2: 0.1);
            if (step is null)
            {
                return (x, f, iteration - 1, MinimizationStop.NoDescent);
            }

            var (nextAlpha, nextF, nextG, _) = step.Value;
            for (var i = 0; i < x.Length; i++)
            {
                x[i] += nextAlpha * searched[i];
            }

            onIteration(iteration, nextF);
            if (HasConverged(f, nextF, nextG))
            {
                return (x, nextF, iteration, MinimizationStop.Converged);
            }

            var beta = Math.Max(0, PolakRibiere(nextG, g));
            for (var i = 0; i < direction.Length; i++)
            {
                direction[i] = -nextG[i] + (beta * direction[i]);
            }

            (searched, var nextSlope, scale) = ScaledProducts.ForSearch(nextG, direction);
            if (nextSlope >= 0)
            {
                // Not a descent direction: restart along the steepest descent.
                direction = Negate(nextG);
                (searched, nextSlope, scale) = ScaledProducts.ForSearch(nextG, direction);
            }

            // Expect the same first-order decrease as the last step achieved, in steps along `searched`: a step of
            // at most 1 along d is at most `scale` along it.
            alpha = Math.Min(scale, 1.01 * 2 * (nextF - f) / nextSlope);
            alpha = double.IsFinite(alpha) && alpha > 0 ? alpha : scale;
            (f, g, slope) = (nextF, nextG, nextSlope);
        }

        return (x, f, MaxIterations, MinimizationStop.IterationLimit);
    }

    /// <summary>
    /// β = g₁·(g₁ − g₀) / g₀·g₀, summed in units of the larger gradient's largest magnitude when a plain product
    /// overflows (the ratio is the same; an infinite g₀·g₀ made β NaN and the next direction NaN).
    /// </summary>
    private static double PolakRibiere(double[] next, double[] previous)
    {
        var (nn, np, pp) = (LineSearch.Dot(next, next), LineSearch.Dot(next, previous), LineSearch.Dot(previous, previous));
        if (double.IsFinite(nn) && double.IsFinite(np) && double.IsFinite(pp))
        {
            return (nn - np) / pp;
        }

        var (nnScaled, nnExponent) = ScaledProducts.Dot(next, next);
        var (npScaled, npExponent) = ScaledProducts.Dot(next, previous);
        var (ppScaled, ppExponent) = ScaledProducts.Dot(previous, previous);
        return (Math.ScaleB(nnScaled / ppScaled, nnExponent - ppExponent)) - Math.ScaleB(npScaled / ppScaled, npExponent - ppExponent);
    }

    private static double[] Negate(double[] v)
    {
        var result = new double[v.Length];
        for (var i = 0; i < v.Length; i++)
        {
            result[i] = -v[i];
        }

        return result;
    }
}
