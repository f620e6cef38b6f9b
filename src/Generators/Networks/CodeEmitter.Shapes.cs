using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The code-shape decisions every emitter agrees on: which kernel a layer's rows use, when the first layer is
/// applied per block of samples, and when a batch takes the GEMM path.
/// </summary>
internal abstract partial class CodeEmitter
{
    /// <summary>
    /// Rows at least this long go to System.Numerics.Tensors, whose widest SIMD path repays its call overhead;
    /// shorter rows use the library's Vector&lt;T&gt; loops in Nn.Kernels.GeneratedKernels, which inline into the passes.
    /// </summary>
    protected const int LongRow = 256;

    /// <summary>
    /// The local that holds the thread's kernel path in every per-sample method, read once when the method starts
    /// and handed to each GeneratedKernels call: reading it per call (a thread-static read and a call) took about a
    /// tenth of a 64-32-10 pass's profile.
    /// </summary>
    protected const string KernelPathLocal = "kernelPath";

    /// <summary>Declares <see cref="KernelPathLocal"/> at the start of a per-sample method whose layers call GeneratedKernels.</summary>
    protected void DeclareKernelPath()
    {
        if (model.HasSpatial || model.Layers.Any(l => !l.IsUnrolled))
        {
            w.Line("// The thread's kernel path, read once for every GeneratedKernels call below.");
            w.Line($"var {KernelPathLocal} = global::Nn.Kernels.GeneratedKernels.CurrentPath();");
        }
    }

    /// <summary>W_j · a over one row of layer <paramref name="layer"/>'s width.</summary>
    protected string DotCall(LayerModel layer, string row, string a) =>
        layer.Inputs >= LongRow ? $"global::Nn.Kernels.GeneratedSpans.Dot<{T}>({row}, {a})" : $"global::Nn.Kernels.GeneratedKernels.Dot({KernelPathLocal}, {row}, {a})";

    /// <summary>y += s·x over one row of layer <paramref name="layer"/>'s width.</summary>
    protected string AddScaledCall(LayerModel layer, string x, string s, string y) =>
        layer.Inputs >= LongRow ? $"global::Nn.Kernels.GeneratedSpans.MultiplyAdd<{T}>({x}, {s}, {y}, {y});" : $"global::Nn.Kernels.GeneratedKernels.AddScaled({KernelPathLocal}, {x}, {s}, {y});";

    /// <summary>y = s·x over one row of layer <paramref name="layer"/>'s width.</summary>
    protected string ScaleCall(LayerModel layer, string x, string s, string y) =>
        layer.Inputs >= LongRow ? $"global::Nn.Kernels.GeneratedSpans.Multiply<{T}>({x}, {s}, {y});" : $"global::Nn.Kernels.GeneratedKernels.Scale({KernelPathLocal}, {x}, {s}, {y});";

    /// <summary>A ReLU unit with z ≤ 0 has δ = 0, so its row adds nothing (or, when writing, is zero); skipping it is exact.</summary>
    protected void SkipInactive(int l, string? whenSkipped = null)
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
    /// (With spatial layers in front, layer 1 reads their output, which is computed per sample, so it never is.)
    protected bool DeferFirstLayer => !model.HasSpatial && !Layer(1).IsUnrolled && Layer(1).Inputs >= LongRow;

    /// <summary>Samples per block: at most 16, and at most 4096 buffered δ^1 values.</summary>
    protected int BlockRows => Math.Max(1, Math.Min(16, 4096 / Layer(1).Outputs));

    /// <summary>
    /// Batches with at least this many rows take the GEMM path: below it, packing costs more than it saves and the
    /// per-sample code (which keeps every intermediate in registers or on the stack) is faster.
    /// </summary>
    protected const int GemmRows = 16;

    /// <summary>Whether the stack has a layer too big to unroll, so its batch methods get the GEMM path.</summary>
    /// (A stack with spatial layers never takes this dense path, which would need the spatial layers' outputs of every
    /// row first: its large batches run the library's whole-batch passes instead, see <see cref="StackRows"/>.)
    protected bool UsesGemm => !model.HasSpatial && model.Layers.Any(l => !l.IsUnrolled);

    protected const string Kernels = "global::Nn.Kernels.DenseKernels";

    /// <summary>Elements per batch row of the scratch: A^l for l &lt; L, Z^L and A^L, and Δ^l for every l.</summary>
    protected int ScratchWidth => model.Layers.Take(L - 1).Sum(l => l.Outputs) + (2 * model.Last.Outputs) + model.Layers.Sum(l => l.Outputs);

    /// <summary>The extra parameter of the cost methods when L2 is declared.</summary>
    protected string L2Parameter => model.HasL2 ? ", int l2SampleCount" : string.Empty;

    /// <summary>The most elements a .NET array holds (Array.MaxLength, which netstandard2.0 does not have).</summary>
    protected const int MaxArrayLength = 0x7FFFFFC7;

    /// <summary>
    /// Batches of a stack with spatial layers with at least this many rows run the library's whole-batch passes
    /// (<see cref="StackBatchEmitter"/>): from about this size, im2col of the whole batch and the packed GEMM beat the
    /// per-sample code, whose convolutions cannot share one product across rows.
    /// </summary>
    protected const int StackRows = 8;

    /// <summary>The statement an entry point starts with to hand a large batch to its GEMM-path method.</summary>
    protected void WriteGemmDispatch(params string[] lines)
    {
        if (model.HasSpatial)
        {
            w.Line($"// A batch of {Int(StackRows)} rows or more runs the library's whole-batch passes, im2col and packed GEMM (see CostAndGradientRows).");
        }
        else if (UsesGemm)
        {
            w.Line($"// A batch of {Int(GemmRows)} rows or more goes to the library's packed GEMM kernels (see CostAndGradientRows).");
        }
        else
        {
            return;
        }

        using (w.Block($"if (rows >= {Int(model.HasSpatial ? StackRows : GemmRows)})"))
        {
            foreach (var line in lines)
            {
                w.Line(line);
            }
        }

        w.Line();
    }
}
