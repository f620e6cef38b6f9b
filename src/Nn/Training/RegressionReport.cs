using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Numerics;

namespace Nn;

/// <summary>How well one regression output fits its target over a data set.</summary>
/// <param name="Rmse">Root mean squared error √(Σ(ŷ − y)² / n).</param>
/// <param name="Mae">Mean absolute error Σ|ŷ − y| / n.</param>
/// <param name="R2">Coefficient of determination 1 − Σ(ŷ − y)² / Σ(y − ȳ)²; NaN when every y is the same.</param>
public sealed record TargetFit(double Rmse, double Mae, double R2)
{
    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(TargetFit), PrintMembers);
}

/// <summary>Per-target error measures of a regression network (<see cref="RegressionReport.Evaluate{T}"/>).</summary>
/// <param name="Targets">One fit per network output, in output order.</param>
/// <example><code>
/// var report = RegressionReport.Evaluate(network, test);
/// Console.WriteLine($"RMSE {report.Targets[0].Rmse}");
/// </code></example>
/// <exception cref="ArgumentException"><paramref name="Targets"/> is a default array or holds a null fit.</exception>
public sealed record RegressionReport(ImmutableArray<TargetFit> Targets)
{
    private readonly ImmutableArray<TargetFit> targets = CheckedTargets(Targets);

    /// <summary>One fit per network output, in output order.</summary>
    public ImmutableArray<TargetFit> Targets { get => targets; init => targets = CheckedTargets(value); }

    /// <summary>RMSE, MAE and R² of each output against the data's targets.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network; its outputs are the predictions ŷ.</param>
    /// <param name="data">Samples whose targets y have one column per network output.</param>
    /// <returns>The report, computed in double precision.</returns>
    /// <exception cref="ArgumentException">The data's widths do not match the network's.</exception>
    public static RegressionReport Evaluate<T>(Network<T> network, Dataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Targets.Columns != network.OutputSize)
        {
            throw new ArgumentException($"data must have {network.OutputSize} targets (the network's outputs), but has {data.Targets.Columns}.", nameof(data));
        }

        return Compare(Network.Forward(network, data.Inputs), data.Targets);
    }

    /// <summary>RMSE, MAE and R² of predictions against targets, column by column.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">ŷ, one row per sample.</param>
    /// <param name="targets">y, the same shape.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static RegressionReport Compare<T>(Matrix<T> predictions, Matrix<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        if (predictions.Rows != targets.Rows || predictions.Columns != targets.Columns || targets.Rows == 0)
        {
            throw new ArgumentException($"predictions [{predictions.Rows}×{predictions.Columns}] and targets [{targets.Rows}×{targets.Columns}] must have the same, non-empty shape.", nameof(predictions));
        }

        var fits = new List<TargetFit>(targets.Columns);
        for (var k = 0; k < targets.Columns; k++)
        {
            var n = targets.Rows;
            var mean = 0.0;
            for (var i = 0; i < n; i++)
            {
                mean += double.CreateChecked(targets[i, k]) / n;
            }

            var first = targets[0, k];
            var constant = true;
            for (var i = 0; i < n; i++)
            {
                constant &= targets[i, k] == first;
            }

            var (predicted, actual) = (Column(predictions, k), Column(targets, k));
            var (squared, errorScale) = SumOfSquares(predicted, actual);
            var (spread, spreadScale) = SumOfSquares(actual, Enumerable.Repeat(mean, n).ToArray());
            var absolute = 0.0;
            for (var i = 0; i < n; i++)
            {
                absolute += Math.Abs((predicted[i] / errorScale) - (actual[i] / errorScale));
            }

            // ȳ summed in rounding differs from a constant y by an ulp, so Σ(y − ȳ)² of identical targets is a tiny positive
            // number rather than 0, and the R² it gave was 1 or some −1e31: identical targets are recognised as such.
            // Σ(ŷ − y)² / Σ(y − ȳ)² is (sₑ/sᵧ)² times the ratio of the scaled sums, multiplied so that no factor overflows first.
            var ratio = errorScale / spreadScale;
            var r2 = !constant && spread > 0 ? 1 - (ratio * (ratio * (squared / spread))) : double.NaN;
            fits.Add(new TargetFit(errorScale * Math.Sqrt(squared / n), errorScale * (absolute / n), r2));
        }

        return new RegressionReport(fits.ToImmutableArray());
    }

    /// <summary>
    /// Σ(xᵢ − cᵢ)² as a sum S in units of a scale s (the sum is s²·S): s = 1 while the plain sum is finite and not so
    /// small that its squares lose digits, else the largest |xᵢ − cᵢ|. Each sum has its own scale: one scale for the
    /// errors and the targets' spread, the largest value, took errors of 1 beside targets of ±1e300 as a root mean
    /// square of 0, and squares below 1e-162 vanished (errors of 2e-300 gave an RMSE of 0 and an R² of NaN).
    /// </summary>
    private static (double Sum, double Scale) SumOfSquares(double[] x, double[] centres)
    {
        var plain = ScaledSquares.Sum(x, centres, 1);
        if (double.IsFinite(plain) && plain >= 1e-280)
        {
            return (plain, 1);
        }

        var largest = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            // A difference that overflows is counted as double's largest: the scaled terms are then at most 4.
            largest = Math.Max(largest, Math.Min(Math.Abs(x[i] - centres[i]), double.MaxValue));
        }

        return largest > 0 && double.IsFinite(largest) ? (ScaledSquares.Sum(x, centres, largest), largest) : (plain, 1);
    }

    /// <summary>Column <paramref name="k"/> of <paramref name="m"/> in double precision.</summary>
    private static double[] Column<T>(Matrix<T> m, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var column = new double[m.Rows];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = double.CreateChecked(m[i, k]);
        }

        return column;
    }

    /// <inheritdoc/>
    public bool Equals(RegressionReport? other) => other is not null && Targets.SequenceEqual(other.Targets);

    /// <inheritdoc/>
    public override int GetHashCode() => Targets.Length;

    private static ImmutableArray<TargetFit> CheckedTargets(ImmutableArray<TargetFit> value) =>
        Guard.Complete(value, nameof(Targets), "a regression report's targets", "empty for no outputs", "target fit");
}
