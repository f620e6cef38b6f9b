using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Nn.Cli;

/// <summary>What every command shares: turning failures into messages and exit codes, and the accuracy line.</summary>
internal static class Cli
{
    /// <summary>
    /// Runs a command body and maps its failures: a value Nn refuses (<see cref="Refusals"/>), or --resume with data or settings other than the
    /// checkpoint's → the message and the command's usage, exit 2; more memory than the machine has → what to ask for
    /// instead, exit 2; a missing or malformed file, or one holding what the command cannot do → the message (which names the file), exit 3.
    /// </summary>
    public static int Guarded(ParseResult parse, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            return Usage(parse, e.Message);
        }
        catch (CheckpointMismatchException e)
        {
            // --resume with data or settings other than the checkpoint's: the command line asks for another run.
            return Usage(parse, e.Message);
        }
        catch (ArgumentException e) when (Refusals.IsNnRefusal(e))
        {
            // The library validates every value (a negative learning rate, a zero batch size) and names it.
            // Its parameter suffix names a C# parameter, not anything typed. One thrown from inside .NET is a fault of
            // the program and goes on to Total.
            return Usage(parse, Guard.BareMessage(e));
        }
        catch (BadInputException e)
        {
            Error(e.Message);
            return ExitCodes.BadInput;
        }
        catch (NotSupportedException e)
        {
            // The input holds what the command cannot carry out (a word category for ONNX): a fact about the file, not a fault.
            Error(e.Message);
            return ExitCodes.BadInput;
        }
        catch (OutOfMemoryException)
        {
            // Sizes within the library's limits can still exceed this machine's memory; the sizes are the user's choice.
            Error(MemoryBudget.OutOfMemory());
            return ExitCodes.Usage;
        }
        catch (FileNotFoundException e)
        {
            Error(e.Message.Contains(e.FileName ?? "\0", StringComparison.Ordinal) ? e.Message : $"file not found: {e.FileName}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is DataFormatException or ModelFormatException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            Error(e.Message);
            return ExitCodes.BadInput;
        }
    }

    /// <summary>
    /// Runs the whole program so that no failure ends in a stack trace: the commands map the failures they expect
    /// (see <see cref="Guarded"/>); anything else is a fault of the program, not of the input, and is reported in
    /// one line naming the exception, with exit code 1.
    /// </summary>
    public static int Total(Func<int> program)
    {
        try
        {
            return program();
        }
        catch (OutOfMemoryException)
        {
            Error("out of memory: the data or the network is too large for this machine.");
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            Error($"unexpected error ({e.GetType().Name}): {e.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>Prints a problem with the command line, then the command's usage, to standard error.</summary>
    public static int Usage(ParseResult parse, string message)
    {
        Error(message);
        Console.Error.WriteLine();
        var path = parse.CommandResult == parse.RootCommandResult ? Array.Empty<string>() : new[] { parse.CommandResult.Command.Name };
        parse.RootCommandResult.Command.Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = Console.Error });
        return ExitCodes.Usage;
    }

    /// <summary>
    /// <paramref name="make"/>'s result, or, when it refuses a value whose parameter one of <paramref name="options"/>
    /// sets, a usage error that names the option instead of the library's parameter ("--epochs must be positive"
    /// rather than "Epochs must be positive").
    /// </summary>
    public static T Named<T>(Func<T> make, params (string Parameter, Option Option)[] options)
    {
        try
        {
            return make();
        }
        catch (ArgumentException e) when (Array.Find(options, o => o.Parameter == e.ParamName).Option is { } option && Refusals.IsNnRefusal(e))
        {
            throw new UsageException(Renamed(e, option.Name));
        }
    }

    /// <summary>Refuses a value of <paramref name="option"/> outside (0, 1), naming the option: a share of the data to hold out.</summary>
    public static void RequireFraction(ParseResult parse, Option<double?> option)
    {
        if (parse.GetValue(option) is { } fraction && !(fraction > 0 && fraction < 1))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be a fraction in (0, 1), but is {fraction}."));
        }
    }

