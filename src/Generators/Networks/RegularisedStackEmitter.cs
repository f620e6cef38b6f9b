using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The entry points of a stack with batch normalisation or dropout. Batch statistics make a sample's output depend
/// on the other rows of its batch, and dropout's masks on a key and the row's place in the batch, so no pass is a
/// per-sample function: every entry point checks its arguments with the declared sizes and hands the whole batch to
/// the library's Nn.Kernels.GeneratedStacks, which runs the runtime's layer passes on the type's constant
/// Architecture (the same masks, statistics and sums as Backprop, Network.Forward and the trainer) in a workspace
/// per thread. Cost and gradient are the runtime's training objective (batch statistics, the masks of key 0);
/// inference reads running statistics (per-sample straight-line code for a dense stack below 16 rows,
/// InferenceSampleEmitter); a training step takes a mask key and updates the statistics.
/// </summary>
internal sealed class RegularisedStackEmitter(EmitContext context) : CodeEmitter(context)
{
    private const string Stacks = "global::Nn.Kernels.GeneratedStacks";

    private string L2Argument => model.HasL2 ? ", l2SampleCount" : string.Empty;

    private string L2Pair => model.HasL2 ? $"({T})L2Lambda, l2SampleCount" : $"{Zero}, 1";

    private (string, string)[] WithL2(params (string, string)[] parameters) =>
        model.HasL2 ? parameters.Concat(new[] { ("l2SampleCount", "m in λ/(2m), usually the training set size; at least 1.") }).ToArray() : parameters;

    public void EmitMembers()
    {
        EmitInference();
        EmitObjective();
        EmitSteps();
        EmitChecks();
    }

    private void EmitInference()
    {
        var inference = new InferenceSampleEmitter(Context);
        Doc("Inference for one sample: each batch normalisation uses the running mean and variance in <paramref name=\"statistics\"/>, dropout is the identity — Network.Forward of ToNetwork(parameters, statistics).",
            ("parameters", "θ, of length ParameterCount."), ("statistics", "The running statistics, of length StateCount, laid out as a runtime network's State."), ("input", "x, of length InputSize."), ("output", "Receives a^L, of length OutputSize."));
        ThrowsForInference(rows: false);
        using (w.Block($"public static void Forward(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> statistics, global::System.ReadOnlySpan<{T}> input, global::System.Span<{T}> output)"))
        {
            w.Line("ForwardBatch(parameters, statistics, input, output, 1);");
        }

        w.Line();
        Doc("Inference for a batch, one sample per row; every row is computed on its own (running statistics, no masks).",
            ("parameters", "θ."), ("statistics", "The running statistics, of length StateCount."), ("inputs", "X, rows × InputSize, row-major."), ("outputs", "Receives the outputs, rows × OutputSize."), ("rows", "The batch size, at least 1."));
        ThrowsForInference(rows: true);
        using (w.Block($"public static void ForwardBatch(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> statistics, global::System.ReadOnlySpan<{T}> inputs, global::System.Span<{T}> outputs, int rows)"))
        {
            w.Line("CheckBatch(parameters, inputs, outputs, rows);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"inputs\", inputs, InputSize);");
            if (inference.Applies)
            {
                w.Line("global::Nn.Kernels.GeneratedChecks.CheckStatistics(statistics, Architecture);");
                w.Line($"// A batch of {Int(GemmRows)} rows or more runs the runtime's passes, whose products share the loads of W across rows.");
                using (w.Block($"if (rows >= {Int(GemmRows)})"))
                {
                    w.Line($"{Stacks}.Forward<{T}>(Architecture, parameters, statistics, inputs, outputs, rows);");
                    w.Line("global::Nn.Kernels.GeneratedChecks.CheckOutputs(parameters, outputs, Architecture);");
                    w.Line("return;");
                }

                using (w.Block("for (var i = 0; i < rows; i++)"))
                {
                    w.Line("InferenceSample(parameters, statistics, inputs.Slice(i * InputSize, InputSize), outputs.Slice(i * OutputSize, OutputSize));");
                }

                w.Line();
            }
            else
            {
                w.Line($"{Stacks}.Forward<{T}>(Architecture, parameters, statistics, inputs, outputs, rows);");
            }

            w.Line("global::Nn.Kernels.GeneratedChecks.CheckOutputs(parameters, outputs, Architecture);");
        }

        w.Line();
        if (inference.Applies)
        {
            inference.EmitInferenceSample();
        }
    }

