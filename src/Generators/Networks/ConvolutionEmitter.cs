using System;
using System.Collections.Generic;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// One convolution of one sample with every size a constant: z[o,i,j] = b[o] + Σ_{c,u,v} K[o,c,u,v] x̃[c, i·s+u, j·s+v]
/// (cross-correlation, x̃ the input zero-padded by p), a = σ(z), and its backward pass: ∂C/∂K[o,c,u,v] =
/// Σ_{i,j} δ[o,i,j] x̃[c, i·s+u, j·s+v], ∂C/∂b[o] = Σ_{i,j} δ[o,i,j], ∂C/∂x̃[c, i·s+u, j·s+v] += δ[o,i,j] K[o,c,u,v].
/// A kernel of at most <see cref="SpatialLayerModel.UnrollLimit"/> taps is written out tap by tap, with each tap's
/// offset in the padded input folded into a constant; larger kernels loop over their rows with a SIMD dot product.
/// </summary>
internal sealed class ConvolutionEmitter(EmitContext context) : CodeEmitter(context)
{
    private SpatialLayerModel Conv(int s) => model.Spatial[s - 1];

    /// <summary>The (kernel index, input offset) of every tap: K[o,c,u,v] sits at u·KW + v of the channel's kernel, x̃ at u·WP + v from the field's corner.</summary>
    private static IEnumerable<(int Kernel, int Input)> Taps(SpatialLayerModel layer) =>
        from u in Enumerable.Range(0, layer.KernelHeight)
        from v in Enumerable.Range(0, layer.KernelWidth)
        select ((u * layer.KernelWidth) + v, (u * layer.PaddedWidth) + v);

    /// <summary>The length of the stretch of one channel of x̃ that a receptive field touches.</summary>
    private static int FieldSpan(SpatialLayerModel layer) => ((layer.KernelHeight - 1) * layer.PaddedWidth) + layer.KernelWidth;

    public void EmitForward(int s, string input)
    {
        var layer = Conv(s);
        int plane = layer.PaddedHeight * layer.PaddedWidth, positions = layer.OutputHeight * layer.OutputWidth, taps = layer.KernelHeight * layer.KernelWidth;
        w.Line($"// Convolution {s} ({layer.Filters} filters of {layer.Channels}×{layer.KernelHeight}×{layer.KernelWidth} over {layer.Channels}×{layer.Height}×{layer.Width}, stride {layer.Stride}, padding {layer.Padding}, {layer.Activation}{(layer.HasBias ? string.Empty : ", no bias")}):");
        w.Line($"// z[o,i,j] = {(layer.HasBias ? "b[o] + " : string.Empty)}Σ_{{c,u,v}} K[o,c,u,v] x̃[c, i·{layer.Stride}+u, j·{layer.Stride}+v], a = σ(z), {layer.Filters}×{layer.OutputHeight}×{layer.OutputWidth}.");
        var source = EmitPadding(s, input);
        if (layer.UsesGemm)
        {
            new ConvolutionGemmEmitter(Context).EmitForward(s, source);
            return;
        }

        using (w.Block($"for (var o = 0; o < {Int(layer.Filters)}; o++)"))
        {
            w.Line($"var kernel = p.Slice(Kernels{s}Offset + (o * {Int(layer.PatchSize)}), {Int(layer.PatchSize)});");
            w.Line($"var plane = sa{s}.Slice(o * {Int(positions)}, {Int(positions)});");
            if (layer.HasBias)
            {
                w.Line($"var bias = p[KernelBias{s}Offset + o];");
            }

            using (w.Block($"for (var i = 0; i < {Int(layer.OutputHeight)}; i++)"))
            using (w.Block($"for (var j = 0; j < {Int(layer.OutputWidth)}; j++)"))
            {
                w.Line($"var corner = (i * {Int(layer.Stride * layer.PaddedWidth)}) + (j * {Int(layer.Stride)});");
                w.Line($"var z = {(layer.HasBias ? "bias" : Zero)};");
                ForChannels(layer, () =>
                {
                    if (layer.IsUnrolled)
                    {
                        w.Line($"var field = {source}.Slice((c * {Int(plane)}) + corner, {Int(FieldSpan(layer))});");
                        w.Line($"var k = kernel.Slice(c * {Int(taps)}, {Int(taps)});");
                        w.Line($"z += {string.Join(" + ", Taps(layer).Select(t => $"(k[{Int(t.Kernel)}] * field[{Int(t.Input)}])"))};");
                    }
                    else
                    {
                        using (w.Block($"for (var u = 0; u < {Int(layer.KernelHeight)}; u++)"))
                        {
                            w.Line($"z += global::Nn.Kernels.GeneratedKernels.Dot<{T}>({KernelPathLocal}, kernel.Slice((((c * {Int(layer.KernelHeight)}) + u) * {Int(layer.KernelWidth)}), {Int(layer.KernelWidth)}), {source}.Slice((c * {Int(plane)}) + corner + (u * {Int(layer.PaddedWidth)}), {Int(layer.KernelWidth)}));");
                        }
                    }
                });
                w.Line($"plane[(i * {Int(layer.OutputWidth)}) + j] = {Activate(layer.Activation, "z")};");
            }
        }
    }

