using System;
using System.Numerics;
using System.Threading;

namespace Nn.Distributed;

/// <summary>
/// Synchronous data-parallel training: <see cref="Trainer"/>'s runs, with every global batch split over the ranks of
/// an <see cref="MpiGroup"/>. Every rank calls the same method with the same arguments (the same data, seed and
/// options); rank r computes the gradient of its block of each batch's rows, the ranks' sums are added, and every
/// rank applies the same update, so all hold the same θ, bit for bit, after every step. Printing and writing files
/// is left to the caller, on rank 0 (<see cref="MpiGroup.IsLeader"/>).
/// </summary>
/// <example><code>
/// using var group = MpiGroup.Join();
/// var (train, test) = Digits.Load&lt;float&gt;();
/// var result = DistributedTrainer.Train(group, network, Loss.SoftmaxCrossEntropy, new Adam(0.005), train, new TrainingOptions(Epochs: 20, BatchSize: 32, Seed: 1), test);
/// </code></example>
public static class DistributedTrainer
{
    /// <summary>Trains from scratch as one rank of <paramref name="group"/>, like <see cref="Trainer.Train{T}"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="group">The ranks; every one calls this with the same arguments.</param>
    /// <param name="network">The initial network.</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="optimizer">The rule.</param>
    /// <param name="train">The training data (the whole set, on every rank).</param>
    /// <param name="options">Epochs, the global batch size B, seed, L2, threads per rank.</param>
    /// <param name="test">Data to measure after each epoch, or null.</param>
    /// <param name="progress">Receives a report after every batch, or null (usually given on rank 0 only).</param>
    /// <param name="onEpoch">Called with the state after every epoch, on every rank, or null.</param>
    /// <param name="cancellation">Stops every rank at the next epoch boundary when cancelled on any rank.</param>
    /// <returns>The final state and why the run ended, the same on every rank.</returns>
    public static TrainingResult<T> Train<T>(
        MpiGroup group,
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
        return Continue(group, Trainer.Start(network, optimizer, options.Seed), loss, optimizer, train, options, test, progress, onEpoch, cancellation);
    }

    /// <summary>
    /// Continues a run from <paramref name="state"/> as one rank of <paramref name="group"/>, like
    /// <see cref="Trainer.Continue{T}"/>. A state saved by a run with the same number of ranks continues bit for bit
    /// as that run would have; with another number the batch sums are added in another order, so the result differs
    /// from it by rounding only.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="group">The ranks; every one calls this with the same arguments.</param>
    /// <param name="state">Where to start.</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="optimizer">The rule that made <paramref name="state"/>'s optimiser state.</param>
    /// <param name="train">The training data (the whole set, on every rank).</param>
    /// <param name="options">Epochs (the total), the global batch size B, L2, threads per rank.</param>
    /// <param name="test">Data to measure after each epoch, or null.</param>
    /// <param name="progress">Receives a report after every batch, or null.</param>
    /// <param name="onEpoch">Called with the state after every epoch, on every rank, or null.</param>
    /// <param name="cancellation">Stops every rank at the next epoch boundary when cancelled on any rank.</param>
    /// <returns>The final state and why the run ended, the same on every rank.</returns>
    public static TrainingResult<T> Continue<T>(
        MpiGroup group,
        TrainingState<T> state,
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
        ArgumentNullException.ThrowIfNull(group);
        return Trainer.ContinueAsRank(state, loss, optimizer, train, options, test, progress, onEpoch, cancellation, group);
    }

    /// <summary>
    /// A full-batch minimiser (conjugate gradient or L-BFGS) as one rank of <paramref name="group"/>, like
    /// <see cref="Trainer.TrainFullBatch{T}"/>: each rank evaluates its block of the training set and the cost and
    /// gradient are summed over the ranks before every use, so every rank's minimiser takes the same steps.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="group">The ranks; every one calls this with the same arguments.</param>
    /// <param name="network">The initial network.</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="minimizer">The minimiser and its iteration limit.</param>
    /// <param name="train">The training data (the whole set, on every rank).</param>
    /// <param name="l2">λ of the L2 term λ/(2m) Σ W², m the training set size.</param>
    /// <param name="progress">Called after each iteration with (iteration, cost), or null.</param>
    /// <returns>The minimiser's result, the same on every rank.</returns>
    public static MinimizationResult<T> TrainFullBatch<T>(
        MpiGroup group, Network<T> network, Loss loss, FullBatchOptimizer minimizer, Dataset<T> train, double l2 = 0, Action<int, double>? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(group);
        return Trainer.TrainFullBatchAsRank(network, loss, minimizer, train, l2, progress, group);
    }
}
