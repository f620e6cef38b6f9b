using System;

namespace Nn;

/// <summary>The settings of a mini-batch training run, validated when made.</summary>
/// <example><code>
/// var options = new TrainingOptions(Epochs: 30, BatchSize: 10, Seed: 1);
/// </code></example>
public sealed record TrainingOptions
{
    /// <summary>Creates the settings.</summary>
    /// <param name="Epochs">The total number of passes over the training data, at least 1.</param>
    /// <param name="BatchSize">Samples per gradient step, at least 1; 1 is per-sample SGD. A batch size above the samples the run
    /// trains on (after any <see cref="ValidationFraction"/> is held out) takes them all in one batch, one step an epoch.</param>
    /// <param name="Seed">The seed of the shuffling; the same seed gives bit-for-bit the same run.</param>
    /// <param name="L2">λ of the L2 term λ/(2n) Σ W², with n the training set size; at least 0.</param>
    /// <param name="Shuffle">Whether to visit the samples in a new random order every epoch.</param>
    /// <param name="Threads">
    /// How many threads the matrix products of a step are split over, 1 to <see cref="Limits.MaxThreads"/>. The default is 1, so a run uses
    /// one core unless asked; <see cref="Environment.ProcessorCount"/> uses them all. Each thread computes a fixed
    /// range of output columns in the same order as one thread would, so the result is bit-for-bit the same for
    /// every thread count. No more threads run than the processors the process may use (its affinity mask and its
    /// container's CPU limit, as <see cref="Environment.ProcessorCount"/> counts them): the parts of a step are still
    /// cut for the threads asked for, and the threads there are share them. A run times its steps and runs them on
    /// the calling thread alone while splitting them is not at least 3% faster (a busy second core, two vCPUs that
    /// share one), trying the other way every 512 steps; the parts and their bits stay the same.
    /// </param>
    /// <param name="DivergenceFactor">
    /// How many times its starting value the objective (the training set's mean cost plus the L2 term) may grow before
    /// the run counts as diverged, above 1 (a negative starting objective may rise above the start by factor − 1 times its size);
    /// <see cref="double.PositiveInfinity"/> turns this rule off (NaN, infinities and a final network worse than the
    /// first still count). See <see cref="DefaultDivergenceFactor"/>.
    /// </param>
    public TrainingOptions(
        int Epochs, int BatchSize = 32, ulong Seed = 0, double L2 = 0, bool Shuffle = true, int Threads = 1, double DivergenceFactor = DefaultDivergenceFactor)
    {
        this.Epochs = Epochs;
        this.BatchSize = BatchSize;
        this.Seed = Seed;
        this.L2 = L2;
        this.Shuffle = Shuffle;
        this.Threads = Threads;
        this.DivergenceFactor = DivergenceFactor;
    }

    /// <summary>
    /// The default <see cref="DivergenceFactor"/>, 100: a run that learns never makes its training cost a hundred
    /// times worse than where it began, while the noise of a small batch or a large but workable learning rate stays
    /// well within a factor of ten.
    /// </summary>
    public const double DefaultDivergenceFactor = 100;

    // The init accessors validate too, so a `with` expression cannot make options the constructor would refuse.
    private readonly int epochs;
    private readonly int batchSize;
    private readonly double l2;
    private readonly int threads;
    private readonly double divergenceFactor;

    /// <summary>The total number of epochs, at least 1.</summary>
    public int Epochs
    {
        get => epochs;
        init
        {
            Guard.Positive(nameof(Epochs), value);
            epochs = value;
        }
    }

    /// <summary>Samples per step, at least 1; above the samples the run trains on, all of them in one step.</summary>
    public int BatchSize
    {
        get => batchSize;
        init
        {
            Guard.Positive(nameof(BatchSize), value);
            batchSize = value;
        }
    }

    /// <summary>The shuffling seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>λ, at least 0.</summary>
    public double L2
    {
        get => l2;
        init
        {
            Guard.NonNegative(nameof(L2), value);
            l2 = value;
        }
    }

    /// <summary>Whether each epoch visits the samples in a fresh random order.</summary>
    public bool Shuffle { get; init; }

    /// <summary>The number of threads a step's matrix products are split over, 1 to <see cref="Limits.MaxThreads"/> (results do not depend on it).</summary>
    public int Threads
    {
        get => threads;
        init
        {
            Limits.Size(nameof(Threads), value, Limits.MaxThreads, nameof(Limits.MaxThreads));
            threads = value;
        }
    }

