using System.CommandLine;
using System.Linq;

namespace Nn.Cli.Commands;

/// <summary>
/// The checks of <c>nn train</c>'s command line that need neither the data nor a checkpoint's contents: options the
/// rest of the line would leave without effect, and output paths that would overwrite an input. They run before
/// anything is read, so a wrong command line is refused (exit 2) without waiting for the data.
/// </summary>
internal static class TrainCommandLine
{
    /// <summary>Refuses options the rest of the command line would leave without effect (see <see cref="IgnoredOptions"/>).</summary>
    public static void RefuseIgnored(
        ParseResult parse, DataSource data, ArchitectureOptions architecture, string rule, Option<string?> train, Option<string?> trainLabels, Option<string?> test, Option<string?> testLabels,
        Option<string?> init, OptimizerOptions rules, Option<int> batch, Option<int> threads, Option<string?> checkpoint, Option<int?> every, Option<string?> resume,
        params Option[] miniBatchOnly)
    {
        if (parse.GetValue(train) is null && parse.GetValue(test) is null)
        {
            IgnoredOptions.RequireDataFileFor(parse, data, "--train and --test", trainLabels, testLabels);
        }

        if (rule is "cg" or "lbfgs" && parse.GetValue(resume) is null)
        {
            IgnoredOptions.RefuseMiniBatchOptions(parse, rule, [.. rules.RuleOptions, batch, threads, .. miniBatchOnly]);
        }

        IgnoredOptions.RequireWith(parse, every, checkpoint);
        if (IgnoredOptions.Typed(parse, architecture.Activation) && parse.GetValue(architecture.Layers) is { } layers && !TakesHiddenActivation(layers))
        {
            throw new UsageException($"--activation sets the hidden layers' activation, but --layers {layers} has no hidden layer with an activation; --output sets the output layer's.");
        }

        IgnoredOptions.RefuseWith(parse, init, resume, "a resumed run continues from the checkpoint's weights; --init only chooses the first weights of a new run.");
    }

    /// <summary>
    /// Checks --save, --checkpoint and --plot before anything runs (see <see cref="OutputPaths.Validate"/>). A
    /// checkpoint may be written over the one it resumed from: that file has been read in full by then, the write
    /// is atomic, and "keep checkpointing into the same file" is how a long run is continued.
    /// </summary>
    public static void ValidateOutputs(
        ParseResult parse, Option<string?> train, Option<string?> trainLabels, Option<string?> test, Option<string?> testLabels, Option<string?> resume,
        Option<string?> save, Option<string?> checkpoint, Option<string?> plot)
    {
        var trainPath = parse.GetValue(train);
        var testPath = parse.GetValue(test);
        OutputPaths.Validate(
            [new("--save", parse.GetValue(save)), new("--checkpoint", parse.GetValue(checkpoint)), new("--plot", parse.GetValue(plot))],
            [
                new("--train", trainPath),
                new("--train-labels", parse.GetValue(trainLabels) ?? (trainPath is null ? null : DataSource.DefaultLabelsPath(trainPath))),
                new("--test", testPath),
                new("--test-labels", parse.GetValue(testLabels) ?? (testPath is null ? null : DataSource.DefaultLabelsPath(testPath))),
                new("--resume", parse.GetValue(resume)),
            ],
            ("--checkpoint", "--resume"));
    }

    /// <summary>
    /// Whether a layer before the output layer of <c>--layers</c> (either grammar; a malformed one is a usage error)
    /// has an activation for <c>--activation</c> to set: pooling has none.
    /// </summary>
    private static bool TakesHiddenActivation(string layers) => LayerGrammar.IsSpatial(layers)
        ? LayerGrammar.Parse(layers, Activation.Sigmoid, Activation.Identity).Stack[..^1].Any(layer => layer.Activation == Activation.Sigmoid)
        : ArchitectureOptions.ParseSizes(layers).Length > 2;
}