    private void EmitObjective()
    {
        const string Objective = "the training objective the runtime's Backprop differentiates: batch statistics and the dropout masks of key 0, held fixed";
        Doc($"The cost of one sample as a batch of one, under {Objective}{(model.HasL2 ? "; plus λ/(2m) Σ W²" : string.Empty)}.",
            WithL2(("parameters", "θ."), ("input", "x."), ("target", "y, of length OutputSize.")));
        Returns("The cost.");
        Checks.ThrowsOnBadInput(targets: true, rows: false);
        using (w.Block($"public static {T} Cost(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> input, global::System.ReadOnlySpan<{T}> target{L2Parameter})"))
        {
            w.Line($"return CostBatch(parameters, input, target, 1{L2Argument});");
        }

        w.Line();
        Doc($"The batch-mean cost under {Objective}{(model.HasL2 ? "; plus λ/(2m) Σ W²" : string.Empty)}.",
            WithL2(("parameters", "θ."), ("inputs", "X, rows × InputSize."), ("targets", "Y, rows × OutputSize."), ("rows", "The batch size, at least 1.")));
        Returns("The mean cost.");
        Checks.ThrowsOnBadInput(targets: true, rows: true);
        using (w.Block($"public static {T} CostBatch(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows{L2Parameter})"))
        {
            CheckObjectiveArguments();
            w.Line($"return global::Nn.Kernels.GeneratedChecks.CheckCost(parameters, {Stacks}.Cost<{T}>(Architecture, LossFunction, parameters, inputs, targets, rows, {L2Pair}), Architecture);");
        }

        w.Line();
        Doc($"The cost of one sample as a batch of one and its gradient ∇θ C, under {Objective}.",
            WithL2(("parameters", "θ."), ("input", "x."), ("target", "y."), ("gradient", "Receives ∇θ C, of length ParameterCount; overwritten.")));
        Returns("The cost.");
        Checks.ThrowsOnBadInput(targets: true, rows: false);
        using (w.Block($"public static {T} CostAndGradient(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> input, global::System.ReadOnlySpan<{T}> target, global::System.Span<{T}> gradient{L2Parameter})"))
        {
            w.Line($"return CostAndGradientBatch(parameters, input, target, 1, gradient{L2Argument});");
        }

        w.Line();
        Doc($"The batch-mean cost and its gradient ∇θ C by backpropagation through the whole batch, under {Objective}.",
            WithL2(("parameters", "θ."), ("inputs", "X, rows × InputSize."), ("targets", "Y, rows × OutputSize."), ("rows", "The batch size m, at least 1."), ("gradient", "Receives ∇θ C; overwritten.")));
        Returns("The mean cost.");
        Checks.ThrowsOnBadInput(targets: true, rows: true);
        using (w.Block($"public static {T} CostAndGradientBatch(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows, global::System.Span<{T}> gradient{L2Parameter})"))
        {
            CheckObjectiveArguments();
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"gradient\", ParameterCount, gradient.Length);");
            w.Line($"return global::Nn.Kernels.GeneratedChecks.CheckCost(parameters, {Stacks}.CostAndGradient<{T}>(Architecture, LossFunction, parameters, inputs, targets, rows, {L2Pair}, gradient), Architecture);");
        }

