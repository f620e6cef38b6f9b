using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The per-sample straight-line passes: no loop over layers and no virtual calls. ForwardSample and SampleCost,
/// then backpropagation twice, in the styles <see cref="EmitStyle.Accumulating"/> (AccumulateSample adds
/// scale · ∇θ C into g) and <see cref="EmitStyle.Writing"/> (WriteSample, for a batch's first sample, writes it).
/// </summary>
/// <remarks>
/// Layers are numbered as in the derivation: a^0 = x and layer l = 1…L computes a^l. A layer's z^l, a^l and δ^l
/// live in scalar locals (z2_0, a2_0, d2_0) when it and its successor are unrolled, else in stack spans (a2, d2).
/// z^l is kept only where a later step reads it: for the last layer (the cost) and for softmax layers, whose
/// activation needs the whole vector z^l before any a^l_k.
/// </remarks>
internal sealed class SamplePassEmitter(EmitContext context) : CodeEmitter(context)
{
    public void EmitPasses()
    {
        w.Line("// The forward pass of one sample, written out layer by layer.");
        using (w.Block($"private static void ForwardSample(global::System.ReadOnlySpan<{T}> p, global::System.ReadOnlySpan<{T}> {Spatial.InputName}, global::System.Span<{T}> output)"))
        {
            DeclareKernelPath();
            Spatial.EmitForward();
            DeclareSpans(withDeltas: false);
            EmitForward();
            w.Line();
            w.Line("// The output a^L.");
            ForEach(L, k => w.Line($"output[{k}] = {A(L, k)};"));
        }

        w.Line();
        w.Line("// The cost of one sample: the forward pass, then C(a^L, y).");
        using (w.Block($"private static {T} SampleCost(global::System.ReadOnlySpan<{T}> p, global::System.ReadOnlySpan<{T}> {Spatial.InputName}, global::System.ReadOnlySpan<{T}> y)"))
        {
            DeclareKernelPath();
            Spatial.EmitForward();
            DeclareSpans(withDeltas: false);
            EmitForward();
            w.Line();
            w.Line($"return {Losses.EmitCost()};");
        }

        w.Line();
        new SamplePassEmitter(In(EmitStyle.Accumulating)).EmitBackprop();
        new SamplePassEmitter(In(EmitStyle.Writing)).EmitBackprop();
        if (DeferFirstLayer)
        {
            FirstLayerBlock.EmitFirstLayerBlock();
        }

        new GemmEmitter(In(EmitStyle.Rows)).EmitGemmPasses();
        Spatial.EmitScratch();
        new StackBatchEmitter(Context).EmitWholeBatchMethods();
    }

    /// <summary>
    /// Backpropagation for one sample in this emitter's style: AccumulateSample adds scale · ∇θ C into g; WriteSample
    /// (<see cref="EmitStyle.Overwrite"/>), used for a batch's first sample, writes it, so the gradient buffer never
    /// needs clearing first.
    /// </summary>
    public void EmitBackprop()
    {
        var overwrite = Style.Overwrite;
        w.Line("// Backpropagation for one sample: the forward pass, the cost, then the four equations from the last");
        w.Line(overwrite
            ? "// layer to the first, writing scale · ∇θ C into g (for the first sample of a batch: nothing to add to yet)."
            : "// layer to the first, adding scale · ∇θ C into g (scale = 1/m makes the sum over a batch its mean).");
        var deferred = DeferFirstLayer ? $", global::System.ReadOnlySpan<{T}> firstZ, global::System.Span<{T}> delta1" : string.Empty;
        var name = overwrite ? "WriteSample" : "AccumulateSample";
        using (w.Block($"private static {T} {name}(global::System.ReadOnlySpan<{T}> p, global::System.ReadOnlySpan<{T}> {Spatial.InputName}, global::System.ReadOnlySpan<{T}> y, {T} scale, global::System.Span<{T}> g{deferred})"))
        {
            DeclareKernelPath();
            Spatial.EmitForward();
            DeclareSpans(withDeltas: true);
            EmitForward(firstLayerGiven: DeferFirstLayer);
            w.Line();
            var cost = Losses.EmitCost();
            w.Line();
            Losses.EmitOutputDelta();
            for (var l = L; l >= 1; l--)
            {
                w.Line();
                DenseLayers.EmitLayerGradient(l);
                if (l > 1)
                {
                    w.Line();
                    DenseLayers.EmitPropagate(l);
                }
            }

            Spatial.EmitBackward();
            w.Line();
            w.Line($"return {cost};");
        }

        w.Line();
    }