    /// <summary>Equations 4 and 3 of the convolution, and equation 2 into the layer below unless it reads the image.</summary>
    public void EmitBackward(int s, string input)
    {
        var layer = Conv(s);
        int plane = layer.PaddedHeight * layer.PaddedWidth, positions = layer.OutputHeight * layer.OutputWidth, taps = layer.KernelHeight * layer.KernelWidth;
        var source = layer.Padding > 0 ? $"xp{s}" : input;
        w.Line($"// Convolution {s}, equation 4: ∂C/∂K[o,c,u,v] = Σ_{{i,j}} δ[o,i,j] x̃[c, i·{layer.Stride}+u, j·{layer.Stride}+v]{(layer.HasBias ? "; equation 3: ∂C/∂b[o] = Σ_{i,j} δ[o,i,j]" : string.Empty)}.");
        if (layer.UsesGemm)
        {
            var gemm = new ConvolutionGemmEmitter(Context);
            gemm.EmitGradient(s);
            if (s > 1)
            {
                w.Line();
                gemm.EmitInputGradient(s, layer.Padding > 0 ? $"dxp{s}" : $"sd{s - 1}");
                EmitCrop(s);
            }

            return;
        }

        using (w.Block($"for (var o = 0; o < {Int(layer.Filters)}; o++)"))
        {
            w.Line($"var delta = sd{s}.Slice(o * {Int(positions)}, {Int(positions)});");
            if (layer.HasBias)
            {
                w.Line($"g[KernelBias{s}Offset + o] {Into} global::Nn.Kernels.GeneratedSpans.Sum<{T}>(delta);");
            }

            ForChannels(layer, () =>
            {
                w.Line($"var gk = g.Slice(Kernels{s}Offset + (((o * {Int(layer.Channels)}) + c) * {Int(taps)}), {Int(taps)});");
                if (layer.IsUnrolled)
                {
                    // One running sum per tap, all fed from each δ[o,i,j] as it is loaded.
                    foreach (var tap in Taps(layer))
                    {
                        w.Line($"var g{Int(tap.Kernel)} = {Zero};");
                    }

                    OverPositions(layer, () =>
                    {
                        w.Line($"var field = {source}.Slice((c * {Int(plane)}) + corner, {Int(FieldSpan(layer))});");
                        foreach (var tap in Taps(layer))
                        {
                            w.Line($"g{Int(tap.Kernel)} += d * field[{Int(tap.Input)}];");
                        }
                    });
                    foreach (var tap in Taps(layer))
                    {
                        w.Line($"gk[{Int(tap.Kernel)}] {Into} g{Int(tap.Kernel)};");
                    }
                }
                else
                {
                    using (w.Block($"for (var tap = 0; tap < {Int(taps)}; tap++)"))
                    {
                        w.Line($"var offset = ((tap / {Int(layer.KernelWidth)}) * {Int(layer.PaddedWidth)}) + (tap % {Int(layer.KernelWidth)});");
                        w.Line($"var sum = {Zero};");
                        OverPositions(layer, () => w.Line($"sum += d * {source}[(c * {Int(plane)}) + corner + offset];"));
                        w.Line($"gk[tap] {Into} sum;");
                    }
                }
            });
        }

        if (s == 1)
        {
            return;
        }

        var target = layer.Padding > 0 ? $"dxp{s}" : $"sd{s - 1}";
        w.Line();
        w.Line($"// Convolution {s}, equation 2: ∂C/∂x̃[c, i·{layer.Stride}+u, j·{layer.Stride}+v] += δ[o,i,j] K[o,c,u,v]{(layer.Padding > 0 ? ", then cropped by the padding" : string.Empty)}.");
        w.Line($"{target}.Clear();");
        using (w.Block($"for (var o = 0; o < {Int(layer.Filters)}; o++)"))
        {
            w.Line($"var kernel = p.Slice(Kernels{s}Offset + (o * {Int(layer.PatchSize)}), {Int(layer.PatchSize)});");
            w.Line($"var delta = sd{s}.Slice(o * {Int(positions)}, {Int(positions)});");
            OverPositions(layer, () => ForChannels(layer, () =>
            {
                if (layer.IsUnrolled)
                {
                    w.Line($"var field = {target}.Slice((c * {Int(plane)}) + corner, {Int(FieldSpan(layer))});");
                    w.Line($"var k = kernel.Slice(c * {Int(taps)}, {Int(taps)});");
                    foreach (var tap in Taps(layer))
                    {
                        w.Line($"field[{Int(tap.Input)}] += d * k[{Int(tap.Kernel)}];");
                    }
                }
                else
                {
                    using (w.Block($"for (var u = 0; u < {Int(layer.KernelHeight)}; u++)"))
                    {
                        w.Line($"global::Nn.Kernels.GeneratedKernels.AddScaled<{T}>({KernelPathLocal}, kernel.Slice((((c * {Int(layer.KernelHeight)}) + u) * {Int(layer.KernelWidth)}), {Int(layer.KernelWidth)}), d, {target}.Slice((c * {Int(plane)}) + corner + (u * {Int(layer.PaddedWidth)}), {Int(layer.KernelWidth)}));");
                    }
                }
            }));
        }

        EmitCrop(s);
    }