    /// <summary>The message of <paramref name="e"/> with its parameter's name, where it leads, replaced by <paramref name="name"/>.</summary>
    public static string Renamed(ArgumentException e, string name)
    {
        var message = Guard.BareMessage(e);
        return e.ParamName is { } parameter && message.StartsWith(parameter + " ", StringComparison.Ordinal) ? name + message[parameter.Length..] : $"{name}: {message}";
    }

    /// <summary>
    /// The outputs of <paramref name="network"/> for every row of <paramref name="inputs"/>, refused (exit code 3) when
    /// any is NaN or infinite: a model file holds only finite weights, but they or the inputs can still overflow on the
    /// way, and an error measure or a predicted class computed from such outputs is a result the model never gave (the
    /// largest of ten NaNs is "class 0").
    /// </summary>
    /// <param name="network">The model's network.</param>
    /// <param name="inputs">The samples, one per row.</param>
    /// <param name="model">The model file, for the message.</param>
    /// <param name="data">The data, for the message.</param>
    public static Matrix<float> FiniteOutputs(Network<float> network, Matrix<float> inputs, string model, string data)
    {
        var outputs = Network.Forward(network, inputs);
        int? first = null;
        var count = 0;
        for (var r = 0; r < outputs.Rows; r++)
        {
            foreach (var value in outputs.Row(r))
            {
                if (!float.IsFinite(value))
                {
                    first ??= r;
                    count++;
                    break;
                }
            }
        }

        return first is { } row ? throw NotFinite(model, data, count, outputs.Rows, row) : outputs;
    }

    /// <summary>
    /// <see cref="Evaluation.Evaluate{T}"/>'s report of <paramref name="network"/> on <paramref name="data"/>, refused
    /// (exit code 3) like <see cref="FiniteOutputs"/> when a sample's outputs are not finite: the report's accuracy is
    /// then NaN, and no line of it is a result. Data of a single class (a model of one output) is refused the same way.
    /// </summary>
    /// <param name="network">The model's network.</param>
    /// <param name="data">The labelled samples.</param>
    /// <param name="model">The model file, for the message.</param>
    /// <param name="dataName">The data, for the message.</param>
    public static ClassificationReport FiniteReport(Network<float> network, Dataset<float> data, string model, string dataName)
    {
        if (data.ClassCount < 2)
        {
            // A fact about the model and its data, not the command line (Evaluation refuses it as an argument).
            throw new BadInputException(
                $"{dataName} holds a single class for the model {model}, which has one output: every sample is classified right whatever the output, so no accuracy is reported.");
        }

        var report = Evaluation.Evaluate(network, data);
        if (report.NonFiniteSamples == 0)
        {
            return report;
        }

        // Only a refused report pays for a second pass, to name the first sample; the passes give the same outputs.
        FiniteOutputs(network, data.Inputs, model, dataName);
        throw NotFinite(model, dataName, report.NonFiniteSamples, data.Count, first: null);
    }

    private static BadInputException NotFinite(string model, string data, int count, int rows, int? first) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"the model {model} gives outputs that are not finite (NaN or ∞) for {count} of {rows} samples of {data}{(first is { } row ? $", the first sample {row + 1}" : string.Empty)}: its weights or these inputs overflow float32, so no result is reported."));

    /// <summary>
    /// Writes an error line to standard error: one line whatever the message holds, since a name or field from a data
    /// file in it may hold a line break or another control character (<see cref="Printable.Line"/>).
    /// </summary>
    public static void Error(string message) => Console.Error.WriteLine($"nn: {Printable.Line(message)}");

    /// <summary>The line both train and eval end with, so their results compare as text.</summary>
    public static string AccuracyLine(ClassificationReport report, int count) =>
        string.Create(CultureInfo.InvariantCulture, $"test accuracy {report.Accuracy:F4} ({Enumerable.Range(0, report.Confusion.ClassCount).Sum(c => report.Confusion[c, c])}/{count})");

    /// <summary>A rule and its hyperparameters, e.g. "adam η=0.005 β₁=0.9 β₂=0.999 ε=1E-08".</summary>
    public static string Describe(Optimizer optimizer) => Commands.OptimizerOptions.Describe(optimizer);
}
