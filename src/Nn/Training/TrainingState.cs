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
/// <param name="Random">The shuffling generator's state.</param>
/// <param name="EpochsCompleted">How many epochs are done.</param>
/// <param name="History">One record per completed epoch.</param>
public sealed record TrainingState<T>(
    Network<T> Network, OptimizerState<T> OptimizerState, RandomState Random, int EpochsCompleted, ImmutableArray<EpochRecord> History)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public bool Equals(TrainingState<T>? other) =>
        other is not null && Network.Equals(other.Network) && OptimizerState.Equals(other.OptimizerState)
        && Random.Equals(other.Random) && EpochsCompleted == other.EpochsCompleted && History.SequenceEqual(other.History);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Network, EpochsCompleted);
}

/// <summary>The measurements of one epoch.</summary>
/// <param name="Epoch">The 1-based epoch number.</param>
/// <param name="TrainLoss">The mean cost over the epoch's batches, measured before each step.</param>
/// <param name="TrainAccuracy">The accuracy on the training data after the epoch.</param>
/// <param name="TestLoss">The mean cost on the test data after the epoch, when test data was given.</param>
/// <param name="TestAccuracy">The accuracy on the test data after the epoch, when test data was given.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double? TestLoss, double? TestAccuracy);

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
}

/// <summary>How a training run ended and what it produced.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="State">The final state; its network is always finite.</param>
/// <param name="Reason">Why the run ended.</param>
/// <param name="Message">A sentence for people: what happened and where.</param>
public sealed record TrainingResult<T>(TrainingState<T> State, StopReason Reason, string Message)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The trained network.</summary>
    public Network<T> Network => State.Network;

    /// <summary>One record per completed epoch.</summary>
    public ImmutableArray<EpochRecord> History => State.History;
}

/// <summary>A progress report, sent after every batch.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Epochs">The total number of epochs.</param>
/// <param name="Batch">The 1-based batch within the epoch.</param>
/// <param name="Batches">The number of batches per epoch.</param>
/// <param name="Loss">The mean cost of the epoch's batches so far.</param>
/// <param name="SamplesPerSecond">The epoch's throughput so far.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double SamplesPerSecond);
