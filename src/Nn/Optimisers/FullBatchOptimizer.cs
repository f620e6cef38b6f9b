using System;
using System.Collections.Immutable;
using System.Numerics;

namespace Nn;

/// <summary>
/// A minimiser that works on the whole parameter vector θ with the full-batch cost and gradient:
/// <see cref="ConjugateGradient"/> or <see cref="Lbfgs"/>. Internally it computes in double precision.
/// </summary>
/// <example><code>
/// var result = new Lbfgs(MaxIterations: 100).Minimize(theta => Backprop.Gradient(network.WithParameters(theta), loss, x, y), network.Parameters);
/// </code></example>
public abstract record FullBatchOptimizer
{
    /// <summary>Creates the settings shared by both minimisers.</summary>
    /// <param name="MaxIterations">The most iterations (line searches), at least 1.</param>
    /// <param name="GradientTolerance">Stop when max |∂C/∂θ_i| falls to this, at least 0.</param>
    /// <param name="FunctionTolerance">Stop when an iteration lowers C by no more than this times max(1, |C|), at least 0.</param>
    private protected FullBatchOptimizer(int MaxIterations, double GradientTolerance, double FunctionTolerance)
    {
        Guard.Positive(nameof(MaxIterations), MaxIterations);
        Guard.NonNegative(nameof(GradientTolerance), GradientTolerance);
        Guard.NonNegative(nameof(FunctionTolerance), FunctionTolerance);
        this.MaxIterations = MaxIterations;
        this.GradientTolerance = GradientTolerance;
        this.FunctionTolerance = FunctionTolerance;
    }

    /// <summary>The most iterations.</summary>
    public int MaxIterations { get; }

    /// <summary>The gradient's max-norm at which the search stops.</summary>
    public double GradientTolerance { get; }

    /// <summary>The relative decrease of C below which the search stops.</summary>
    public double FunctionTolerance { get; }

    /// <summary>The minimiser's name as the command line spells it.</summary>
    public abstract string Name { get; }

    /// <summary>Minimises the objective from <paramref name="start"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="objective">θ → (C(θ), ∇C(θ)); must be pure.</param>
    /// <param name="start">θ₀, finite.</param>
    /// <param name="progress">Called after each iteration with (iteration, C); may be null.</param>
    /// <returns>The best θ found, its cost and how the search ended.</returns>
    public MinimizationResult<T> Minimize<T>(Func<ParameterVector<T>, LossAndGradient<T>> objective, ParameterVector<T> start, Action<int, double>? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(start);
        Guard.Finite(nameof(start), start.AsSpan());
        var evaluations = 0;
        (double, double[]) Evaluate(double[] x)
        {
            evaluations++;
            var result = objective(ParameterVector<double>.Own(x).Convert<T>());
            return (double.CreateChecked(result.Loss), result.Gradient.Convert<double>().ToArray());
        }

        var history = ImmutableArray.CreateBuilder<double>();
        var (x, fx, iterations, converged) = Run(Evaluate, start.Convert<double>().ToArray(), (i, f) =>
        {
            history.Add(f);
            progress?.Invoke(i, f);
        });
        return new MinimizationResult<T>(
            ParameterVector<double>.Own(x).Convert<T>(), fx, iterations, evaluations, converged, history.ToImmutable());
    }

    /// <summary>The search proper, over double vectors the minimiser owns.</summary>
    private protected abstract (double[] X, double F, int Iterations, bool Converged) Run(
        Func<double[], (double F, double[] G)> evaluate, double[] start, Action<int, double> onIteration);

    /// <summary>Whether the gradient is small or the last decrease negligible.</summary>
    private protected bool HasConverged(double previous, double current, double[] gradient)
    {
        var maxAbs = 0.0;
        foreach (var g in gradient)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(g));
        }

        return maxAbs <= GradientTolerance || previous - current <= FunctionTolerance * Math.Max(1, Math.Abs(current));
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>What a full-batch minimisation ended with.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Parameters">The best θ found.</param>
/// <param name="Loss">C at that θ.</param>
/// <param name="Iterations">The number of iterations run.</param>
/// <param name="Evaluations">The number of cost-and-gradient evaluations.</param>
/// <param name="Converged">True when a tolerance was met; false when the iteration limit stopped the search or no descent step was found.</param>
/// <param name="LossHistory">C after each iteration.</param>
public sealed record MinimizationResult<T>(
    ParameterVector<T> Parameters, double Loss, int Iterations, int Evaluations, bool Converged, ImmutableArray<double> LossHistory)
    where T : unmanaged, IFloatingPointIeee754<T>;
