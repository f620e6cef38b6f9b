using System;
using System.Collections.Generic;
using System.Numerics;

namespace Nn.Kernels;

/// <summary>
/// The whole-batch passes that the code generated for a declared network with convolutions or pooling
/// (<see cref="NetworkAttribute"/> with <c>InputShape</c>) hands a large batch to, and that a declared network with
/// batch normalisation or dropout hands every pass to (batch statistics couple a batch's rows): the runtime's forward and backward
/// passes over every row at once (im2col of the whole batch, then the packed GEMM), which beat the generated
/// per-sample code once a batch has a few rows. The generated type passes its constant <see cref="Architecture"/>,
/// built once; the buffers of the passes are a workspace per thread and per architecture, grown when a batch
/// has more rows than any before it (and remade when the thread's kernel path changes), so steady-state calls
/// allocate nothing and neither two threads nor a pass and one nested in it (a user's activation running the
/// same network) share one.
/// Results are the runtime's (<see cref="Backprop"/>) exactly: the same passes in the same order.
/// </summary>
/// <example><code>
/// var cost = GeneratedStacks.CostAndGradient(LeNetFloat.Architecture, Loss.SoftmaxCrossEntropy, theta, x, y, rows: 128, 0f, 1, gradient);
/// </code></example>
public static class GeneratedStacks
{
    /// <summary>The forward pass of a batch: <paramref name="outputs"/> receives a^L of every row.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="architecture">The network's architecture; θ is laid out as it says.</param>
    /// <param name="parameters">θ, of length <see cref="Architecture.ParameterCount"/>.</param>
    /// <param name="inputs">X, rows × <see cref="Architecture.InputSize"/>, row-major.</param>
    /// <param name="outputs">Receives a^L, rows × <see cref="Architecture.OutputSize"/>.</param>
    /// <param name="rows">The batch size, at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the architecture and <paramref name="rows"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is below 1.</exception>
    public static void Forward<T>(Architecture architecture, ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBatch(architecture, parameters, inputs, rows);
        if (architecture.StateCount != 0)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"architecture {architecture} keeps running statistics, which inference reads: call the overload that takes statistics."), nameof(architecture));
        }

        GeneratedChecks.CheckLength(nameof(outputs), (long)rows * architecture.OutputSize, outputs.Length);
        using var loan = WorkspaceCache<T>.Lend(architecture, rows);
        Propagation.Forward(architecture, parameters, inputs, rows, loan.Workspace);
        loan.Workspace.Output(rows).CopyTo(outputs);
    }

    /// <summary>
    /// The inference forward pass of a stack with batch normalisation or dropout: each batch normalisation reads its
    /// running mean and variance from <paramref name="statistics"/> and dropout is the identity, as
    /// <see cref="Network.Forward{T}(Network{T}, Matrix{T})"/> runs a network whose <see cref="Network{T}.State"/> is
    /// <paramref name="statistics"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="parameters">θ, of length <see cref="Architecture.ParameterCount"/>.</param>
    /// <param name="statistics">The running statistics, of length <see cref="Architecture.StateCount"/>, laid out as <see cref="Network{T}.State"/>.</param>
    /// <param name="inputs">X, rows × <see cref="Architecture.InputSize"/>, row-major.</param>
    /// <param name="outputs">Receives a^L, rows × <see cref="Architecture.OutputSize"/>.</param>
    /// <param name="rows">The batch size, at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match, or <paramref name="statistics"/> holds a non-finite value or a negative variance.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is below 1.</exception>
    public static void Forward<T>(
        Architecture architecture, ReadOnlySpan<T> parameters, ReadOnlySpan<T> statistics, ReadOnlySpan<T> inputs, Span<T> outputs, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBatch(architecture, parameters, inputs, rows);
        GeneratedChecks.CheckLength(nameof(outputs), (long)rows * architecture.OutputSize, outputs.Length);
        GeneratedChecks.CheckStatistics(statistics, architecture);
        using var loan = WorkspaceCache<T>.Lend(architecture, rows);
        Propagation.Forward(architecture, parameters, inputs, rows, loan.Workspace, PassMode<T>.Inference(statistics));
        loan.Workspace.Output(rows).CopyTo(outputs);
    }

    /// <summary>
    /// One training step's cost and gradient: batch statistics, the dropout masks of <paramref name="dropoutKey"/>
    /// (each layer's mixed with its index, as the runtime's trainer draws them), and the updated running statistics
    /// r' = (1 − momentum) r + momentum · (batch mean, unbiased batch variance) written into
    /// <paramref name="nextStatistics"/>. With key 0 the cost and gradient are those of <see cref="CostAndGradient{T}"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="loss">The cost function; must support the output activation.</param>
    /// <param name="parameters">θ.</param>
    /// <param name="inputs">X, rows × InputSize.</param>
    /// <param name="targets">Y, rows × OutputSize.</param>
    /// <param name="rows">The batch size m, at least 1.</param>
    /// <param name="l2Lambda">λ, finite and not negative; 0 for no L2 term.</param>
    /// <param name="l2SampleCount">n in λ/(2n), at least 1.</param>
    /// <param name="dropoutKey">The key the step's dropout masks are hashed from.</param>
    /// <param name="statistics">The running statistics r, of length <see cref="Architecture.StateCount"/>.</param>
    /// <param name="nextStatistics">Receives r', of the same length; it may be <paramref name="statistics"/> itself, to update them in place.</param>
    /// <param name="gradient">Receives ∇θ C, of length ParameterCount; overwritten.</param>
    /// <returns>The cost.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> or <paramref name="loss"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match, or <paramref name="statistics"/> holds a non-finite value or a negative variance.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="l2SampleCount"/> is below 1, or <paramref name="l2Lambda"/> is negative, NaN or infinite.</exception>
    public static T TrainingCostAndGradient<T>(
        Architecture architecture,
        Loss loss,
        ReadOnlySpan<T> parameters,
        ReadOnlySpan<T> inputs,
        ReadOnlySpan<T> targets,
        int rows,
        T l2Lambda,
        int l2SampleCount,
        ulong dropoutKey,
        ReadOnlySpan<T> statistics,
        Span<T> nextStatistics,
        Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckObjective(architecture, loss, parameters, inputs, targets, rows, l2Lambda, l2SampleCount);
        GeneratedChecks.CheckLength(nameof(gradient), architecture.ParameterCount, gradient.Length);
        GeneratedChecks.CheckStatistics(statistics, architecture);
        GeneratedChecks.CheckLength(nameof(nextStatistics), architecture.StateCount, nextStatistics.Length);
        using var loan = WorkspaceCache<T>.Lend(architecture, rows);
        return Propagation.LossAndGradient(
            architecture, parameters, loss, inputs, targets, rows, l2Lambda, l2SampleCount, loan.Workspace, gradient, true, PassMode<T>.TrainingStep(dropoutKey, statistics, nextStatistics));
    }

    /// <summary>The batch-mean cost (1/m) Σ C(a^L, y), plus λ/(2n) Σ W² when λ is not 0.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="loss">The cost function; must support the output activation.</param>
    /// <param name="parameters">θ.</param>
    /// <param name="inputs">X, rows × InputSize.</param>
    /// <param name="targets">Y, rows × OutputSize.</param>
    /// <param name="rows">The batch size m, at least 1.</param>
    /// <param name="l2Lambda">λ, finite and not negative; 0 for no L2 term.</param>
    /// <param name="l2SampleCount">n in λ/(2n), at least 1.</param>
    /// <returns>The cost.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> or <paramref name="loss"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the architecture and <paramref name="rows"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="l2SampleCount"/> is below 1, or <paramref name="l2Lambda"/> is negative, NaN or infinite.</exception>
    public static T Cost<T>(
        Architecture architecture, Loss loss, ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int rows, T l2Lambda, int l2SampleCount)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckObjective(architecture, loss, parameters, inputs, targets, rows, l2Lambda, l2SampleCount);
        using var loan = WorkspaceCache<T>.Lend(architecture, rows);
        return Propagation.Loss(architecture, parameters, loss, inputs, targets, rows, l2Lambda, l2SampleCount, loan.Workspace);
    }

    /// <summary>The batch-mean cost and its gradient ∇θ C by backpropagation over the whole batch.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="loss">The cost function; must support the output activation.</param>
    /// <param name="parameters">θ.</param>
    /// <param name="inputs">X, rows × InputSize.</param>
    /// <param name="targets">Y, rows × OutputSize.</param>
    /// <param name="rows">The batch size m, at least 1.</param>
    /// <param name="l2Lambda">λ, finite and not negative; 0 for no L2 term.</param>
    /// <param name="l2SampleCount">n in λ/(2n), at least 1.</param>
    /// <param name="gradient">Receives ∇θ C, of length ParameterCount; overwritten, so it needs no clearing.</param>
    /// <returns>The cost.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> or <paramref name="loss"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the architecture and <paramref name="rows"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="l2SampleCount"/> is below 1, or <paramref name="l2Lambda"/> is negative, NaN or infinite.</exception>
    public static T CostAndGradient<T>(
        Architecture architecture,
        Loss loss,
        ReadOnlySpan<T> parameters,
        ReadOnlySpan<T> inputs,
        ReadOnlySpan<T> targets,
        int rows,
        T l2Lambda,
        int l2SampleCount,
        Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckObjective(architecture, loss, parameters, inputs, targets, rows, l2Lambda, l2SampleCount);
        GeneratedChecks.CheckLength(nameof(gradient), architecture.ParameterCount, gradient.Length);
        using var loan = WorkspaceCache<T>.Lend(architecture, rows);
        return Propagation.LossAndGradient(architecture, parameters, loss, inputs, targets, rows, l2Lambda, l2SampleCount, loan.Workspace, gradient, overwrite: true);
    }

    private static void CheckObjective<T>(
        Architecture architecture, Loss loss, ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int rows, T l2Lambda, int l2SampleCount)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(loss);
        CheckBatch(architecture, parameters, inputs, rows);
        GeneratedChecks.CheckLength(nameof(targets), (long)rows * architecture.OutputSize, targets.Length);
        GeneratedChecks.CheckPositive(nameof(l2SampleCount), l2SampleCount);
        // Generated code passes the λ its declaration fixed, checked when the code was generated; a direct call can
        // pass any, and a negative one gave a cost below the loss alone, NaN or ∞ a NaN or infinite one, unremarked.
        Guard.NonNegative(nameof(l2Lambda), double.CreateTruncating(l2Lambda));
    }

    private static void CheckBatch<T>(Architecture architecture, ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, int rows)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        GeneratedChecks.CheckPositive(nameof(rows), rows);
        GeneratedChecks.CheckLength(nameof(parameters), architecture.ParameterCount, parameters.Length);
        GeneratedChecks.CheckLength(nameof(inputs), (long)rows * architecture.InputSize, inputs.Length);
    }

    /// <summary>
    /// The idle workspaces of one thread, one per architecture it has run. A declared type always passes the same
    /// Architecture instance, so a reference comparison finds it; a thread seldom runs more than a few declared
    /// types, so a list scanned in order is enough and, unlike a dictionary keyed by architecture, never hashes
    /// the layer stack. A pass takes its workspace off the list until it ends: a user's activation inside the pass
    /// may run the same declared network on this thread, and must get buffers of its own rather than the outer
    /// pass's. Such a pass's workspace is kept too, so nesting allocates only the first time.
    /// </summary>
    private static class WorkspaceCache<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static List<Workspace<T>>? idle;

        /// <summary>A workspace of <paramref name="architecture"/> with room for <paramref name="rows"/> rows on the current kernel path, for this thread's sole use until the loan is disposed.</summary>
        public static Loan Lend(Architecture architecture, int rows) => new(Take(architecture, rows));

        private static Workspace<T> Take(Architecture architecture, int rows)
        {
            var list = idle ??= [];
            for (var i = 0; i < list.Count; i++)
            {
                var workspace = list[i];
                if (ReferenceEquals(workspace.Architecture, architecture))
                {
                    list.RemoveAt(i);
                    // A workspace keeps the kernel path of where it was made; a call inside another path's scope
                    // (KernelSelection.Enter) gets a workspace on that path, as a fresh runtime workspace would.
                    return workspace.Capacity < rows || workspace.Path != KernelSelection.Current
                        ? new Workspace<T>(architecture, Math.Max(rows, workspace.Capacity))
                        : workspace;
                }
            }

            return new Workspace<T>(architecture, rows);
        }

        /// <summary>A pass's use of a workspace; disposing it keeps the workspace for the thread's next pass of its architecture.</summary>
        public readonly ref struct Loan(Workspace<T> workspace)
        {
            public Workspace<T> Workspace { get; } = workspace;

            public void Dispose() => (idle ??= []).Add(Workspace);
        }
    }
}
