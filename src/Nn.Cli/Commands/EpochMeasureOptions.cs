using System.CommandLine;
using System.Globalization;

namespace Nn.Cli.Commands;

/// <summary>
/// The options of <c>nn train</c> about what each epoch measures and when a run stops early: --exact-train-metrics,
/// --validation and --patience, with their checks and how they set <see cref="TrainingOptions"/>.
/// </summary>
internal sealed class EpochMeasureOptions
{
    public Option<bool> ExactMetrics { get; } = new("--exact-train-metrics")
    {
        Description = "Measure each epoch's training cost and accuracy with an extra pass of the final network over the training set, instead of "
            + "averaging the training steps' own forward passes over the epoch (about a third of an epoch more work).",
    };

    public Option<double?> Validation { get; } = new("--validation")
    {
        Description = "Hold out this fraction of the training data, in (0, 1), chosen with --seed (stratified by class), and report its cost and accuracy after every epoch.",
    };

    public Option<int?> Patience { get; } = new("--patience")
    {
        Description = "With --validation: stop when the validation cost has not improved for N epochs, and keep (and --save) the best epoch's network.",
    };

    /// <summary>The options that only a mini-batch run (with epochs) can use.</summary>
    public Option[] All => [ExactMetrics, Validation, Patience];

    /// <summary>
    /// Refuses a fraction outside (0, 1), a patience below 1, --patience without --validation, and either with
    /// --resume (the checkpoint holds them).
    /// </summary>
    public void Check(ParseResult parse, Option resume)
    {
        Cli.RequireFraction(parse, Validation);
        if (parse.GetValue(Patience) is < 1)
        {
            throw new UsageException($"--patience must be at least 1, but is {parse.GetValue(Patience)}.");
        }

        IgnoredOptions.RequireWith(parse, Patience, Validation);
        foreach (var validating in new Option[] { Validation, Patience })
        {
            IgnoredOptions.RefuseWith(parse, validating, resume, "a resumed run keeps the validation share and patience its checkpoint holds.");
        }
    }

    /// <summary>
    /// Refuses a --validation fraction the training data cannot be split by (exit 2, naming the fraction and the
    /// counts): fewer than 2 samples, or a fraction whose share rounds to every sample. The hold-out keeps at least one
    /// sample to train on, so the run would otherwise fit a single sample the user never asked for, without a word.
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="samples">The training samples the fraction is taken of.</param>
    /// <param name="name">The training data's name, for the message.</param>
    public void CheckHoldOut(ParseResult parse, int samples, string name)
    {
        if (parse.GetValue(Validation) is not { } share)
        {
            return;
        }

        if (samples < 2)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--validation {share} needs at least 2 training samples, one to hold out and one to train on, but {name} has {samples}."));
        }

        if (Dataset.RoundedShare(samples, share) >= samples)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--validation {share} would hold out all {samples} training samples of {name} ({share} × {samples} rounds to {Dataset.RoundedShare(samples, share)}), leaving none to train on; give a fraction that holds out at most {samples - 1} of them."));
        }
    }

    /// <summary>
    /// <paramref name="options"/> (a fresh run's, or a checkpoint's) with these settings: exact metrics are a
    /// property of this run, as they do not change the parameters; the validation share and patience, when typed,
    /// are a fresh run's (<see cref="Check"/> refuses them with --resume).
    /// </summary>
    public TrainingOptions Apply(ParseResult parse, TrainingOptions options) => options with
    {
        ExactTrainMetrics = parse.GetValue(ExactMetrics),
        ValidationFraction = parse.GetValue(Validation) ?? options.ValidationFraction,
        Patience = parse.GetValue(Patience) ?? options.Patience,
    };
}
