using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Nn;

/// <summary>
/// How far backpropagation's gradient is from central differences in one block of θ. The element-wise relative
/// difference is |a − n| / max(|a|, |n|, <see cref="RelativeFloor"/>); the norm form ‖a − n‖ / (‖a‖ + ‖n‖) is the
/// classic course's single number per block.
/// </summary>
/// <param name="Layer">The 0-based layer index.</param>
/// <param name="Block">"weights" or "bias".</param>
/// <param name="Count">The number of parameters in the block.</param>
/// <param name="MeanAbsolute">The mean |a − n|.</param>
/// <param name="MaxAbsolute">The largest |a − n|.</param>
/// <param name="MeanRelative">The mean element-wise relative difference.</param>
/// <param name="MaxRelative">The largest element-wise relative difference.</param>
/// <param name="NormRelative">‖a − n‖₂ / (‖a‖₂ + ‖n‖₂), 0 when both are zero.</param>
public sealed record BlockDifference(
    int Layer, string Block, int Count, double MeanAbsolute, double MaxAbsolute, double MeanRelative, double MaxRelative, double NormRelative)
{
    /// <summary>The smallest denominator of the element-wise relative difference, so gradients that are zero
    /// on both sides (a dead ReLU unit) compare by their absolute difference.</summary>
    public const double RelativeFloor = 1e-8;

    /// <summary>
    /// Whether backpropagation and the central differences are both exactly zero over the whole block (every unit it
    /// feeds dead, or a softmax saturated at its targets on these samples), or every parameter of it is at a kink
    /// (<see cref="AtKinks"/>): nothing of the block's derivative was compared.
    /// </summary>
    public bool ComparedNothing { get; init; }

    /// <summary>
    /// How many of the block's parameters were left out of its figures because every step tried (ε, ε/4, ε/16) moved
    /// some z across an activation's kink (ReLU's 0) or changed a max-pool window's maximum: the cost has no derivative
    /// there (a z exactly at 0, a tie in a window), only two one-sided slopes, so a central difference compares with
    /// nothing. 0 for networks without kinks.
    /// </summary>
    public int AtKinks { get; init; }

    /// <summary>
    /// The largest |n|, the largest derivative the central differences measured among the block's compared parameters
    /// (0 when every one is at a kink). An absolute floor at or above it passes the block whatever backpropagation
    /// gives for it, all zeros included.
    /// </summary>
    public double MaxNumeric { get; init; }

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(BlockDifference), PrintMembers);
}

/// <summary>
/// The result of <see cref="GradientCheck.Run{T}"/>: one entry per block of parameters (each layer's weights and bias;
/// a layer without parameters, such as pooling or dropout, has none), and the single number over all of θ.
/// The verdict (<see cref="Passes(double)"/>, <see cref="Verdict(double)"/>) compares each block's norm-relative
/// difference with a tolerance; an absolute floor applies only when the caller passes one, and the verdict's text
/// then names it. NaN anywhere fails, and so does a report in which every block compared nothing
/// (<see cref="BlockDifference.ComparedNothing"/>): zero agreeing with zero everywhere checks no derivative at all,
/// and neither does a report without blocks (a network of pooling and dropout alone has no parameters).
/// </summary>
/// <param name="Blocks">The blocks in parameter-layout order.</param>
/// <param name="Overall">‖a − n‖₂ / (‖a‖₂ + ‖n‖₂) over every parameter at once, the classic course's single number.</param>
public sealed record GradientCheckReport(ImmutableArray<BlockDifference> Blocks, double Overall)
{
    /// <summary>The mark the classic check sets for <see cref="Overall"/>: gradients agree when it is below 1e-9.</summary>
    public const double ClassicThreshold = 1e-9;

    private readonly ImmutableArray<BlockDifference> blocks = CheckedBlocks(Blocks);

    /// <summary>The blocks in parameter-layout order, none of them null.</summary>
    public ImmutableArray<BlockDifference> Blocks { get => blocks; init => blocks = CheckedBlocks(value); }

