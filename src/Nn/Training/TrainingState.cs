using System;
using System.Collections.Immutable;
using System.Linq;
using System.Numerics;

namespace Nn;

/// <summary>
/// Everything a training run carries from one epoch to the next: the network, the optimiser's state, the position
/// of the shuffling generator and the history. Training is a fold of epochs over this value, and a checkpoint is
/// just this value saved: resuming from it gives bit-for-bit the run that was never interrupted.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Network">The network after <paramref name="EpochsCompleted"/> epochs.</param>
/// <param name="OptimizerState">The optimiser's state.</param>
/// <param name="Random">The shuffling generator's state (not all zeros: <see cref="RandomState.FromSeed"/> makes one).</param>
/// <param name="EpochsCompleted">How many epochs are done, 0 or more.</param>
/// <param name="History">One record per completed epoch.</param>
/// <exception cref="ArgumentNullException"><paramref name="Network"/> or <paramref name="OptimizerState"/> is null.</exception>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="EpochsCompleted"/> is negative.</exception>
/// <exception cref="ArgumentException"><paramref name="Random"/> is all zeros, or <paramref name="History"/> is a default array or holds a null record.</exception>
public sealed record TrainingState<T>(
    Network<T> Network, OptimizerState<T> OptimizerState, RandomState Random, int EpochsCompleted, ImmutableArray<EpochRecord> History)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Network<T> network = Network ?? throw new ArgumentNullException(nameof(Network));
    private readonly OptimizerState<T> optimizerState = OptimizerState ?? throw new ArgumentNullException(nameof(OptimizerState));
    private readonly RandomState random = CheckedRandom(Random);
    private readonly int epochsCompleted = CheckedEpochs(EpochsCompleted);
    private readonly EpochHistory history = EpochHistory.From(CheckedHistory(History));

    /// <summary>The network after <see cref="EpochsCompleted"/> epochs.</summary>
    public Network<T> Network { get => network; init => network = value ?? throw new ArgumentNullException(nameof(Network)); }

    /// <summary>The optimiser's state.</summary>
    public OptimizerState<T> OptimizerState { get => optimizerState; init => optimizerState = value ?? throw new ArgumentNullException(nameof(OptimizerState)); }

    /// <summary>The shuffling generator's state, never all zeros.</summary>
    public RandomState Random { get => random; init => random = CheckedRandom(value); }

    /// <summary>How many epochs are done, 0 or more.</summary>
    public int EpochsCompleted { get => epochsCompleted; init => epochsCompleted = CheckedEpochs(value); }

    /// <summary>One record per completed epoch.</summary>
    /// <remarks>
    /// A run extends its states' histories in constant time; the array is built on the first read of each state's
    /// <see cref="History"/>, so a callback that reads it after every epoch makes the run quadratic in its epochs.
    /// <see cref="LastEpoch"/> reads the newest record without building it.
    /// </remarks>
    public ImmutableArray<EpochRecord> History { get => history.ToImmutableArray(); init => history = EpochHistory.From(CheckedHistory(value)); }

    /// <summary>The record of the last completed epoch (<c>History[^1]</c> without building the array), or null before the first.</summary>
    public EpochRecord? LastEpoch => history.Last;

    /// <summary>The history as the run extends it (its records are never null).</summary>
    internal EpochHistory Epochs { get => history; init => history = value; }

    /// <summary>
    /// The epoch with the lowest validation cost so far and its network, kept by a run with
    /// <see cref="TrainingOptions.Patience"/> (null otherwise, and before the first epoch).
    /// </summary>
    public BestEpoch<T>? Best { get; init; }

    /// <inheritdoc/>
    public bool Equals(TrainingState<T>? other) =>
        other is not null && Network.Equals(other.Network) && OptimizerState.Equals(other.OptimizerState)
        && Random.Equals(other.Random) && EpochsCompleted == other.EpochsCompleted && history.Records.SequenceEqual(other.history.Records)
        && Equals(Best, other.Best);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Network, EpochsCompleted);

    // xoshiro256** maps the all-zero state to itself, so such a run would never shuffle or draw a dropout mask.
    private static RandomState CheckedRandom(RandomState value) =>
        value != default
            ? value
            : throw new ArgumentException("the random state is all zeros, which the generator never leaves; make one with RandomState.FromSeed.", nameof(Random));

    private static int CheckedEpochs(int value) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(EpochsCompleted), $"the epochs completed must be 0 or more, not {value}.");

    private static ImmutableArray<EpochRecord> CheckedHistory(ImmutableArray<EpochRecord> value) =>
        Guard.Complete(value, nameof(History), "the history", "empty before the first epoch", "the history's record");
}

