using System;
using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Nn.Cli.Commands;

/// <summary>
/// <c>nn eval MODEL</c>: a saved model on a data set → accuracy, per-class accuracy table, confusion matrix; for a
/// model trained on a table, the raw rows go through its stored preprocessing, and a regression gives RMSE, MAE and R².
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The model file (from nn train --save)." };
        var test = new Option<string?>("--test") { Description = "The data: an IDX images file (plain or .gz) or a CSV file. Default: the embedded digits' test split." };
        var testLabels = new Option<string?>("--test-labels") { Description = "The IDX labels file for --test." };
        var data = new DataSource();
        var table = new TableOptions();
        var command = new Command("eval", "Evaluate a saved model: accuracy, per-class accuracy and the confusion matrix.");
        command.Arguments.Add(model);
        command.Options.Add(test);
        command.Options.Add(testLabels);
        data.AddTo(command);
        table.AddTo(command, training: false);
        command.SetAction(parse => Cli.Guarded(parse, () =>
        {
            // NN_KERNELS naming no path is a usage error (exit 2) before any work, not a fault of the files read (NotSupportedException, exit 3).
            KernelsOption.Default();
            var path = parse.GetValue(model)!;
            var testPath = parse.GetValue(test);
            DataSource.RefuseStandardInputTwice((test.Name, testPath), (testLabels.Name, parse.GetValue(testLabels)));
            if (testPath is null)
            {
                IgnoredOptions.RequireDataFileFor(parse, data, "--test", testLabels, table.Header);
            }

            var loaded = ModelFile.ModelFromBytes<float>(DataSource.ReadModel(path, "model"), path);
            var network = loaded.Network;
            if (loaded.Preprocessing is { } preprocessing)
            {
                return EvaluateTable(parse, data, table, path, loaded, preprocessing, testPath);
            }

            if (IgnoredOptions.Typed(parse, table.Header))
            {
                throw new UsageException($"--header does not apply: the model {path} was not trained on a table, so its data is read as samples, not named columns.");
            }

            var dataset = testPath is null ? Digits.Load<float>().Test : data.Load<float>(parse, testPath, parse.GetValue(testLabels), "--test");
            if (testPath is not null)
            {
                DataSource.RequireWidth("--test", testPath, dataset.Inputs.Columns, network.InputSize);
            }

            if (dataset.Inputs.Columns != network.InputSize || dataset.ClassCount != network.OutputSize)
            {
                // Without --test the data is the embedded digits, which the user may not know: say how to give theirs.
                throw new UsageException(testPath is null
                    ? $"the model {network.Architecture} needs {network.InputSize} inputs and {network.OutputSize} classes, but the embedded digits it is evaluated on by default have {dataset.Inputs.Columns} and {dataset.ClassCount}; pass the model's test data with --test."
                    : $"the model {network.Architecture} needs {network.InputSize} inputs and {network.OutputSize} classes, but the data has {dataset.Inputs.Columns} and {dataset.ClassCount}.");
            }

            var dataName = testPath is null ? "digits (test split)" : DataSource.DisplayName(testPath);
            var report = Cli.FiniteReport(network, dataset, path, dataName);
            Console.WriteLine($"{Printable.Line(path)}: {network.Architecture} on {Printable.Line(dataName)}, {dataset.Count} samples");
            Console.WriteLine();
            Console.WriteLine(PerClassTable(report));
            Console.WriteLine("confusion matrix (rows: actual class, columns: predicted class)");
            Console.WriteLine(report.Confusion.ToString());
            Console.WriteLine();
            Console.WriteLine(Cli.AccuracyLine(report, dataset.Count));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>A table model on raw rows: the preprocessing it stores turns them into inputs and labels.</summary>
    private static int EvaluateTable(ParseResult parse, DataSource data, TableOptions table, string path, Model<float> model, Preprocessing preprocessing, string? testPath)
    {
        IgnoredOptions.RefuseForTableModel(parse, data, path);
        var rowsPath = testPath ?? throw new UsageException($"the model {path} was trained on a table; give its rows to evaluate with --test FILE.");
        var rows = data.LoadTable(rowsPath, "--test", table.HeaderChoice(parse));
        var dataset = preprocessing.Dataset<float>(rows);
        var dataName = DataSource.DisplayName(rowsPath);
        if (preprocessing.Task == TableTask.Regression)
        {
            var fit = RegressionReport.Compare(Cli.FiniteOutputs(model.Network, dataset.Inputs, path, dataName), dataset.Targets);
            Console.WriteLine($"{Printable.Line(path)}: {model.Network.Architecture} on {TableOptions.DescribeHeader(rows)}");
            Console.WriteLine();
            Console.WriteLine(TableReport.Lines("test", fit, preprocessing, dataset.Count));
            return ExitCodes.Success;
        }

        var report = Cli.FiniteReport(model.Network, dataset, path, dataName);
        Console.WriteLine($"{Printable.Line(path)}: {model.Network.Architecture} on {TableOptions.DescribeHeader(rows)}");
        Console.WriteLine();
        Console.WriteLine(PerClassTable(report, preprocessing.LabelOffset));
        Console.WriteLine("confusion matrix (rows: actual class, columns: predicted class" + (preprocessing.LabelOffset == 0 ? ")" : $"; class c is label c + {preprocessing.LabelOffset})"));
        Console.WriteLine(report.Confusion.ToString());
        Console.WriteLine();
        Console.WriteLine(Cli.AccuracyLine(report, dataset.Count));
        return ExitCodes.Success;
    }

    private static string PerClassTable(ClassificationReport report, int labelOffset = 0)
    {
        var text = new StringBuilder("class  samples  correct  accuracy\n");
        for (var c = 0; c < report.Confusion.ClassCount; c++)
        {
            var total = 0;
            for (var p = 0; p < report.Confusion.ClassCount; p++)
            {
                total += report.Confusion[c, p];
            }

            var accuracy = double.IsNaN(report.PerClassAccuracy[c]) ? "       -" : report.PerClassAccuracy[c].ToString("F4", CultureInfo.InvariantCulture).PadLeft(8);
            text.Append(CultureInfo.InvariantCulture, $"{c + labelOffset,5}  {total,7}  {report.Confusion[c, c],7}  {accuracy}\n");
        }

        return text.ToString();
    }
}
