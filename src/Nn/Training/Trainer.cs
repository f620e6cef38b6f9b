using System;
using System.Collections.Immutable;
using System.Linq;
using System.Numerics;
using System.Threading;

namespace Nn;

/// <summary>
/// Training as a fold of pure steps. <see cref="Start{T}"/> makes the initial <see cref="TrainingState{T}"/>,
/// <see cref="Continue{T}"/> folds epochs over it, and <see cref="Train{T}"/> does both. Inside, one run owns its
/// workspaces and updates them in place; what it hands back is immutable.
/// </summary>
/// <example><code>
/// var result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, new Adam(1e-3), train, new TrainingOptions(Epochs: 20, BatchSize: 32, Seed: 1), test);
/// Console.WriteLine(result.History[^1].TestAccuracy);
/// </code></example>
public static class Trainer
{
    /// <summary>The state before the first epoch.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The initial network.</param>
    /// <param name="optimizer">The rule, for its initial state.</param>
    /// <param name="seed">The shuffling seed.</param>
    /// <returns>The initial state.</returns>
    public static TrainingState<T> Start<T>(Network<T> network, Optimizer optimizer, ulong seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        return new TrainingState<T>(network, optimizer.Init(network.Parameters), RandomState.FromSeed(seed), 0, ImmutableArray<EpochRecord>.Empty);
    }

    /// <summary>Trains from scratch for <see cref="TrainingOptions.Epochs"/> epochs.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The initial network.</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="optimizer">The rule.</param>
    /// <param name="train">The training data (less the validation share, when the options hold one out).</param>
    /// <param name="options">Epochs, batch size, seed, L2, validation and patience.</param>
    /// <param name="test">Data to measure after each epoch, or null.</param>
    /// <param name="progress">Receives a report after every batch, or null.</param>
    /// <param name="onEpoch">Called with the state after every epoch (e.g. to checkpoint it), or null.</param>
    /// <param name="cancellation">Stops the run at the next epoch boundary.</param>
    /// <returns>The final state and why the run ended.</returns>
    public static TrainingResult<T> Train<T>(
        Network<T> network,
        Loss loss,
        Optimizer optimizer,
        Dataset<T> train,
        TrainingOptions options,
        Dataset<T>? test = null,
        IProgress<TrainingProgress>? progress = null,
        Action<TrainingState<T>>? onEpoch = null,
        CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        return Continue(Start(network, optimizer, options.Seed), loss, optimizer, train, options, test, progress, onEpoch, cancellation);
    }

    /// <summary>
    /// Continues a run from <paramref name="state"/> (fresh or from a checkpoint) until <see cref="TrainingOptions.Epochs"/>
    /// epochs are complete. Same state, same data and options → bit-for-bit the same result. The run stops as
    /// <see cref="StopReason.Diverged"/> when a cost or parameter becomes NaN or infinite, when the objective (the
    /// training set's mean cost plus the L2 term, measured on at most <see cref="TrainingOptions.DivergenceProbeSamples"/>
    /// of its samples unless <see cref="TrainingOptions.ExactTrainMetrics"/> is set) after an epoch exceeds <see cref="TrainingOptions.DivergenceFactor"/>
    /// times its value for <paramref name="state"/>'s network, or, for a run that starts untrained (no epoch completed),
    /// when the last network's objective is above the first's. A resumed run measures growth from where it resumed and
    /// is not held to ending below its start: a trained network's cost rises a little in an epoch as a matter of course.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="state">Where to start. Its optimiser moments must be ones a run reaches (finite, and not negative where the rule keeps squares); others are refused naming the moment.</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="optimizer">The rule that made <paramref name="state"/>'s optimiser state.</param>
    /// <param name="train">The training data; with <see cref="TrainingOptions.ValidationFraction"/>, the run holds out that share of it (<see cref="Dataset.HoldOut{T}"/>, with the run's seed) and trains on the rest.</param>
    /// <param name="options">Epochs (the total, counting those already done), batch size, L2, validation and patience (<see cref="TrainingOptions.Patience"/>: stop when the validation cost has not improved for that many epochs, with <see cref="StopReason.EarlyStopped"/> and the best epoch's network).</param>
    /// <param name="test">Data to measure after each epoch, or null.</param>
    /// <param name="progress">Receives a report after every batch, or null.</param>
    /// <param name="onEpoch">Called with the state after every epoch, or null.</param>
    /// <param name="cancellation">Stops the run at the next epoch boundary.</param>
    /// <returns>The final state and why the run ended.</returns>
    public static TrainingResult<T> Continue<T>(
        TrainingState<T> state,
        Loss loss,
        Optimizer optimizer,
        Dataset<T> train,
        TrainingOptions options,
        Dataset<T>? test = null,
        IProgress<TrainingProgress>? progress = null,
        Action<TrainingState<T>>? onEpoch = null,
        CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ContinueAsRank(state, loss, optimizer, train, options, test, progress, onEpoch, cancellation, group: null);

    /// <summary>
    /// <see cref="Continue{T}(TrainingState{T}, Loss, Optimizer, Dataset{T}, TrainingOptions, Dataset{T}?, IProgress{TrainingProgress}?, Action{TrainingState{T}}?, CancellationToken)"/>
    /// as one rank of a data-parallel run when <paramref name="group"/> is given: every rank calls it with the same
    /// arguments and holds the same state, bit for bit, after every step. A cancellation on any rank stops every rank
    /// at the same epoch boundary.
    /// </summary>
    internal static TrainingResult<T> ContinueAsRank<T>(
        TrainingState<T> state,
        Loss loss,
        Optimizer optimizer,
        Dataset<T> train,
        TrainingOptions options,
        Dataset<T>? test,
        IProgress<TrainingProgress>? progress,
        Action<TrainingState<T>>? onEpoch,
        CancellationToken cancellation,
        IDataParallelGroup? group)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);

