using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The straight-line passes: no loop over layers and no virtual calls. Layers with at most
/// <see cref="LayerModel.UnrollLimit"/> weights become one scalar statement per unit and per weight; larger layers
/// become fixed-bound loops over the rows of W^l whose bodies are SIMD dot products and axpys.
/// </summary>
/// <remarks>
/// Layers are numbered as in the derivation: a^0 = x and layer l = 1…L computes a^l. A layer's z^l, a^l and δ^l
/// live in scalar locals (z2_0, a2_0, d2_0) when it and its successor are unrolled, else in stack spans (a2, d2).
/// z^l is kept only where a later step reads it: for the last layer (the cost) and for softmax layers, whose
/// activation needs the whole vector z^l before any a^l_k.
/// </remarks>
internal sealed partial class NetworkEmitter
{
    private bool overwrite;

    private int L => model.Layers.Length;

    private LayerModel Layer(int l) => model.Layers[l - 1];

    /// <summary>Whether a^l and δ^l live in spans: a SIMD loop writes or reads them.</summary>
    private bool InSpan(int l) => allSpans || !Layer(l).IsUnrolled || (l < L && !Layer(l + 1).IsUnrolled);

    private string A(int l, string k) => l == 0 ? $"x[{k}]" : InSpan(l) ? $"a{l}[{k}]" : $"a{l}_{k}";

    private string D(int l, string k) => InSpan(l) ? $"d{l}[{k}]" : $"d{l}_{k}";

    private string Z(int l, string k) => InSpan(l) ? $"z{l}[{k}]" : $"z{l}_{k}";

    /// <summary>The span holding a^l (x for l = 0).</summary>
    private static string ASpan(int l) => l == 0 ? "x" : $"a{l}";

    private string One => model.IsDouble ? "1.0" : "1f";

    private string Zero => model.IsDouble ? "0.0" : "0f";

    private void EmitPasses()
    {
        w.Line("// The forward pass of one sample, written out layer by layer.");
        using (w.Block($"private static void ForwardSample(ReadOnlySpan<{T}> p, ReadOnlySpan<{T}> x, Span<{T}> output)"))
        {
            DeclareSpans(withDeltas: false);
            EmitForward();
            w.Line();
            w.Line("// The output a^L.");
            ForEach(L, k => w.Line($"output[{k}] = {A(L, k)};"));
        }

        w.Line();
        w.Line("// The cost of one sample: the forward pass, then C(a^L, y).");
        using (w.Block($"private static {T} SampleCost(ReadOnlySpan<{T}> p, ReadOnlySpan<{T}> x, ReadOnlySpan<{T}> y)"))
        {
            DeclareSpans(withDeltas: false);
            EmitForward();
            w.Line();
            w.Line($"return {EmitCost()};");
        }

        w.Line();
        EmitBackprop(overwrite: false);
        EmitBackprop(overwrite: true);
        if (DeferFirstLayer)
        {
            EmitFirstLayerBlock();
        }

        EmitGemmPasses();
    }

    /// <summary>
    /// Backpropagation for one sample. AccumulateSample adds scale · ∇θ C into g; WriteSample, used for a batch's
    /// first sample, writes it, so the gradient buffer never needs clearing first.
    /// </summary>
    private void EmitBackprop(bool overwrite)
    {
        this.overwrite = overwrite;
        w.Line("// Backpropagation for one sample: the forward pass, the cost, then the four equations from the last");
        w.Line(overwrite
            ? "// layer to the first, writing scale · ∇θ C into g (for the first sample of a batch: nothing to add to yet)."
            : "// layer to the first, adding scale · ∇θ C into g (scale = 1/m makes the sum over a batch its mean).");
        var deferred = DeferFirstLayer ? $", ReadOnlySpan<{T}> firstZ, Span<{T}> delta1" : string.Empty;
        var name = overwrite ? "WriteSample" : "AccumulateSample";
        using (w.Block($"private static {T} {name}(ReadOnlySpan<{T}> p, ReadOnlySpan<{T}> x, ReadOnlySpan<{T}> y, {T} scale, Span<{T}> g{deferred})"))
        {
            DeclareSpans(withDeltas: true);
            EmitForward(firstLayerGiven: DeferFirstLayer);
            w.Line();
            var cost = EmitCost();
            w.Line();
            EmitOutputDelta();
            for (var l = L; l >= 1; l--)
            {
                w.Line();
                EmitLayerGradient(l);
                if (l > 1)
                {
                    w.Line();
                    EmitPropagate(l);
                }
            }

            w.Line();
            w.Line($"return {cost};");
        }

        w.Line();
        this.overwrite = false;
    }