    private void DeclareSpans(bool withDeltas)
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
                if (withDeltas)
                {
                    w.Line($"global::System.Span<{T}> d{l} = stackalloc {T}[{Layer(l).Outputs}];");
                }
            }
        }

        if (Enumerable.Range(1, L).Any(InSpan))
        {
            w.Line();
        }
    }

    /// <param name="firstLayerGiven">Whether z^1 arrives in the span firstZ (computed per block by FirstLayerBlock).</param>
    /// <param name="afterLayer">Writes what follows layer l's a^l (inference's batch normalisation), if anything.</param>
    public void EmitForward(bool firstLayerGiven = false, Action<int>? afterLayer = null)
    {
        for (var l = 1; l <= L; l++)
        {
            var layer = Layer(l);
            if (l > 1)
            {
                w.Line();
            }

            w.Line($"// Layer {l} ({layer.Outputs} × {layer.Inputs}, {layer.Activation}{(layer.HasBias ? string.Empty : ", no bias")}): z^{l} = W^{l} a^{l - 1}{(layer.HasBias ? $" + b^{l}" : string.Empty)}, a^{l} = σ(z^{l}){(firstLayerGiven && l == 1 ? ", with z^1 from FirstLayerBlock" : string.Empty)}.");
            var softmax = layer.Activation == ActivationKind.Softmax;
            if (layer.IsUnrolled)
            {
                for (var j = 0; j < layer.Outputs; j++)
                {
                    var terms = Enumerable.Range(0, layer.Inputs).Select(k => $"p[{Int(layer.WeightOffset + (j * layer.Inputs) + k)}] * {A(l - 1, Int(k))}");
                    var bias = layer.HasBias ? $" + p[{Int(layer.BiasOffset + j)}]" : string.Empty;
                    var z = KeepsZ(l) ? Z(l, Int(j)) : $"z{l}_{j}";
                    Assign(z, string.Join(" + ", terms) + bias);
                    if (!softmax)
                    {
                        Assign(A(l, Int(j)), Activate(layer.Activation, z));
                    }
                }
            }
            else
            {
                var given = firstLayerGiven && l == 1;

                // Short rows: all of W^l x first, four rows per pass (MultiplyRows), into the span the loop then reads.
                var rowsAtOnce = !given && layer.Inputs < LongRow && layer.Outputs >= 4;
                var products = KeepsZ(l) ? $"z{l}" : $"a{l}";
                if (rowsAtOnce)
                {
                    w.Line($"global::Nn.Kernels.GeneratedKernels.MultiplyRows({KernelPathLocal}, p.Slice(Weights{l}Offset, {layer.Outputs * layer.Inputs}), {ASpan(l - 1)}, {products}, {layer.Outputs}, {layer.Inputs});");
                }

                using (w.Block($"for (var j = 0; j < {layer.Outputs}; j++)"))
                {
                    var bias = layer.HasBias && !given ? $" + p[Bias{l}Offset + j]" : string.Empty;
                    var dot = given ? "firstZ[j]"
                        : rowsAtOnce ? $"{products}[j]"
                        : DotCall(layer, $"p.Slice(Weights{l}Offset + (j * {layer.Inputs}), {layer.Inputs})", ASpan(l - 1));
                    if (KeepsZ(l))
                    {
                        w.Line($"z{l}[j] = {dot}{bias};");
                        if (!softmax)
                        {
                            w.Line($"a{l}[j] = {Activate(layer.Activation, $"z{l}[j]")};");
                        }
                    }
                    else
                    {
                        w.Line($"var z = {dot}{bias};");
                        w.Line($"a{l}[j] = {Activate(layer.Activation, "z")};");
                    }
                }
            }

            if (softmax)
            {
                Activations.EmitSoftmax(l);
            }

            afterLayer?.Invoke(l);
        }
    }
}
