using System.Linq;
using System.CommandLine;
using System.Text.RegularExpressions;

namespace Nn.Cli.Commands;

/// <summary>
/// The train options that name a run's settings, for <c>--resume</c>: a resumed run takes its settings from the
/// checkpoint, and any of these the user typed must agree with them, or the run would not be the one they asked for.
/// </summary>
internal sealed partial record RunOptions(
    ArchitectureOptions Architecture, OptimizerOptions Rules, Option<int> Batch, Option<int?> Epochs, Option<double> L2, Option<ulong> Seed)
{
    /// <summary>
    /// The checkpoint's rule, loss and options with every option typed on the command line put in place of the
    /// checkpoint's value (defaults do not count: they were not asked for).
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="checkpoint">The saved run.</param>
    /// <param name="stepsPerEpoch">The steps an epoch takes on the training data, for a typed <c>--schedule</c>.</param>
    public (Nn.Optimizer Rule, Loss Loss, TrainingOptions Options) Over(ParseResult parse, Checkpoint<float> checkpoint, long stepsPerEpoch)
    {
        var rule = Rules.Over(parse, checkpoint.Optimizer, stepsPerEpoch, checkpoint.Options.Epochs);
        var loss = Typed(parse, Architecture.Loss) ? Architecture.BuildLoss(parse, checkpoint.State.Network.Architecture.OutputActivation) : checkpoint.Loss;
        var options = checkpoint.Options;
        options = Typed(parse, Batch) ? Cli.Named(() => options with { BatchSize = parse.GetValue(Batch) }, (nameof(options.BatchSize), Batch)) : options;
        options = Typed(parse, L2) ? Cli.Named(() => options with { L2 = parse.GetValue(L2) }, (nameof(options.L2), L2)) : options;
        options = Typed(parse, Seed) ? options with { Seed = parse.GetValue(Seed) } : options;
        return (rule, loss, options);
    }

    /// <summary>
    /// Refuses architecture options typed with values other than the checkpoint network's: a resumed run keeps its
    /// network, so <c>--layers</c>, <c>--activation</c> or <c>--output</c> that disagree would be silently ignored.
    /// </summary>
    public void EnsureArchitecture(ParseResult parse, Nn.Architecture saved)
    {
        if (parse.GetValue(Architecture.Layers) is { } text && Typed(parse, Architecture.Layers))
        {
            var savedLayers = WithoutActivations(saved);
            var givenLayers = LayerGrammar.IsSpatial(text)
                ? WithoutActivations(LayerGrammar.Parse(text, Nn.Activation.Identity, Nn.Activation.Identity))
                : string.Join('-', ArchitectureOptions.ParseSizes(text));
            if (givenLayers != savedLayers)
            {
                throw new CheckpointMismatchException("architecture", savedLayers, givenLayers);
            }
        }

        // The layers that take --activation are those the grammar gives the hidden activation: not pooling, not the output.
        var probe = LayerGrammar.Parse(WithoutActivations(saved), Nn.Activation.Sigmoid, Nn.Activation.Identity).Stack;
        var hidden = saved.Stack.Where((layer, l) => probe[l].Activation == Nn.Activation.Sigmoid).Select(layer => layer.Activation.Name).Distinct().ToArray();
        if (Typed(parse, Architecture.Activation) && hidden.Length == 0)
        {
            // A fresh run refuses --activation for such layers; resuming one must not ignore it silently either.
            throw new UsageException(
                $"--activation sets the hidden layers' activation, but the checkpoint's network {WithoutActivations(saved)} has no hidden layer with an activation; --output sets the output layer's.");
        }

        if (Typed(parse, Architecture.Activation) && (hidden.Length > 1 || hidden[0] != parse.GetValue(Architecture.Activation)))
        {
            throw new CheckpointMismatchException("hidden activation", string.Join(", ", hidden), parse.GetValue(Architecture.Activation)!);
        }

        if (Typed(parse, Architecture.Output) && saved.OutputActivation.Name != parse.GetValue(Architecture.Output))
        {
            throw new CheckpointMismatchException("output activation", saved.OutputActivation.Name, parse.GetValue(Architecture.Output)!);
        }
    }

    /// <summary>The stack as <c>--layers</c> writes it (64-16-10, 1x8x8-conv8k3p1-maxpool2-10): activations are compared separately.</summary>
    private static string WithoutActivations(Nn.Architecture architecture) => ActivationSuffix().Replace(architecture.ToString(), string.Empty);

    [GeneratedRegex(@"\([^)]*\)", RegexOptions.CultureInvariant)]
    private static partial Regex ActivationSuffix();

    private static bool Typed(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}