    /// <summary>
    /// Whether <see cref="Overall"/> is below <see cref="ClassicThreshold"/> (false for NaN) and something was compared:
    /// false when <see cref="NothingCompared"/>, whose <see cref="Overall"/> of 0 is zero agreeing with zero, as for
    /// <see cref="Passes(double)"/>.
    /// </summary>
    public bool PassesClassic => Overall < ClassicThreshold && !NothingCompared;

    /// <summary>The largest element-wise relative difference of any block; NaN when any is NaN.</summary>
    public double MaxRelative => Largest(b => b.MaxRelative);

    /// <summary>The largest absolute difference of any block; NaN when any is NaN.</summary>
    public double MaxAbsolute => Largest(b => b.MaxAbsolute);

    /// <summary>The largest derivative the central differences measured in any block (<see cref="BlockDifference.MaxNumeric"/>); NaN when any is NaN.</summary>
    public double MaxNumeric => Largest(b => b.MaxNumeric);

    /// <summary>The largest norm-relative difference of any block; NaN when any is NaN.</summary>
    public double MaxNormRelative => Largest(b => b.NormRelative);

    /// <summary>The blocks whose gradient is exactly zero on both sides (<see cref="BlockDifference.ComparedNothing"/>), in layout order.</summary>
    public ImmutableArray<BlockDifference> UncomparedBlocks => Blocks.Where(b => b.ComparedNothing).ToImmutableArray();

    /// <summary>How many parameters were left out of the comparison at a kink, over all blocks (<see cref="BlockDifference.AtKinks"/>).</summary>
    public int AtKinks => Blocks.Sum(b => b.AtKinks);

    /// <summary>Whether every block compared nothing, or there are none, which fails any tolerance.</summary>
    public bool NothingCompared => Blocks.All(b => b.ComparedNothing);

    /// <summary>The blocks whose norm-relative difference exceeds <paramref name="tolerance"/> (or is NaN); every block when <see cref="NothingCompared"/> (none when there are none, though the check fails).</summary>
    /// <param name="tolerance">The largest acceptable ‖a − n‖ / (‖a‖ + ‖n‖) per block, a positive finite number below 1, e.g. 1e-6.</param>
    /// <returns>The failing blocks in layout order; empty when the check passes.</returns>
    /// <exception cref="ArgumentException">The tolerance is NaN, infinite, zero, negative, or 1 or more (a check that could not fail).</exception>
    public ImmutableArray<BlockDifference> FailingBlocks(double tolerance) => Failing(tolerance, null);

    /// <summary>
    /// The blocks that fail both tests: the norm-relative difference exceeds <paramref name="tolerance"/>, and some
    /// absolute difference exceeds <paramref name="absoluteTolerance"/>. The floor is for blocks whose gradient is so
    /// small that the central differences' own error (about 1e-10 in double) dominates a relative comparison.
    /// </summary>
    /// <param name="tolerance">The largest acceptable norm-relative difference, a positive finite number below 1.</param>
    /// <param name="absoluteTolerance">The absolute floor, a positive finite number, e.g. 1e-9.</param>
    /// <returns>The failing blocks in layout order; empty when the check passes.</returns>
    /// <exception cref="ArgumentException">A tolerance is NaN, infinite, zero or negative, or the relative one 1 or more.</exception>
    public ImmutableArray<BlockDifference> FailingBlocks(double tolerance, double absoluteTolerance)
    {
        Guard.Positive(nameof(absoluteTolerance), absoluteTolerance);
        return Failing(tolerance, absoluteTolerance);
    }

    /// <summary>Whether every block's norm-relative difference is within <paramref name="tolerance"/>.</summary>
    /// <param name="tolerance">The largest acceptable ‖a − n‖ / (‖a‖ + ‖n‖) per block, a positive finite number below 1.</param>
    /// <returns>True when the gradient agrees with central differences.</returns>
    /// <exception cref="ArgumentException">The tolerance is NaN, infinite, zero, negative, or 1 or more (a check that could not fail).</exception>
    public bool Passes(double tolerance) => FailingBlocks(tolerance).IsEmpty && !NothingCompared;