    /// <summary>∂C/∂x from ∂C/∂x̃: the padded gradient cropped by p into the layer below's δ.</summary>
    private void EmitCrop(int s)
    {
        var layer = Conv(s);
        if (layer.Padding > 0)
        {
            EmitRows(layer, (row, padded) => w.Line($"dxp{s}.Slice({padded}, {Int(layer.Width)}).CopyTo(sd{s - 1}.Slice({row}, {Int(layer.Width)}));"));
        }
    }

    /// <summary>x̃ = the input with p zeros on every side, in xp{s}; returns the span the convolution reads.</summary>
    private string EmitPadding(int s, string input)
    {
        var layer = Conv(s);
        if (layer.Padding == 0)
        {
            return input;
        }

        w.Line($"xp{s}.Clear();");
        EmitRows(layer, (row, padded) => w.Line($"{input}.Slice({row}, {Int(layer.Width)}).CopyTo(xp{s}.Slice({padded}, {Int(layer.Width)}));"));
        return $"xp{s}";
    }

    /// <summary>A loop over the input rows (c, r), giving the offset of the row in the input and in x̃.</summary>
    private void EmitRows(SpatialLayerModel layer, Action<string, string> body)
    {
        using (w.Block($"for (var c = 0; c < {Int(layer.Channels)}; c++)"))
        using (w.Block($"for (var r = 0; r < {Int(layer.Height)}; r++)"))
        {
            body(
                $"((c * {Int(layer.Height)}) + r) * {Int(layer.Width)}",
                $"((((c * {Int(layer.PaddedHeight)}) + r + {Int(layer.Padding)}) * {Int(layer.PaddedWidth)}) + {Int(layer.Padding)})");
        }
    }

    /// <summary>The body once per input channel c: a loop, or c = 0 when there is one channel.</summary>
    private void ForChannels(SpatialLayerModel layer, Action body)
    {
        if (layer.Channels == 1)
        {
            w.Line("const int c = 0;");
            body();
            return;
        }

        using (w.Block($"for (var c = 0; c < {Int(layer.Channels)}; c++)"))
        {
            body();
        }
    }

    /// <summary>The body once per output position (i, j) with d = δ[o,i,j] and the corner of its field in x̃.</summary>
    private void OverPositions(SpatialLayerModel layer, Action body)
    {
        using (w.Block($"for (var i = 0; i < {Int(layer.OutputHeight)}; i++)"))
        using (w.Block($"for (var j = 0; j < {Int(layer.OutputWidth)}; j++)"))
        {
            w.Line($"var d = delta[(i * {Int(layer.OutputWidth)}) + j];");
            w.Line($"var corner = (i * {Int(layer.Stride * layer.PaddedWidth)}) + (j * {Int(layer.Stride)});");
            body();
        }
    }
}
