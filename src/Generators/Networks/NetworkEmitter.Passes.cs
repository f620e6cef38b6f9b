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
/// </remarks>
internal sealed partial class NetworkEmitter
{
    private bool overwrite;

    private int L => model.Layers.Length;

    private LayerModel Layer(int l) => model.Layers[l - 1];

    /// <summary>Whether a^l and δ^l live in spans: a SIMD loop writes or reads them.</summary>
    private bool InSpan(int l) => !Layer(l).IsUnrolled || (l < L && !Layer(l + 1).IsUnrolled);

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

    /// <summary>
    /// Whether equation 4 of layer 1 is applied per block of samples rather than per sample: a first layer of long
    /// rows has a weight block that, together with its gradient block, would not stay in cache if every sample
    /// streamed both. Each gradient element still receives the samples' terms in sample order.
    /// </summary>
    private bool DeferFirstLayer => !Layer(1).IsUnrolled && Layer(1).Inputs >= LongRow;

    /// <summary>Samples per block: at most 16, and at most 4096 buffered δ^1 values.</summary>
    private int BlockRows => Math.Max(1, Math.Min(16, 4096 / Layer(1).Outputs));

    private void EmitFirstLayerBlock()
    {
        var layer = Layer(1);
        var n = layer.Inputs;
        var o = layer.Outputs;
        var bias = layer.HasBias ? " + p[Bias1Offset + j]" : string.Empty;
        w.Line("// Layer 1 for a block of samples: z^1_s = W^1 x_s + b^1. Each row of W^1 is loaded once per four samples");
        w.Line("// (Dot4) and stays in cache while it meets every sample of the block.");
        using (w.Block($"private static void FirstLayerBlock(ReadOnlySpan<{T}> p, ReadOnlySpan<{T}> x, int count, Span<{T}> z1)"))
        {
            using (w.Block($"for (var j = 0; j < {o}; j++)"))
            {
                w.Line($"var row = p.Slice(Weights1Offset + (j * {n}), {n});");
                w.Line("var s = 0;");
                using (w.Block("for (; s + 4 <= count; s += 4)"))
                {
                    w.Line($"Dot4(row, x.Slice(s * {n}, 4 * {n}), out var z0, out var z1s, out var z2, out var z3);");
                    w.Line($"z1[(s * {o}) + j] = z0{bias};");
                    w.Line($"z1[((s + 1) * {o}) + j] = z1s{bias};");
                    w.Line($"z1[((s + 2) * {o}) + j] = z2{bias};");
                    w.Line($"z1[((s + 3) * {o}) + j] = z3{bias};");
                }

                using (w.Block("for (; s < count; s++)"))
                {
                    w.Line($"z1[(s * {o}) + j] = TensorPrimitives.Dot<{T}>(row, x.Slice(s * {n}, {n})){bias};");
                }
            }
        }

        w.Line();
        w.Line("// Equation 4 of layer 1 for a block of samples: ∂C/∂W^1_j += Σ_s δ^1_sj x_s, each row of ∂C/∂W^1 loaded and");
        w.Line("// stored once per four samples (AddScaled4), which are still added in sample order.");
        using (w.Block($"private static void AccumulateFirstLayer(ReadOnlySpan<{T}> x, ReadOnlySpan<{T}> delta1, int count, Span<{T}> g)"))
        {
            using (w.Block($"for (var j = 0; j < {o}; j++)"))
            {
                w.Line($"var row = g.Slice(Weights1Offset + (j * {n}), {n});");
                w.Line("var s = 0;");
                using (w.Block("for (; s + 4 <= count; s += 4)"))
                {
                    w.Line($"var d0 = delta1[(s * {o}) + j];");
                    w.Line($"var d1 = delta1[((s + 1) * {o}) + j];");
                    w.Line($"var d2 = delta1[((s + 2) * {o}) + j];");
                    w.Line($"var d3 = delta1[((s + 3) * {o}) + j];");
                    using (w.Block($"if (d0 != {Zero} || d1 != {Zero} || d2 != {Zero} || d3 != {Zero})"))
                    {
                        w.Line($"AddScaled4(x.Slice(s * {n}, 4 * {n}), d0, d1, d2, d3, row);");
                    }
                }

                using (w.Block("for (; s < count; s++)"))
                {
                    w.Line($"var d = delta1[(s * {o}) + j];");
                    using (w.Block($"if (d != {Zero})"))
                    {
                        w.Line($"TensorPrimitives.MultiplyAdd<{T}>(x.Slice(s * {n}, {n}), d, row, row);");
                    }
                }
            }
        }

        w.Line();
        EmitBlockKernels();
    }

