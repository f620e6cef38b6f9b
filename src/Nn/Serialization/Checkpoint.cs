using System;
using System.Globalization;
using System.Numerics;

namespace Nn;

/// <summary>
/// A training run frozen between epochs: the <see cref="TrainingState{T}"/> (network, optimiser state, random state,
/// epochs completed, history), what is needed to continue it (the rule with its hyperparameters, the loss and the
/// options) and the fingerprint of the data it was trained on. <see cref="EnsureResumableWith"/> checks that a
/// resumed run would use the same data and settings; <c>Trainer.Continue(State, Loss, Optimizer, train, Options, test)</c>
/// then resumes it to bit-for-bit the result of the uninterrupted run.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="State">The state after <see cref="TrainingState{T}.EpochsCompleted"/> epochs.</param>
/// <param name="Optimizer">The rule that made the optimiser state.</param>
/// <param name="Loss">The cost function; a built-in one.</param>
/// <param name="Options">The run's options (epochs, batch size, seed, L2, shuffling, validation fraction, patience).</param>
/// <param name="TrainingData">
/// The fingerprint of the training data (<see cref="DataFingerprint.Of{T}"/>), or null when it is not known (a
/// checkpoint file of format version 1); then the data cannot be checked.
/// </param>
/// <example><code>
/// var checkpoint = CheckpointFile.Load&lt;float&gt;("run.nnck");
/// checkpoint.EnsureResumableWith(DataFingerprint.Of(train), checkpoint.Optimizer, checkpoint.Loss, checkpoint.Options);
/// var resumed = Trainer.Continue(checkpoint.State, checkpoint.Loss, checkpoint.Optimizer, train, checkpoint.Options, test);
/// </code></example>
public sealed record Checkpoint<T>(TrainingState<T> State, Optimizer Optimizer, Loss Loss, TrainingOptions Options, DataFingerprint? TrainingData)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Throws unless resuming with these data and settings continues the saved run: the same rule and
    /// hyperparameters and learning-rate schedule, loss, batch size, L2 λ, shuffling, seed, validation fraction, patience and (when recorded)
    /// training data. The total number
    /// of epochs, the thread count and <see cref="TrainingOptions.ExactTrainMetrics"/> may differ: they do not change the steps taken.
    /// </summary>
    /// <param name="trainingData">The fingerprint of the resumed run's training data (<see cref="DataFingerprint.Of{T}"/>).</param>
    /// <param name="optimizer">The rule for the resumed run.</param>
    /// <param name="loss">The loss for the resumed run.</param>
    /// <param name="options">The options for the resumed run.</param>
    /// <exception cref="CheckpointMismatchException">Something differs; the message names the first difference found.</exception>
    /// <exception cref="InvalidOperationException">This checkpoint's <see cref="Optimizer"/>, <see cref="Loss"/> or <see cref="Options"/> is null.</exception>
    public void EnsureResumableWith(DataFingerprint trainingData, Optimizer optimizer, Loss loss, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(trainingData);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(options);
        // The record can be made with null fields (CheckpointFile.ToBytes refuses them by name); comparing with one
        // would otherwise end in a NullReferenceException that names nothing.
        Present(Optimizer, nameof(Optimizer));
        Present(Loss, nameof(Loss));
        Present(Options, nameof(Options));
        Same("optimiser", Optimizer.Name, optimizer.Name);
        if (!Optimizer.Equals(optimizer))
        {
            // Same rule, so the same hyperparameter names: report the first that differs, then the schedule.
            var (mine, given) = (Optimizer.Hyperparameters, optimizer.Hyperparameters);
            for (var i = 0; i < Math.Min(mine.Length, given.Length); i++)
            {
                Same(mine[i].Name, mine[i].Value, given[i].Value);
            }

            if (!Optimizer.Schedule.Equals(optimizer.Schedule))
            {
                throw new CheckpointMismatchException("learning-rate schedule", $"{Optimizer.Schedule}", $"{optimizer.Schedule}");
            }

            throw new CheckpointMismatchException("optimiser", Optimizer.ToString(), optimizer.ToString());
        }

        Same("loss", Loss.Name, loss.Name);
        Same("batch size", Options.BatchSize, options.BatchSize);
        Same("L2 λ", Options.L2, options.L2);
        Same("shuffle setting", Options.Shuffle, options.Shuffle);
        Same("seed", Options.Seed, options.Seed);
        Same("validation fraction", Options.ValidationFraction, options.ValidationFraction);
        Same("patience", Options.Patience, options.Patience);
        if (TrainingData is not null && !TrainingData.Equals(trainingData))
        {
            throw new CheckpointMismatchException("training data", $"({TrainingData})", $"({trainingData})");
        }
    }

    private static void Present(object? field, string name)
    {
        if (field is null)
        {
            throw new InvalidOperationException($"this checkpoint's {name} is null, so a resumed run cannot be compared with it; a checkpoint CheckpointFile.Load reads always has one.");
        }
    }

    private static void Same<TValue>(string field, TValue mine, TValue given)
        where TValue : IEquatable<TValue>
    {
        if (!mine.Equals(given))
        {
            throw new CheckpointMismatchException(field, Text(mine), Text(given));
        }
    }

    private static string Text<TValue>(TValue value) => value switch
    {
        string name => $"'{name}'",
        bool flag => flag ? "on" : "off",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => $"{value}",
    };
}
