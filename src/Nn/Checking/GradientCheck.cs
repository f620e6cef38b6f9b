using System;
using System.Collections.Immutable;
using System.Numerics;

namespace Nn;

/// <summary>
/// Compares analytic gradients with central differences (C(θ + εeᵢ) − C(θ − εeᵢ)) / 2ε, one parameter at a time,
/// and reports the differences per layer and block (weights, bias). This is what the property tests use, and it
/// verifies a user's own activation or loss as readily as the built-in ones.
/// </summary>
/// <example><code>
/// var report = GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, inputs, targets);
/// Console.WriteLine(report);
/// bool ok = report.Passes(tolerance: 1e-6);
/// </code></example>
public static class GradientCheck
{
    /// <summary>The default step ε: small enough for an O(ε²) truncation error, large enough to keep rounding low in double.</summary>
    public const double DefaultEpsilon = 1e-5;

    /// <summary>How many steps (ε, ε/4, ε/16) a parameter near a kink is tried with before it is left uncompared.</summary>
    public const int KinkAttempts = 3;

    /// <summary>How many progress reports a check sends at most, besides the one after its last parameter.</summary>
    private const int ProgressReports = 1000;

    /// <summary>Checks backpropagation's gradient of the batch-mean cost of <paramref name="network"/> on a batch.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>; double is recommended.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="inputs">X, a few samples.</param>
    /// <param name="targets">Y.</param>
    /// <param name="l2">λ, at least 0.</param>
    /// <param name="l2SampleCount">m in λ/(2m), as in <see cref="Backprop.Gradient{T}(Network{T}, Loss, Matrix{T}, Matrix{T}, double, int?)"/>; the batch's row count when null.</param>
    /// <param name="epsilon">The difference step ε, a positive finite number.</param>
    /// <param name="progress">Told how many parameters have their difference so far (<see cref="GradientCheckProgress"/>); a check of a large network takes two cost evaluations per parameter.</param>
    /// <returns>The per-block report with the single number over all of θ.</returns>
    /// <exception cref="ArgumentException">ε is NaN, infinite, zero or negative, or the other arguments do not fit.</exception>
    public static GradientCheckReport Run<T>(
        Network<T> network,
        Loss loss,
        Matrix<T> inputs,
        Matrix<T> targets,
        double l2 = 0,
        int? l2SampleCount = null,
        double epsilon = DefaultEpsilon,
        IProgress<GradientCheckProgress>? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Backprop.Validate(network, loss, inputs, targets, l2, l2SampleCount);
        Guard.Positive(nameof(epsilon), epsilon);
        var step = T.CreateChecked(epsilon);
        if (step == T.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), Invariant($"ε = {epsilon} rounds to 0 in {ElementTypes.Name<T>()}, so the differences would divide by zero; use a larger ε."));
        }

        var analytic = Backprop.Gradient(network, loss, inputs, targets, l2, l2SampleCount).Gradient;
        var architecture = network.Architecture;
        var workspace = new Workspace<T>(architecture, inputs.Rows);
        var lambda = T.CreateChecked(l2);
        var theta = network.Parameters.ToArray();
        double Cost(ReadOnlyMemory<T> parameters) => double.CreateChecked(
            Propagation.Loss(architecture, parameters.Span, loss, inputs.AsSpan(), targets.AsSpan(), inputs.Rows, lambda, m, workspace));
        Cost(theta);
        var piece = PiecewiseRegions<T>.Of(architecture, workspace, inputs.Rows);
        var atKink = new bool[theta.Length];
        var numeric = piece.IsSmooth ? Differences(theta, Cost, step, progress) : DifferencesWithin(piece, workspace, theta, Cost, step, atKink, progress);

        // A parameter at a kink is left out of every figure, as if it were not there.
        var compared = new double[theta.Length];
        for (var i = 0; i < compared.Length; i++)
        {
            (compared[i], numeric[i]) = atKink[i] ? (0, 0) : (double.CreateChecked(analytic.AsSpan()[i]), numeric[i]);
        }

        var blocks = ImmutableArray.CreateBuilder<BlockDifference>();
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            // A layer without parameters (pooling, dropout) has nothing to compare, so no row of empty means.
            var layer = architecture.Stack[l];
            if (layer.WeightCount > 0)
            {
                blocks.Add(Compare(l, "weights", compared, numeric, atKink, architecture.WeightOffset(l), layer.WeightCount));
            }

            if (layer.HasBias)
            {
                blocks.Add(Compare(l, "bias", compared, numeric, atKink, architecture.BiasOffset(l), layer.BiasCount));
            }
        }

        return new GradientCheckReport(blocks.ToImmutable(), NormRelative<double>(compared, numeric));
    }

    /// <summary>
    /// Central differences whose two points lie in <paramref name="piece"/>, θ's own smooth piece: where a step of ε
    /// leaves it, ε/4 and then ε/16 are tried (a kink at a distance d from θ is stepped over by any step below d), and a
    /// parameter whose every step leaves it — a z exactly at a kink, or a tie in a pooling window — is marked in
    /// <paramref name="atKink"/>: there the cost has no derivative, only one-sided slopes, so nothing can be compared.
    /// </summary>
    private static double[] DifferencesWithin<T>(
        PiecewiseRegions<T> piece, Workspace<T> workspace, T[] theta, CostFunction<T> cost, T epsilon, bool[] atKink, IProgress<GradientCheckProgress>? progress)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckStep(theta, epsilon);
        var shrink = T.CreateChecked(4);
        var probe = (T[])theta.Clone();
        var result = new double[probe.Length];
        for (var i = 0; i < probe.Length; i++)
        {
            var original = probe[i];
            var found = false;
            var h = epsilon;
            for (var attempt = 0; attempt < KinkAttempts && !found; attempt++, h /= shrink)
            {
                var step = double.CreateChecked((original + h) - (original - h));
                if (step == 0)
                {
                    break;
                }

                probe[i] = original + h;
                var plus = cost(probe);
                var inside = piece.Contains(workspace);
                probe[i] = original - h;
                var minus = cost(probe);
                inside &= piece.Contains(workspace);
                probe[i] = original;
                if (inside)
                {
                    result[i] = (plus - minus) / step;
                    found = true;
                }
            }

            atKink[i] = !found;
            Advanced(progress, i, probe.Length);
        }

        return result;
    }

    /// <summary>Refuses an ε that rounding loses at some θᵢ, where a difference would divide by zero.</summary>
    private static void CheckStep<T>(ReadOnlySpan<T> theta, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < theta.Length; i++)
        {
            if ((theta[i] + epsilon) - (theta[i] - epsilon) == T.Zero)
            {
                throw new ArgumentException(
                    Invariant($"ε = {epsilon} is lost in rounding at θ[{i}] = {theta[i]} (θ + ε and θ − ε are the same number), so its difference would divide by zero; use a larger ε."),
                    nameof(epsilon));
            }
        }
    }

    /// <summary>
    /// Central differences of any scalar function: gᵢ ≈ (f(θ + εeᵢ) − f(θ − εeᵢ)) / 2ε. The function receives a
    /// buffer this method owns and must not keep it.
    /// </summary>
    /// <typeparam name="T">The element type of θ.</typeparam>
    /// <param name="theta">θ; not changed.</param>
    /// <param name="function">f.</param>
    /// <param name="epsilon">ε.</param>
    /// <returns>A fresh array of the numerical partial derivatives.</returns>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive and finite.</exception>
    /// <exception cref="ArgumentException">
    /// θ holds NaN or an infinity, around which no difference is a slope (the message names its index), or ε is lost in
    /// rounding at some θᵢ (θᵢ + ε and θᵢ − ε are the same number), where the difference would divide by zero.
    /// </exception>
    public static double[] CentralDifferences<T>(ReadOnlySpan<T> theta, CostFunction<T> function, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(function);
        if (!(epsilon > T.Zero) || !T.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), Invariant($"ε must be positive and finite, but is {epsilon}."));
        }

        return Differences(theta, function, epsilon, progress: null);
    }

    private static double[] Differences<T>(ReadOnlySpan<T> theta, CostFunction<T> function, T epsilon, IProgress<GradientCheckProgress>? progress)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Finite(nameof(theta), theta);
        CheckStep(theta, epsilon);
        var probe = theta.ToArray();
        var result = new double[probe.Length];
        for (var i = 0; i < probe.Length; i++)
        {
            var original = probe[i];
            probe[i] = original + epsilon;
            var plus = function(probe);
            probe[i] = original - epsilon;
            var minus = function(probe);
            probe[i] = original;

            // Divide by the step actually taken, which rounding can make differ from 2ε.
            var step = double.CreateChecked((original + epsilon) - (original - epsilon));
            result[i] = (plus - minus) / step;
            Advanced(progress, i, probe.Length);
        }

        return result;
    }

    /// <summary>Reports parameter <paramref name="index"/> done when it ends one of a thousand equal parts of θ, or θ itself.</summary>
    private static void Advanced(IProgress<GradientCheckProgress>? progress, int index, int count)
    {
        var done = index + 1;
        if (progress is not null && (done == count || (long)done * ProgressReports / count != (long)index * ProgressReports / count))
        {
            progress.Report(new GradientCheckProgress(done, count));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// ‖a − n‖ / (‖a‖ + ‖n‖) over one span. The denominator bounds ‖a + n‖ from above, so it is zero only when both
    /// gradients are exactly zero, and then so is the difference: that case is 0, full agreement. When a = −n the
    /// result is 1, a clear failure, where the literal ‖a − n‖ / ‖a + n‖ would divide by zero. NaN or an infinity in
    /// either gradient gives NaN, which fails every tolerance.
    /// </summary>
    /// <remarks>
    /// The values are divided by the largest magnitude first: the ratio does not change, but squares of gradients
    /// above about 1e154 no longer overflow (an agreeing pair read as NaN, a false failure) and squares below about
    /// 1e-162 no longer vanish (two opposite gradients read as zero, a false pass).
    /// </remarks>
    private static double NormRelative<T>(ReadOnlySpan<T> analytic, ReadOnlySpan<double> numeric)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        numeric = numeric[..analytic.Length];
        var a = new double[analytic.Length];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = double.CreateChecked(analytic[i]);
        }

        var scale = Math.Max(ScaledSquares.LargestMagnitude(a), ScaledSquares.LargestMagnitude(numeric));
        if (double.IsNaN(scale) || double.IsInfinity(scale))
        {
            return double.NaN;
        }

        if (scale == 0)
        {
            return 0;
        }

        var (diffSquares, analyticSquares, numericSquares) = (ScaledSquares.Sum(a, numeric, scale), ScaledSquares.Sum(a, 0, scale), ScaledSquares.Sum(numeric, 0, scale));
        return Math.Sqrt(diffSquares) / (Math.Sqrt(analyticSquares) + Math.Sqrt(numericSquares));
    }

    /// <summary>The differences of one block, <paramref name="count"/> parameters from <paramref name="offset"/>, leaving out those at a kink.</summary>
    private static BlockDifference Compare(int layer, string block, double[] analytic, double[] numeric, bool[] atKink, int offset, int count)
    {
        double sumAbs = 0, maxAbs = 0, sumRel = 0, maxRel = 0, maxNumeric = 0;
        var allZero = true;
        var kinks = 0;
        for (var i = offset; i < offset + count; i++)
        {
            if (atKink[i])
            {
                kinks++;
                continue;
            }

            var a = analytic[i];
            var n = numeric[i];
            allZero &= a == 0 && n == 0;
            var abs = Math.Abs(a - n);
            var rel = abs / Math.Max(Math.Max(Math.Abs(a), Math.Abs(n)), BlockDifference.RelativeFloor);
            sumAbs += abs;
            sumRel += rel;
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, rel);
            maxNumeric = Math.Max(maxNumeric, Math.Abs(n));
        }

        var compared = Math.Max(count - kinks, 1);
        return new BlockDifference(
            layer, block, count, sumAbs / compared, maxAbs, sumRel / compared, maxRel, NormRelative<double>(analytic.AsSpan(offset, count), numeric.AsSpan(offset, count)))
        {
            ComparedNothing = allZero,
            AtKinks = kinks,
            MaxNumeric = maxNumeric,
        };
    }
}

/// <summary>A scalar function of a parameter buffer, for <see cref="GradientCheck.CentralDifferences{T}"/>.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="parameters">θ; valid only during the call.</param>
/// <returns>f(θ).</returns>
public delegate double CostFunction<T>(ReadOnlyMemory<T> parameters);
