using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Nn.Kernels;

namespace Nn.Cli.Commands;

/// <summary>
/// <c>nn train</c>: trains a network (default: 64-32-10 ReLU/softmax with Adam on the embedded digits) and prints the
/// final test accuracy; optionally saves the model, checkpoints every N epochs, resumes from a checkpoint and plots
/// the curves.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Option<string?>("--train") { Description = "Training data: an IDX images file (plain or .gz) or a CSV file. Default: the embedded digits." };
        var trainLabels = new Option<string?>("--train-labels") { Description = "The IDX labels file for --train (default: the name with images-idx3 → labels-idx1)." };
        var test = new Option<string?>("--test") { Description = "Test data, like --train; required with --train." };
        var testLabels = new Option<string?>("--test-labels") { Description = "The IDX labels file for --test." };
        var data = new DataSource();
        var table = new TableOptions();
        var architecture = new ArchitectureOptions();
        var init = InitOption.Create();
        var rules = new OptimizerOptions();
        var batch = new Option<int>("--batch") { Description = "Samples per step; 1 is per-sample SGD.", DefaultValueFactory = _ => 32 };
        var epochs = new Option<int?>("--epochs") { Description = "The total number of epochs (iterations for cg/lbfgs). Default 20, or the checkpoint's with --resume." };
        var l2 = new Option<double>("--l2") { Description = "L2 regularisation λ (the term λ/2n Σ W²).", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "The seed of the initial weights and the shuffling.", DefaultValueFactory = _ => 1 };
        var save = new Option<string?>("--save") { Description = "Save the trained model to this file." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Save a checkpoint to this file during training." };
        var every = new Option<int?>("--checkpoint-every")
        {
            Description = "Checkpoint every N epochs (default: after every epoch, but no sooner than a second after the last save, and always after the run's last epoch).",
        };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the run saved in this checkpoint: architecture, optimiser, loss and options come from it. The training data, and any of "
                + "--optimizer, its hyperparameter options, --schedule, --loss, --batch, --l2, --seed given, must be the original run's (--epochs may raise the total).",
        };
        var plot = new Option<string?>("--plot") { Description = "Write the cost and accuracy curves (training, validation, test) to this PNG file." };
        var threads = new Option<int>("--threads")
        {
            Description = "Threads each step is split over (mini-batch optimisers), 1 to 256; no more run than the CPUs this process may use, and a step runs on one thread while splitting it is no faster. The result is the same, bit for bit, for every thread count.",
            DefaultValueFactory = _ => 1,
        };
        var distributed = new Option<bool>("--distributed")
        {
            Description = "Train as one rank of an MPI job (mpiexec.mpich -n N nn train --distributed ...): each batch is split over the N ranks, "
                + "every rank holds the same network, and rank 0 prints and writes the files. See docs/distributed.md.",
        };
        var measures = new EpochMeasureOptions();
        var kernels = KernelsOption.Create();

        var command = new Command("train", "Train a network and print its test accuracy.");
        foreach (var option in new Option[] { train, trainLabels, test, testLabels })
        {
            command.Options.Add(option);
        }

        data.AddTo(command);
        table.AddTo(command, training: true);
        architecture.AddTo(command);
        foreach (var option in (Option[])[init, .. rules.All, batch, epochs, l2, seed, save, checkpoint, every, resume, plot, threads, kernels, distributed, .. measures.All])
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => Distribution.Run(parse.GetValue(distributed), distribution => Cli.Guarded(parse, () =>
        {
            // Everything the command line gets wrong is refused before the data is read or a step is taken.
            var rule = parse.GetValue(rules.Optimizer)!;
            if (parse.GetValue(every) is < 1)
            {
                throw new UsageException($"--checkpoint-every must be at least 1, but is {parse.GetValue(every)}.");
            }

            if (parse.GetValue(checkpoint) is not null && parse.GetValue(epochs) is > CheckpointFile.MaxHistory and var total)
            {
                // The library would refuse it too, but only after the data is read and the run's header printed.
                throw new UsageException($"--epochs must be at most {CheckpointFile.MaxHistory} with --checkpoint (the most epochs a checkpoint holds), but is {total}.");
            }

            if (parse.GetValue(threads) is < 1 or > Limits.MaxThreads)
            {
                throw new UsageException($"--threads must be in 1..{Limits.MaxThreads}, but is {parse.GetValue(threads)}.");
            }

            var kernelPath = KernelsOption.Parse(parse, kernels);

            // The whole command on the path: the run itself (through its options), and the evaluation and prediction after it.
            using var kernelScope = KernelSelection.Enter(kernelPath);
            table.RefuseMisplaced(parse, data);
            measures.Check(parse, resume);
            TrainCommandLine.RefuseIgnored(parse, data, architecture, rule, train, trainLabels, test, testLabels, init, rules, batch, threads, checkpoint, every, resume, [kernels, .. measures.All]);
            DataSource.RefuseStandardInputTwice(
                (train.Name, parse.GetValue(train)), (trainLabels.Name, parse.GetValue(trainLabels)), (test.Name, parse.GetValue(test)), (testLabels.Name, parse.GetValue(testLabels)));
            TrainCommandLine.ValidateOutputs(parse, train, trainLabels, test, testLabels, resume, save, checkpoint, plot);
            using var interruption = Interruption.Install();
            var (trainData, testData, name, preprocessing) = TrainingData.Load(parse, data, table, train, trainLabels, test, testLabels, seed);
            var regression = preprocessing?.Task == TableTask.Regression;
            if (!regression && trainData.ClassCount < 2)
            {
                // Every output of one class is right, so the run would learn nothing and end with no accuracy to report.
                throw SingleClass(name, string.Empty, preprocessing);
            }

            measures.CheckHoldOut(parse, trainData.Count, name);
            if (!regression && trainData.Labels.AsSpan().IndexOfAnyExcept(trainData.Labels[0]) < 0)
            {
                // So is a network of several outputs trained on labels that are all one of them: it learns to answer that
                // class whatever the input, and its accuracy on the same kind of data is 1 (labels 5 only gave 6 classes).
                // After the hold-out check, which names the counts when a file of one sample is too small for --validation.
                throw SingleClass(name, $" (every label is class {trainData.Labels[0]} of {trainData.ClassCount})", preprocessing);
            }
            if (distribution.Ranks > 1)
            {
                Console.WriteLine($"data-parallel over {distribution.Ranks} MPI ranks: each batch is split over them; rank 0 prints and writes the files");
            }

            var clock = Stopwatch.StartNew();
            var outputs = new List<Output>();
            var failed = new List<string>();
            Network<float> network;
            // The rows the network was fitted to: the training data less any rows --validation held out.
            var fitted = trainData;
            if (rule is "cg" or "lbfgs" && parse.GetValue(resume) is null)
            {
                if (parse.GetValue(checkpoint) is not null)
                {
                    throw new UsageException($"--checkpoint works with the mini-batch optimisers {OptimizerKinds.Names}; {rule} is a full-batch minimiser without epochs.");
                }

                var layers = architecture.Build(parse, trainData.Inputs.Columns, trainData.ClassCount, regression);
                var loss = architecture.BuildLoss(parse, layers.OutputActivation);
                var iterations = parse.GetValue(epochs) ?? 100;
                // --epochs counts a full-batch minimiser's iterations.
                var minimizer = Cli.Named<FullBatchOptimizer>(
                    () => rule == "cg" ? new ConjugateGradient(MaxIterations: iterations) : new Lbfgs(MaxIterations: iterations),
                    (nameof(Lbfgs.MaxIterations), epochs));
                var start = Network.Create<float>(layers, Initial(parse, init, layers), parse.GetValue(seed));
                Console.WriteLine($"{name}: {layers}, {loss.Name}, {rule} for at most {iterations} iterations, {trainData.Count} training samples");
                // The library names λ "l2" when it overflows the starting weights' L2 term; the user typed --l2.
                var result = Cli.Named(
                    () => TrainingDisplay.Run(rule, display => distribution.TrainFullBatch(
                        start, loss, minimizer, trainData, parse.GetValue(l2), (i, cost) => display.ReportIteration(i, iterations, cost))),
                    ("l2", l2));
                network = start.WithParameters(result.Parameters);
                if (result.Stop == MinimizationStop.Diverged)
                {
                    return Diverged($"training {result.Describe()}.", network, parse.GetValue(save), outputs, failed, distribution);
                }

                Console.WriteLine($"{result.Iterations} iterations, final cost {TrainingDisplay.Number(result.Loss, 6)}, {result.Describe()}");
                if (parse.GetValue(plot) is { } plotPath)
                {
                    outputs.Add(new Output("--plot", plotPath, () =>
                    {
                        CurvePlot.SaveLoss(result.LossHistory, result.Loss, plotPath, $"{name}: {layers}, {rule}");
                        return $"plotted the cost curve to {plotPath}";
                    }));
                }
            }
            else
            {
                // Fingerprinting reads every training value, so it is done at most once, and only for a checkpoint.
                var fingerprint = new Lazy<DataFingerprint>(() => DataFingerprint.Of(trainData));
                var planned = parse.GetValue(resume) is { } resumePath
                    ? ResumedRun.Load(parse, resumePath, trainData, fingerprint.Value, new RunOptions(architecture, rules, batch, epochs, l2, seed))
                    : Fresh(parse, architecture, trainData, parse.GetValue(measures.Validation) ?? 0, regression, init, rules, batch, epochs, l2, seed);

                // The thread count, the kernel path and what each epoch measures are properties of this run, not of the checkpoint.
                var run = planned with { Options = measures.Apply(parse, planned.Options) with { Threads = parse.GetValue(threads), Kernels = kernelPath } };
                Console.WriteLine($"{name}: {run.State.Network.Architecture}, {run.Loss.Name}, {Cli.Describe(run.Optimizer)}, {TrainingDisplay.BatchSize(trainData, run.Options)}, {Counted.Of(run.Options.Epochs, "epoch")}, {TrainingDisplay.SampleCounts(trainData, run.Options)}"
                    + (run.State.EpochsCompleted > 0 ? $", resuming after epoch {run.State.EpochsCompleted}" : string.Empty));
                var saveCheckpoint = parse.GetValue(checkpoint) is { } checkpointPath && distribution.Leader
                    ? OutputPaths.Periodic("--checkpoint", checkpointPath, CheckpointFile.SaveEvery<float>(parse.GetValue(every) ?? 1, checkpointPath, fingerprint.Value, run.Optimizer, run.Loss, run.Options), failed)
                    : null;
                // Without --checkpoint-every: after every epoch, but no more often than the disk can keep up with.
                var sinceStart = Stopwatch.StartNew();
                var pacing = saveCheckpoint is not null && parse.GetValue(every) is null
                    ? new CheckpointPacing<TrainingState<float>>(saveCheckpoint, () => sinceStart.Elapsed)
                    : null;
                using var flushOnExit = pacing is null ? null : Interruption.OnExit(pacing.FlushBeforeExit);
                Action<TrainingState<float>>? checkpointAfterEpoch = pacing is not null ? pacing.Offer : saveCheckpoint;
                var epochClock = Stopwatch.StartNew();
                var result = Cli.Named(
                    () => TrainingDisplay.Run($"{name} training", display => distribution.Continue(
                        run.State, run.Loss, run.Optimizer, trainData, run.Options, testData, display, state =>
                        {
                            display.Epoch(state.LastEpoch!, run.Options, epochClock.Elapsed, accuracy: !regression);
                            epochClock.Restart();
                            checkpointAfterEpoch?.Invoke(state);
                        })),
                    ("l2", l2));
                pacing?.Flush();
                network = result.Network;
                // Split as the run split them, by the run's own rule.
                fitted = EarlyStopping.Split(trainData, run.Options).Fit;

                if (parse.GetValue(plot) is { } plotPath && result.History.Length > 0)
                {
                    outputs.Add(new Output("--plot", plotPath, () =>
                    {
                        CurvePlot.Save(result.History, plotPath, $"{name}: {network.Architecture}, {run.Optimizer.Name}");
                        return $"plotted the curves to {plotPath}";
                    }));
                }

                if (result.Reason == StopReason.Diverged)
                {
                    return Diverged(result.Message, network, parse.GetValue(save), outputs, failed, distribution);
                }

                if (result.Reason is not (StopReason.Completed or StopReason.EarlyStopped))
                {
                    // The curves show how it went wrong; they are written even though the model is not.
                    distribution.WriteAll(outputs, failed);
                    Cli.Error(result.Message);
                    return ExitCodes.Failed;
                }

                Console.WriteLine(result.Message);
            }

            if (parse.GetValue(save) is { } savePath)
            {
                outputs.Add(new Output("--save", savePath, () =>
                {
                    ModelFile.Save(new Model<float>(network, preprocessing), savePath);
                    return $"saved the model to {savePath}";
                }));
            }

            // Every output is attempted even if one fails, so a failed plot does not lose the trained model.
            var written = distribution.WriteAll(outputs, failed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained in {clock.Elapsed.TotalSeconds:F1} s"));

            // The outputs are written by now; a test set the trained weights overflow on gets no accuracy made of NaNs, nor
            // do training rows their error measures (the run judges divergence on at most 4096 of them, and the last
            // step can leave a network that overflows on a row it saw with finite cost).
            const string trainedModel = "trained by this run", testName = "the test data";
            if (regression)
            {
                var fittedOutputs = Cli.FiniteOutputs(network, fitted.Inputs, trainedModel, "the training data");
                TableReport.WriteRegression(fitted, fittedOutputs, testData, Cli.FiniteOutputs(network, testData.Inputs, trainedModel, testName), preprocessing!);
                return written;
            }

            Console.WriteLine(Cli.AccuracyLine(Cli.FiniteReport(network, testData, trainedModel, testName), testData.Count));
            return written;
        })));
        return command;
    }

    private static Checkpoint<float> Fresh(
        ParseResult parse, ArchitectureOptions architecture, Dataset<float> trainData, double validation, bool regression, Option<string?> init, OptimizerOptions rules,
        Option<int> batch, Option<int?> epochs, Option<double> l2, Option<ulong> seed)
    {
        var layers = architecture.Build(parse, trainData.Inputs.Columns, trainData.ClassCount, regression);
        var loss = architecture.BuildLoss(parse, layers.OutputActivation);
        var options = Cli.Named(
            () => new TrainingOptions(parse.GetValue(epochs) ?? 20, parse.GetValue(batch), parse.GetValue(seed), parse.GetValue(l2)),
            (nameof(TrainingOptions.Epochs), epochs),
            (nameof(TrainingOptions.BatchSize), batch),
            (nameof(TrainingOptions.L2), l2));
        var rule = rules.Build(parse, parse.GetValue(rules.Optimizer)!, StepsPerEpoch(TrainingDisplay.FittedCount(trainData.Count, validation), options.BatchSize), options.Epochs);
        var network = Network.Create<float>(layers, Initial(parse, init, layers), options.Seed);
        return new Checkpoint<float>(Trainer.Start(network, rule, options.Seed), rule, loss, options, TrainingData: null);
    }

    /// <summary>The optimiser steps one epoch takes over the <paramref name="samples"/> it fits: one per batch, the last batch possibly short.</summary>
    internal static long StepsPerEpoch(int samples, int batchSize) => (samples + (long)Math.Min(batchSize, samples) - 1) / Math.Min(batchSize, samples);

    /// <summary>
    /// Reports a diverged run (exit code 1). The last finite network goes where --save asked for the model, said to be
    /// no trained model, and the other outputs (the curves show how it went wrong) are written as after any run.
    /// </summary>
    private static int Diverged(string message, Network<float> network, string? savePath, List<Output> outputs, List<string> failed, Distribution distribution)
    {
        Cli.Error(message);
        if (savePath is not null)
        {
            outputs.Add(new Output("--save", savePath, () =>
            {
                ModelFile.Save(network, savePath);
                return $"saved the last finite network to {savePath}; it is not a trained model.";
            }));
        }

        // A failed output is named by WriteAll; the exit code stays the verdict on the run.
        distribution.WriteAll(outputs, failed);
        return ExitCodes.Failed;
    }

    private static Initializer Initial(ParseResult parse, Option<string?> init, Architecture layers) =>
        parse.GetValue(init) is { } text ? InitOption.Parse(text)
        : layers.Stack[0].Activation == Activation.Relu ? Initializer.He : Initializer.Xavier;

    /// <summary>The refusal of training data of a single class; <paramref name="detail"/> says which, when the class count does not.</summary>
    private static BadInputException SingleClass(string name, string detail, Preprocessing? preprocessing) =>
        new($"{name} holds a single class{detail}, so a classifier trained on it would call every sample that class and no accuracy could tell a good one from a bad one; give data of at least 2 classes{(preprocessing is null ? string.Empty : ", or --task regression to predict the target as a number")}.");
}
