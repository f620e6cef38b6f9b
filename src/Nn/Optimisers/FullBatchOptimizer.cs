using System;
using System.Collections.Immutable;
using System.Globalization;
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
    /// <returns>
    /// The best θ found, its cost and how the search ended: <see cref="MinimizationStop.Diverged"/>, with θ₀ itself,
    /// when the cost or the gradient at θ₀ is NaN or infinite. Later points whose cost or gradient is not finite are
    /// never taken: the line search shortens its step instead. <see cref="MinimizationStop.Converged"/>, with θ₀ itself
    /// and no iterations, when the gradient at θ₀ is already within <see cref="GradientTolerance"/>.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// The objective returns null, a null gradient or one whose length is not θ's, or <paramref name="start"/> is not finite.
    /// </exception>
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
            var result = objective(ParameterVector<double>.Own(x).ConvertUnchecked<T>())
                ?? throw new ArgumentException("objective must return a cost and a gradient, but returned null.", nameof(objective));
            if (result.Gradient is null)
            {
                throw new ArgumentException("objective must return a cost and a gradient, but returned a null gradient.", nameof(objective));
            }

            if (result.Gradient.Length != start.Length)
            {
                // A gradient of another length has no slope along the search direction: a search over it ended in a
                // "no descent" that blamed the cost rather than the objective.
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"objective must return a gradient of θ's length {start.Length}, but returned one of length {result.Gradient.Length}."),
                    nameof(objective));
            }

            var gradient = result.Gradient.Convert<double>().ToArray();

            // A point whose gradient is not finite is no more usable than one whose cost is not: the line search
            // treats both as "too far" and shrinks its step.
            return (AllFinite(gradient) ? double.CreateChecked(result.Loss) : double.NaN, gradient);
        }

        var first = start.Convert<double>().ToArray();
        var (startCost, startGradient) = Evaluate((double[])first.Clone());
        if (!double.IsFinite(startCost))
        {
            // Nowhere to descend from: no step can be judged against a cost or slope that is not a number.
            return new MinimizationResult<T>(start, startCost, 0, evaluations, MinimizationStop.Diverged, ImmutableArray<double>.Empty);
        }

        if (MaxAbs(startGradient) <= GradientTolerance)
        {
            // θ₀ already meets the gradient test (an empty θ trivially): no line search can lower a cost whose slope
            // is flat, and one tried anyway reported "no descent" for a start that is already a stationary point.
            return new MinimizationResult<T>(start, startCost, 0, evaluations, MinimizationStop.Converged, ImmutableArray<double>.Empty);
        }

        // Run evaluates θ₀ first; that evaluation is the one just made.
        var evaluatedStart = false;
        var history = ImmutableArray.CreateBuilder<double>();
        var (x, fx, iterations, stop) = Run(
            p =>
            {
                var reuse = !evaluatedStart;
                evaluatedStart = true;
                return reuse ? (startCost, startGradient) : Evaluate(p);
            },
            first,
            (i, f) =>
            {
                history.Add(f);
                progress?.Invoke(i, f);
            });
        return new MinimizationResult<T>(ParameterVector<double>.Own(x).ConvertUnchecked<T>(), fx, iterations, evaluations, stop, history.ToImmutable());
    }

    private static bool AllFinite(double[] values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The search proper, over double vectors the minimiser owns.</summary>
    private protected abstract (double[] X, double F, int Iterations, MinimizationStop Stop) Run(
        Func<double[], (double F, double[] G)> evaluate, double[] start, Action<int, double> onIteration);

    /// <summary>Whether the gradient is small or the last decrease negligible.</summary>
    private protected bool HasConverged(double previous, double current, double[] gradient) =>
        MaxAbs(gradient) <= GradientTolerance || previous - current <= FunctionTolerance * Math.Max(1, Math.Abs(current));

    private static double MaxAbs(double[] gradient)
    {
        var maxAbs = 0.0;
        foreach (var g in gradient)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(g));
        }

        return maxAbs;
    }

    /// <summary>The name. Sealed, because a derived record would otherwise print itself as "Lbfgs { MaxIterations = … }".</summary>
    /// <returns><see cref="Name"/>, e.g. "lbfgs".</returns>
    public sealed override string ToString() => Name;
}

/// <summary>Why a full-batch minimisation ended.</summary>
public enum MinimizationStop
{
    /// <summary>The gradient became small enough or the last decrease negligible.</summary>
    Converged,

    /// <summary>The iteration limit was reached first.</summary>
    IterationLimit,

    /// <summary>The line search found no step that lowered the cost.</summary>
    NoDescent,

    /// <summary>The cost or the gradient at the start was NaN or infinite; the parameters are the (finite) start.</summary>
    Diverged,
}

/// <summary>What a full-batch minimisation ended with.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Parameters">The best θ found; always finite.</param>
/// <param name="Loss">C at that θ.</param>
/// <param name="Iterations">The number of iterations run.</param>
/// <param name="Evaluations">The number of cost-and-gradient evaluations.</param>
/// <param name="Stop">Why the search ended.</param>
/// <param name="LossHistory">C after each iteration.</param>
/// <exception cref="ArgumentException"><paramref name="LossHistory"/> is a default array.</exception>
public sealed record MinimizationResult<T>(
    ParameterVector<T> Parameters, double Loss, int Iterations, int Evaluations, MinimizationStop Stop, ImmutableArray<double> LossHistory)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // Checked here and in C#'s with, as TrainingState is: a default history threw where it was read or compared.
    private readonly ImmutableArray<double> lossHistory = CheckedHistory(LossHistory);

    /// <summary>C after each iteration.</summary>
    public ImmutableArray<double> LossHistory { get => lossHistory; init => lossHistory = CheckedHistory(value); }

    /// <summary>True when a tolerance was met (<see cref="MinimizationStop.Converged"/>).</summary>
    public bool Converged => Stop == MinimizationStop.Converged;

    /// <summary>A few words for people on why the search ended.</summary>
    /// <returns>For example "converged" or "stopped at the iteration limit".</returns>
    public string Describe() => Stop switch
    {
        MinimizationStop.Converged => "converged",
        MinimizationStop.IterationLimit => "stopped at the iteration limit",
        MinimizationStop.NoDescent => "stopped: no step along the search direction lowered the cost",
        _ => "diverged: the cost or its gradient at the starting point is NaN or infinite; returning the starting network",
    };

    private static ImmutableArray<double> CheckedHistory(ImmutableArray<double> value) =>
        value.IsDefault
            ? throw new ArgumentException("the loss history must be an array (one loss per iteration), not a default ImmutableArray.", nameof(LossHistory))
            : value;

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(MinimizationResult<>), PrintMembers);
}
