using System.CommandLine;
using Nn.Cli;
using Nn.Cli.Commands;

// The `nn` program: one file per command under Commands/, wired together here.
var root = new RootCommand("nn: train, evaluate, gradient-check and export dense neural networks.")
{
    TrainCommand.Create(),
    EvalCommand.Create(),
    GradCheckCommand.Create(),
    InfoCommand.Create(),
    ExportCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    return Cli.Usage(parse, string.Join(System.Environment.NewLine, System.Linq.Enumerable.Select(parse.Errors, e => e.Message)));
}

return parse.Invoke();
