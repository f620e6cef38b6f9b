using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;

namespace Nn.Cli.Commands;

/// <summary>Options and parsing shared by more than one command: the architecture and the loss.</summary>
internal sealed class ArchitectureOptions
{
    public Option<string?> Layers { get; } = new("--layers")
    {
        Description = "Layers from input to output, e.g. 784-100-10 or 1x8x8-conv8k3p1-maxpool2-10 (input CxHxW; conv<F>k<K>[s<S>][p<P>], k<KH>x<KW>, maxpool<K>[s<S>], bn, dropout<p>; default: inputs-32-classes).",
    };

    public Option<string> Activation { get; } = new Option<string>("--activation")
    {
        Description = "The hidden layers' activation.",
        DefaultValueFactory = _ => "relu",
    }.AcceptOnlyFromAmong("relu", "sigmoid", "tanh", "identity");

    public Option<string> Output { get; } = new Option<string>("--output")
    {
        Description = "The output layer's activation.",
        DefaultValueFactory = _ => "softmax",
    }.AcceptOnlyFromAmong("softmax", "sigmoid", "identity", "tanh", "relu");

    public Option<string?> Loss { get; } = new Option<string?>("--loss")
    {
        Description = "The cost function (default: cross-entropy for softmax outputs, binary-cross-entropy for sigmoid, quadratic otherwise).",
    }.AcceptOnlyFromAmong("cross-entropy", "softmax-cross-entropy", "binary-cross-entropy", "bce", "quadratic", "mse");

    public void AddTo(Command command)
    {
        command.Options.Add(Layers);
        command.Options.Add(Activation);
        command.Options.Add(Output);
        command.Options.Add(Loss);
    }

    /// <summary>
    /// The architecture the options describe, checked against the data's input and class counts. A regression's
    /// output is identity unless --output is typed: its outputs are numbers, not class scores.
    /// </summary>
    public Architecture Build(ParseResult parse, int inputs, int classes, bool regression = false)
    {
        var text = parse.GetValue(Layers);
        var output = regression && parse.GetResult(Output) is not { Implicit: false } ? Nn.Activation.Identity : Nn.Activation.Parse(parse.GetValue(Output)!);
        if (text is not null && LayerGrammar.IsSpatial(text))
        {
            var spatial = LayerGrammar.Parse(text, Nn.Activation.Parse(parse.GetValue(Activation)!), output);
            if (spatial.InputSize != inputs || spatial.OutputSize != classes)
            {
                throw new UsageException(
                    $"--layers {spatial} reads {spatial.InputSize} inputs and gives {spatial.OutputSize} classes, but the data has {inputs} inputs and {classes} classes.");
            }

            // Batch normalisation, dropout or a convolution do not make a network exempt: 64-bn-30000-30000-10 is 900
            // million parameters, which were allocated until the system ran out of memory.
            MemoryBudget.EnsureFits(spatial, "--layers", text);
            return spatial;
        }

        var sizes = text is null ? [inputs, 32, classes] : ParseSizes(text);
        if (sizes[0] != inputs)
        {
            throw new UsageException($"--layers must start with the data's {inputs} inputs, but starts with {sizes[0]}.");
        }

        if (sizes[^1] != classes)
        {
            throw new UsageException($"--layers must end with the data's {classes} classes, but ends with {sizes[^1]}.");
        }

        Architecture architecture;
        try
        {
            architecture = Architecture.FromSizes(sizes, Nn.Activation.Parse(parse.GetValue(Activation)!), output);
        }
        catch (ArgumentException e)
        {
            // Past a limit of the library (too many parameters or layers): the message names the limit, this the option.
            throw new UsageException($"--layers {string.Join('-', sizes)}: {Guard.BareMessage(e)}");
        }

        MemoryBudget.EnsureFits(architecture, "--layers", string.Join('-', sizes));
        return architecture;
    }

    /// <summary>The loss named, or the natural one for the output activation.</summary>
    public Loss BuildLoss(ParseResult parse, Activation output)
    {
        var loss = parse.GetValue(Loss) is { } name ? Nn.Loss.Parse(name)
            : output == Nn.Activation.Softmax ? Nn.Loss.SoftmaxCrossEntropy
            : output == Nn.Activation.Sigmoid ? Nn.Loss.BinaryCrossEntropy
            : Nn.Loss.Quadratic;
        if (!loss.Supports(output))
        {
            throw new UsageException($"--loss {loss.Name} is not defined for the output activation {output.Name}.");
        }

        return loss;
    }

    public static int[] ParseSizes(string text)
    {
        var parts = text.Split('-');
        var sizes = new List<int>();
        foreach (var part in parts)
        {
            // Read as a 64-bit number so that a size past int is reported against the limit, not as malformed.
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                throw new UsageException($"--layers must be positive sizes joined by '-', e.g. 784-100-10, but is '{text}'.");
            }

            if (size > Limits.MaxWidth)
            {
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture, $"--layers {text}: every size must be at most {Limits.MaxWidth} (Limits.MaxWidth), but {part} is larger."));
            }

            sizes.Add((int)size);
        }

        if (sizes.Count < 2)
        {
            throw new UsageException($"--layers needs at least an input and an output size, e.g. 64-10, but is '{text}'.");
        }

        return sizes.ToArray();
    }
}
