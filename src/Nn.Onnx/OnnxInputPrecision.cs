using System;
using System.Collections.Immutable;
using System.Linq;

namespace Nn.Onnx;

/// <summary>
/// Whether a float32 table model's exported graph can take its raw columns as float32. The library standardises a
/// raw value x in double, s = (x − m) / σ, and only then narrows s to float32, so s is off by at most half an ulp of
/// itself. A float32 graph input rounds x first, and the float32 mean m̃ is off too: s moves by up to
/// e = (½ ulp₃₂(|m| + kσ) + |m − m̃|) / σ for a value k = <see cref="Deviations"/> deviations from the mean. A
/// Unix-timestamp column around 1.7e9 with σ = 3 s has ulp₃₂ = 128 there and e of 20 to 40: the graph computed
/// another model. A column with e above <see cref="Tolerance"/> (the float32 tolerance the ONNX Runtime comparisons
/// assert) needs a float64 graph input; an ordinary column (gre: m ≈ 588, σ ≈ 115, e ≈ 5e-7) does not.
/// </summary>
internal static class OnnxInputPrecision
{
    /// <summary>The largest move of a standardised value, from rounding the raw value and the mean to float32, that a float32 input may cause.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>How many deviations from the mean the raw values are taken to reach.</summary>
    public const double Deviations = 4;

    /// <summary>The standardised columns that need a float64 graph input, in the preprocessing's order.</summary>
    /// <param name="preprocessing">The model's preprocessing.</param>
    /// <returns>The names of the columns whose error e exceeds <see cref="Tolerance"/>; empty when a float32 input serves.</returns>
    public static ImmutableArray<string> Float64Columns(Preprocessing preprocessing) =>
        preprocessing.Features.Where(NeedsFloat64).Select(feature => feature.Name).ToImmutableArray();

    /// <summary>
    /// e = (½ ulp₃₂(|m| + kσ) + |m − m̃|) / σ for a numeric column, the most a float32 input and mean move its
    /// standardised value by; ∞ when float32 cannot hold |m| + kσ at all. One-hot columns are compared, not
    /// standardised, and need no float64 input for this (their categories are checked on their own).
    /// </summary>
    private static bool NeedsFloat64(FeatureColumn feature)
    {
        if (feature.IsCategorical)
        {
            return false;
        }

        var far = (float)(Math.Abs(feature.Mean) + (Deviations * feature.Deviation));
        var halfUlp = float.IsFinite(far) ? ((double)MathF.BitIncrement(far) - far) / 2 : double.PositiveInfinity;
        var meanError = Math.Abs(feature.Mean - (float)feature.Mean);
        return (halfUlp + meanError) / feature.Deviation > Tolerance;
    }
}
