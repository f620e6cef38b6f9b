using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;

namespace Nn.Cli.Commands;

/// <summary>
/// <c>nn gradcheck [MODEL]</c>: compares backpropagation with central differences, in double precision, on a few
/// samples, for a saved model or a fresh network of the given architecture; exit code 0 only within tolerance.
/// </summary>
internal static class GradCheckCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = "A model file to check; without it a fresh network of --layers is checked.", Arity = ArgumentArity.ZeroOrOne };
        var dataPath = new Option<string?>("--data") { Description = "Where the samples come from: an IDX images file or a CSV file (for a model trained on a table, rows of its columns). Default: the embedded digits." };
        var dataLabels = new Option<string?>("--data-labels") { Description = "The IDX labels file for --data." };
        var samples = new Option<int>("--samples") { Description = "How many samples to check on.", DefaultValueFactory = _ => 3 };
        var tolerance = new Option<double>("--tolerance") { Description = "The largest acceptable ‖a − n‖ / (‖a‖ + ‖n‖) per block, positive and below 1.", DefaultValueFactory = _ => 1e-6 };
        var absolute = new Option<double?>("--absolute-tolerance")
        {
            Description = "Also pass a block whose every |a − n| is within this positive floor (for gradients too small to compare relatively), below the largest derivative measured. Default: no floor.",
        };
        var epsilon = new Option<double>("--epsilon") { Description = "The central-difference step ε, positive and below 1.", DefaultValueFactory = _ => GradientCheck.DefaultEpsilon };
        var l2 = new Option<double>("--l2") { Description = "L2 regularisation λ to include in the cost.", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "The seed of a fresh network's weights and biases (biases drawn from ±0.1, not the zeros training starts from, so that no unit sits exactly at ReLU's kink).", DefaultValueFactory = _ => 1 };
        var data = new DataSource();
        var table = new TableOptions();
        var architecture = new ArchitectureOptions();
        var command = new Command("gradcheck", "Check backpropagation's gradient against central differences, layer by layer.");
        command.Arguments.Add(model);
        command.Options.Add(dataPath);
        command.Options.Add(dataLabels);
        data.AddTo(command);
        command.Options.Add(table.Header);
        architecture.AddTo(command);
        foreach (var option in new Option[] { samples, tolerance, absolute, epsilon, l2, seed })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => Cli.Guarded(parse, () =>
        {
            // NN_KERNELS naming no path is a usage error (exit 2) before any work, not a fault of the files read (NotSupportedException, exit 3).
            KernelsOption.Default();
            DataSource.RefuseStandardInputTwice((dataPath.Name, parse.GetValue(dataPath)), (dataLabels.Name, parse.GetValue(dataLabels)));
            // Checked before any work, so a check that could not fail (or could not pass) never runs.
            var limit = Positive(tolerance.Name, parse.GetValue(tolerance));
            if (limit >= 1)
            {
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture, $"{tolerance.Name} must be below 1, but is {limit:G}: ‖a − n‖ / (‖a‖ + ‖n‖) is never above 1, so no gradient could fail the check."));
            }

            var floor = parse.GetValue(absolute) is { } given ? Positive(absolute.Name, given) : (double?)null;
            var step = Positive(epsilon.Name, parse.GetValue(epsilon));
            if (step >= 1)
            {
                // A step as large as the weights themselves measures the cost's curvature (or overflows it), not its slope.
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture, $"{epsilon.Name} must be below 1, but is {step:G}: a central difference that steps a weight by 1 or more does not measure the gradient (the default is {GradientCheck.DefaultEpsilon:G})."));
            }

            var path = parse.GetValue(dataPath);
            if (path is null)
            {
                IgnoredOptions.RequireDataFileFor(parse, data, dataPath.Name, dataLabels, table.Header);
            }

            var modelPath = parse.GetValue(model);
            if (modelPath is not null)
            {
                foreach (var option in new Option[] { architecture.Layers, architecture.Activation, architecture.Output, seed }.Where(o => IgnoredOptions.Typed(parse, o)))
                {
                    throw new UsageException($"{option.Name} describes the fresh network checked without a model file; {modelPath} brings its own layers and weights.");
                }
            }

            var saved = modelPath is null ? null : ModelFile.ModelFromBytes<double>(DataSource.ReadModel(modelPath, "model"), modelPath);
            if (saved?.Preprocessing is null && IgnoredOptions.Typed(parse, table.Header))
            {
                throw new UsageException("--header does not apply: only a model trained on a table reads its data as named columns.");
            }

            var dataset = saved?.Preprocessing is { } preprocessing ? TableRows(parse, data, table, modelPath!, preprocessing, path, dataLabels)
                : path is null ? Digits.Load<double>().Train
                : data.Load<double>(parse, path, parse.GetValue(dataLabels), "--data");
            var count = parse.GetValue(samples);
            if (count < 1 || count > dataset.Count)
            {
                throw new UsageException($"--samples must be in 1..{dataset.Count}, but is {count}.");
            }

            Network<double> network;
            if (saved is not null)
            {
                network = saved.Network;
                if (path is not null)
                {
                    DataSource.RequireWidth("--data", path, dataset.Inputs.Columns, network.InputSize);
                }

                if (saved.Preprocessing is null && (network.InputSize != dataset.Inputs.Columns || network.OutputSize != dataset.ClassCount))
                {
                    throw new UsageException(
                        $"the model {network.Architecture} needs {network.InputSize} inputs and {network.OutputSize} classes, but the data has {dataset.Inputs.Columns} and {dataset.ClassCount}.");
                }
            }
            else
            {
                var layers = architecture.Build(parse, dataset.Inputs.Columns, dataset.ClassCount);
                network = WithDrawnBiases(Network.Create<double>(layers, layers.Stack[0].Activation == Activation.Relu ? Initializer.He : Initializer.Xavier, parse.GetValue(seed)), parse.GetValue(seed));
            }

            var loss = architecture.BuildLoss(parse, network.Architecture.OutputActivation);
            var indices = new int[count];
            for (var i = 0; i < count; i++)
            {
                indices[i] = i;
            }

            var batch = dataset.Select(indices);

            // Rows that overflow the network (a finite double of 1e308 in a column) make the cost NaN or ∞: every
            // difference is then NaN, which would fail a gradient that nothing is wrong with. λ's own overflow is refused by the check itself.
            var subject = modelPath is null ? $"the network {network.Architecture}" : $"the model {modelPath}";
            var samplesChecked = $"the {count} samples of {(path is null ? "the digits" : DataSource.DisplayName(path))} checked";
            if (!double.IsFinite(Backprop.Cost(network, loss, batch.Inputs, batch.Targets)))
            {
                throw new BadInputException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{subject} has a cost that is not finite (NaN or ∞) on {samplesChecked}: its weights or these samples overflow float64, so there is no gradient to check."));
            }

            var atTheta = Cli.Named(() => Backprop.Gradient(network, loss, batch.Inputs, batch.Targets, parse.GetValue(l2)), ("l2", l2));
            CostRounding.RefuseUnmeasurable(atTheta, step, subject, samplesChecked);

            // Two cost evaluations per parameter: minutes for a network of millions, so a terminal shows a progress bar,
            // and Ctrl-C during it must show the cursor the bar hid again.
            using var interruption = Interruption.Install();
            var report = TrainingDisplay.Run(
                "central differences",
                display => Cli.Named(() => GradientCheck.Run(network, loss, batch.Inputs, batch.Targets, parse.GetValue(l2), epsilon: step, progress: display), ("l2", l2)));
            if (floor is { } wide && !report.NothingCompared && wide >= report.MaxNumeric)
            {
                // Every |0 − n| is within such a floor: a backpropagation that computed nothing would pass every block.
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{absolute.Name} must be below the largest derivative the central differences measured on these samples, {report.MaxNumeric:E3}, but is {wide:R}: a floor that size passes a backpropagation that returns all zeros, so no gradient could fail the check."));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{network.Architecture}, {loss.Name}, {count} samples, central differences with ε = {step:G}"));
            Console.Write(report.ToString());
            var passed = floor is { } f ? report.Passes(limit, f) : report.Passes(limit);
            Console.WriteLine(floor is { } g ? report.Verdict(limit, g) : report.Verdict(limit));
            if (CostRounding.Note(report, limit, floor, atTheta.Loss, step, Network.Trace(network, batch.Inputs)) is { } note)
            {
                Console.WriteLine(note);
            }

            if (report.NothingCompared && !report.Blocks.IsEmpty)
            {
                var why = report.AtKinks == 0 ? "exactly zero" : "exactly zero or at a kink";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"every gradient is {why} on these {count} samples: try others with --samples or --data, or other weights."));
            }

            return passed ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    /// <summary>
    /// A table model's samples: the rows of <c>--data</c> turned into inputs and targets by the preprocessing the model
    /// stores, as <c>nn eval</c> reads them (the IDX and plain-CSV options do not apply).
    /// </summary>
    private static Dataset<double> TableRows(ParseResult parse, DataSource data, TableOptions table, string modelPath, Preprocessing preprocessing, string? path, Option dataLabels)
    {
        IgnoredOptions.RefuseForTableModel(parse, data, modelPath, dataLabels);
        var rowsPath = path ?? throw new UsageException($"the model {modelPath} was trained on a table; give rows to check it on with --data FILE.");
        return preprocessing.Dataset<double>(data.LoadTable(rowsPath, "--data", table.HeaderChoice(parse)));
    }

    /// <summary>
    /// The network with every bias drawn from ±<see cref="BiasRange"/> instead of the zeros training starts from. With
    /// zero biases, a unit whose inputs are all zero (a convolution over the digits' blank border) has z exactly at
    /// ReLU's kink, where the cost has no derivative: the check would leave every such bias out. Drawn biases put
    /// those units off the kink, so the bias gradients are compared too.
    /// </summary>
    private static Network<double> WithDrawnBiases(Network<double> network, ulong seed)
    {
        var architecture = network.Architecture;
        var theta = network.Parameters.ToArray();
        var random = RandomState.FromSeed(unchecked(seed ^ 0x9E3779B97F4A7C15UL));
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            var offset = architecture.BiasOffset(l);
            for (var i = 0; i < architecture.Stack[l].BiasCount; i++)
            {
                var draw = random.NextDouble();
                theta[offset + i] = BiasRange * ((2 * draw.Value) - 1);
                random = draw.Next;
            }
        }

        return network.WithParameters(ParameterVector<double>.Create(theta));
    }

    /// <summary>The half-width of the range a fresh network's biases are drawn from: small beside the He and Xavier weights.</summary>
    private const double BiasRange = 0.1;

    /// <summary>The option's value when it is a positive finite number; otherwise a usage error naming it.</summary>
    private static double Positive(string name, double value) =>
        value > 0 && double.IsFinite(value)
            ? value
            : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{name} must be a positive finite number, but is {value}."));
}
