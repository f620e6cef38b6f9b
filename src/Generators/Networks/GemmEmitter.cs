using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The batch path for batches of at least <see cref="CodeEmitter.GemmRows"/> rows of a stack with a layer too big to
/// unroll: the three matrix products of every layer go to the library's packed GEMM kernels
/// (Nn.Kernels.DenseKernels), the element-wise parts (activations, equation 1, σ') stay generated code with
/// constant sizes. Written in the style <see cref="EmitStyle.Rows"/>: every a^l, z^l and δ^l is a row of a batch buffer.
/// </summary>
/// <remarks>
/// The batch buffers A^l, Z^L and Δ^l (rows × outputs each) are too big for the stack at 784-wide batches of a
/// hundred or more rows of a 100-unit layer (tens to hundreds of KiB), so the generated type holds one
/// [ThreadStatic] array per thread, grown to the largest batch seen and then reused: steady-state calls allocate
/// nothing, and concurrent callers on different threads never share it. DenseKernels' own packing buffers are
/// held the same way (Gemm.Scratch).
/// </remarks>
internal sealed class GemmEmitter(EmitContext context) : CodeEmitter(context)
{
    /// <summary>Slices the per-thread scratch into aBatch{l} (l &lt; L), zBatch{L}, aBatch{L} and dBatch{l}.</summary>
    private void DeclareBatchSpans(bool withDeltas)
    {
        w.Line($"var scratch = BatchScratch(rows * {Int(ScratchWidth)});");
        var offset = 0;
        void Slice(string name, int width)
        {
            w.Line($"var {name} = scratch.Slice(rows * {Int(offset)}, rows * {Int(width)});");
            offset += width;
        }

        for (var l = 1; l < L; l++)
        {
            Slice($"aBatch{l}", Layer(l).Outputs);
        }

        Slice($"zBatch{L}", Layer(L).Outputs);
        Slice($"aBatch{L}", Layer(L).Outputs);
        for (var l = 1; l <= L; l++)
        {
            if (withDeltas)
            {
                Slice($"dBatch{l}", Layer(l).Outputs);
            }
        }
    }

    public void EmitGemmPasses()
    {
        if (!UsesGemm)
        {
            return;
        }

        w.Line("// Batch buffers of the GEMM path (A^l, Z^L, Δ^l for every row), one array per thread, grown to the largest");
        w.Line("// batch seen and then reused, so steady-state calls allocate nothing. They live on the heap rather than the");
        w.Line("// stack because a batch of a few hundred rows of a wide layer would need hundreds of KiB.");
        w.Line("[global::System.ThreadStatic]");
        w.Line($"private static {T}[]? batchScratch;");
        w.Line();
        using (w.Block($"private static global::System.Span<{T}> BatchScratch(int length)"))
        {
            w.Line("var buffer = batchScratch;");
            using (w.Block("if (buffer is null || buffer.Length < length)"))
            {
                w.Line($"buffer = batchScratch = global::System.GC.AllocateUninitializedArray<{T}>(length);");
            }

            w.Line();
            w.Line($"return new global::System.Span<{T}>(buffer, 0, length);");
        }

        w.Line();
        w.Line("// The forward pass of a batch through the library's GEMM kernels: Z^l = A^(l−1) (W^l)ᵀ + 1 (b^l)ᵀ and");
        w.Line("// A^l = σ(Z^l) for the hidden layers; the last layer stops at Z^L (its activation is per row, with the cost).");
        using (w.Block($"private static void ForwardRows(global::System.ReadOnlySpan<{T}> p, global::System.ReadOnlySpan<{T}> x, int rows, global::System.Span<{T}> scratch)"))
        {
            for (var l = 1; l <= L; l++)
            {
                var layer = Layer(l);
                var target = l == L ? $"z{l}" : $"a{l}";
                var offset = model.Layers.Take(l - 1).Sum(m => m.Outputs);
                w.Line($"var {target} = scratch.Slice(rows * {Int(offset)}, rows * {Int(layer.Outputs)});");
                w.Line($"// Layer {l} ({layer.Outputs} × {layer.Inputs}, {layer.Activation}{(layer.HasBias ? string.Empty : ", no bias")}): Z^{l} = A^{l - 1} (W^{l})ᵀ{(layer.HasBias ? $" + 1 (b^{l})ᵀ" : string.Empty)}.");
                w.Line($"{Kernels}.MultiplyByTransposeInto<{T}>({(l == 1 ? "x" : $"a{l - 1}")}, rows, {Int(layer.Inputs)}, p.Slice(Weights{l}Offset, {Int(layer.WeightCount)}), {Int(layer.Outputs)}, {target});");
                if (layer.HasBias)
                {
                    w.Line($"{Kernels}.AddRowVectorInto<{T}>(p.Slice(Bias{l}Offset, {Int(layer.Outputs)}), rows, {target});");
                }

                if (l < L)
                {
                    Activations.EmitBatchActivation(l, target);
                    w.Line();
                }
            }
        }

        w.Line();
        EmitGemmMethods();
    }

