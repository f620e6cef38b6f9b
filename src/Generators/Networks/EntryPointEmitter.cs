using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The public forward, cost, gradient and SGD entry points: argument checks, then the per-sample code or, for a
/// large batch, the GEMM path; and the L2 term's helpers.
/// </summary>
internal sealed class EntryPointEmitter(EmitContext context) : CodeEmitter(context)
{
    public void EmitEntryPoints()
    {
        var l2Doc = model.HasL2 ? new[] { ("l2SampleCount", "m in λ/(2m), usually the training set size; at least 1.") } : new (string, string)[0];
        var l2Parameter = model.HasL2 ? ", int l2SampleCount" : string.Empty;
        var l2Argument = model.HasL2 ? ", l2SampleCount" : string.Empty;
        var l2Check = model.HasL2 ? "global::Nn.Kernels.GeneratedChecks.CheckPositive(\"l2SampleCount\", l2SampleCount);" : null;

        Doc("The forward pass a^0 = x; z^l = W^l a^(l−1) + b^l; a^l = σ(z^l) for one sample.",
            ("parameters", "θ, of length ParameterCount."), ("input", "x, of length InputSize."), ("output", "Receives a^L, of length OutputSize."));
        Checks.ThrowsOnBadInput(targets: false, rows: false);
        using (w.Block($"public static void Forward(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> input, global::System.Span<{T}> output)"))
        {
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"parameters\", ParameterCount, parameters.Length);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"input\", InputSize, input.Length);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"output\", OutputSize, output.Length);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"input\", input, InputSize);");
            w.Line("ForwardSample(parameters, input, output);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckOutputs(parameters, output, Architecture);");
        }

        w.Line();
        Doc("The forward pass for a batch, one sample per row.",
            ("parameters", "θ."), ("inputs", "X, rows × InputSize, row-major."), ("outputs", "Receives the outputs, rows × OutputSize."), ("rows", "The batch size m, at least 1."));
        Checks.ThrowsOnBadInput(targets: false, rows: true);
        using (w.Block($"public static void ForwardBatch(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.Span<{T}> outputs, int rows)"))
        {
            w.Line("CheckBatch(parameters, inputs, outputs, rows);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"inputs\", inputs, InputSize);");
            WriteGemmDispatch("ForwardRowsInto(parameters, inputs, outputs, rows);", "global::Nn.Kernels.GeneratedChecks.CheckOutputs(parameters, outputs, Architecture);", "return;");
            using (w.Block("for (var i = 0; i < rows; i++)"))
            {
                w.Line("ForwardSample(parameters, inputs.Slice(i * InputSize, InputSize), outputs.Slice(i * OutputSize, OutputSize));");
            }

            w.Line();
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckOutputs(parameters, outputs, Architecture);");
        }

        w.Line();
        Doc($"The cost C(a^L, y) of one sample{(model.HasL2 ? " plus λ/(2m) Σ W²" : string.Empty)}.",
            new[] { ("parameters", "θ."), ("input", "x."), ("target", "y, of length OutputSize.") }.Concat(l2Doc).ToArray());
        Returns("The cost.");
        Checks.ThrowsOnBadInput(targets: true, rows: false);
        using (w.Block($"public static {T} Cost(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> input, global::System.ReadOnlySpan<{T}> target{l2Parameter})"))
        {
            w.Line("CheckSample(parameters, input, target);");
            WriteIf(l2Check);
            w.Line($"return global::Nn.Kernels.GeneratedChecks.CheckCost(parameters, SampleCost(parameters, input, target){(model.HasL2 ? " + L2Penalty(parameters, l2SampleCount)" : string.Empty)}, Architecture);");
        }

