using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The convolution and pooling layers in front of the dense ones, per sample: their values in one per-thread
/// scratch array of constant length, the forward pass from the image to the flattened x the dense code reads, and,
/// after the dense layers' backward pass, equation 2 into the last spatial layer and the spatial layers' backward
/// passes down to the first (by <see cref="ConvolutionEmitter"/> and <see cref="PoolingEmitter"/>).
/// </summary>
/// <remarks>
/// Spatial layer s = 1…S reads a^(s−1) (the image for s = 1) and writes sa{s}; its δ lives in sd{s}. A padded
/// convolution first copies its input into xp{s} with zero borders, so its inner loops need no bounds tests, and
/// sends its input gradient through dxp{s} before cropping it. Flattening is free: a C×H×W activation is stored in
/// C,H,W order, which is the order the first dense layer reads.
/// </remarks>
internal sealed class SpatialPassEmitter(EmitContext context) : CodeEmitter(context)
{
    /// <summary>The per-sample methods' input parameter: the image, when the dense code's x is the last spatial output.</summary>
    public string InputName => model.HasSpatial ? "image" : "x";

    private int S => model.Spatial.Length;

    /// <summary>Each scratch span with its length, in the order they are laid out.</summary>
    private (string Name, int Length)[] Buffers =>
        Enumerable.Range(1, S).SelectMany(s =>
        {
            var layer = model.Spatial[s - 1];
            var spans = new[] { ($"sa{s}", layer.OutputSize), ($"sd{s}", layer.OutputSize) }.ToList();
            if (layer.UsesGemm)
            {
                // X̂ᵀ (then ∂C/∂X̂ᵀ) and Zᵀ (then Δᵀ), position-major.
                spans.Add(($"fields{s}", layer.Positions * layer.PatchSize));
                spans.Add(($"zt{s}", layer.Positions * layer.Filters));
            }

            if (layer.IsConvolution && layer.Padding > 0)
            {
                spans.Add(($"xp{s}", layer.Channels * layer.PaddedHeight * layer.PaddedWidth));
                if (s > 1)
                {
                    spans.Add(($"dxp{s}", layer.Channels * layer.PaddedHeight * layer.PaddedWidth));
                }
            }

            return spans;
        }).ToArray();

    /// <summary>The number of values the spatial layers of one sample need.</summary>
    public int ScratchLength => Buffers.Sum(b => b.Length);

    /// <summary>The per-thread scratch the spatial layers' values live in.</summary>
    public void EmitScratch()
    {
        if (!model.HasSpatial)
        {
            return;
        }

        w.Line("// The spatial layers' values for one sample (a, δ and padded copies of every convolution and pooling layer),");
        w.Line($"// {Int(ScratchLength)} values: one array per thread, made on its first call, so no later call allocates, and");
        w.Line("// on the heap because a large image's layers would not fit the stack.");
        w.Line("[global::System.ThreadStatic]");
        w.Line($"private static {T}[]? spatialScratch;");
        w.Line();
        w.Line($"private static global::System.Span<{T}> SpatialScratch() => spatialScratch ??= new {T}[{Int(ScratchLength)}];");
        w.Line();
    }

    /// <summary>Slices the scratch, runs the spatial layers forward from the image, and names their flattened output x.</summary>
    public void EmitForward()
    {
        if (!model.HasSpatial)
        {
            return;
        }

        w.Line("var spatial = SpatialScratch();");
        var offset = 0;
        foreach (var (name, length) in Buffers)
        {
            w.Line($"var {name} = spatial.Slice({Int(offset)}, {Int(length)});");
            offset += length;
        }

        for (var s = 1; s <= S; s++)
        {
            w.Line();
            var input = s == 1 ? "image" : $"sa{s - 1}";
            if (model.Spatial[s - 1].IsConvolution)
            {
                new ConvolutionEmitter(Context).EmitForward(s, input);
            }
            else
            {
                new PoolingEmitter(Context).EmitForward(s, input);
            }
        }

        w.Line();
        w.Line($"// The dense layers read the last spatial output flattened in C,H,W order, the order it is stored in.");
        w.Line($"global::System.ReadOnlySpan<{T}> x = sa{S};");
        w.Line();
    }

    /// <summary>Equation 2 from the first dense layer into sd{S}, then every spatial layer's backward pass, last to first.</summary>
    public void EmitBackward()
    {
        if (!model.HasSpatial)
        {
            return;
        }

        var first = Layer(1);
        w.Line();
        w.Line($"// Equation 2 into the last spatial layer (its output flattened): δ^x = (W^1)ᵀ δ^1 ⊙ σ'.");
        if (first.IsUnrolled)
        {
            for (var k = 0; k < first.Inputs; k++)
            {
                var terms = Enumerable.Range(0, first.Outputs).Select(j => $"p[{Int(first.WeightOffset + (j * first.Inputs) + k)}] * {D(1, Int(j))}");
                w.Line($"sd{S}[{Int(k)}] = {string.Join(" + ", terms)};");
            }
        }
        else
        {
            w.Line($"sd{S}.Clear();");
            using (w.Block($"for (var j = 0; j < {Int(first.Outputs)}; j++)"))
            {
                SkipInactive(1);
                w.Line(AddScaledCall(first, $"p.Slice(Weights1Offset + (j * {Int(first.Inputs)}), {Int(first.Inputs)})", "d1[j]", $"sd{S}"));
            }
        }

        EmitTimesDerivative(S);
        for (var s = S; s >= 1; s--)
        {
            w.Line();
            var input = s == 1 ? "image" : $"sa{s - 1}";
            if (model.Spatial[s - 1].IsConvolution)
            {
                new ConvolutionEmitter(Context).EmitBackward(s, input);
            }
            else if (s > 1)
            {
                new PoolingEmitter(Context).EmitBackward(s, input);
            }
            else
            {
                w.Line("// Pooling layer 1 reads the image, which has no gradient: nothing to propagate.");
            }

            if (s > 1)
            {
                EmitTimesDerivative(s - 1);
            }
        }
    }

    /// <summary>sd{s} ⊙= σ'(z) of spatial layer s, from its activation a = σ(z); nothing for pooling or the identity.</summary>
    private void EmitTimesDerivative(int s)
    {
        var layer = model.Spatial[s - 1];
        if (layer.Activation == ActivationKind.Identity)
        {
            return;
        }

        using (w.Block($"for (var k = 0; k < {Int(layer.OutputSize)}; k++)"))
        {
            w.Line($"sd{s}[k] *= {Derivative(layer.Activation, $"sa{s}[k]")};");
        }
    }
}