    /// <summary>
    /// Opens the loop over the rows of a batch on the GEMM path: slices z^L, a^L (into <paramref name="outputRow"/>
    /// if given) and y of row i and writes a^L = σ(z^L) for that row; <paramref name="body"/> follows.
    /// </summary>
    public void EmitOutputRows(string? outputRow, bool withTargets, bool withDelta, Action body)
    {
        var o = Int(model.Outputs);
        using (w.Block("for (var i = 0; i < rows; i++)"))
        {
            w.Line($"var z{L} = zBatch{L}.Slice(i * {o}, {o});");
            w.Line($"var a{L} = {outputRow ?? $"aBatch{L}"}.Slice(i * {o}, {o});");
            if (withTargets)
            {
                w.Line($"var y = targets.Slice(i * {o}, {o});");
            }

            if (withDelta)
            {
                w.Line($"var d{L} = dBatch{L}.Slice(i * {o}, {o});");
            }

            var layer = Layer(L);
            w.Line($"// Layer {L}'s activation for this row: a^{L} = σ(z^{L}).");
            if (layer.Activation == ActivationKind.Softmax)
            {
                Activations.EmitSoftmax(L);
            }
            else
            {
                ForEach(L, k => Assign(A(L, k), Activate(layer.Activation, Z(L, k))));
            }

            body();
        }
    }