        w.Line();
        Doc("The batch cost: the mean of the per-sample costs" + (model.HasL2 ? ", plus λ/(2m) Σ W²." : "."),
            new[] { ("parameters", "θ."), ("inputs", "X, rows × InputSize."), ("targets", "Y, rows × OutputSize."), ("rows", "The batch size, at least 1.") }.Concat(l2Doc).ToArray());
        Returns("The mean cost.");
        Checks.ThrowsOnBadInput(targets: true, rows: true);
        using (w.Block($"public static {T} CostBatch(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows{l2Parameter})"))
        {
            w.Line("CheckBatch(parameters, inputs, targets, rows);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"inputs\", inputs, InputSize);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"targets\", targets, OutputSize);");
            WriteIf(l2Check);
            WriteGemmDispatch($"return global::Nn.Kernels.GeneratedChecks.CheckCost(parameters, CostRows(parameters, inputs, targets, rows{l2Argument}), Architecture);");
            w.Line($"var sum = {Zero};");
            using (w.Block("for (var i = 0; i < rows; i++)"))
            {
                w.Line("sum += SampleCost(parameters, inputs.Slice(i * InputSize, InputSize), targets.Slice(i * OutputSize, OutputSize));");
            }

            w.Line();
            w.Line($"return global::Nn.Kernels.GeneratedChecks.CheckCost(parameters, (sum / rows){(model.HasL2 ? " + L2Penalty(parameters, l2SampleCount)" : string.Empty)}, Architecture);");
        }

        w.Line();
        Doc("The cost of one sample and its gradient ∇θ C by backpropagation.",
            new[] { ("parameters", "θ."), ("input", "x."), ("target", "y."), ("gradient", "Receives ∇θ C, of length ParameterCount; overwritten.") }.Concat(l2Doc).ToArray());
        Returns("The cost.");
        Checks.ThrowsOnBadInput(targets: true, rows: false);
        using (w.Block($"public static {T} CostAndGradient(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> input, global::System.ReadOnlySpan<{T}> target, global::System.Span<{T}> gradient{l2Parameter})"))
        {
            w.Line("CheckSample(parameters, input, target);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"gradient\", ParameterCount, gradient.Length);");
            WriteIf(l2Check);
            if (DeferFirstLayer)
            {
                w.Line("gradient.Slice(Weights1Offset, Layer1Outputs * Layer1Inputs).Clear();");
                w.Line($"global::System.Span<{T}> z1 = stackalloc {T}[Layer1Outputs];");
                w.Line($"global::System.Span<{T}> delta1 = stackalloc {T}[Layer1Outputs];");
                w.Line("FirstLayerBlock(parameters, input, 1, z1);");
                w.Line($"var cost = WriteSample(parameters, input, target, {One}, gradient, z1, delta1);");
                w.Line("AccumulateFirstLayer(input, delta1, 1, gradient);");
            }
            else
            {
                w.Line($"var cost = WriteSample(parameters, input, target, {One}, gradient);");
            }

            WriteL2Gradient();
            w.Line("return global::Nn.Kernels.GeneratedChecks.CheckCost(parameters, cost, Architecture);");
        }

