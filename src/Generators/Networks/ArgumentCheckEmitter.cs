using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The size-specific argument checks of the public entry points (the lengths a declaration fixes, the most rows
/// one array of batch buffers holds); the checks themselves and the checked update are the library's
/// Nn.Kernels.GeneratedChecks, which scans θ only after a non-finite result and names a bad element from Architecture.
/// </summary>
internal sealed class ArgumentCheckEmitter(EmitContext context) : CodeEmitter(context)
{
    /// <summary>The sample and batch checks every entry point starts with.</summary>
    public void EmitArgumentChecks()
    {
        using (w.Block($"private static void CheckSample(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> input, global::System.ReadOnlySpan<{T}> target)"))
        {
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"parameters\", ParameterCount, parameters.Length);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"input\", InputSize, input.Length);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"target\", OutputSize, target.Length);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"input\", input, InputSize);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"target\", target, OutputSize);");
        }

        w.Line();
        using (w.Block($"private static void CheckBatch(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> outputs, int rows)"))
        {
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"parameters\", ParameterCount, parameters.Length);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckPositive(\"rows\", rows);");
            var most = Int(MaxArrayLength / ScratchWidth);
            using (w.Block($"if (rows > {most})"))
            {
                w.Line($"throw new global::System.ArgumentOutOfRangeException(\"rows\", rows, global::System.FormattableString.Invariant($\"rows must be at most {most} (the batch buffers hold rows × {Int(ScratchWidth)} values in one array), but is {{rows}}.\"));");
            }

            // In 64 bits: rows × width wrapped around in int could match a short span and let the kernels run past it.
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"inputs\", (long)rows * InputSize, inputs.Length);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"outputs or targets\", (long)rows * OutputSize, outputs.Length);");
        }

    }

    /// <summary>The exception documentation of an entry point that checks lengths and finiteness.</summary>
    public void ThrowsOnBadInput(bool targets, bool rows, bool step = false)
    {
        var values = targets ? "x, y or θ" : "x or θ";
        w.Line($"/// <exception cref=\"global::System.ArgumentException\">A length is wrong, or {values} holds NaN or ±∞: the message names the first");
        w.Line("/// such element (θ, being large, is scanned only when the result comes out non-finite)." + (step ? string.Empty : "</exception>"));
        if (step)
        {
            w.Line("/// Also when θ' = θ − η ∇θ C is not finite although the arguments are (divergence); an in-place step then leaves");
            w.Line("/// θ' as computed in the buffer.</exception>");
        }

        var counts = rows && model.HasL2 && targets ? "rows or l2SampleCount is" : rows ? "rows is" : model.HasL2 && targets ? "l2SampleCount is" : null;
        var reasons = new[] { step ? "η is not positive and finite" : null, counts is null ? null : counts + " below 1", rows ? "rows is too many for one array of batch buffers" : null }.Where(r => r is not null).ToArray();
        if (reasons.Length > 0)
        {
            var text = string.Join(", or ", reasons);
            // The sentence starts with a parameter's name or symbol, so it keeps its case.
            w.Line($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\">{text}.</exception>");
        }
    }
}