    /// <summary>ForwardBatch, CostBatch and CostAndGradientBatch for a batch of at least GemmRows rows.</summary>
    public void EmitGemmMethods()
    {
        w.Line("// ForwardBatch for a large batch: the forward pass by GEMM, then a^L = σ(z^L) row by row into the outputs.");
        using (w.Block($"private static void ForwardRowsInto(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.Span<{T}> outputs, int rows)"))
        {
            DeclareBatchSpans(withDeltas: false);
            w.Line("ForwardRows(parameters, inputs, rows, scratch);");
            EmitOutputRows("outputs", withTargets: false, withDelta: false, () => { });
        }

        w.Line();
        w.Line("// CostBatch for a large batch: the forward pass by GEMM, then the mean of the per-row costs.");
        using (w.Block($"private static {T} CostRows(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows{L2Parameter})"))
        {
            DeclareBatchSpans(withDeltas: false);
            w.Line("ForwardRows(parameters, inputs, rows, scratch);");
            w.Line($"var total = {Zero};");
            EmitOutputRows(null, withTargets: true, withDelta: false, () =>
            {
                w.Line();
                w.Line($"total += {Losses.EmitCost()};");
            });
            w.Line();
            w.Line($"return (total / rows){(model.HasL2 ? " + L2Penalty(parameters, l2SampleCount)" : string.Empty)};");
        }

        w.Line();
        w.Line("// CostAndGradientBatch for a large batch: the forward pass by GEMM; per row the cost and equation 1 (scaled by");
        w.Line("// 1/m, so the sums below are batch means); then from the last layer to the first, equation 4 as one product");
        w.Line("// (Δ^l)ᵀ A^(l−1), equation 3 as the column sums of Δ^l and equation 2 as one product Δ^l W^l times σ'. Every");
        w.Line("// gradient block is written, never added to, so the caller's buffer needs no clearing.");
        using (w.Block($"private static {T} CostAndGradientRows(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows, global::System.Span<{T}> gradient{L2Parameter})"))
        {
            DeclareBatchSpans(withDeltas: true);
            w.Line("ForwardRows(parameters, inputs, rows, scratch);");
            w.Line($"var scale = {One} / rows;");
            w.Line($"var total = {Zero};");
            EmitOutputRows(null, withTargets: true, withDelta: true, () =>
            {
                w.Line();
                var cost = Losses.EmitCost();
                w.Line($"total += {cost};");
                w.Line();
                Losses.EmitOutputDelta();
            });

            for (var l = L; l >= 1; l--)
            {
                var layer = Layer(l);
                var input = l == 1 ? "inputs" : $"aBatch{l - 1}";
                w.Line();
                w.Line($"// Equation 4: ∂C/∂W^{l} = Σ_i δ^{l}_i (a^{l - 1}_i)ᵀ = (Δ^{l})ᵀ A^{l - 1}.");
                w.Line($"{Kernels}.TransposeProductInto<{T}>(dBatch{l}, rows, {Int(layer.Outputs)}, {input}, {Int(layer.Inputs)}, gradient.Slice(Weights{l}Offset, {Int(layer.WeightCount)}));");
                if (layer.HasBias)
                {
                    w.Line();
                    w.Line($"// Equation 3: ∂C/∂b^{l} = Σ_i δ^{l}_i, the column sums of Δ^{l}.");
                    w.Line($"gradient.Slice(Bias{l}Offset, {Int(layer.Outputs)}).Clear();");
                    w.Line($"{Kernels}.AddColumnSumsInto<{T}>(dBatch{l}, rows, gradient.Slice(Bias{l}Offset, {Int(layer.Outputs)}));");
                }

                if (l > 1)
                {
                    var below = Layer(l - 1);
                    w.Line();
                    w.Line(below.Activation == ActivationKind.Softmax
                        ? $"// Equation 2 through softmax's Jacobian: G = Δ^{l} W^{l}, then per row δ^{l - 1}_k = a^{l - 1}_k (g_k − Σ_j a^{l - 1}_j g_j)."
                        : $"// Equation 2: Δ^{l - 1} = (Δ^{l} W^{l}) ⊙ σ'(Z^{l - 1}).");
                    w.Line($"{Kernels}.MultiplyInto<{T}>(dBatch{l}, rows, {Int(layer.Outputs)}, parameters.Slice(Weights{l}Offset, {Int(layer.WeightCount)}), {Int(layer.Inputs)}, dBatch{l - 1});");
                    if (below.Activation == ActivationKind.Softmax)
                    {
                        var n = Int(below.Outputs);
                        using (w.Block("for (var i = 0; i < rows; i++)"))
                        {
                            w.Line($"var a = aBatch{l - 1}.Slice(i * {n}, {n});");
                            w.Line($"var d = dBatch{l - 1}.Slice(i * {n}, {n});");
                            w.Line($"var projection = global::Nn.Kernels.GeneratedSpans.Dot<{T}>(d, a);");
                            using (w.Block($"for (var k = 0; k < {n}; k++)"))
                            {
                                w.Line("d[k] = a[k] * (d[k] - projection);");
                            }
                        }
                    }
                    else if (below.Activation != ActivationKind.Identity)
                    {
                        using (w.Block($"for (var k = 0; k < rows * {Int(below.Outputs)}; k++)"))
                        {
                            w.Line($"dBatch{l - 1}[k] *= {Derivative(below.Activation, $"aBatch{l - 1}[k]")};");
                        }
                    }
                }
            }

            w.Line();
            w.Line("var mean = total / rows;");
            if (model.HasL2)
            {
                w.Line("mean += AddL2Gradient(parameters, l2SampleCount, gradient);");
            }

            w.Line("return mean;");
        }

        w.Line();
    }
}