    /// <summary>"=" while WriteSample is emitted, "+=" otherwise.</summary>
    private string Into => overwrite ? "=" : "+=";

    private void DeclareSpans(bool withDeltas)
    {
        for (var l = 1; l <= L; l++)
        {
            if (InSpan(l))
            {
                if (KeepsZ(l))
                {
                    w.Line($"Span<{T}> z{l} = stackalloc {T}[{Layer(l).Outputs}];");
                }

                w.Line($"Span<{T}> a{l} = stackalloc {T}[{Layer(l).Outputs}];");
                if (withDeltas)
                {
                    w.Line($"Span<{T}> d{l} = stackalloc {T}[{Layer(l).Outputs}];");
                }
            }
        }

        if (Enumerable.Range(1, L).Any(InSpan))
        {
            w.Line();
        }
    }

    /// <summary>Runs <paramref name="body"/> for every unit of layer l: once per constant index, or in one loop over k.</summary>
    private void ForEach(int l, Action<string> body)
    {
        if (InSpan(l))
        {
            using (w.Block($"for (var k = 0; k < {Layer(l).Outputs}; k++)"))
            {
                body("k");
            }
        }
        else
        {
            for (var k = 0; k < Layer(l).Outputs; k++)
            {
                body(k.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Σ_k term(k) over the units of layer l, as one expression or an accumulating loop into a local.</summary>
    private string Sum(string name, int l, Func<string, string> term)
    {
        if (InSpan(l))
        {
            w.Line($"var {name} = {Zero};");
            ForEach(l, k => w.Line($"{name} += {term(k)};"));
        }
        else
        {
            w.Line($"var {name} = {string.Join(" + ", Enumerable.Range(0, Layer(l).Outputs).Select(k => term(Int(k))))};");
        }

        return name;
    }

    private void Assign(string target, string expression)
    {
        w.Line(target.Contains("[") ? $"{target} = {expression};" : $"var {target} = {expression};");
    }

    /// <param name="firstLayerGiven">Whether z^1 arrives in the span firstZ (computed per block by FirstLayerBlock).</param>
    private void EmitForward(bool firstLayerGiven = false)
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
                    w.Line($"GeneratedKernels.MultiplyRows(p.Slice(Weights{l}Offset, {layer.Outputs * layer.Inputs}), {ASpan(l - 1)}, {products}, {layer.Outputs}, {layer.Inputs});");
                }

                using (w.Block($"for (var j = 0; j < {layer.Outputs}; j++)"))
                {
                    var bias = layer.HasBias && !given ? $" + p[Bias{l}Offset + j]" : string.Empty;
                    var dot = given ? "firstZ[j]"
                        : rowsAtOnce ? $"{products}[j]"
                        : $"{DotKernel(layer)}(p.Slice(Weights{l}Offset + (j * {layer.Inputs}), {layer.Inputs}), {ASpan(l - 1)})";
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
                EmitSoftmax(l);
            }
        }
    }

    /// <summary>Whether z^l is stored for a later step: the cost reads z^L, and softmax reads all of z^l at once.</summary>
    private bool KeepsZ(int l) => l == L || Layer(l).Activation == ActivationKind.Softmax;

    /// <summary>a_k = e^(z_k − max z) / Σ_j e^(z_j − max z), so no exponent overflows.</summary>
    private void EmitSoftmax(int l)
    {
        w.Line($"// Softmax: a^{l}_k = e^(z_k − max z) / Σ_j e^(z_j − max z).");
        if (InSpan(l))
        {
            w.Line($"var max{l} = TensorPrimitives.Max<{T}>(z{l});");
        }
        else
        {
            w.Line($"var max{l} = {Z(l, "0")};");
            for (var k = 1; k < Layer(l).Outputs; k++)
            {
                w.Line($"max{l} = {T}.Max(max{l}, {Z(l, Int(k))});");
            }
        }

        ForEach(l, k => Assign(InSpan(l) ? A(l, k) : $"e{l}_{k}", $"{T}.Exp({Z(l, k)} - max{l})"));
        Sum($"sum{l}", l, k => InSpan(l) ? A(l, k) : $"e{l}_{k}");
        ForEach(l, k => Assign(A(l, k), InSpan(l) ? $"{A(l, k)} / sum{l}" : $"e{l}_{k} / sum{l}"));
    }

    private string Activate(ActivationKind activation, string z) => activation switch
    {
        ActivationKind.Identity => z,
        ActivationKind.Sigmoid => $"{One} / ({One} + {T}.Exp(-{z}))",
        ActivationKind.Tanh => $"{T}.Tanh({z})",
        ActivationKind.Relu => $"{T}.Max({z}, {Zero})",
        _ => throw new InvalidOperationException("softmax is emitted per layer"),
    };

    /// <summary>
    /// σ'(z) written from a = σ(z): a(1 − a), 1 − a², and for ReLU 1 where a &gt; 0 (exactly where z &gt; 0);
    /// empty for the identity, whose factor of 1 is left out.
    /// </summary>
    private string Derivative(ActivationKind activation, string a) => activation switch
    {
        ActivationKind.Identity => string.Empty,
        ActivationKind.Sigmoid => $"{a} * ({One} - {a})",
        ActivationKind.Tanh => $"({One} - ({a} * {a}))",
        ActivationKind.Relu => $"({a} > {Zero} ? {One} : {Zero})",
        _ => throw new InvalidOperationException("softmax has no element-wise derivative"),
    };

    /// <summary>The product of a factor and σ', or the factor alone when σ' is the identity's 1.</summary>
    private static string Times(string factor, string derivative) =>
        derivative.Length == 0 ? factor : $"({factor} * {derivative})";

    /// <summary>Equations 4 and 3 of layer l: ∂C/∂W^l += δ^l (a^(l−1))ᵀ and ∂C/∂b^l += δ^l.</summary>
    private void EmitLayerGradient(int l)
    {
        var layer = Layer(l);
        w.Line($"// Equation 4: ∂C/∂W^{l} = δ^{l} (a^{l - 1})ᵀ, i.e. ∂C/∂W^{l}_jk = a^{l - 1}_k δ^{l}_j.");
        if (l == 1 && DeferFirstLayer)
        {
            w.Line("// Layer 1's rows are long: hand δ^1 to the caller, which applies this equation per block of samples (AccumulateFirstLayer).");
            w.Line("d1.CopyTo(delta1);");
        }
        else if (layer.IsUnrolled)
        {
            for (var j = 0; j < layer.Outputs; j++)
            {
                for (var k = 0; k < layer.Inputs; k++)
                {
                    w.Line($"g[{Int(layer.WeightOffset + (j * layer.Inputs) + k)}] {Into} {D(l, Int(j))} * {A(l - 1, Int(k))};");
                }
            }
        }
        else
        {
            using (w.Block($"for (var j = 0; j < {layer.Outputs}; j++)"))
            {
                w.Line($"var row = g.Slice(Weights{l}Offset + (j * {layer.Inputs}), {layer.Inputs});");
                SkipInactive(l, overwrite ? "row.Clear();" : null);
                w.Line(overwrite ? ScaleCall(layer, ASpan(l - 1), $"d{l}[j]", "row") : AddScaledCall(layer, ASpan(l - 1), $"d{l}[j]", "row"));
            }
        }

        if (!layer.HasBias)
        {
            return;
        }

        w.Line();
        w.Line($"// Equation 3: ∂C/∂b^{l} = δ^{l}.");
        if (layer.IsUnrolled)
        {
            for (var j = 0; j < layer.Outputs; j++)
            {
                w.Line($"g[{Int(layer.BiasOffset + j)}] {Into} {D(l, Int(j))};");
            }
        }
        else
        {
            using (w.Block($"for (var j = 0; j < {layer.Outputs}; j++)"))
            {
                w.Line($"g[Bias{l}Offset + j] {Into} d{l}[j];");
            }
        }
    }

    /// <summary>Equation 2 from layer l down to l − 1: δ^(l−1) = ((W^l)ᵀ δ^l) ⊙ σ'(z^(l−1)).</summary>
    private void EmitPropagate(int l)
    {
        var layer = Layer(l);
        var below = Layer(l - 1);
        var softmax = below.Activation == ActivationKind.Softmax;
        w.Line(softmax
            ? $"// Equation 2 through softmax's Jacobian: with g = (W^{l})ᵀ δ^{l}, δ^{l - 1}_k = a^{l - 1}_k (g_k − Σ_j a^{l - 1}_j g_j)."
            : $"// Equation 2: δ^{l - 1} = ((W^{l})ᵀ δ^{l}) ⊙ σ'(z^{l - 1}).");
        if (layer.IsUnrolled)
        {
            // Under softmax, g is written first (into δ^(l−1)'s span, or into locals g{l−1}_k) and the Jacobian applied after.
            string G(string k) => InSpan(l - 1) ? D(l - 1, k) : $"g{l - 1}_{k}";
            for (var k = 0; k < layer.Inputs; k++)
            {
                var terms = Enumerable.Range(0, layer.Outputs).Select(j => $"p[{Int(layer.WeightOffset + (j * layer.Inputs) + k)}] * {D(l, Int(j))}");
                var sum = $"({string.Join(" + ", terms)})";
                Assign(softmax ? G(Int(k)) : D(l - 1, Int(k)), softmax ? sum : Times(sum, Derivative(below.Activation, A(l - 1, Int(k)))));
            }

            if (softmax)
            {
                EmitSoftmaxBackward(l - 1, G);
            }
        }
        else
        {
            w.Line($"d{l - 1}.Clear();");
            using (w.Block($"for (var j = 0; j < {layer.Outputs}; j++)"))
            {
                SkipInactive(l);
                w.Line(AddScaledCall(layer, $"p.Slice(Weights{l}Offset + (j * {layer.Inputs}), {layer.Inputs})", $"d{l}[j]", $"d{l - 1}"));
            }

            if (softmax)
            {
                EmitSoftmaxBackward(l - 1, k => $"d{l - 1}[{k}]");
            }
            else if (below.Activation != ActivationKind.Identity)
            {
                using (w.Block($"for (var k = 0; k < {below.Outputs}; k++)"))
                {
                    w.Line($"d{l - 1}[k] *= {Derivative(below.Activation, $"a{l - 1}[k]")};");
                }
            }
        }
    }

    /// <summary>
    /// δ^l = a^l ⊙ (g − (g · a^l)) from g = ∂C/∂a^l held in <paramref name="g"/>: softmax's Jacobian
    /// diag(a) − a aᵀ times g, without forming the matrix. Used for hidden softmax layers (the output layer's
    /// version, scaled by 1/m, is in EmitOutputDelta).
    /// </summary>
    private void EmitSoftmaxBackward(int l, Func<string, string> g)
    {
        var projection = Sum($"projection{l}", l, k => $"({g(k)} * {A(l, k)})");
        ForEach(l, k => Assign(D(l, k), $"{A(l, k)} * ({g(k)} - {projection})"));
    }
}