    /// <summary>Whether every block is within <paramref name="tolerance"/> relatively or <paramref name="absoluteTolerance"/> absolutely.</summary>
    /// <param name="tolerance">The largest acceptable norm-relative difference, a positive finite number below 1.</param>
    /// <param name="absoluteTolerance">The absolute floor, a positive finite number.</param>
    /// <returns>True when the gradient agrees with central differences.</returns>
    /// <exception cref="ArgumentException">A tolerance is NaN, infinite, zero or negative, or the relative one 1 or more.</exception>
    public bool Passes(double tolerance, double absoluteTolerance) => FailingBlocks(tolerance, absoluteTolerance).IsEmpty && !NothingCompared;

    /// <summary>The verdict of <see cref="Passes(double)"/> as one sentence, e.g. for a command line to print.</summary>
    /// <param name="tolerance">As for <see cref="Passes(double)"/>.</param>
    /// <returns>"gradient check passed: …" or "gradient check FAILED: …", naming the tolerance and the worst block.</returns>
    public string Verdict(double tolerance) => Describe(tolerance, null, FailingBlocks(tolerance));

    /// <summary>The verdict of <see cref="Passes(double, double)"/> as one sentence that names the absolute floor too.</summary>
    /// <param name="tolerance">As for <see cref="Passes(double, double)"/>.</param>
    /// <param name="absoluteTolerance">As for <see cref="Passes(double, double)"/>.</param>
    /// <returns>"gradient check passed: …" or "gradient check FAILED: …".</returns>
    public string Verdict(double tolerance, double absoluteTolerance) =>
        Describe(tolerance, absoluteTolerance, FailingBlocks(tolerance, absoluteTolerance));

    /// <inheritdoc/>
    public bool Equals(GradientCheckReport? other) => other is not null && Blocks.SequenceEqual(other.Blocks) && Overall.Equals(other.Overall);

    /// <inheritdoc/>
    public override int GetHashCode() => Blocks.Length;

    /// <summary>A table with one row per block, then the single number over all parameters.</summary>
    /// <returns>The report as text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine("layer  block      count   mean |diff|    max |diff|    mean rel      max rel       norm rel");
        foreach (var b in Blocks)
        {
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{b.Layer,5}  {b.Block,-8} {b.Count,7}   {b.MeanAbsolute,11:E3}   {b.MaxAbsolute,11:E3}   {b.MeanRelative,11:E3}   {b.MaxRelative,11:E3}   {b.NormRelative,11:E3}"));
        }

        var mark = NothingCompared ? "but nothing was compared for" : PassesClassic ? "below" : "not below";
        text.AppendLine(string.Create(
            CultureInfo.InvariantCulture,
            $"all parameters: ‖a − n‖ / (‖a‖ + ‖n‖) = {Overall:E3}, {mark} the classic check's {ClassicThreshold:E0}"));
        if (AtKinks > 0)
        {
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{AtKinks} {(AtKinks == 1 ? "parameter" : "parameters")} left out at a kink ({Kinked()}): every step tried moved a z across an activation's kink or changed a max-pool window's maximum, where the cost has no derivative to compare"));
        }

