using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The mutable engine of one training run: it owns θ, the gradient, the optimiser moments, the batch buffers and
/// the workspaces, and updates them in place so a steady-state step allocates nothing. Only the immutable
/// <see cref="TrainingState{T}"/> it builds at each epoch's end leaves it. With <see cref="TrainingOptions.Threads"/>
/// above 1 it also owns a <see cref="WorkerPool"/>, released by <see cref="Dispose"/>.
/// </summary>
internal sealed class TrainingRun<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly WorkerPool? pool;
    private readonly ParallelUpdate<T>? update;
    private readonly Loss loss;
    private readonly Optimizer optimizer;
    private readonly Dataset<T> train;
    private readonly TrainingOptions options;
    private readonly Architecture architecture;
    private readonly Workspace<T> workspace;
    private T[] theta;
    private T[] nextTheta;
    private readonly T[] gradient;
    private T[][] moments;
    private T[][] nextMoments;
    private readonly T[] batchInputs;
    private readonly T[] batchTargets;
    private readonly int[] order;
    private readonly BatchGather<T> gather;

    private readonly DeferredSgd<T>? deferred;
    private readonly double[] blockCosts;

    /// <summary>Rows per forward pass when measuring an epoch's network: enough for the GEMM kernels to reach speed.</summary>
    private const int MeasureRows = 256;

    /// <summary>The forward-pass buffers of <see cref="Measure"/>, made at the first epoch's end.</summary>
    private Workspace<T>? measuring;

    /// <summary>The (label, predicted) counts of <see cref="Measure"/>, made with <see cref="measuring"/>.</summary>
    private int[]? confusion;

    /// <param name="state">Where the run starts (its θ and moments are copied in by <see cref="Load"/>).</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="optimizer">The rule.</param>
    /// <param name="train">The training data.</param>
    /// <param name="options">Batch size, threads, L2, shuffling.</param>
    /// <param name="sampleBlock">
    /// For per-sample SGD without L2, how many samples <see cref="DeferredSgd{T}"/> takes at once (0 or 1: one at
    /// a time); null chooses by the architecture. Tests set it to run both paths on the same network.
    /// </param>
    public TrainingRun(TrainingState<T> state, Loss loss, Optimizer optimizer, Dataset<T> train, TrainingOptions options, int? sampleBlock = null)
    {
        this.loss = loss;
        this.optimizer = optimizer;
        this.train = train;
        this.options = options;
        architecture = state.Network.Architecture;
        var batch = Math.Min(options.BatchSize, train.Count);
        var block = architecture.IsDense && optimizer is Sgd && options.L2 == 0 && batch == 1 ? Math.Min(sampleBlock ?? DeferredSgd<T>.BlockSizeFor(architecture), train.Count) : 0;
        if (block > 1)
        {
            deferred = new DeferredSgd<T>(architecture, loss, T.CreateChecked(((Sgd)optimizer).LearningRate), block);
        }

        blockCosts = new double[Math.Max(block, 1)];
        pool = options.Threads > 1 ? new WorkerPool(options.Threads) : null;
        workspace = new Workspace<T>(architecture, batch, pool is null ? null : new GemmTeam<T>(pool));
        update = pool is null ? null : new ParallelUpdate<T>(pool);
        theta = new T[architecture.ParameterCount];
        nextTheta = new T[architecture.ParameterCount];
        gradient = new T[architecture.ParameterCount];
        if (state.OptimizerState.Moments.Length != optimizer.MomentCount)
        {
            throw new ArgumentException(
                $"the optimiser state holds {state.OptimizerState.Moments.Length} moment vectors, but {optimizer.Name} needs {optimizer.MomentCount}.", nameof(state));
        }

        moments = new T[optimizer.MomentCount][];
        nextMoments = new T[optimizer.MomentCount][];
        for (var i = 0; i < moments.Length; i++)
        {
            moments[i] = new T[architecture.ParameterCount];
            nextMoments[i] = new T[architecture.ParameterCount];
        }

        var gathered = Math.Max(batch, block);
        batchInputs = new T[gathered * train.Inputs.Columns];
        batchTargets = new T[gathered * train.Targets.Columns];
        order = new int[train.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        gather = new BatchGather<T>(train, order, batchInputs, batchTargets, pool);
    }

    /// <summary>
    /// One epoch from <paramref name="state"/>: the state after it and the objective after it (the whole training
    /// set's mean cost plus the L2 term), or the last finite state and why it stopped.
    /// </summary>
    public (TrainingState<T> State, string? Failure, double TrainCost) Epoch(TrainingState<T> state, Dataset<T>? test, IProgress<TrainingProgress>? progress)
    {
        Load(state);

        var step = state.OptimizerState.Step;
        var random = new RandomGenerator(state.Random);
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (options.Shuffle)
        {
            random.Shuffle(order);
        }

        var epoch = state.EpochsCompleted + 1;
        var batchSize = workspace.Capacity;
        var batches = (train.Count + batchSize - 1) / batchSize;
        var costSum = 0.0;
        var clock = Stopwatch.StartNew();
        for (var b = 0; b < batches;)
        {
            var start = b * batchSize;
            var rows = Math.Min(SamplesPerAdvance, train.Count - start);
            var (done, failure) = Advance(step + 1, start, rows);
            for (var i = 0; i < done; i++)
            {
                // Per-sample steps done as one block still count, and report, one by one.
                var size = deferred is null ? rows : 1;
                var seen = (b * batchSize) + size;
                step++;
                b++;
                costSum += blockCosts[i] * size;
                progress?.Report(new TrainingProgress(epoch, options.Epochs, b, batches, costSum / seen, seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
            }

            if (failure is not null)
            {
                return (Snapshot(state, step, random.State, epoch - 1, state.History),
                    $"training diverged: {failure} at epoch {epoch}, batch {b + 1} of {batches}; returning the last finite network.", double.NaN);
            }
        }

        var (trainCost, trainAccuracy) = Measure(train);
        (double Cost, double Accuracy)? tested = test is null ? null : Measure(test);
        var record = new EpochRecord(epoch, costSum / train.Count, trainAccuracy, tested?.Cost, tested?.Accuracy);
        return (Snapshot(state, step, random.State, epoch, state.History.Add(record)), null, trainCost + Penalty());
    }

    /// <summary>The objective for <paramref name="state"/>'s network, measured as <see cref="Epoch"/> measures its result.</summary>
    public double TrainCost(TrainingState<T> state)
    {
        Load(state);
        return Measure(train).Cost + Penalty();
    }

    /// <summary>The L2 term λ/(2n) Σ W² of θ, which the run minimises together with the cost.</summary>
    private double Penalty() =>
        options.L2 == 0 ? 0 : double.CreateChecked(Propagation.L2Penalty<T>(architecture, theta, T.CreateChecked(options.L2), train.Count));

    /// <summary>
    /// The mean cost (without L2) and the accuracy of θ on <paramref name="data"/>, from one forward pass in chunks
    /// of <see cref="MeasureRows"/> rows (<see cref="Evaluation.Measure{T}"/>) through the run's own workspace, its
    /// products split over the run's threads like a training step's. The same numbers as
    /// <see cref="Backprop.Cost{T}(Network{T}, Loss, Matrix{T}, Matrix{T}, double, int?)"/> and
    /// <see cref="Evaluation.Accuracy{T}"/> up to the order of the cost's sum.
    /// </summary>
    private (double Cost, double Accuracy) Measure(Dataset<T> data)
    {
        measuring ??= new Workspace<T>(architecture, Math.Min(MeasureRows, Math.Max(data.Count, train.Count)), workspace.Team);
        var classes = architecture.OutputSize;
        confusion ??= new int[classes * classes];
        Array.Clear(confusion);
        var costSum = Evaluation.Measure<T>(architecture, theta, data, measuring, confusion, loss);
        var correct = 0;
        for (var c = 0; c < classes; c++)
        {
            correct += confusion[(c * classes) + c];
        }

        return (double.CreateChecked(costSum) / data.Count, (double)correct / data.Count);
    }

    /// <summary>The most samples one <see cref="Advance"/> takes: a deferred block, or one batch.</summary>
    internal int SamplesPerAdvance => deferred?.BlockSize ?? workspace.Capacity;

    /// <summary>
    /// The steps on the samples order[start .. start + rows) (at most <see cref="SamplesPerAdvance"/>): one batch
    /// step, or per-sample steps as one deferred block. Their costs go into the block's cost buffer. Returns how
    /// many steps were taken and, if one failed, why (θ is then the last finite value).
    /// </summary>
    /// <param name="step">The 1-based number of the first step.</param>
    /// <param name="start">The first position in the epoch's order.</param>
    /// <param name="rows">The number of samples.</param>
    internal (int Done, string? Failure) Advance(long step, int start, int rows) =>
        deferred is null ? Batch(step, start, rows) : Samples(step, start, rows);

    /// <summary>One <see cref="Step"/>, its cost put where <see cref="Epoch"/> reads the costs of a block.</summary>
    private (int Done, string? Failure) Batch(long step, int start, int rows)
    {
        var (cost, failure) = Step(step, start, rows);
        blockCosts[0] = cost;
        return (failure is null ? 1 : 0, failure);
    }

    /// <summary>
    /// Per-sample SGD steps on the samples order[start .. start + count), as one <see cref="DeferredSgd{T}"/> block.
    /// If the block meets a NaN or an infinity it is replayed one sample at a time from θ (unchanged by the block),
    /// which stops at the exact failing sample. Returns how many steps were taken and, if one failed, why.
    /// </summary>
    private (int Done, string? Failure) Samples(long step, int start, int count)
    {
        Gather(start, count);
        if (deferred!.TryRun(theta, batchInputs, batchTargets, count, nextTheta, blockCosts, workspace, gradient))
        {
            (theta, nextTheta) = (nextTheta, theta);
            return (count, null);
        }

        for (var i = 0; i < count; i++)
        {
            var (cost, failure) = Step(step + i, start + i, 1);
            if (failure is not null)
            {
                return (i, failure);
            }

            blockCosts[i] = cost;
        }

        return (count, null);
    }

    /// <summary>
    /// One optimiser step on the samples order[start .. start + rows): gather the batch, compute the batch-mean
    /// cost and gradient, write θ' into the spare buffer and swap it in. Allocates nothing. On a non-finite cost or
    /// θ' it leaves θ as it was (the last finite value) and returns why.
    /// </summary>
    /// <param name="step">The 1-based number of this step (Adam's bias correction uses it).</param>
    /// <param name="start">The first position in the epoch's order.</param>
    /// <param name="rows">The batch size.</param>
    /// <returns>The batch-mean cost and, when the step failed, a description of the failure.</returns>
    internal (double Cost, string? Failure) Step(long step, int start, int rows)
    {
        Gather(start, rows);
        if (rows == 1 && optimizer is Sgd sgd && options.L2 == 0 && architecture.IsDense)
        {
            // Per-sample SGD: the update is fused into backpropagation and θ' written straight into the spare buffer.
            var (sampleCost, finite) = Propagation.SgdStep<T>(architecture, theta, loss, batchInputs, batchTargets, T.CreateChecked(sgd.LearningRate), workspace, nextTheta);
            var value = double.CreateChecked(sampleCost);
            if (!double.IsFinite(value))
            {
                return (value, $"the cost became {value}");
            }

            if (!finite)
            {
                return (value, "a parameter became NaN or infinite");
            }

            (theta, nextTheta) = (nextTheta, theta);
            return (value, null);
        }

        var cost = double.CreateChecked(Propagation.LossAndGradient<T>(
            architecture, theta, loss, batchInputs, batchTargets, rows, T.CreateChecked(options.L2), train.Count, workspace, gradient, overwrite: true));
        if (!double.IsFinite(cost))
        {
            return (cost, $"the cost became {cost}");
        }

        // θ' and the moments after the step go into the spare buffers and replace θ and the moments only when θ'
        // is finite, so a failed step leaves the last finite state whole. A non-finite gradient needs no pass of its
        // own: it makes θ' non-finite, which is then discarded.
        var updated = update?.UpdateInto(optimizer, step, theta, gradient, moments, nextMoments, nextTheta)
            ?? optimizer.UpdateInto<T>(step, theta, gradient, moments, nextMoments, nextTheta);
        if (!updated)
        {
            return (cost, "a parameter became NaN or infinite");
        }

        (theta, nextTheta) = (nextTheta, theta);
        (moments, nextMoments) = (nextMoments, moments);
        return (cost, null);
    }

    /// <summary>Loads θ and the optimiser moments from <paramref name="state"/> (what <see cref="Epoch"/> does first).</summary>
    internal void Load(TrainingState<T> state)
    {
        state.Network.Parameters.AsSpan().CopyTo(theta);
        for (var i = 0; i < moments.Length; i++)
        {
            state.OptimizerState.Moments[i].AsSpan().CopyTo(moments[i]);
        }
    }

    /// <summary>θ as it is now (for tests and benchmarks that drive <see cref="Step"/> directly).</summary>
    internal ReadOnlySpan<T> Parameters => theta;

    /// <inheritdoc/>
    public void Dispose() => pool?.Dispose();

    private TrainingState<T> Snapshot(TrainingState<T> state, long step, RandomState random, int epochsCompleted, ImmutableArray<EpochRecord> history)
    {
        var builder = ImmutableArray.CreateBuilder<ParameterVector<T>>(moments.Length);
        foreach (var moment in moments)
        {
            builder.Add(ParameterVector<T>.Own((T[])moment.Clone()));
        }

        var network = new Network<T>(architecture, ParameterVector<T>.Own((T[])theta.Clone()));
        return state with
        {
            Network = network,
            OptimizerState = new OptimizerState<T>(step, builder.MoveToImmutable()),
            Random = random,
            EpochsCompleted = epochsCompleted,
            History = history,
        };
    }

    private void Gather(int start, int rows) => gather.Gather(start, rows);
}