/// <summary>
/// The measurements of one epoch. "Cost" is the number the loss function gives (the mean over samples); by default
/// the training figures are epoch means of what the steps saw, as Keras reports them, and with
/// <see cref="TrainingOptions.ExactTrainMetrics"/> those of the epoch's final network.
/// </summary>
/// <param name="Epoch">The 1-based epoch number.</param>
/// <param name="TrainCost">
/// The mean training cost: by default over the epoch's steps, each sample's cost measured before its step (with the
/// L2 term of each step when λ &gt; 0); with <see cref="TrainingOptions.ExactTrainMetrics"/>, of the final network
/// on the whole training set (without the L2 term, like <see cref="TestCost"/>).
/// </param>
/// <param name="TrainAccuracy">
/// The training accuracy: by default the share of samples the steps' own forward passes classified right during the
/// epoch; with <see cref="TrainingOptions.ExactTrainMetrics"/>, the final network's on the whole training set. NaN
/// for a network with one output, which has no class to pick (its accuracy would be 1 whatever it outputs).
/// </param>
/// <param name="TestCost">The mean cost on the test data after the epoch, when test data was given.</param>
/// <param name="TestAccuracy">The accuracy on the test data after the epoch, when test data was given; NaN when the network's outputs for one of its samples are not finite (see <see cref="ClassificationReport"/>), or when it has one output.</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="Epoch"/> is below 1.</exception>
/// <remarks>
/// The figures are not checked here: a run records NaN where a figure has no value, and a checkpoint refuses, when
/// saved, figures outside the ranges its reader accepts.
/// </remarks>
public sealed record EpochRecord(int Epoch, double TrainCost, double TrainAccuracy, double? TestCost, double? TestAccuracy)
{
    // Checked here and in C#'s with, as TrainingState's fields are: epoch 0 or -5 numbers no epoch of a run.
    private readonly int epoch = CheckedEpoch(Epoch);

    /// <summary>The 1-based epoch number.</summary>
    public int Epoch { get => epoch; init => epoch = CheckedEpoch(value); }

    /// <summary>The mean cost on the held-out validation data after the epoch (<see cref="TrainingOptions.ValidationFraction"/>), or null.</summary>
    public double? ValidationCost { get; init; }

    /// <summary>The accuracy on the held-out validation data after the epoch, or null; NaN as for <see cref="TestAccuracy"/>.</summary>
    public double? ValidationAccuracy { get; init; }

    private static int CheckedEpoch(int value) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Epoch), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the epoch number counts from 1, but is {value}."));

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(EpochRecord), PrintMembers);
}

/// <summary>The best epoch of a run with early stopping: the lowest validation cost so far and the network that had it.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="ValidationCost">Its validation cost.</param>
/// <param name="Network">The network after that epoch.</param>
public sealed record BestEpoch<T>(int Epoch, double ValidationCost, Network<T> Network)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(BestEpoch<>), PrintMembers);
}

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed,

    /// <summary>
    /// The cost or the parameters became NaN or infinite (the result holds the last finite network), the training
    /// set's cost grew past <see cref="TrainingOptions.DivergenceFactor"/> times its starting value (the network from
    /// before that epoch), or the run ended with a higher cost than it began with (the final network). The result's
    /// message says which.
    /// </summary>
    Diverged,

    /// <summary>The caller's cancellation token fired; the result holds the network after the last whole epoch.</summary>
    Cancelled,

    /// <summary>
    /// The validation cost did not improve for <see cref="TrainingOptions.Patience"/> epochs; the result's
    /// <see cref="TrainingResult{T}.Network"/> is the best epoch's.
    /// </summary>
    EarlyStopped,
}

/// <summary>How a training run ended and what it produced.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="State">The final state; its network is always finite.</param>
/// <param name="Reason">Why the run ended.</param>
/// <param name="Message">A sentence for people: what happened and where.</param>
/// <exception cref="ArgumentNullException"><paramref name="State"/> or <paramref name="Message"/> is null.</exception>
public sealed record TrainingResult<T>(TrainingState<T> State, StopReason Reason, string Message)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TrainingState<T> state = State ?? throw new ArgumentNullException(nameof(State));
    private readonly string message = Message ?? throw new ArgumentNullException(nameof(Message));

    /// <summary>The final state; its network is always finite.</summary>
    public TrainingState<T> State { get => state; init => state = value ?? throw new ArgumentNullException(nameof(State)); }

    /// <summary>A sentence for people: what happened and where.</summary>
    public string Message { get => message; init => message = value ?? throw new ArgumentNullException(nameof(Message)); }

    /// <summary>
    /// The trained network: with <see cref="TrainingOptions.Patience"/>, the best epoch's (<see cref="TrainingState{T}.Best"/>),
    /// otherwise, and always when the run diverged, the final state's.
    /// </summary>
    public Network<T> Network => Reason != StopReason.Diverged && State.Best is { } best ? best.Network : State.Network;

    /// <summary>One record per completed epoch.</summary>
    public ImmutableArray<EpochRecord> History => State.History;
}

/// <summary>A progress report, sent after every batch.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Epochs">The total number of epochs.</param>
/// <param name="Batch">The 1-based batch within the epoch.</param>
/// <param name="Batches">The number of batches per epoch.</param>
/// <param name="Cost">The mean cost of the epoch's batches so far.</param>
/// <param name="SamplesPerSecond">The epoch's throughput so far.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Cost, double SamplesPerSecond)
{
    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(TrainingProgress), PrintMembers);
}
