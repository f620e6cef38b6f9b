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
/// above 1 it also takes a team of worker threads from the <see cref="IdleTeams"/>, given back by <see cref="Dispose"/>
/// (or by the constructor, when making the run fails after it took the team).
/// </summary>
internal sealed partial class TrainingRun<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly WorkerPool? pool;
    private readonly Loss loss;
    private readonly Dataset<T> train;
    private readonly TrainingOptions options;
    private readonly Architecture architecture;
    private readonly Workspace<T> workspace;
    private readonly int[] order;
    private readonly StepBuffers<T> buffers;

    /// <summary>The rows divergence is judged on, or null when it is judged on the whole training set.</summary>
    private readonly DivergenceProbe<T>? probe;

    /// <summary>Whether <see cref="Dispose"/> has given the team back.</summary>
    private bool disposed;

    /// <summary>The ranks of a data-parallel run, or null in one process.</summary>
    private readonly IDataParallelGroup? group;

    /// <param name="state">Where the run starts (its θ and moments are copied in by <see cref="Load"/>).</param>
    /// <param name="loss">The cost function.</param>
    /// <param name="optimizer">The rule.</param>
    /// <param name="train">The training data.</param>
    /// <param name="options">Batch size, threads, L2, shuffling.</param>
    /// <param name="sampleBlock">
    /// For per-sample SGD without L2, how many samples <see cref="DeferredSgd{T}"/> takes at once (0 or 1: one at
    /// a time); null chooses by the architecture. Tests set it to run both paths on the same network.
    /// </param>
    /// <param name="group">
    /// The ranks of a data-parallel run (each takes its <see cref="DataParallel.Share"/> of every batch and of every
    /// measurement, and the sums are combined before the update), or null for one process.
    /// </param>
    public TrainingRun(TrainingState<T> state, Loss loss, Optimizer optimizer, Dataset<T> train, TrainingOptions options, int? sampleBlock = null, IDataParallelGroup? group = null)
    {
        this.group = group;
        this.loss = loss;
        this.train = train;
        this.options = options;
        architecture = state.Network.Architecture;
        if (state.OptimizerState.Moments.Length != optimizer.MomentCount)
        {
            throw new ArgumentException(
                $"the optimiser state holds {state.OptimizerState.Moments.Length} moment vectors, but {optimizer.Name} needs {optimizer.MomentCount}.", nameof(state));
        }

        for (var i = 0; i < optimizer.MomentCount; i++)
        {
            Guard.Length($"state.OptimizerState.Moments[{i}]", architecture.ParameterCount, state.OptimizerState.Moments[i].Length);
            optimizer.EnsureReachable(i, state.OptimizerState.Moments[i].AsSpan(), $"state.OptimizerState.Moments[{i}]");
        }

        var batch = Math.Min(options.BatchSize, train.Count);
        BatchNormTrainingRows.Require(architecture, batch, train.Count, nameof(options), options.ValidationFraction);
        // Ranks on one machine share its processors; where this one's share is one processor, a team would have no
        // workers: one thread, the same result.
        var processors = Math.Max(1, Environment.ProcessorCount / (group?.RanksOnThisMachine ?? 1));
        pool = WorkerPool.WorkersFor(options.Threads, processors) > 0 ? IdleTeams.Rent(options.Threads, processors) : null;
        try
        {
            workspace = new Workspace<T>(architecture, batch, pool is null ? null : new GemmTeam<T>(pool));
            var context = new StepContext<T>(architecture, loss, optimizer, options.L2, train.Count, workspace, pool is null ? null : new ParallelUpdate<T>(pool), group);
            var block = StepStrategy<T>.BlockSize(context, batch, train.Count, sampleBlock);
            order = new int[train.Count];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            var momentBlock = DataParallelSteps<T>.MomentBlock(optimizer, group, architecture.ParameterCount);
            buffers = new StepBuffers<T>(architecture.ParameterCount, architecture.StateCount, optimizer.MomentCount, momentBlock, Math.Max(batch, block), Math.Max(block, 1), train, order, pool, workspace.Mirror);
            Strategy = StepStrategy<T>.Choose(context, buffers, batch, block);
            probe = DivergenceProbe<T>.Spread(train, options.ExactTrainMetrics, group?.Rank ?? 0, group?.Size ?? 1, pool);
        }
        catch
        {
            // No caller holds a run that failed to be made, so none would dispose it: its team would park for good.
            if (pool is not null)
            {
                IdleTeams.Return(pool);
            }

            throw;
        }
    }

    /// <summary>The run's threads, or null with one thread (for benchmarks that read its <see cref="WorkerPool.Counters"/>).</summary>
    internal WorkerPool? Pool => pool;

    /// <summary>How this run takes its steps, chosen when it was made.</summary>
    internal StepStrategy<T> Strategy { get; }

    /// <summary>
    /// One epoch from <paramref name="state"/>: the state after it and the objective after it (as <see cref="Objective"/>
    /// measures it), or the last finite state and why it stopped. Its record's training cost and accuracy are those of
    /// the steps' own forward passes (each sample seen once, by the network as it was at its step) averaged over the
    /// epoch, or with <see cref="TrainingOptions.ExactTrainMetrics"/> those of the final network on the whole set;
    /// its test and validation figures are the final network's on <paramref name="test"/> and <paramref name="validation"/>.
    /// </summary>
    public (TrainingState<T> State, string? Failure, double TrainCost) Epoch(
        TrainingState<T> state, Dataset<T>? test, IProgress<TrainingProgress>? progress, Dataset<T>? validation = null)
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
        var correct = 0;
        var clock = Stopwatch.StartNew();
        for (var b = 0; b < batches;)
        {
            var start = b * batchSize;
            var rows = Math.Min(SamplesPerAdvance, train.Count - start);
            var (done, failure) = Strategy.Advance(step + 1, start, rows);
            var size = Strategy.SamplesPerStep(rows);
            correct += Correct(start, done * size);
            for (var i = 0; i < done; i++)
            {
                // Per-sample steps done as one block still count, and report, one by one.
                var seen = (b * batchSize) + size;
                step++;
                b++;
                costSum += buffers.Costs[i] * size;
                progress?.Report(new TrainingProgress(epoch, options.Epochs, b, batches, costSum / seen, seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
            }

            if (failure is not null)
            {
                return (Snapshot(state, step, random.State, epoch - 1, state.Epochs),
                    $"training diverged: {failure} at epoch {epoch}, batch {b + 1} of {batches}; returning the last finite network.", double.NaN);
            }
        }

        // The epoch's measuring and its snapshot read θ from the run's buffer.
        Strategy.SettleTheta();
        if (group is not null)
        {
            // Each rank counted the rows it predicted; every rank reaches this sum, as none stopped the epoch.
            Span<int> counted = [correct];
            group.Sum(counted);
            correct = counted[0];
        }

        // Without the exact pass the epoch reports what its steps saw, and divergence is judged on the probe.
        var (trainCost, trainAccuracy) = options.ExactTrainMetrics ? Measure(train) : (costSum / train.Count, Evaluation.RunAccuracy(correct, train.Count, architecture.OutputSize));
        var objective = (options.ExactTrainMetrics ? trainCost : ProbeCost()) + Penalty();
        (double Cost, double Accuracy)? tested = test is null ? null : Measure(test);
        (double Cost, double Accuracy)? validated = validation is null ? null : Measure(validation);
        var record = new EpochRecord(epoch, trainCost, trainAccuracy, tested?.Cost, tested?.Accuracy)
        {
            ValidationCost = validated?.Cost,
            ValidationAccuracy = validated?.Accuracy,
        };
        return (Snapshot(state, step, random.State, epoch, state.Epochs.Add(record)), null, objective);
    }

    /// <summary>
    /// The objective (mean cost plus the L2 term) of <paramref name="state"/>'s network on the divergence probe: the
    /// whole training set with <see cref="TrainingOptions.ExactTrainMetrics"/> or when it has at most
    /// <see cref="TrainingOptions.DivergenceProbeSamples"/> samples, otherwise that many spread evenly over it.
    /// <see cref="Epoch"/> returns the same measure of its result.
    /// </summary>
    public double Objective(TrainingState<T> state)
    {
        Load(state);
        return ProbeCost() + Penalty();
    }

    /// <summary>
    /// Loads θ, the running statistics and the optimiser moments from <paramref name="state"/> (what <see cref="Epoch"/>
    /// does first), and takes the epoch's dropout key from its random state, so a resumed epoch draws the same masks.
    /// </summary>
    internal void Load(TrainingState<T> state)
    {
        Strategy.SettleTheta();
        // On the run's threads, each copying its own range (the buffers' pages were backed when the run made them).
        ParallelCopy.Copy(state.Network.Parameters.AsSpan(), buffers.Theta, pool);
        state.Network.State.AsSpan().CopyTo(buffers.Statistics);
        buffers.DropoutKey = DropoutMask.Key(state.Random);
        buffers.LoadMoments(state.OptimizerState.Moments, pool);
    }

    /// <summary>θ as it is now (for tests and benchmarks that drive <see cref="Step"/> directly).</summary>
    internal ReadOnlySpan<T> Parameters
    {
        get
        {
            Strategy.SettleTheta();
            return buffers.Theta;
        }
    }

    /// <summary>Gives the run's team back to the <see cref="IdleTeams"/>, once however often it is called.</summary>
    public void Dispose()
    {
        if (pool is not null && !disposed)
        {
            disposed = true;
            IdleTeams.Return(pool);
        }
    }

    private TrainingState<T> Snapshot(TrainingState<T> state, long step, RandomState random, int epochsCompleted, EpochHistory history)
    {
        Strategy.SettleTheta();
        var gathered = Strategy.GatherMoments();
        var builder = ImmutableArray.CreateBuilder<ParameterVector<T>>(buffers.Moments.Length);
        for (var i = 0; i < buffers.Moments.Length; i++)
        {
            builder.Add(ParameterVector<T>.Own(gathered?[i] ?? ParallelCopy.Clone<T>(buffers.Moments[i], pool)));
        }

        // The copies are fresh memory every epoch (2.8 MB for Network B with Adam), so their pages are first written on the run's threads.
        var network = new Network<T>(
            architecture, ParameterVector<T>.Own(ParallelCopy.Clone<T>(buffers.Theta, pool)), ParameterVector<T>.Own((T[])buffers.Statistics.Clone()));
        return state with
        {
            Network = network,
            OptimizerState = new OptimizerState<T>(step, builder.MoveToImmutable()),
            Random = random,
            EpochsCompleted = epochsCompleted,
            Epochs = history,
        };
    }
}
