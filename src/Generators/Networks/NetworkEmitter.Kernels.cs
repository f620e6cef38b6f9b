using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The SIMD kernels the passes call: which kernel a layer's rows use, the short-row Vector&lt;T&gt; helpers written
/// into the type, and the first-layer block that handles long rows four samples at a time.
/// </summary>
internal sealed partial class NetworkEmitter
{
    /// <summary>
    /// Rows at least this long go to System.Numerics.Tensors, whose widest SIMD path repays its call overhead;
    /// shorter rows use the library's Vector&lt;T&gt; loops in Nn.Kernels.GeneratedKernels, which inline into the passes.
    /// </summary>
    private const int LongRow = 256;

    private string DotKernel(LayerModel layer) => layer.Inputs >= LongRow ? $"TensorPrimitives.Dot<{T}>" : "GeneratedKernels.Dot";

    /// <summary>y += s·x over one row of layer <paramref name="layer"/>'s width.</summary>
    private string AddScaledCall(LayerModel layer, string x, string s, string y) =>
        layer.Inputs >= LongRow ? $"TensorPrimitives.MultiplyAdd<{T}>({x}, {s}, {y}, {y});" : $"GeneratedKernels.AddScaled({x}, {s}, {y});";

    /// <summary>y = s·x over one row of layer <paramref name="layer"/>'s width.</summary>
    private string ScaleCall(LayerModel layer, string x, string s, string y) =>
        layer.Inputs >= LongRow ? $"TensorPrimitives.Multiply<{T}>({x}, {s}, {y});" : $"GeneratedKernels.Scale({x}, {s}, {y});";

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
                    w.Line($"GeneratedKernels.Dot4(row, x.Slice(s * {n}, 4 * {n}), out var z0, out var z1s, out var z2, out var z3);");
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
                        w.Line($"GeneratedKernels.AddScaled4(x.Slice(s * {n}, 4 * {n}), d0, d1, d2, d3, row);");
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
    }
}