        w.Line();
    }

    private void EmitSteps()
    {
        Doc("One mini-batch SGD training step, in place: the cost and gradient with batch statistics and the dropout masks of <paramref name=\"dropoutKey\"/>, "
            + "the running statistics r ← (1 − momentum) r + momentum · (batch mean, unbiased batch variance), then θ ← θ − η ∇θ C — the runtime trainer's step with that key.",
            WithL2(
                ("parameters", "θ; updated in place."),
                ("statistics", "The running statistics, of length StateCount; updated in place."),
                ("inputs", "X, rows × InputSize."),
                ("targets", "Y, rows × OutputSize."),
                ("rows", "The batch size m, at least 1."),
                ("learningRate", "η."),
                ("dropoutKey", "The key the step's dropout masks are hashed from; use a new one for every step (the same key draws the same masks)."),
                ("gradient", "Scratch for ∇θ C, of length ParameterCount.")));
        Returns("The batch-mean cost before the step.");
        Checks.ThrowsOnBadInput(targets: true, rows: true, step: true);
        using (w.Block($"public static {T} TrainingStepInPlace(global::System.Span<{T}> parameters, global::System.Span<{T}> statistics, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows, {T} learningRate, ulong dropoutKey, global::System.Span<{T}> gradient{L2Parameter})"))
        {
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLearningRate(learningRate);");
            CheckObjectiveArguments();
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"gradient\", ParameterCount, gradient.Length);");
            w.Line("// The pass reads each feature's r before it writes r', so the statistics can be updated where they are.");
            w.Line($"var cost = global::Nn.Kernels.GeneratedChecks.CheckCost<{T}>(parameters, {Stacks}.TrainingCostAndGradient<{T}>(Architecture, LossFunction, parameters, inputs, targets, rows, {L2Pair}, dropoutKey, statistics, statistics, gradient), Architecture);");
            w.Line("global::Nn.Kernels.GeneratedChecks.UpdateChecked(parameters, gradient, learningRate, Architecture);");
            w.Line("return cost;");
        }

        w.Line();
        Doc("One mini-batch SGD training step on a runtime network, as a pure function (see TrainingStepInPlace).",
            WithL2(("network", "The network; unchanged."), ("inputs", "X, rows × InputSize."), ("targets", "Y, rows × OutputSize."), ("rows", "The batch size m."), ("learningRate", "η."), ("dropoutKey", "The key of the step's dropout masks.")));
        Returns("A new network with θ − η ∇θ C and the updated running statistics.");
        Checks.ThrowsOnBadInput(targets: true, rows: true, step: true);
        using (w.Block($"public static global::Nn.Network<{T}> TrainingStep(global::Nn.Network<{T}> network, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows, {T} learningRate, ulong dropoutKey{L2Parameter})"))
        {
            w.Line("var parameters = ParametersOf(network).ToArray();");
            w.Line("var statistics = network.State.ToArray();");
            w.Line($"TrainingStepInPlace(parameters, statistics, inputs, targets, rows, learningRate, dropoutKey, new {T}[ParameterCount]{L2Argument});");
            w.Line("return ToNetwork(parameters, statistics);");
        }

        w.Line();
    }

    /// <summary>Lengths first (rows, θ, X, Y), then the scans of X and Y, as the dense stacks' entry points check them.</summary>
    private void CheckObjectiveArguments()
    {
        w.Line("CheckBatch(parameters, inputs, targets, rows);");
        w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"inputs\", inputs, InputSize);");
        w.Line("global::Nn.Kernels.GeneratedChecks.CheckFinite(\"targets\", targets, OutputSize);");
        WriteIf(model.HasL2 ? "global::Nn.Kernels.GeneratedChecks.CheckPositive(\"l2SampleCount\", l2SampleCount);" : null);
    }

    private void EmitChecks()
    {
        using (w.Block($"private static void CheckBatch(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> outputs, int rows)"))
        {
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckPositive(\"rows\", rows);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"parameters\", ParameterCount, parameters.Length);");

            // In 64 bits: rows × width wrapped around in int could match a short span.
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"inputs\", (long)rows * InputSize, inputs.Length);");
            w.Line("global::Nn.Kernels.GeneratedChecks.CheckLength(\"outputs or targets\", (long)rows * OutputSize, outputs.Length);");
        }
    }

    private void ThrowsForInference(bool rows)
    {
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A length is wrong, x or θ holds NaN or ±∞ (θ is scanned only when the output comes out non-finite),");
        w.Line("/// or the statistics hold NaN, ±∞ or a negative variance.</exception>");
        if (rows)
        {
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">rows is below 1.</exception>");
        }
    }
}
