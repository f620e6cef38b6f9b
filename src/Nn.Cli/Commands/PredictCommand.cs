using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Nn.Cli.Commands;

/// <summary>
/// <c>nn predict MODEL --data ROWS</c>: one output row per input row, as CSV. A model trained on a table reads raw
/// rows through its stored preprocessing (target columns may be present and are ignored); any other model reads IDX
/// images or CSV rows of input values, scaled as in training. Classification gives the class label and each class's
/// output; regression gives each target's value.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The model file (from nn train --save)." };
        var rows = new Option<string>("--data") { Description = "The rows to predict: a CSV file (a table for a table model), or IDX images; - reads standard input.", Required = true };
        var output = new Option<string?>("--out") { Description = "Write the predictions to this CSV file (default, or -: standard output)." };
        var data = new DataSource();
        var table = new TableOptions();
        var command = new Command("predict", "Predict with a saved model: one CSV row of outputs per input row.");
        command.Arguments.Add(model);
        command.Options.Add(rows);
        command.Options.Add(output);
        command.Options.Add(data.Scale);
        table.AddTo(command, training: false);
        command.SetAction(parse => Cli.Guarded(parse, () =>
        {
            // NN_KERNELS naming no path is a usage error (exit 2) before any work, not a fault of the files read (NotSupportedException, exit 3).
            KernelsOption.Default();
            var path = parse.GetValue(model)!;
            var rowsPath = parse.GetValue(rows)!;
            // '-' is standard output, as --data '-' is standard input; it is no file to write atomically.
            var outPath = parse.GetValue(output) is { } named && named != DataSource.StandardInput ? named : null;
            OutputPaths.Validate([new("--out", outPath)], [new("the model file", path), new("--data", rowsPath)]);
            var loaded = ModelFile.ModelFromBytes<float>(DataSource.ReadModel(path, "model"), path);
            (string Text, int Rows) predictions;
            if (loaded.Preprocessing is { } preprocessing)
            {
                if (IgnoredOptions.Typed(parse, data.Scale))
                {
                    throw new UsageException($"--scale does not apply: the model {path} was trained on a table and scales its inputs by its own preprocessing.");
                }

                predictions = Table(loaded.Network, preprocessing, data.LoadTable(rowsPath, "--data", table.HeaderChoice(parse)), path, rowsPath);
            }
            else
            {
                if (IgnoredOptions.Typed(parse, table.Header))
                {
                    throw new UsageException($"--header does not apply: the model {path} was not trained on a table, so --data holds input values only.");
                }

                predictions = Classes(loaded.Network, data.LoadInputs<float>(parse, rowsPath, "--data", loaded.Network.InputSize), path, rowsPath);
            }

            if (outPath is null)
            {
                Console.Write(predictions.Text);
                return ExitCodes.Success;
            }

            return OutputPaths.WriteAll([new Output("--out", outPath, () =>
            {
                AtomicFile.Write(outPath, stream => stream.Write(Encoding.UTF8.GetBytes(predictions.Text)));

                // Counted as rows, not line breaks: a quoted target name may hold one.
                return $"wrote {predictions.Rows} predictions to {outPath}";
            })], []);
        }));
        return command;
    }

    /// <summary>A table model's predictions: the class label and each class's output, or each target's value.</summary>
    private static (string Text, int Rows) Table(Network<float> network, Preprocessing preprocessing, Table rows, string model, string rowsPath)
    {
        var outputs = Cli.FiniteOutputs(network, preprocessing.Inputs<float>(rows), model, DataSource.DisplayName(rowsPath));
        if (preprocessing.Task == TableTask.Regression)
        {
            return Csv(string.Join(',', preprocessing.Targets.Select(CsvRecords.Field)), outputs, _ => string.Empty);
        }

        var classes = Enumerable.Range(0, preprocessing.ClassCount).Select(c => $"p{preprocessing.ClassLabel(c)}").ToArray();
        var predicted = Largest(outputs);
        return Csv($"{CsvRecords.Field(LabelColumn(preprocessing.Targets[0], classes))},{string.Join(',', classes)}", outputs, r => $"{preprocessing.ClassLabel(predicted[r])},");
    }

    /// <summary>
    /// The predicted label's column name: the target's, unless a class column has that name (a target called p0),
    /// when it is the target's name with "_label" after it, which no class column's "p" and a number can be. So the
    /// header's names are distinct, and the output reads back as a table.
    /// </summary>
    private static string LabelColumn(string target, string[] classes) => classes.Contains(target, StringComparer.Ordinal) ? $"{target}_label" : target;

    /// <summary>A model without preprocessing: the class (the largest output) and each output.</summary>
    private static (string Text, int Rows) Classes(Network<float> network, Matrix<float> inputs, string model, string rowsPath)
    {
        var outputs = Cli.FiniteOutputs(network, inputs, model, DataSource.DisplayName(rowsPath));
        var predicted = Largest(outputs);
        return Csv($"class,{string.Join(',', Enumerable.Range(0, network.OutputSize).Select(c => $"p{c}"))}", outputs, r => $"{predicted[r]},");
    }

    /// <summary>
    /// Each row's class, the index of its largest output: what <see cref="Network.Classify{T}"/> gives, taken from the
    /// outputs already computed rather than from a second pass through the network.
    /// </summary>
    private static int[] Largest(Matrix<float> outputs)
    {
        var classes = new int[outputs.Rows];
        for (var r = 0; r < outputs.Rows; r++)
        {
            classes[r] = Nn.Kernels.TensorKernels.IndexOfMax(outputs.Row(r));
        }

        return classes;
    }

    /// <summary>A header line, then per row a prefix and the outputs, each printed so that it reads back as the same float; and the number of rows.</summary>
    private static (string Text, int Rows) Csv(string header, Matrix<float> outputs, Func<int, string> prefix)
    {
        var text = new StringBuilder(header).Append('\n');
        for (var r = 0; r < outputs.Rows; r++)
        {
            text.Append(prefix(r)).AppendJoin(',', outputs.RowArray(r).Select(v => v.ToString(CultureInfo.InvariantCulture))).Append('\n');
        }

        return (text.ToString(), outputs.Rows);
    }
}