    private readonly double validationFraction;
    private readonly int patience;
    private readonly Kernels.KernelPath kernels;

    /// <summary>
    /// Which code every kernel of the run executes — matrix products, element-wise loops, optimiser updates, packing:
    /// <see cref="Kernels.KernelPath.Auto"/> (the default) is the process's <see cref="Kernels.KernelSelection.Default"/>;
    /// <see cref="Kernels.KernelPath.Portable"/> runs scalar code end to end; a vector path runs that width's kernels.
    /// The paths agree within floating-point rounding (their sums run in different orders), and each is independent of
    /// <see cref="Threads"/>. A path this CPU cannot run is refused here, when the options are made.
    /// </summary>
    /// <exception cref="NotSupportedException">The CPU cannot run the path (the message names the paths it can).</exception>
    public Kernels.KernelPath Kernels
    {
        get => kernels;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Kernels), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{nameof(Kernels)} must be a {nameof(Nn.Kernels.KernelPath)}, but is {(int)value}."));
            }

            if (!Nn.Kernels.KernelSelection.IsSupported(value))
            {
                throw new NotSupportedException(Nn.Kernels.KernelSelection.Unsupported(value));
            }

            kernels = value;
        }
    }

    /// <summary>
    /// The share of the training data held out for validation, in [0, 1); 0 (the default) holds out nothing. The
    /// held-out samples are chosen by <see cref="Dataset.HoldOut{T}"/> with <see cref="Seed"/> (stratified by class for
    /// one-hot targets), are never trained on, and are measured after every epoch into
    /// <see cref="EpochRecord.ValidationCost"/> and <see cref="EpochRecord.ValidationAccuracy"/>.
    /// </summary>
    public double ValidationFraction
    {
        get => validationFraction;
        init
        {
            if (!(value >= 0 && value < 1))
            {
                // The value is in the message, in the invariant culture; the (name, value, message) overload would append it again in the thread's.
                throw new ArgumentOutOfRangeException(
                    nameof(ValidationFraction), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{nameof(ValidationFraction)} must be in [0, 1), but is {value}."));
            }

            validationFraction = value;
        }
    }

    /// <summary>
    /// Early stopping: with a <see cref="ValidationFraction"/>, the run stops (<see cref="StopReason.EarlyStopped"/>)
    /// once the validation cost has not improved for this many epochs, and its result's network is the best epoch's
    /// (<see cref="TrainingState{T}.Best"/>). 0 (the default) never stops early; at least 0.
    /// </summary>
    public int Patience
    {
        get => patience;
        init
        {
            Guard.NonNegative(nameof(Patience), value);
            patience = value;
        }
    }

    /// <summary>
    /// Whether each epoch's <see cref="EpochRecord.TrainCost"/> and <see cref="EpochRecord.TrainAccuracy"/> come from
    /// an extra pass of the epoch's final network over the whole training set (true), instead of from the forward
    /// passes the training steps already make, averaged over the epoch with the network changing as it goes, as
    /// Keras reports them (false, the default). The extra pass costs about a third of an epoch of mini-batch steps.
    /// With it, divergence is also judged on the whole training set rather than on up to
    /// <see cref="DivergenceProbeSamples"/> of its samples.
    /// </summary>
    public bool ExactTrainMetrics { get; init; }

    /// <summary>
    /// The most training samples on which, without <see cref="ExactTrainMetrics"/>, the objective is measured at the
    /// start and after each epoch to judge divergence: a larger training set is represented by this many samples
    /// spread evenly over it, enough for rules that look for a hundredfold growth or a worse final network.
    /// </summary>
    public const int DivergenceProbeSamples = 4096;

    /// <summary>The growth of the objective, over its value when the run started, that counts as divergence; above 1.</summary>
    public double DivergenceFactor
    {
        get => divergenceFactor;
        init
        {
            if (!(value > 1))
            {
                // The value is in the message, in the invariant culture; the (name, value, message) overload would append it again in the thread's.
                throw new ArgumentOutOfRangeException(
                    nameof(DivergenceFactor), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{nameof(DivergenceFactor)} must be above 1, but is {value}."));
            }

            divergenceFactor = value;
        }
    }

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(TrainingOptions), PrintMembers);
}