    /// <summary>The four-sample kernels of the first-layer block.</summary>
    private void EmitBlockKernels()
    {
        var vector = $"Vector<{T}>";
        w.Line("// Four dot products of one weight row w with four consecutive samples in x, sharing every load of w.");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        using (w.Block($"private static void Dot4(ReadOnlySpan<{T}> w, ReadOnlySpan<{T}> x, out {T} s0, out {T} s1, out {T} s2, out {T} s3)"))
        {
            w.Line("var n = w.Length;");
            w.Line("ref var weights = ref MemoryMarshal.GetReference(w);");
            w.Line("ref var x0 = ref MemoryMarshal.GetReference(x);");
            w.Line("ref var x1 = ref Unsafe.Add(ref x0, n);");
            w.Line("ref var x2 = ref Unsafe.Add(ref x0, 2 * n);");
            w.Line("ref var x3 = ref Unsafe.Add(ref x0, 3 * n);");
            w.Line("var k = 0;");
            w.Line($"s0 = s1 = s2 = s3 = {Zero};");
            using (w.Block($"if (Vector.IsHardwareAccelerated && n >= {vector}.Count)"))
            {
                w.Line($"var v0 = {vector}.Zero;");
                w.Line($"var v1 = {vector}.Zero;");
                w.Line($"var v2 = {vector}.Zero;");
                w.Line($"var v3 = {vector}.Zero;");
                using (w.Block($"for (; k <= n - {vector}.Count; k += {vector}.Count)"))
                {
                    w.Line("var wk = Vector.LoadUnsafe(ref weights, (nuint)k);");
                    for (var i = 0; i < 4; i++)
                    {
                        w.Line($"v{i} += wk * Vector.LoadUnsafe(ref x{i}, (nuint)k);");
                    }
                }

                w.Line("s0 = Vector.Sum(v0);");
                w.Line("s1 = Vector.Sum(v1);");
                w.Line("s2 = Vector.Sum(v2);");
                w.Line("s3 = Vector.Sum(v3);");
            }

            using (w.Block("for (; k < n; k++)"))
            {
                w.Line("var wk = Unsafe.Add(ref weights, k);");
                for (var i = 0; i < 4; i++)
                {
                    w.Line($"s{i} += wk * Unsafe.Add(ref x{i}, k);");
                }
            }
        }

        w.Line();
        w.Line("// y += d0·x0, then + d1·x1, + d2·x2, + d3·x3 (four consecutive samples in x), loading and storing y once.");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        using (w.Block($"private static void AddScaled4(ReadOnlySpan<{T}> x, {T} d0, {T} d1, {T} d2, {T} d3, Span<{T}> y)"))
        {
            w.Line("var n = y.Length;");
            w.Line("ref var target = ref MemoryMarshal.GetReference(y);");
            w.Line("ref var x0 = ref MemoryMarshal.GetReference(x);");
            w.Line("ref var x1 = ref Unsafe.Add(ref x0, n);");
            w.Line("ref var x2 = ref Unsafe.Add(ref x0, 2 * n);");
            w.Line("ref var x3 = ref Unsafe.Add(ref x0, 3 * n);");
            w.Line("var k = 0;");
            using (w.Block($"if (Vector.IsHardwareAccelerated && n >= {vector}.Count)"))
            {
                for (var i = 0; i < 4; i++)
                {
                    w.Line($"var scale{i} = new {vector}(d{i});");
                }

                using (w.Block($"for (; k <= n - {vector}.Count; k += {vector}.Count)"))
                {
                    w.Line("var sum = Vector.LoadUnsafe(ref target, (nuint)k);");
                    for (var i = 0; i < 4; i++)
                    {
                        w.Line($"sum += scale{i} * Vector.LoadUnsafe(ref x{i}, (nuint)k);");
                    }

                    w.Line("sum.StoreUnsafe(ref target, (nuint)k);");
                }
            }

            using (w.Block("for (; k < n; k++)"))
            {
                w.Line("ref var element = ref Unsafe.Add(ref target, k);");
                w.Line("element = element + (d0 * Unsafe.Add(ref x0, k)) + (d1 * Unsafe.Add(ref x1, k)) + (d2 * Unsafe.Add(ref x2, k)) + (d3 * Unsafe.Add(ref x3, k));");
            }
        }

        w.Line();
    }

