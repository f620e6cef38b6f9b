using System;
using System.CommandLine;

namespace Nn.Cli.Commands;

/// <summary>
/// <c>nn train --resume</c>: loads a checkpoint and checks it against the run asked for — the data's width and classes,
/// the rule and λ its float32 network can run, the epochs typed and the checkpoint's learning-rate schedule — so that a
/// resumed run either continues the saved one bit for bit or is refused before it trains anything.
/// </summary>
internal static class ResumedRun
{
    /// <summary>The checkpoint at <paramref name="path"/>, with the total epochs typed, once every check has passed.</summary>
    public static Checkpoint<float> Load(ParseResult parse, string path, Dataset<float> trainData, DataFingerprint fingerprint, RunOptions given)
    {
        DataSource.RequireFile(path, "--resume");
        var checkpoint = CheckpointFile.Load<float>(path);
        // Before the λ check below, which runs the network over the training data and would refuse data of another
        // width with the library's message, naming neither the checkpoint nor the data.
        var network = checkpoint.State.Network;
        if (network.InputSize != trainData.Inputs.Columns || network.OutputSize != trainData.ClassCount)
        {
            throw new UsageException(
                $"--resume {path} holds a {network.Architecture} network, which needs {network.InputSize} inputs and {network.OutputSize} classes, but the training data has {trainData.Inputs.Columns} and {trainData.ClassCount}.");
        }

        try
        {
            // The reader takes the rule's numbers and λ as doubles; one float32 cannot carry (η = 1e300, an L2 term that
            // overflows on the saved weights) is a fault of the file, not a value typed: a resumed run keeps the saved
            // rule and λ (a typed value that differs is refused as a mismatch). The trainer checks λ the same way.
            checkpoint.Optimizer.EnsureFits<float>(paramName: null);
            Backprop.Validate(checkpoint.State.Network, checkpoint.Loss, trainData, checkpoint.Options.L2);
        }
        catch (ArgumentException e) when (e.ParamName is null or "l2")
        {
            throw new BadInputException(e.ParamName is null
                ? $"--resume {path} holds a rule its float32 network cannot run: {Guard.BareMessage(e)}"
                : $"--resume {path} holds an L2 λ its float32 network cannot run: {Cli.Renamed(e, "λ")}");
        }

        var typedEpochs = parse.GetValue(given.Epochs);
        if (typedEpochs is < 1 and var bad)
        {
            throw new UsageException($"--epochs must be at least 1, but is {bad}.");
        }

        if (typedEpochs is { } asked && asked < checkpoint.State.EpochsCompleted)
        {
            throw new UsageException(
                $"--epochs is the total number of epochs, counting those done: {asked} is below the {checkpoint.State.EpochsCompleted} the checkpoint {path} has completed, so there would be nothing to train.");
        }

        given.EnsureArchitecture(parse, network.Architecture);
        // The checkpoint's batch size and validation fraction: the run's own are refused below unless they are the same.
        var stepsPerEpoch = TrainCommand.StepsPerEpoch(TrainingDisplay.FittedCount(trainData.Count, checkpoint.Options.ValidationFraction), checkpoint.Options.BatchSize);
        var (rule, loss, options) = given.Over(parse, checkpoint, stepsPerEpoch);
        checkpoint.EnsureResumableWith(fingerprint, rule, loss, options);
        var total = typedEpochs ?? checkpoint.Options.Epochs;
        RefuseEpochsPastSchedule(rule.Schedule, total, checkpoint.State.EpochsCompleted, stepsPerEpoch, typedEpochs is not null);
        return typedEpochs is not null ? checkpoint with { Options = checkpoint.Options with { Epochs = total } } : checkpoint;
    }

    /// <summary>
    /// Refuses a resumed run whose last epoch would train at a learning rate of 0 from its first step: a cosine to 0
    /// is 0 after the steps it was made for (the first run's), so raising <c>--epochs</c> past them would print epochs
    /// as trained that leave the weights as they are. A schedule is 0 only on a tail (a warm-up is never 0 and the
    /// decays after it only fall), which the search for its first zero step relies on.
    /// </summary>
    private static void RefuseEpochsPastSchedule(LearningRateSchedule schedule, int total, int completed, long stepsPerEpoch, bool typed)
    {
        var lastEpochStart = ((total - 1L) * stepsPerEpoch) + 1;
        if (schedule.Factor(lastEpochStart) > 0)
        {
            return;
        }

        // The first step whose factor is 0, in (1, lastEpochStart]: step 1 of every schedule has a factor above 0.
        long below = 1, zero = lastEpochStart;
        while (zero - below > 1)
        {
            var middle = below + ((zero - below) / 2);
            (below, zero) = schedule.Factor(middle) > 0 ? (middle, zero) : (below, middle);
        }

        // The last epoch with a step before the zero one, and so with a step that learns.
        var learning = (int)((zero - 2) / stepsPerEpoch) + 1;
        var asked = typed ? $"--epochs {total}" : $"the checkpoint's {total} epochs";
        var advice = learning > completed
            ? $"ask for --epochs {learning} at most, or start a new run with the schedule over every epoch wanted"
            : "start a new run with the schedule over every epoch wanted";
        throw new UsageException(
            $"{asked} runs past the end of the checkpoint's learning-rate schedule, {schedule}: the learning rate is 0 from step {zero} on, so epoch {learning + 1} and those after it would leave the network as it is; {advice}.");
    }
}
