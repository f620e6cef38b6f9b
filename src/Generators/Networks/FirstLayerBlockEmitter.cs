using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The first layer of long rows (at least <see cref="CodeEmitter.LongRow"/> inputs) per block of samples: z^1 four
/// samples at a time (Dot4) and equation 4 four samples at a time (AddScaled4), each row of W^1 and of its
/// gradient loaded once per four samples. Each gradient element still receives the samples' terms in sample order.
/// </summary>
internal sealed class FirstLayerBlockEmitter(EmitContext context) : CodeEmitter(context)
{
    public void EmitFirstLayerBlock()
    {
        var layer = Layer(1);
        var n = layer.Inputs;
        var o = layer.Outputs;
        var bias = layer.HasBias ? " + p[Bias1Offset + j]" : string.Empty;
        w.Line("// Layer 1 for a block of samples: z^1_s = W^1 x_s + b^1. Each row of W^1 is loaded once per four samples");
        w.Line("// (Dot4) and stays in cache while it meets every sample of the block.");
        using (w.Block($"private static void FirstLayerBlock(global::System.ReadOnlySpan<{T}> p, global::System.ReadOnlySpan<{T}> x, int count, global::System.Span<{T}> z1)"))
        {
            DeclareKernelPath();
            using (w.Block($"for (var j = 0; j < {o}; j++)"))
            {
                w.Line($"var row = p.Slice(Weights1Offset + (j * {n}), {n});");
                w.Line("var s = 0;");
                using (w.Block("for (; s + 4 <= count; s += 4)"))
                {
                    w.Line($"global::Nn.Kernels.GeneratedKernels.Dot4({KernelPathLocal}, row, x.Slice(s * {n}, 4 * {n}), out var z0, out var z1s, out var z2, out var z3);");
                    w.Line($"z1[(s * {o}) + j] = z0{bias};");
                    w.Line($"z1[((s + 1) * {o}) + j] = z1s{bias};");
                    w.Line($"z1[((s + 2) * {o}) + j] = z2{bias};");
                    w.Line($"z1[((s + 3) * {o}) + j] = z3{bias};");
                }

                using (w.Block("for (; s < count; s++)"))
                {
                    w.Line($"z1[(s * {o}) + j] = global::Nn.Kernels.GeneratedSpans.Dot<{T}>(row, x.Slice(s * {n}, {n})){bias};");
                }
            }
        }

        w.Line();
        w.Line("// Equation 4 of layer 1 for a block of samples: ∂C/∂W^1_j += Σ_s δ^1_sj x_s, each row of ∂C/∂W^1 loaded and");
        w.Line("// stored once per four samples (AddScaled4), which are still added in sample order.");
        using (w.Block($"private static void AccumulateFirstLayer(global::System.ReadOnlySpan<{T}> x, global::System.ReadOnlySpan<{T}> delta1, int count, global::System.Span<{T}> g)"))
        {
            DeclareKernelPath();
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
                        w.Line($"global::Nn.Kernels.GeneratedKernels.AddScaled4({KernelPathLocal}, x.Slice(s * {n}, 4 * {n}), d0, d1, d2, d3, row);");
                    }
                }

                using (w.Block("for (; s < count; s++)"))
                {
                    w.Line($"var d = delta1[(s * {o}) + j];");
                    using (w.Block($"if (d != {Zero})"))
                    {
                        w.Line($"global::Nn.Kernels.GeneratedSpans.MultiplyAdd<{T}>(x.Slice(s * {n}, {n}), d, row, row);");
                    }
                }
            }
        }
        w.Line();
    }
}
