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
        var slope = LineSearch.Dot(g, direction);
        var alpha = 1 / Math.Max(1, Math.Sqrt(-slope));
        for (var iteration = 1; iteration <= MaxIterations; iteration++)
        {
            var step = LineSearch.Search(evaluate, x, f, slope, direction, alpha, c1: 1e-4, c2: 0.1);
            if (step is null)
            {
                return (x, f, iteration - 1, MinimizationStop.NoDescent);
            }

            var (nextAlpha, nextF, nextG, _) = step.Value;
            for (var i = 0; i < x.Length; i++)
            {
                x[i] += nextAlpha * direction[i];
            }

            onIteration(iteration, nextF);
            if (HasConverged(f, nextF, nextG))
            {
                return (x, nextF, iteration, MinimizationStop.Converged);
            }

            var beta = Math.Max(0, (LineSearch.Dot(nextG, nextG) - LineSearch.Dot(nextG, g)) / LineSearch.Dot(g, g));
            for (var i = 0; i < direction.Length; i++)
            {
                direction[i] = -nextG[i] + (beta * direction[i]);
            }

            var nextSlope = LineSearch.Dot(nextG, direction);
            if (nextSlope >= 0)
            {
                // Not a descent direction: restart along the steepest descent.
                direction = Negate(nextG);
                nextSlope = LineSearch.Dot(nextG, direction);
            }

            // Expect the same first-order decrease as the last step achieved.
            alpha = Math.Min(1, 1.01 * 2 * (nextF - f) / nextSlope);
            alpha = double.IsFinite(alpha) && alpha > 0 ? alpha : 1;
            (f, g, slope) = (nextF, nextG, nextSlope);
        }

        return (x, f, MaxIterations, MinimizationStop.IterationLimit);
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
