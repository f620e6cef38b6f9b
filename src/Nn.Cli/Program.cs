using System.CommandLine;
using System.CommandLine.Help;
using Nn.Cli;
using Nn.Cli.Commands;

// Numbers are read and printed the same way whatever LANG says (see InvariantNumbers); set before anything is parsed.
InvariantNumbers.UseInvariantCulture();

// Failures to write standard output name it; failures to write standard error cannot throw out of a failure's report.
StandardStreamWriter.Install();

// The `nn` program: one file per command under Commands/, wired together here. The root is a plain Command named
// "nn", not a RootCommand: a RootCommand is always named after the assembly (Nn.Cli, see Nn.Cli.csproj), and usage
// and help must show the name users type, the tool's command name. It adds the help and version options a
// RootCommand would; --version also names the kernel path the program runs.
var root = new Command("nn", "nn: train, evaluate, predict with, gradient-check and export neural networks.")
{
    new HelpOption(),
    new VersionOption { Action = new KernelsOption.VersionAction() },
    TrainCommand.Create(),
    EvalCommand.Create(),
    PredictCommand.Create(),
    GradCheckCommand.Create(),
    InfoCommand.Create(),
    ExportCommand.Create(),
}.WithInvariantParsers();

return Cli.Total(() =>
{
    if (ClosedStandardStreams.WasClosedAtStart(ClosedStandardStreams.Output))
    {
        // Every command prints its result; refused before any work rather than after a run whose result nobody sees.
        Cli.Error("standard output was closed when nn started, so nothing it prints could be read; send it to a file or to /dev/null instead of closing it.");
        return ExitCodes.Usage;
    }

    var parse = root.Parse(args);
    if (parse.Errors.Count > 0)
    {
        return Cli.Usage(parse, ParseErrors.Describe(parse));
    }

    // The default handler would print "Unhandled exception" and a stack trace; Cli.Total prints one line instead.
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
});