        return text.ToString();
    }

    private ImmutableArray<BlockDifference> Failing(double tolerance, double? absoluteTolerance)
    {
        Guard.Positive(nameof(tolerance), tolerance);
        if (tolerance >= 1)
        {
            // ‖a − n‖ ≤ ‖a‖ + ‖n‖, so the ratio never exceeds 1: a tolerance of 1 or more would pass any finite gradient.
            throw new ArgumentOutOfRangeException(
                nameof(tolerance), tolerance, string.Create(CultureInfo.InvariantCulture, $"tolerance must be below 1, but is {tolerance:G}: ‖a − n‖ / (‖a‖ + ‖n‖) is never above 1, so no gradient could fail the check."));
        }

        if (NothingCompared)
        {
            return Blocks;
        }

        // Written as "not within" so that NaN, which compares false with everything, fails.
        return Blocks.Where(b => !(b.NormRelative <= tolerance) && !(absoluteTolerance is { } floor && b.MaxAbsolute <= floor)).ToImmutableArray();
    }

    private string Describe(double tolerance, double? absoluteTolerance, ImmutableArray<BlockDifference> failing)
    {
        var floor = absoluteTolerance is { } f ? string.Create(CultureInfo.InvariantCulture, $" or every |a − n| within the absolute floor {f:R}") : string.Empty;
        var worst = Blocks.IsEmpty ? null : Blocks.Aggregate((x, y) => double.IsNaN(x.NormRelative) || x.NormRelative >= y.NormRelative ? x : y);
        var where = worst is null ? string.Empty : $" (layer {worst.Layer} {worst.Block})";
        if (Blocks.IsEmpty)
        {
            return "gradient check FAILED: nothing was compared, since the network has no parameters";
        }

        if (NothingCompared)
        {
            return AtKinks == 0
                ? "gradient check FAILED: nothing was compared, since every gradient is exactly zero on both sides (saturated or dead units on these samples); check other samples or weights"
                : string.Create(
                    CultureInfo.InvariantCulture,
                    $"gradient check FAILED: nothing was compared, since every gradient is exactly zero on both sides or at a kink ({AtKinks} parameters: {Kinked()}); check other samples or weights");
        }

        var verdict = failing.IsEmpty
            ? string.Create(CultureInfo.InvariantCulture, $"gradient check passed: every block's norm-relative difference within {tolerance:R}{floor}; largest {MaxNormRelative:E3}{where}")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"gradient check FAILED: {failing.Length} of {Blocks.Length} blocks not within {tolerance:R}{floor}; largest norm-relative difference {MaxNormRelative:E3}{where}");
        var kinks = AtKinks == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"; {AtKinks} {(AtKinks == 1 ? "parameter" : "parameters")} at a kink not compared ({Kinked()})");
        return verdict + FloorOnly(tolerance, absoluteTolerance) + Uncompared() + kinks;
    }

    /// <summary>The blocks with parameters at a kink, e.g. "layer 0 bias 8 of 8".</summary>
    private string Kinked() =>
        string.Join(", ", Blocks.Where(b => b.AtKinks > 0).Select(b => string.Create(CultureInfo.InvariantCulture, $"layer {b.Layer} {b.Block} {b.AtKinks} of {b.Count}")));

    /// <summary>
    /// The blocks that pass by the absolute floor alone, named, so that a floor wide enough to pass any gradient (a
    /// floor is in the gradient's own units, so no bound on it holds for every network) shows in the verdict rather
    /// than hiding behind "passed"; empty without a floor or when every block passes relatively.
    /// </summary>
    private string FloorOnly(double tolerance, double? absoluteTolerance)
    {
        if (absoluteTolerance is not { } floor)
        {
            return string.Empty;
        }

        var only = Blocks.Where(b => !(b.NormRelative <= tolerance) && b.MaxAbsolute <= floor).Select(b => $"layer {b.Layer} {b.Block}").ToArray();
        return only.Length == 0 ? string.Empty : $"; {only.Length} of {Blocks.Length} blocks within the floor only: {string.Join(", ", only)}";
    }

    /// <summary>The blocks that compared nothing, named, so that a pass does not claim them; empty when there are none.</summary>
    private string Uncompared()
    {
        var zero = UncomparedBlocks;
        return zero.IsEmpty
            ? string.Empty
            : $"; {zero.Length} of {Blocks.Length} blocks compared nothing, {(zero.Any(b => b.AtKinks > 0) ? "their gradient being exactly zero on both sides or their parameters at a kink" : "their gradient being exactly zero on both sides")}: {string.Join(", ", zero.Select(b => $"layer {b.Layer} {b.Block}"))}";
    }

    private static ImmutableArray<BlockDifference> CheckedBlocks(ImmutableArray<BlockDifference> value) =>
        Guard.Complete(value, nameof(Blocks), "a gradient check's blocks", "empty for a network without parameters", "block");

    private double Largest(Func<BlockDifference, double> measure)
    {
        var largest = 0.0;
        foreach (var b in Blocks)
        {
            // Math.Max returns NaN when either argument is NaN, so one NaN block shows in the maximum.
            largest = Math.Max(largest, measure(b));
        }

        return largest;
    }
}
