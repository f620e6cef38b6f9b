using System.CommandLine;
using System.Linq;

namespace Nn.Cli.Commands;

/// <summary>
/// Refuses options that the rest of the command line would make meaningless: an option given but not applied would
/// let the user believe it took effect. Each check names the option and says why it cannot apply (exit 2).
/// </summary>
internal static class IgnoredOptions
{
    /// <summary>Whether the option was typed on the command line (a default value does not count).</summary>
    public static bool Typed(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>
    /// Refuses the options that tell how to read a data file when no data file is named: the embedded digits have
    /// their own layout (label last, 10 classes, pixels divided by 16).
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="data">The data-reading options.</param>
    /// <param name="dataOption">The option that names a data file, e.g. "--test", to point the user to.</param>
    /// <param name="labels">The labels-file options, which need a data file too.</param>
    public static void RequireDataFileFor(ParseResult parse, DataSource data, string dataOption, params Option[] labels)
    {
        foreach (var option in labels.Concat([data.Classes, data.Scale, data.LabelColumn]).Where(option => Typed(parse, option)))
        {
            throw new UsageException(
                $"{option.Name} only applies to data read from a file ({dataOption}); the embedded digits have 64 pixels divided by 16, 10 classes and the label last.");
        }
    }

    /// <summary>
    /// Refuses the options that tell how to read samples (label column, scaling, classes, a labels file) for a model
    /// trained on a table, whose stored preprocessing reads its rows instead.
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="data">The data-reading options.</param>
    /// <param name="modelPath">The model file, named in the message.</param>
    /// <param name="labels">The command's labels-file options.</param>
    public static void RefuseForTableModel(ParseResult parse, DataSource data, string modelPath, params Option[] labels)
    {
        foreach (var option in new Option[] { data.LabelColumn, data.Scale, data.Classes }.Concat(labels).Where(option => Typed(parse, option)))
        {
            throw new UsageException($"{option.Name} does not apply: the model {modelPath} was trained on a table and reads its columns, scaling and classes from its own preprocessing.");
        }
    }

    /// <summary>Refuses the mini-batch options with a full-batch minimiser, which uses every sample in every iteration.</summary>
    public static void RefuseMiniBatchOptions(ParseResult parse, string rule, params Option[] options)
    {
        foreach (var option in options.Where(option => Typed(parse, option)))
        {
            throw new UsageException(
                $"{option.Name} applies to the mini-batch optimisers {OptimizerKinds.Names}; {rule} minimises the full-batch cost with line searches, on one thread, without a learning rate or batches.");
        }
    }

    /// <summary>Refuses <paramref name="dependent"/> typed without the option it modifies.</summary>
    public static void RequireWith(ParseResult parse, Option dependent, Option required)
    {
        if (Typed(parse, dependent) && parse.GetResult(required) is null)
        {
            throw new UsageException($"{dependent.Name} only applies with {required.Name}, which is not given.");
        }
    }

    /// <summary>Refuses <paramref name="option"/> typed together with <paramref name="other"/>, for the reason given.</summary>
    public static void RefuseWith(ParseResult parse, Option option, Option other, string reason)
    {
        if (Typed(parse, option) && Typed(parse, other))
        {
            throw new UsageException($"{option.Name} cannot be used with {other.Name}: {reason}");
        }
    }
}
