namespace Nn.Generators.Networks;

/// <summary>
/// A convolution too large for the direct loops (<see cref="SpatialLayerModel.UsesGemm"/>) as products of matrices
/// on the library's packed GEMM (Nn.Kernels.DenseKernels), the way a dense layer treats a batch: each receptive field
/// becomes one row of X̂ᵀ (positions × C·KH·KW, "im2row"), so that Zᵀ = X̂ᵀ Kᵀ, ∂C/∂K = Δᵀ X̂ᵀ, and
/// ∂C/∂X̂ᵀ = Δ K, which is then added back onto the input positions each row was copied from. The copies, the bias,
/// σ and the reorderings between position-major and channel-major order keep constant sizes.
/// </summary>
internal sealed class ConvolutionGemmEmitter(EmitContext context) : CodeEmitter(context)
{
    /// <summary>X̂ᵀ from <paramref name="source"/> (the padded input), Zᵀ by one GEMM, then a = σ(Z + b) channel-major into sa{s}.</summary>
    public void EmitForward(int s, string source)
    {
        var layer = model.Spatial[s - 1];
        string O = Int(layer.Filters), P = Int(layer.Positions), patch = Int(layer.PatchSize);
        w.Line($"// As products: row (i·{layer.OutputWidth} + j) of X̂ᵀ is the receptive field x̃[c, i·{layer.Stride}+u, j·{layer.Stride}+v] in (c, u, v) order, then Zᵀ = X̂ᵀ Kᵀ.");
        OverFields(s, (row, corner) =>
        {
            using (w.Block($"for (var c = 0; c < {Int(layer.Channels)}; c++)"))
            using (w.Block($"for (var u = 0; u < {Int(layer.KernelHeight)}; u++)"))
            {
                w.Line($"{source}.Slice({Plane(layer)} + {corner} + (u * {Int(layer.PaddedWidth)}), {Int(layer.KernelWidth)}).CopyTo({row}.Slice(((c * {Int(layer.KernelHeight)}) + u) * {Int(layer.KernelWidth)}, {Int(layer.KernelWidth)}));");
            }
        });
        w.Line($"{Kernels}.MultiplyByTransposeInto<{T}>(fields{s}, {P}, {patch}, p.Slice(Kernels{s}Offset, {Int(layer.WeightCount)}), {O}, zt{s});");
        using (w.Block($"for (var o = 0; o < {O}; o++)"))
        {
            w.Line($"var bias = {(layer.HasBias ? $"p[KernelBias{s}Offset + o]" : Zero)};");
            using (w.Block($"for (var position = 0; position < {P}; position++)"))
            {
                w.Line($"var z = zt{s}[(position * {O}) + o] + bias;");
                w.Line($"sa{s}[(o * {P}) + position] = {Activate(layer.Activation, "z")};");
            }
        }
    }

    /// <summary>Δᵀ (δ position-major) into zt{s}, ∂C/∂K = Δᵀ X̂ᵀ by one GEMM, ∂C/∂b[o] = Σ δ[o, ·].</summary>
    public void EmitGradient(int s)
    {
        var layer = model.Spatial[s - 1];
        string O = Int(layer.Filters), P = Int(layer.Positions), patch = Int(layer.PatchSize);
        using (w.Block($"for (var o = 0; o < {O}; o++)"))
        {
            if (layer.HasBias)
            {
                w.Line($"g[KernelBias{s}Offset + o] {Into} global::Nn.Kernels.GeneratedSpans.Sum<{T}>(sd{s}.Slice(o * {P}, {P}));");
            }

            using (w.Block($"for (var position = 0; position < {P}; position++)"))
            {
                w.Line($"zt{s}[(position * {O}) + o] = sd{s}[(o * {P}) + position];");
            }
        }

        var product = Style.Overwrite ? "TransposeProductInto" : "AddTransposeProductInto";
        w.Line($"{Kernels}.{product}<{T}>(zt{s}, {P}, {O}, fields{s}, {patch}, g.Slice(Kernels{s}Offset, {Int(layer.WeightCount)}));");
    }

    /// <summary>∂C/∂X̂ᵀ = Δ K by one GEMM (over X̂ᵀ, no longer needed), then each row added back onto the positions of its field in <paramref name="target"/>.</summary>
    public void EmitInputGradient(int s, string target)
    {
        var layer = model.Spatial[s - 1];
        string O = Int(layer.Filters), P = Int(layer.Positions), patch = Int(layer.PatchSize);
        w.Line($"// Convolution {s}, equation 2 as a product: ∂C/∂X̂ᵀ = Δᵀ K, each row then added onto the input positions of its field.");
        w.Line($"{Kernels}.MultiplyInto<{T}>(zt{s}, {P}, {O}, p.Slice(Kernels{s}Offset, {Int(layer.WeightCount)}), {patch}, fields{s});");
        w.Line($"{target}.Clear();");
        OverFields(s, (row, corner) =>
        {
            using (w.Block($"for (var c = 0; c < {Int(layer.Channels)}; c++)"))
            using (w.Block($"for (var u = 0; u < {Int(layer.KernelHeight)}; u++)"))
            {
                w.Line($"var into = {target}.Slice({Plane(layer)} + {corner} + (u * {Int(layer.PaddedWidth)}), {Int(layer.KernelWidth)});");
                w.Line($"var from = {row}.Slice(((c * {Int(layer.KernelHeight)}) + u) * {Int(layer.KernelWidth)}, {Int(layer.KernelWidth)});");
                using (w.Block($"for (var v = 0; v < {Int(layer.KernelWidth)}; v++)"))
                {
                    w.Line("into[v] += from[v];");
                }
            }
        });
    }

    private static string Plane(SpatialLayerModel layer) => $"(c * {Int(layer.PaddedHeight * layer.PaddedWidth)})";

    /// <summary>A loop over the output positions (i, j) with the row of X̂ᵀ and the field's corner in x̃.</summary>
    private void OverFields(int s, System.Action<string, string> body)
    {
        var layer = model.Spatial[s - 1];
        using (w.Block($"for (var i = 0; i < {Int(layer.OutputHeight)}; i++)"))
        using (w.Block($"for (var j = 0; j < {Int(layer.OutputWidth)}; j++)"))
        {
            w.Line($"var field = fields{s}.Slice(((i * {Int(layer.OutputWidth)}) + j) * {Int(layer.PatchSize)}, {Int(layer.PatchSize)});");
            w.Line($"var corner = (i * {Int(layer.Stride * layer.PaddedWidth)}) + (j * {Int(layer.Stride)});");
            body("field", "corner");
        }
    }
}
