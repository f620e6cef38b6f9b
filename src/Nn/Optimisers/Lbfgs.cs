using System;
using System.Collections.Generic;

namespace Nn;

/// <summary>
/// Limited-memory BFGS: the two-loop recursion over the last <see cref="Memory"/> pairs (s, y) approximates the
/// inverse Hessian, and a strong Wolfe line search picks the step.
/// </summary>
/// <example><code>
/// var result = new Lbfgs(Memory: 10, MaxIterations: 200).Minimize(objective, network.Parameters);
/// </code></example>
public sealed record Lbfgs : FullBatchOptimizer
{
    /// <summary>Creates the minimiser.</summary>
    /// <param name="Memory">How many (s, y) pairs to keep, at least 1.</param>
    /// <param name="MaxIterations">The most iterations, at least 1.</param>
    /// <param name="GradientTolerance">Stop when max |∂C/∂θ_i| falls to this.</param>
    /// <param name="FunctionTolerance">Stop when an iteration lowers C by no more than this times max(1, |C|).</param>
    public Lbfgs(int Memory = 10, int MaxIterations = 100, double GradientTolerance = 1e-6, double FunctionTolerance = 1e-12)
        : base(MaxIterations, GradientTolerance, FunctionTolerance)
    {
        Guard.Positive(nameof(Memory), Memory);
        this.Memory = Memory;
    }

    /// <summary>The number of correction pairs kept.</summary>
    public int Memory { get; }

    /// <inheritdoc/>
    public override string Name => "lbfgs";

    private protected override (double[] X, double F, int Iterations, MinimizationStop Stop) Run(
        Func<double[], (double F, double[] G)> evaluate, double[] start, Action<int, double> onIteration)
    {
        var x = start;
        var (f, g) = evaluate(x);
        var pairs = new LinkedList<(double[] S, double[] Y, double Rho)>();
        for (var iteration = 1; iteration <= MaxIterations; iteration++)
        {
            // The line search moves along `searched`, the direction itself unless g·d overflows (gradients above about
            // 1e154), and `scale` converts its steps back: d = scale · searched.
            var (searched, slope, scale) = ScaledProducts.ForSearch(g, Direction(g, pairs));
            if (slope >= 0)
            {
                pairs.Clear();
                (searched, slope, scale) = ScaledProducts.ForSearch(g, Direction(g, pairs));
            }

            // With no pairs d = −g, and the first step has length 1 (‖g‖ below that); √(−g·d) is ‖d‖, computed without
            // overflow. Otherwise the quasi-Newton step α = 1 along d.
            var alpha = pairs.Count > 0 ? scale : scale == 1 ? 1 / Math.Max(1, Math.Sqrt(-slope)) : 1 / ScaledProducts.Norm(searched);
            var step = LineSearch.Search(evaluate, x, f, slope, searched, alpha, c1: 1e-4, c2: 0.9);
            if (step is null)
            {
                return (x, f, iteration - 1, MinimizationStop.NoDescent);
            }

            var (stepAlpha, nextF, nextG, _) = step.Value;
            var s = new double[x.Length];
            var y = new double[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                s[i] = stepAlpha * searched[i];
                x[i] += s[i];
                y[i] = nextG[i] - g[i];
            }

            var curvature = LineSearch.Dot(y, s);
            var bound = Math.Sqrt(LineSearch.Dot(y, y) * LineSearch.Dot(s, s));
            if (!double.IsFinite(bound))
            {
                bound = ScaledProducts.Norm(y) * ScaledProducts.Norm(s);
            }

            if (double.IsFinite(curvature) && curvature > 1e-12 * bound)
            {
                pairs.AddLast((s, y, 1 / curvature));
                if (pairs.Count > Memory)
                {
                    pairs.RemoveFirst();
                }
            }

            onIteration(iteration, nextF);
            if (HasConverged(f, nextF, nextG))
            {
                return (x, nextF, iteration, MinimizationStop.Converged);
            }

            (f, g) = (nextF, nextG);
        }

        return (x, f, MaxIterations, MinimizationStop.IterationLimit);
    }

    /// <summary>
    /// The two-loop recursion: −H g with H the L-BFGS inverse-Hessian approximation. A product that overflows (y·y or
    /// y·q with gradients above about 1e154) enters as the quotient it is part of, summed in units of each vector's
    /// largest magnitude.
    /// </summary>
    private static double[] Direction(double[] gradient, LinkedList<(double[] S, double[] Y, double Rho)> pairs)
    {
        var q = (double[])gradient.Clone();
        var alphas = new double[pairs.Count];
        var index = pairs.Count - 1;
        for (var node = pairs.Last; node is not null; node = node.Previous, index--)
        {
            var (s, y, rho) = node.Value;
            var sq = LineSearch.Dot(s, q);
            alphas[index] = double.IsFinite(sq) ? rho * sq : ScaledProducts.Quotient(s, q, y, s);
            for (var i = 0; i < q.Length; i++)
            {
                q[i] -= alphas[index] * y[i];
            }
        }

        if (pairs.Last is { } newest)
        {
            var (s, y, _) = newest.Value;
            var yy = LineSearch.Dot(y, y);
            var gamma = double.IsFinite(yy) ? LineSearch.Dot(s, y) / yy : ScaledProducts.Quotient(s, y, y, y);
            for (var i = 0; i < q.Length; i++)
            {
                q[i] *= gamma;
            }
        }

        index = 0;
        for (var node = pairs.First; node is not null; node = node.Next, index++)
        {
            var (s, y, rho) = node.Value;
            var yq = LineSearch.Dot(y, q);
            var beta = double.IsFinite(yq) ? rho * yq : ScaledProducts.Quotient(y, q, y, s);
            for (var i = 0; i < q.Length; i++)
            {
                q[i] += (alphas[index] - beta) * s[i];
            }
        }

        for (var i = 0; i < q.Length; i++)
        {
            q[i] = -q[i];
        }

        return q;
    }
}
