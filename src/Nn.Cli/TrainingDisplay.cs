using System;
using System.Globalization;
using Spectre.Console;

namespace Nn.Cli;

/// <summary>
/// Shows training progress: on a terminal a live Spectre.Console progress bar (epoch, batch, loss, throughput, time
/// left) with one summary line per epoch above it; when output is redirected only the summary lines, as plain text.
/// A gradient check's central differences use the same bar (parameters done, time left).
/// </summary>
internal sealed class TrainingDisplay : IProgress<TrainingProgress>, IProgress<GradientCheckProgress>
{
    private ProgressTask? task;
    private int batchesPerEpoch;

    /// <summary>Whether a live progress bar is drawn.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with the display attached: inside a live progress bar on a terminal, directly otherwise.</summary>
    public static TResult Run<TResult>(string title, Func<TrainingDisplay, TResult> work)
    {
        var display = new TrainingDisplay();
        if (!Interactive)
        {
            return work(display);
        }

        return AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                display.task = context.AddTask(Markup.Escape(title), autoStart: true, maxValue: 1);
                return work(display);
            });
    }

    /// <summary>Called after every mini-batch.</summary>
    public void Report(TrainingProgress value)
    {
        if (task is null)
        {
            return;
        }

        batchesPerEpoch = value.Batches;
        task.MaxValue = (double)value.Epochs * value.Batches;
        task.Value = ((double)(value.Epoch - 1) * value.Batches) + value.Batch;
        task.Description = string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {value.Epoch}/{value.Epochs}  batch {value.Batch}/{value.Batches}  cost {Number(value.Cost, 4)}  {value.SamplesPerSecond:N0} samples/s");
    }

    /// <summary>Called as a gradient check's central differences advance; shown on a terminal only, like the bar.</summary>
    public void Report(GradientCheckProgress value)
    {
        if (task is not null)
        {
            task.MaxValue = value.Parameters;
            task.Value = value.Differenced;
            task.Description = string.Create(CultureInfo.InvariantCulture, $"central differences  parameter {value.Differenced:N0}/{value.Parameters:N0}");
        }
    }

    /// <summary>Called after every full-batch iteration.</summary>
    public void ReportIteration(int iteration, int iterations, double cost)
    {
        if (task is not null)
        {
            task.MaxValue = iterations;
            task.Value = iteration;
            task.Description = $"iteration {iteration}/{iterations}  cost {Number(cost, 6)}";
        }
        else if (iteration % 10 == 0 || iteration == iterations)
        {
            Line($"iteration {iteration}/{iterations}  cost {Number(cost, 6)}");
        }
    }

    /// <summary>
    /// Called after every epoch with its record; a regression (<paramref name="accuracy"/> false) shows the test cost
    /// instead of accuracies. Training figures averaged over the epoch's steps say so ("epoch mean"), so they are not
    /// read as the final network's.
    /// </summary>
    public void Epoch(EpochRecord record, TrainingOptions options, TimeSpan elapsed, bool accuracy = true)
    {
        var kind = options.ExactTrainMetrics ? string.Empty : " (epoch mean)";
        var validation = record.ValidationCost is { } cost
            ? $"  validation cost {Number(cost, 4)}" + (accuracy ? string.Create(CultureInfo.InvariantCulture, $"  validation accuracy {record.ValidationAccuracy:F4}") : string.Empty)
            : string.Empty;
        var measures = accuracy
            ? string.Create(CultureInfo.InvariantCulture, $"  train accuracy {record.TrainAccuracy:F4}{kind}{validation}") + (record.TestAccuracy is { } test ? string.Create(CultureInfo.InvariantCulture, $"  test accuracy {test:F4}") : string.Empty)
            : kind + validation + (record.TestCost is { } testCost ? $"  test cost {Number(testCost, 4)}" : string.Empty);
        Line(string.Create(CultureInfo.InvariantCulture, $"epoch {record.Epoch}/{options.Epochs}  train cost {Number(record.TrainCost, 4)}{measures}  {elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>
    /// The header's count of training samples, and with a validation fraction how many of them the run fits and how
    /// many it holds out (the count the run's hold-out takes, worked out without copying the rows), so the header does
    /// not count the held-out rows as trained on. Fewer than 2 samples cannot be split, which the run then refuses.
    /// </summary>
    public static string SampleCounts(Dataset<float> train, TrainingOptions options)
    {
        var fitted = FittedCount(train, options);
        return fitted == train.Count
            ? Counted.Of(train.Count, "training sample")
            : string.Create(CultureInfo.InvariantCulture, $"{Counted.Of(train.Count, "training sample")} ({fitted} fitted, {train.Count - fitted} held out for validation)");
    }

    /// <summary>
    /// The header's batch size: the one asked for, and when it is larger than the samples the run fits, what the run
    /// does instead ("batch 128 (the 100 training samples in one batch)"): a batch never holds more than those, so
    /// the run takes one step an epoch on all of them, and the bare number would claim batches the run never makes.
    /// </summary>
    public static string BatchSize(Dataset<float> train, TrainingOptions options)
    {
        var fitted = FittedCount(train, options);
        if (options.BatchSize <= fitted)
        {
            return string.Create(CultureInfo.InvariantCulture, $"batch {options.BatchSize}");
        }

        var kind = options.ValidationFraction == 0 ? "training" : "fitted";
        var samples = fitted == 1 ? "sample" : "samples";
        return string.Create(CultureInfo.InvariantCulture, $"batch {options.BatchSize} (the {fitted} {kind} {samples} in one batch)");
    }

    /// <summary>The samples the run trains on: all of <paramref name="train"/>, less those a validation fraction holds out.</summary>
    private static int FittedCount(Dataset<float> train, TrainingOptions options) => FittedCount(train.Count, options.ValidationFraction);

    /// <summary>
    /// The samples a run fits out of <paramref name="samples"/> when <paramref name="validationFraction"/> of them are
    /// held out (the count the run's hold-out takes, without copying rows): the epoch's steps, and so a schedule's
    /// length, are counted over these.
    /// </summary>
    public static int FittedCount(int samples, double validationFraction) =>
        validationFraction == 0 || samples < 2 ? samples : samples - Dataset.HeldOutCount(samples, validationFraction);

    /// <summary>
    /// A cost as the display shows it, in the invariant culture: fixed decimals in the range a learning run lives in,
    /// scientific notation from 1e6 up (a blown-up cost of 6e27 would otherwise print as 28 digits) and below 1e-4.
    /// </summary>
    public static string Number(double value, int decimals) =>
        value == 0 || !double.IsFinite(value) || (Math.Abs(value) >= 1e-4 && Math.Abs(value) < 1e6)
            ? value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : value.ToString("0.0000E+0", CultureInfo.InvariantCulture);

    /// <summary>A line above the bar on a terminal, or plain text otherwise.</summary>
    public void Line(string text)
    {
        if (task is null)
        {
            Console.WriteLine(text);
        }
        else
        {
            AnsiConsole.MarkupLine(Markup.Escape(text));
        }
    }

    /// <summary>The number of batches per epoch seen so far (0 before the first report).</summary>
    public int BatchesPerEpoch => batchesPerEpoch;
}