    private void DeclareSpans(bool withDeltas)
    {
        for (var l = 1; l <= L; l++)
        {
            if (InSpan(l))
            {
                if (l == L)
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
                    var z = l == L ? Z(l, Int(j)) : $"z{l}_{j}";
                    Assign(z, string.Join(" + ", terms) + bias);
                    if (!softmax)
                    {
                        Assign(A(l, Int(j)), Activate(layer.Activation, z));
                    }
                }
            }
            else
            {
                using (w.Block($"for (var j = 0; j < {layer.Outputs}; j++)"))
                {
                    var given = firstLayerGiven && l == 1;
                    var bias = layer.HasBias && !given ? $" + p[Bias{l}Offset + j]" : string.Empty;
                    var dot = given ? "firstZ[j]" : $"{DotKernel(layer)}(p.Slice(Weights{l}Offset + (j * {layer.Inputs}), {layer.Inputs}), {ASpan(l - 1)})";
                    if (l == L)
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

    /// <summary>Writes C(a^L, y) of one sample in the runtime's stable form and returns the local that holds it.</summary>
    private string EmitCost()
    {
        var output = model.Last.Activation;
        switch (model.Loss)
        {
            case LossKind.Quadratic:
                w.Line("// Cost: C = ½ Σ_k (a^L_k − y_k)².");
                Sum("squares", L, k => $"({A(L, k)} - y[{k}]) * ({A(L, k)} - y[{k}])");
                w.Line("var cost = squares / 2;");
                break;
            case LossKind.BinaryCrossEntropy when output == ActivationKind.Sigmoid:
                w.Line("// Cost: C = −Σ_k [y_k ln a_k + (1 − y_k) ln(1 − a_k)] = Σ_k [softplus(z_k) − y_k z_k], from the logits.");
                Sum("cost", L, k => $"({T}.Max({Z(L, k)}, {Zero}) + {T}.LogP1({T}.Exp(-{T}.Abs({Z(L, k)}))) - (y[{k}] * {Z(L, k)}))");
                break;
            case LossKind.BinaryCrossEntropy:
                w.Line("// Cost: C = −Σ_k [y_k ln p_k + (1 − y_k) ln(1 − p_k)], p = a clamped away from 0 and 1.");
                Sum("cost", L, k => $"-((y[{k}] * {T}.Log({Clamped(k)})) + (({One} - y[{k}]) * {T}.Log({One} - {Clamped(k)})))");
                break;
            case LossKind.SoftmaxCrossEntropy when output == ActivationKind.Softmax:
                w.Line("// Cost: C = −Σ_k t_k ln a_k = (Σ_k t_k) logsumexp(z) − Σ_k t_k z_k, from the logits.");
                Sum("mass", L, k => $"y[{k}]");
                Sum("targetDotZ", L, k => $"(y[{k}] * {Z(L, k)})");
                w.Line($"var cost = (mass * (max{L} + {T}.Log(sum{L}))) - targetDotZ;");
                break;
            default:
                w.Line("// Cost: C = −Σ_k t_k ln a_k, with a floored away from 0.");
                Sum("cost", L, k => $"-(y[{k}] * {T}.Log({T}.Max({A(L, k)}, {Floor})))");
                break;
        }

        return "cost";
    }

    private string Floor => model.IsDouble ? "1e-15" : "1e-7f";

    private string Clamped(string k) => $"{T}.Clamp({A(L, k)}, {Floor}, {One} - {Floor})";

    /// <summary>Equation 1 for the declared loss and output activation, times the batch scale.</summary>
    private void EmitOutputDelta()
    {
        var output = model.Last.Activation;
        if (model.Loss == LossKind.BinaryCrossEntropy && output == ActivationKind.Sigmoid)
        {
            w.Line($"// Equation 1: δ^{L} = ∇_a C ⊙ σ'(z^{L}) = a^{L} − y (σ' = a(1 − a) cancels the cross-entropy's denominator).");
            ForEach(L, k => Assign(D(L, k), $"scale * ({A(L, k)} - y[{k}])"));
            return;
        }

        if (model.Loss == LossKind.SoftmaxCrossEntropy && output == ActivationKind.Softmax)
        {
            w.Line($"// Equation 1: δ^{L} = ∇_a C ⊙ σ'(z^{L}) through softmax's Jacobian = (Σ_k t_k) a^{L} − t, which is a − t for one-hot or soft targets.");
            ForEach(L, k => Assign(D(L, k), $"scale * ((mass * {A(L, k)}) - y[{k}])"));
            return;
        }

        w.Line($"// ∇_a C for the {model.Loss} cost.");
        var gradientA = model.Loss switch
        {
            LossKind.Quadratic => (Func<string, string>)(k => $"{A(L, k)} - y[{k}]"),
            LossKind.BinaryCrossEntropy => k => $"({Clamped(k)} - y[{k}]) / ({Clamped(k)} * ({One} - {Clamped(k)}))",
            _ => k => $"-y[{k}] / {T}.Max({A(L, k)}, {Floor})",
        };
        if (InSpan(L))
        {
            // The span d^L holds ∇_a C until the chain rule below turns it into δ^L.
            ForEach(L, k => w.Line($"d{L}[{k}] = {gradientA(k)};"));
        }
        else
        {
            ForEach(L, k => w.Line($"var ga{L}_{k} = {gradientA(k)};"));
        }

        string G(string k) => InSpan(L) ? $"d{L}[{k}]" : $"ga{L}_{k}";
        w.Line();
        if (output == ActivationKind.Softmax)
        {
            w.Line($"// Equation 1 through softmax's Jacobian: δ^{L}_k = a_k (∇_a C_k − Σ_j ∇_a C_j a_j).");
            Sum("projection", L, k => $"({G(k)} * {A(L, k)})");
            ForEach(L, k => Assign(D(L, k), $"scale * ({A(L, k)} * ({G(k)} - projection))"));
        }
        else
        {
            w.Line($"// Equation 1: δ^{L} = ∇_a C ⊙ σ'(z^{L}).");
            ForEach(L, k => Assign(D(L, k), $"scale * {Times(G(k), Derivative(output, A(L, k)))}"));
        }
    }

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

    /// <summary>
    /// Rows at least this long go to System.Numerics.Tensors, whose widest SIMD path repays its call overhead;
    /// shorter rows use the type's own inlined Vector&lt;T&gt; loops (see EmitKernels).
    /// </summary>
    private const int LongRow = 256;

    private string DotKernel(LayerModel layer) => layer.Inputs >= LongRow ? $"TensorPrimitives.Dot<{T}>" : "Dot";

    /// <summary>y += s·x over one row of layer <paramref name="layer"/>'s width.</summary>
    private string AddScaledCall(LayerModel layer, string x, string s, string y) =>
        layer.Inputs >= LongRow ? $"TensorPrimitives.MultiplyAdd<{T}>({x}, {s}, {y}, {y});" : $"AddScaled({x}, {s}, {y});";

    /// <summary>y = s·x over one row of layer <paramref name="layer"/>'s width.</summary>
    private string ScaleCall(LayerModel layer, string x, string s, string y) =>
        layer.Inputs >= LongRow ? $"TensorPrimitives.Multiply<{T}>({x}, {s}, {y});" : $"Scale({x}, {s}, {y});";

    /// <summary>A ReLU unit with z ≤ 0 has δ = 0, so its row adds nothing (or, when writing, is zero); skipping it is exact.</summary>
    private void SkipInactive(int l, string? whenSkipped = null)
    {
        if (Layer(l).Activation == ActivationKind.Relu)
        {
            using (w.Block($"if (d{l}[j] == {Zero})"))
            {
                if (whenSkipped is not null)
                {
                    w.Line(whenSkipped);
                }

                w.Line("continue;");
            }

            w.Line();
        }
    }

    /// <summary>Equation 2 from layer l down to l − 1: δ^(l−1) = ((W^l)ᵀ δ^l) ⊙ σ'(z^(l−1)).</summary>
    private void EmitPropagate(int l)
    {
        var layer = Layer(l);
        var below = Layer(l - 1);
        w.Line($"// Equation 2: δ^{l - 1} = ((W^{l})ᵀ δ^{l}) ⊙ σ'(z^{l - 1}).");
        if (layer.IsUnrolled)
        {
            for (var k = 0; k < layer.Inputs; k++)
            {
                var terms = Enumerable.Range(0, layer.Outputs).Select(j => $"p[{Int(layer.WeightOffset + (j * layer.Inputs) + k)}] * {D(l, Int(j))}");
                Assign(D(l - 1, Int(k)), Times($"({string.Join(" + ", terms)})", Derivative(below.Activation, A(l - 1, Int(k)))));
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

            if (below.Activation != ActivationKind.Identity)
            {
                using (w.Block($"for (var k = 0; k < {below.Outputs}; k++)"))
                {
                    w.Line($"d{l - 1}[k] *= {Derivative(below.Activation, $"a{l - 1}[k]")};");
                }
            }
        }
    }
}