        // Every kernel of the run, on this thread and on the run's workers, takes its path from here (the data checks included).
        using var kernels = Kernels.KernelScope.Enter(options.Kernels);
        Backprop.Validate(state.Network, loss, train, options.L2);
        optimizer.EnsureFits<T>(nameof(optimizer));
        if (test is not null)
        {
            Backprop.Validate(state.Network, loss, test, 0);
        }

        if (group is not null && state.Network.Architecture.Stack.Any(layer => layer is DropoutLayer or BatchNormLayer))
        {
            // Each rank would normalise by its own share's statistics and draw masks by its own row numbers, and the
            // running statistics are not summed over the ranks, so the run would differ from one process's.
            throw new ArgumentException(
                $"data-parallel training does not support batch normalisation or dropout yet (running statistics are not synchronised across ranks), but {state.Network.Architecture} has them; train it in one process.",
                nameof(state));
        }

        // Each epoch takes at most one step a sample; a run that could count past the state's limit is refused now rather
        // than when its last snapshot is made.
        var stepsLeft = (long)Math.Max(0, options.Epochs - state.EpochsCompleted) * train.Count;
        if (state.OptimizerState.Step > OptimizerState<T>.MaxStep - stepsLeft)
        {
            throw new ArgumentException(
                $"the optimiser state has taken {state.OptimizerState.Step} steps, and {options.Epochs - state.EpochsCompleted} more epochs of up to {train.Count} steps each could count past {OptimizerState<T>.MaxStep} (OptimizerState.MaxStep).",
                nameof(state));
        }

        // Each completed epoch leaves one record; a state without them would carry a history that no checkpoint can hold.
        if (state.Epochs.Count != state.EpochsCompleted)
        {
            throw new ArgumentException(
                $"the state has completed {state.EpochsCompleted} epochs but holds {state.Epochs.Count} history records; a run's history has one record per completed epoch.",
                nameof(state));
        }

        if (options.Patience > 0 && options.ValidationFraction == 0)
        {
            throw new ArgumentException($"options.Patience of {options.Patience} needs a ValidationFraction above 0 to measure improvement on.", nameof(options));
        }

        var (fit, validation) = EarlyStopping.Split(train, options);
        using var run = new TrainingRun<T>(state, loss, optimizer, fit, options, group: group);
        var startCost = state.EpochsCompleted < options.Epochs ? run.Objective(state) : double.NaN;
        var startedUntrained = state.EpochsCompleted == 0;
        var cost = startCost;
        while (state.EpochsCompleted < options.Epochs)
        {
            if (DataParallel.AnyRank(group, cancellation.IsCancellationRequested))
            {
                return new TrainingResult<T>(state, StopReason.Cancelled, $"cancelled after {state.EpochsCompleted} of {options.Epochs} epochs.");
            }

            var (next, failure, nextCost) = run.Epoch(state, test, progress, validation);
            if (failure is not null)
            {
                return new TrainingResult<T>(next, StopReason.Diverged, failure);
            }

            if (Divergence.BlownUp(startCost, nextCost, options.DivergenceFactor) is { } blownUp)
            {
                return new TrainingResult<T>(
                    state, StopReason.Diverged, $"training diverged: {blownUp} in epoch {next.EpochsCompleted}; returning the network from before that epoch.");
            }

            (state, cost) = (EarlyStopping.Track(next, options), nextCost);
            onEpoch?.Invoke(state);
            if (EarlyStopping.Exhausted(state, options) is { } patienceRanOut)
            {
                return new TrainingResult<T>(state, StopReason.EarlyStopped, patienceRanOut);
            }
        }

