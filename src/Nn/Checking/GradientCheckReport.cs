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
}

/// <summary>The result of <see cref="GradientCheck.Run{T}"/>: one entry per layer and block.</summary>
/// <param name="Blocks">The blocks in parameter-layout order.</param>
public sealed record GradientCheckReport(ImmutableArray<BlockDifference> Blocks)
{
    /// <summary>The largest element-wise relative difference of any block.</summary>
    public double MaxRelative => Blocks.Max(b => b.MaxRelative);

    /// <summary>The largest absolute difference of any block.</summary>
    public double MaxAbsolute => Blocks.Max(b => b.MaxAbsolute);

    /// <summary>The largest norm-relative difference of any block.</summary>
    public double MaxNormRelative => Blocks.Max(b => b.NormRelative);

    /// <summary>
    /// Whether every block agrees: its norm-relative difference is within <paramref name="tolerance"/>, or every one
    /// of its differences is within <paramref name="absoluteTolerance"/> (for blocks whose gradient is so small that
    /// the central differences' own error, about 1e-10 in double, dominates a relative comparison).
    /// </summary>
    /// <param name="tolerance">The largest acceptable ‖a − n‖ / (‖a‖ + ‖n‖), e.g. 1e-6.</param>
    /// <param name="absoluteTolerance">The absolute difference below which a block passes regardless.</param>
    /// <returns>True when the gradient agrees with central differences.</returns>
    public bool Passes(double tolerance, double absoluteTolerance = DefaultAbsoluteTolerance) =>
        Blocks.All(b => b.NormRelative <= tolerance || b.MaxAbsolute <= absoluteTolerance);

    /// <summary>The absolute tolerance <see cref="Passes"/> uses by default: ten times the error of central differences in double.</summary>
    public const double DefaultAbsoluteTolerance = 1e-9;

    /// <inheritdoc/>
    public bool Equals(GradientCheckReport? other) => other is not null && Blocks.SequenceEqual(other.Blocks);

    /// <inheritdoc/>
    public override int GetHashCode() => Blocks.Length;

    /// <summary>A table with one row per block.</summary>
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

        return text.ToString();
    }
}
