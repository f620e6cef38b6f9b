using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// Inference for one sample of a dense stack with batch normalisation or dropout, as straight-line code: the dense
/// layers as for any declared stack, dropout as the identity, and each batch normalisation as the affine map of its
/// running statistics, a ← γ (a − μ_r) · (1/√(σ²_r + ε)) + β, in the runtime's order of operations. At inference no
/// row depends on another, so this is per-sample code, unlike the training passes (RegularisedStackEmitter).
/// </summary>
internal sealed class InferenceSampleEmitter(EmitContext context) : CodeEmitter(context)
{
    /// <summary>The runtime's default ε (BatchNormLayer.DefaultEpsilon), the only one a declaration can have.</summary>
    private const double Epsilon = 1e-5;

    /// <summary>Whether the stack's inference is written as per-sample code (a stack with spatial layers hands it to the runtime's passes).</summary>
    public bool Applies => !model.HasSpatial;

    public void EmitInferenceSample()
    {
        w.Line("// Inference for one sample: the forward pass with each batch normalisation's running statistics s (dropout is");
        w.Line("// the identity at inference and writes nothing).");
        using (w.Block($"private static void InferenceSample(global::System.ReadOnlySpan<{T}> p, global::System.ReadOnlySpan<{T}> s, global::System.ReadOnlySpan<{T}> input, global::System.Span<{T}> output)"))
        {
            DeclareKernelPath();
            var atInput = Normalisations(0);
            if (atInput.Length == 0)
            {
                w.Line("var x = input;");
            }
            else
            {
                w.Line($"global::System.Span<{T}> x = stackalloc {T}[InputSize];");
                w.Line("input.CopyTo(x);");
                foreach (var norm in atInput)
                {
                    EmitLoop(norm, "x");
                }
            }

            w.Line();
            DeclareSpans();
            new SamplePassEmitter(Context).EmitForward(afterLayer: EmitAfter);
            w.Line();
            w.Line("// The output a^L.");
            ForEach(L, k => w.Line($"output[{k}] = {A(L, k)};"));
        }

        w.Line();
    }

    private RegulariserModel[] Normalisations(int position) =>
        model.Regularisers.Where(r => r.Position == position && !r.IsDropout).ToArray();

    private void DeclareSpans()
    {
        for (var l = 1; l <= L; l++)
        {
            if (InSpan(l))
            {
                if (KeepsZ(l))
                {
                    w.Line($"global::System.Span<{T}> z{l} = stackalloc {T}[{Layer(l).Outputs}];");
                }

                w.Line($"global::System.Span<{T}> a{l} = stackalloc {T}[{Layer(l).Outputs}];");
            }
        }

        if (Enumerable.Range(1, L).Any(InSpan))
        {
            w.Line();
        }
    }

    private void EmitAfter(int l)
    {
        foreach (var norm in Normalisations(l))
        {
            if (InSpan(l))
            {
                EmitLoop(norm, $"a{l}");
                continue;
            }

            w.Line();
            w.Line($"// Batch normalisation at inference: a^{l} ← γ (a^{l} − μ_r)/√(σ²_r + ε) + β, γ and β at θ[{Int(norm.ParameterOffset)}…], μ_r and σ²_r at s[{Int(norm.StateOffset)}…].");
            for (var k = 0; k < norm.Features; k++)
            {
                var a = A(l, Int(k));
                w.Line($"{a} = {Normalised(norm, a, Int(k))};");
            }
        }
    }

    private void EmitLoop(RegulariserModel norm, string span)
    {
        w.Line();
        w.Line($"// Batch normalisation at inference: {span} ← γ ({span} − μ_r)/√(σ²_r + ε) + β, γ and β at θ[{Int(norm.ParameterOffset)}…], μ_r and σ²_r at s[{Int(norm.StateOffset)}…].");
        using (w.Block($"for (var k = 0; k < {Int(norm.Features)}; k++)"))
        {
            w.Line($"{span}[k] = {Normalised(norm, $"{span}[k]", "k")};");
        }
    }

    /// <summary>γ_k ((v − μ_k) · (1/√(σ²_k + ε))) + β_k, grouped as BatchNormLayer.Forward computes it.</summary>
    private string Normalised(RegulariserModel norm, string value, string k)
    {
        string At(int offset) => k == "k" ? $"{Int(offset)} + k" : Int(offset + int.Parse(k, System.Globalization.CultureInfo.InvariantCulture));
        var scale = $"({One} / {T}.Sqrt(s[{At(norm.StateOffset + norm.Features)}] + ({T}){Real(Epsilon)}))";
        return $"(p[{At(norm.ParameterOffset)}] * (({value} - s[{At(norm.StateOffset)}]) * {scale})) + p[{At(norm.ParameterOffset + norm.Features)}]";
    }
}