        w.Line();
        Doc("The batch-mean cost and gradient: the batch gradient is the mean of the per-sample gradients.",
            new[] { ("parameters", "θ."), ("inputs", "X, rows × InputSize."), ("targets", "Y, rows × OutputSize."), ("rows", "The batch size m, at least 1."), ("gradient", "Receives ∇θ C; overwritten.") }.Concat(l2Doc).ToArray());
        Returns("The mean cost.");
        Checks.ThrowsOnBadInput(targets: true, rows: true);
        using (w.Block($"public static {T} CostAndGradientBatch(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows, global::System.Span<{T}> gradient{l2Parameter})"))
        {
            w.Line("CheckBatch(parameters, inputs, targets, rows);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"inputs\", inputs, InputSize);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"targets\", targets, OutputSize);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"gradient\", ParameterCount, gradient.Length);");
            WriteIf(l2Check);
            WriteGemmDispatch($"return global::Nn.Kernels.GeneratedChecks.CheckCost(parameters, CostAndGradientRows(parameters, inputs, targets, rows, gradient{l2Argument}), Architecture);");
            w.Line($"var scale = {One} / rows;");
            if (DeferFirstLayer)
            {
                w.Line($"var sum = {Zero};");
                w.Line("gradient.Slice(Weights1Offset, Layer1Outputs * Layer1Inputs).Clear();");
                w.Line($"global::System.Span<{T}> z1 = stackalloc {T}[{BlockRows} * Layer1Outputs];");
                w.Line($"global::System.Span<{T}> deltas = stackalloc {T}[{BlockRows} * Layer1Outputs];");
                using (w.Block($"for (var start = 0; start < rows; start += {BlockRows})"))
                {
                    w.Line($"var count = global::System.Math.Min({BlockRows}, rows - start);");
                    w.Line("FirstLayerBlock(parameters, inputs.Slice(start * InputSize, count * InputSize), count, z1);");
                    using (w.Block("for (var s = 0; s < count; s++)"))
                    {
                        w.Line("var i = start + s;");
                        w.Line("var x = inputs.Slice(i * InputSize, InputSize);");
                        w.Line("var y = targets.Slice(i * OutputSize, OutputSize);");
                        w.Line("var z = z1.Slice(s * Layer1Outputs, Layer1Outputs);");
                        w.Line("var delta = deltas.Slice(s * Layer1Outputs, Layer1Outputs);");
                        w.Line("sum += i == 0 ? WriteSample(parameters, x, y, scale, gradient, z, delta) : AccumulateSample(parameters, x, y, scale, gradient, z, delta);");
                    }

                    w.Line();
                    w.Line("AccumulateFirstLayer(inputs.Slice(start * InputSize, count * InputSize), deltas, count, gradient);");
                }
            }
            else
            {
                w.Line("// The first sample writes the gradient, so the buffer needs no clearing; the others add to it.");
                w.Line("var sum = WriteSample(parameters, inputs.Slice(0, InputSize), targets.Slice(0, OutputSize), scale, gradient);");
                using (w.Block("for (var i = 1; i < rows; i++)"))
                {
                    w.Line("sum += AccumulateSample(parameters, inputs.Slice(i * InputSize, InputSize), targets.Slice(i * OutputSize, OutputSize), scale, gradient);");
                }
            }

            w.Line();
            w.Line("var cost = sum / rows;");
            WriteL2Gradient();
            w.Line("return global::Nn.Kernels.GeneratedChecks.CheckCost(parameters, cost, Architecture);");
        }

        w.Line();