        if (startedUntrained && Divergence.Worsened(startCost, cost) is { } worsened)
        {
            return new TrainingResult<T>(state, StopReason.Diverged, $"training diverged: {worsened}; returning the final network, which is finite.");
        }

        var best = state.Best is { } b
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" The best epoch was {b.Epoch} (validation cost {Divergence.Number(b.ValidationCost)}); its network is the result's.")
            : string.Empty;
        return new TrainingResult<T>(state, StopReason.Completed, $"completed {Counted.Of(state.EpochsCompleted, "epoch")}.{best}");
    }

    /// <summary>
    /// Trains with a full-batch minimiser (conjugate gradient or L-BFGS) on the whole training set's cost.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The initial network.</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="minimizer">The minimiser and its iteration limit.</param>
    /// <param name="train">The training data.</param>
    /// <param name="l2">λ of the L2 term λ/(2m) Σ W², m the training set size.</param>
    /// <param name="progress">Called after each iteration with (iteration, cost), or null.</param>
    /// <returns>The minimiser's result; its parameters fit <paramref name="network"/>'s architecture.</returns>
    /// <exception cref="ArgumentException">The network has dropout or batch normalisation (they need mini-batch training).</exception>
    public static MinimizationResult<T> TrainFullBatch<T>(
        Network<T> network, Loss loss, FullBatchOptimizer minimizer, Dataset<T> train, double l2 = 0, Action<int, double>? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        TrainFullBatchAsRank(network, loss, minimizer, train, l2, progress, group: null);

    /// <summary>
    /// <see cref="TrainFullBatch{T}(Network{T}, Loss, FullBatchOptimizer, Dataset{T}, double, Action{int, double}?)"/>
    /// as one rank of a data-parallel run when <paramref name="group"/> is given: each rank evaluates the cost and
    /// gradient on its share of the training set, the sums are combined over the ranks, and every rank's minimiser
    /// then sees the same numbers and takes the same steps.
    /// </summary>
    internal static MinimizationResult<T> TrainFullBatchAsRank<T>(
        Network<T> network, Loss loss, FullBatchOptimizer minimizer, Dataset<T> train, double l2, Action<int, double>? progress, IDataParallelGroup? group)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(minimizer);
        ArgumentNullException.ThrowIfNull(train);
        Backprop.Validate(network, loss, train, l2);
        var architecture = network.Architecture;
        if (architecture.Stack.Any(layer => layer is DropoutLayer or BatchNormLayer))
        {
            // A line search needs one deterministic cost function and would leave running statistics untrained.
            throw new ArgumentException(
                $"full-batch minimisers train networks without dropout and batch normalisation, but {architecture} has them; use a mini-batch optimiser.", nameof(network));
        }

        var share = group is null ? train : DataParallel.Shard(train, group.Rank, group.Size);
        var workspace = new Workspace<T>(architecture, Math.Max(share.Count, 1));
        var lambda = T.CreateChecked(l2);
        LossAndGradient<T> Objective(ParameterVector<T> theta)
        {
            var gradient = new T[architecture.ParameterCount];
            if (group is null)
            {
                var cost = Propagation.LossAndGradient(
                    architecture, theta.AsSpan(), loss, train.Inputs.AsSpan(), train.Targets.AsSpan(), train.Count, lambda, train.Count, workspace, gradient);
                return new LossAndGradient<T>(cost, ParameterVector<T>.Own(gradient));
            }

            var summed = new T[architecture.ParameterCount + 1];
            if (share.Count > 0)
            {
                summed[^1] = Propagation.LossAndGradient(
                    architecture, theta.AsSpan(), loss, share.Inputs.AsSpan(), share.Targets.AsSpan(), share.Count, T.Zero, train.Count, workspace, summed.AsSpan(0, gradient.Length));
            }

            var total = DataParallel.Combine<T>(group, architecture, theta.AsSpan(), summed, share.Count, train.Count, l2, train.Count);
            summed.AsSpan(0, gradient.Length).CopyTo(gradient);
            return new LossAndGradient<T>(T.CreateChecked(total), ParameterVector<T>.Own(gradient));
        }

        return minimizer.Minimize(Objective, network.Parameters, progress);
    }
}
