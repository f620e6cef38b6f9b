namespace Nn.Generators.Networks;

/// <summary>
/// The batch path of a stack with spatial layers, for batches of at least <see cref="CodeEmitter.StackRows"/> rows:
/// ForwardRowsInto, CostRows and CostAndGradientRows hand the whole batch to the library's
/// Nn.Kernels.GeneratedStacks, which runs the runtime's passes (im2col over every row, then the packed GEMM) on the
/// type's constant Architecture with a workspace per thread. The generated per-sample code cannot share one matrix
/// product across rows, so above the threshold the runtime's batch passes are faster, and their results are the
/// runtime's own.
/// </summary>
internal sealed class StackBatchEmitter(EmitContext context) : CodeEmitter(context)
{
    private const string Stacks = "global::Nn.Kernels.GeneratedStacks";

    public void EmitWholeBatchMethods()
    {
        if (!model.HasSpatial)
        {
            return;
        }

        var l2 = model.HasL2 ? $"({T})L2Lambda, l2SampleCount" : $"{Zero}, 1";
        w.Line("// ForwardBatch for a large batch: the runtime's forward pass over the whole batch.");
        using (w.Block($"private static void ForwardRowsInto(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.Span<{T}> outputs, int rows)"))
        {
            w.Line($"{Stacks}.Forward<{T}>(Architecture, parameters, inputs, outputs, rows);");
        }

        w.Line();
        w.Line("// CostBatch for a large batch: the runtime's forward pass and batch-mean cost.");
        using (w.Block($"private static {T} CostRows(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows{L2Parameter})"))
        {
            w.Line($"return {Stacks}.Cost<{T}>(Architecture, LossFunction, parameters, inputs, targets, rows, {l2});");
        }

        w.Line();
        w.Line("// CostAndGradientBatch for a large batch: the runtime's backpropagation over the whole batch; it writes every");
        w.Line("// gradient entry, so the caller's buffer needs no clearing.");
        using (w.Block($"private static {T} CostAndGradientRows(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> inputs, global::System.ReadOnlySpan<{T}> targets, int rows, global::System.Span<{T}> gradient{L2Parameter})"))
        {
            w.Line($"return {Stacks}.CostAndGradient<{T}>(Architecture, LossFunction, parameters, inputs, targets, rows, {l2}, gradient);");
        }

        w.Line();
    }
}
