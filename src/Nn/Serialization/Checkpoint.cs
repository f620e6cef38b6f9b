using System.Numerics;

namespace Nn;

/// <summary>
/// A training run frozen between epochs: the <see cref="TrainingState{T}"/> (network, optimiser state, random
/// state, epochs completed, history) and what is needed to continue it (the rule with its hyperparameters, the loss
/// and the options). <c>Trainer.Continue(State, Loss, Optimizer, train, Options, test)</c> resumes it to bit-for-bit
/// the result of the uninterrupted run.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="State">The state after <see cref="TrainingState{T}.EpochsCompleted"/> epochs.</param>
/// <param name="Optimizer">The rule that made the optimiser state.</param>
/// <param name="Loss">The cost function; a built-in one.</param>
/// <param name="Options">The run's options (epochs, batch size, seed, L2, shuffling).</param>
public sealed record Checkpoint<T>(TrainingState<T> State, Optimizer Optimizer, Loss Loss, TrainingOptions Options)
    where T : unmanaged, IFloatingPointIeee754<T>;