        void WriteL2Gradient()
        {
            if (model.HasL2)
            {
                w.Line("cost += AddL2Gradient(parameters, l2SampleCount, gradient);");
            }
        }
    }

    public void EmitSteps()
    {
        var l2Doc = model.HasL2 ? new[] { ("l2SampleCount", "m in λ/(2m), usually the training set size.") } : new (string, string)[0];
        var l2Parameter = model.HasL2 ? ", int l2SampleCount" : string.Empty;
        var l2Argument = model.HasL2 ? ", l2SampleCount" : string.Empty;

        Doc("One per-sample SGD step θ ← θ − η ∇θ C, in place: it overwrites the caller's <paramref name=\"parameters\"/> and <paramref name=\"gradient\"/>.",
            new[] { ("parameters", "θ; updated in place."), ("input", "x."), ("target", "y."), ("learningRate", "η."), ("gradient", "Scratch for ∇θ C, of length ParameterCount.") }.Concat(l2Doc).ToArray());
        Returns("The cost before the step.");
        Checks.ThrowsOnBadInput(targets: true, rows: false, step: true);
        using (w.Block($"public static {T} SgdStepInPlace(global::System.Span<{T}> parameters, global::System.ReadOnlySpan<{T}> input, global::System.ReadOnlySpan<{T}> target, {T} learningRate, global::System.Span<{T}> gradient{l2Parameter})"))
        {
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLearningRate(learningRate);");
            w.Line($"var cost = CostAndGradient(parameters, input, target, gradient{l2Argument});");
            w.Line("global::Nn.Kernels.GeneratedChecks.UpdateChecked(parameters, gradient, learningRate, Architecture);");
            w.Line("return cost;");
        }

        w.Line();
        Doc("One mini-batch SGD step θ ← θ − η (1/m) Σ ∇θ C_i, in place on the caller's buffers.",
            new[] { ("parameters", "θ; updated in place."), ("inputs", "X, rows × InputSize."), ("targets", "Y, rows × OutputSize."), ("rows", "The batch size m."), ("learningRate", "η."), ("gradient", "Scratch for ∇θ C.") }.Concat(l2Doc).ToArray());
        Returns("The batch-mean cost before the step.");
        Checks.ThrowsOnBadInput(targets: true, rows: true, step: true);
        using (w.Block($"public static {T} MiniBatchStepInPlace(global::System.Span<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows, {T} learningRate, global::System.Span<{T}> gradient{l2Parameter})"))
        {
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLearningRate(learningRate);");
            w.Line($"var cost = CostAndGradientBatch(parameters, inputs, targets, rows, gradient{l2Argument});");
            w.Line("global::Nn.Kernels.GeneratedChecks.UpdateChecked(parameters, gradient, learningRate, Architecture);");
            w.Line("return cost;");
        }

        w.Line();
        Doc("One per-sample SGD step on a runtime network, as a pure function.",
            new[] { ("network", "The network; unchanged."), ("input", "x."), ("target", "y."), ("learningRate", "η.") }.Concat(l2Doc).ToArray());
        Returns("A new network with θ − η ∇θ C.");
        Checks.ThrowsOnBadInput(targets: true, rows: false, step: true);
        using (w.Block($"public static global::Nn.Network<{T}> SgdStep(global::Nn.Network<{T}> network, global::System.ReadOnlySpan<{T}> input, global::System.ReadOnlySpan<{T}> target, {T} learningRate{l2Parameter})"))
        {
            w.Line("var parameters = ParametersOf(network).ToArray();");
            w.Line($"SgdStepInPlace(parameters, input, target, learningRate, new {T}[ParameterCount]{l2Argument});");
            w.Line("return ToNetwork(parameters);");
        }

        w.Line();
        Doc("One mini-batch SGD step on a runtime network, as a pure function.",
            new[] { ("network", "The network; unchanged."), ("inputs", "X, rows × InputSize."), ("targets", "Y, rows × OutputSize."), ("rows", "The batch size m."), ("learningRate", "η.") }.Concat(l2Doc).ToArray());
        Returns("A new network with θ − η ∇θ C.");
        Checks.ThrowsOnBadInput(targets: true, rows: true, step: true);
        using (w.Block($"public static global::Nn.Network<{T}> MiniBatchStep(global::Nn.Network<{T}> network, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows, {T} learningRate{l2Parameter})"))
        {
            w.Line("var parameters = ParametersOf(network).ToArray();");
            w.Line($"MiniBatchStepInPlace(parameters, inputs, targets, rows, learningRate, new {T}[ParameterCount]{l2Argument});");
            w.Line("return ToNetwork(parameters);");
        }

        w.Line();
    }

    public void EmitHelpers()
    {
        if (model.HasL2)
        {
            var kernels = model.Spatial.Select((l, i) => (Offset: $"Kernels{i + 1}Offset", Count: l.WeightCount)).Where(b => b.Count > 0);
            var weightBlocks = kernels.Concat(model.Layers.Select((l, i) => (Offset: $"Weights{i + 1}Offset", Count: l.WeightCount))).ToArray();
            var blocks = string.Join(" + ", weightBlocks.Select(b => $"global::Nn.Kernels.GeneratedSpans.SumOfSquares<{T}>(p.Slice({b.Offset}, {Int(b.Count)}))"));
            w.Line("// L2 term λ/(2m) Σ_l Σ (W^l)², over weights only, never biases.");
            using (w.Block($"private static {T} L2Penalty(global::System.ReadOnlySpan<{T}> p, int m)"))
            {
                w.Line($"var sum = {blocks};");
                w.Line($"return ({T})L2Lambda * sum / ({T})(2 * m);");
            }

            w.Line();
            w.Line("// Its gradient (λ/m) W^l, added to the weight blocks only.");
            using (w.Block($"private static {T} AddL2Gradient(global::System.ReadOnlySpan<{T}> p, int m, global::System.Span<{T}> g)"))
            {
                w.Line($"var scale = ({T})L2Lambda / m;");
                foreach (var (offset, count) in weightBlocks)
                {
                    var slice = $"g.Slice({offset}, {Int(count)})";
                    w.Line($"global::Nn.Kernels.GeneratedSpans.MultiplyAdd<{T}>(p.Slice({offset}, {Int(count)}), scale, {slice}, {slice});");
                }

                w.Line("return L2Penalty(p, m);");
            }

            w.Line();
        }

        Checks.EmitArgumentChecks();
    }
}
