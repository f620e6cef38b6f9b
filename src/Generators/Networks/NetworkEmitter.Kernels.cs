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

    /// <summary>The short-row SIMD kernels, written only when a layer uses them.</summary>
    private void EmitKernels()
    {
        if (!model.Layers.Any(l => !l.IsUnrolled && l.Inputs < LongRow))
        {
            return;
        }

        var vector = $"Vector<{T}>";
        w.Line("// Σ_k a_k b_k over two spans of the same fixed length: four independent Vector<T> accumulators (so the");
        w.Line("// additions do not wait on each other), then single vectors, then the scalar tail.");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        using (w.Block($"private static {T} Dot(ReadOnlySpan<{T}> a, ReadOnlySpan<{T}> b)"))
        {
            w.Line("ref var left = ref MemoryMarshal.GetReference(a);");
            w.Line("ref var right = ref MemoryMarshal.GetReference(b);");
            w.Line($"var width = {vector}.Count;");
            w.Line("var k = 0;");
            w.Line($"var sum = {Zero};");
            using (w.Block("if (Vector.IsHardwareAccelerated && a.Length >= width)"))
            {
                w.Line($"var lanes0 = {vector}.Zero;");
                w.Line($"var lanes1 = {vector}.Zero;");
                w.Line($"var lanes2 = {vector}.Zero;");
                w.Line($"var lanes3 = {vector}.Zero;");
                using (w.Block("for (; k <= a.Length - (4 * width); k += 4 * width)"))
                {
                    for (var i = 0; i < 4; i++)
                    {
                        var index = i switch { 0 => "k", 1 => "(k + width)", _ => $"(k + ({i} * width))" };
                        w.Line($"lanes{i} += Vector.LoadUnsafe(ref left, (nuint){index}) * Vector.LoadUnsafe(ref right, (nuint){index});");
                    }
                }

                w.Line();
                using (w.Block("for (; k <= a.Length - width; k += width)"))
                {
                    w.Line("lanes0 += Vector.LoadUnsafe(ref left, (nuint)k) * Vector.LoadUnsafe(ref right, (nuint)k);");
                }

                w.Line();
                w.Line("sum = Vector.Sum((lanes0 + lanes1) + (lanes2 + lanes3));");
            }

            w.Line();
            using (w.Block("for (; k < a.Length; k++)"))
            {
                w.Line("sum += Unsafe.Add(ref left, k) * Unsafe.Add(ref right, k);");
            }

            w.Line();
            w.Line("return sum;");
        }

        w.Line();
        EmitMultiplyRows(vector);

        w.Line();
        w.Line("// y = s·x over two spans of the same fixed length.");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        using (w.Block($"private static void Scale(ReadOnlySpan<{T}> x, {T} s, Span<{T}> y)"))
        {
            w.Line("ref var source = ref MemoryMarshal.GetReference(x);");
            w.Line("ref var target = ref MemoryMarshal.GetReference(y);");
            w.Line("var k = 0;");
            using (w.Block($"if (Vector.IsHardwareAccelerated && x.Length >= {vector}.Count)"))
            {
                w.Line($"var scale = new {vector}(s);");
                using (w.Block($"for (; k <= x.Length - {vector}.Count; k += {vector}.Count)"))
                {
                    w.Line("(scale * Vector.LoadUnsafe(ref source, (nuint)k)).StoreUnsafe(ref target, (nuint)k);");
                }
            }

            using (w.Block("for (; k < x.Length; k++)"))
            {
                w.Line("Unsafe.Add(ref target, k) = s * Unsafe.Add(ref source, k);");
            }
        }

        w.Line();
        w.Line("// y += s·x (an axpy) over two spans of the same fixed length.");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        using (w.Block($"private static void AddScaled(ReadOnlySpan<{T}> x, {T} s, Span<{T}> y)"))
        {
            w.Line("ref var source = ref MemoryMarshal.GetReference(x);");
            w.Line("ref var target = ref MemoryMarshal.GetReference(y);");
            w.Line("var k = 0;");
            using (w.Block($"if (Vector.IsHardwareAccelerated && x.Length >= {vector}.Count)"))
            {
                w.Line($"var scale = new {vector}(s);");
                using (w.Block($"for (; k <= x.Length - {vector}.Count; k += {vector}.Count)"))
                {
                    w.Line("(Vector.LoadUnsafe(ref target, (nuint)k) + (scale * Vector.LoadUnsafe(ref source, (nuint)k))).StoreUnsafe(ref target, (nuint)k);");
                }
            }

            w.Line();
            using (w.Block("for (; k < x.Length; k++)"))
            {
                w.Line("Unsafe.Add(ref target, k) += s * Unsafe.Add(ref source, k);");
            }
        }

        w.Line();
    }
    /// <summary>
    /// z_j = W_j · x for all rows of a short-row layer, four rows per pass over x: each loaded piece of x feeds four
    /// independent sums, and a row costs one horizontal addition instead of the per-row Dot's whole reduction
    /// chain, which at 32–64 inputs took as long as the multiplications (measured: 79 against 138 ns for 32 × 64).
    /// </summary>
    private void EmitMultiplyRows(string vector)
    {
        w.Line("// z_j = W_j · x for every row j of W (rows × n, row-major), four rows per pass over x so each loaded piece");
        w.Line("// of x feeds four independent sums; the remaining rows use Dot.");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        using (w.Block($"private static void MultiplyRows(ReadOnlySpan<{T}> weights, ReadOnlySpan<{T}> x, Span<{T}> z, int rows, int n)"))
        {
            w.Line("var j = 0;");
            using (w.Block("if (Vector.IsHardwareAccelerated && n >= Vector<" + T + ">.Count)"))
            {
                w.Line("ref var input = ref MemoryMarshal.GetReference(x);");
                w.Line("ref var matrix = ref MemoryMarshal.GetReference(weights);");
                w.Line($"var width = {vector}.Count;");
                using (w.Block("for (; j <= rows - 4; j += 4)"))
                {
                    w.Line("var row0 = (nuint)(j * n);");
                    w.Line("var row1 = row0 + (nuint)n;");
                    w.Line("var row2 = row1 + (nuint)n;");
                    w.Line("var row3 = row2 + (nuint)n;");
                    for (var i = 0; i < 4; i++)
                    {
                        w.Line($"var lanes{i} = {vector}.Zero;");
                    }

                    w.Line("var k = 0;");
                    using (w.Block("for (; k <= n - width; k += width)"))
                    {
                        w.Line("var piece = Vector.LoadUnsafe(ref input, (nuint)k);");
                        for (var i = 0; i < 4; i++)
                        {
                            w.Line($"lanes{i} += Vector.LoadUnsafe(ref matrix, row{i} + (nuint)k) * piece;");
                        }
                    }

                    w.Line();
                    for (var i = 0; i < 4; i++)
                    {
                        w.Line($"var sum{i} = Vector.Sum(lanes{i});");
                    }

                    using (w.Block("for (; k < n; k++)"))
                    {
                        w.Line("var xk = Unsafe.Add(ref input, k);");
                        for (var i = 0; i < 4; i++)
                        {
                            w.Line($"sum{i} += Unsafe.Add(ref matrix, row{i} + (nuint)k) * xk;");
                        }
                    }

                    w.Line();
                    for (var i = 0; i < 4; i++)
                    {
                        w.Line(i == 0 ? "z[j] = sum0;" : $"z[j + {i}] = sum{i};");
                    }
                }
            }

            w.Line();
            using (w.Block("for (; j < rows; j++)"))
            {
                w.Line("z[j] = Dot(weights.Slice(j * n, n), x);");
            }
        }
    }
}
