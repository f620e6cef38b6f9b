using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>The constants of every size and offset, and the conversions to and from the runtime <c>Network&lt;T&gt;</c>.</summary>
internal sealed class MemberEmitter(EmitContext context) : CodeEmitter(context)
{
    public void EmitConstants()
    {
        Doc("The number of inputs, the length of x = a^0.");
        w.Line($"public const int InputSize = {Int(model.Inputs)};");
        w.Line();
        Doc("The number of outputs, the length of a^L.");
        w.Line($"public const int OutputSize = {Int(model.Outputs)};");
        w.Line();
        var normalisation = model.Regularisers.Any(r => !r.IsDropout) ? " (a batch normalisation's γ then β take their place in that order)" : string.Empty;
        Doc(model.HasSpatial
            ? $"The length of the parameter vector θ: each convolution's kernels K (filters × channels × KH × KW, row-major) and bias, then every W^l (outputs × inputs, row-major) followed by its b^l, layer after layer{normalisation}."
            : $"The length of the parameter vector θ: every W^l (outputs × inputs, row-major) followed by its b^l, layer after layer{normalisation}.");
        w.Line($"public const int ParameterCount = {Int(model.ParameterCount)};");
        if (model.HasRegularisers)
        {
            w.Line();
            Doc("The length of the running statistics (a runtime network's State): each batch normalisation's running mean then running variance, in stack order.");
            w.Line($"public const int StateCount = {Int(model.StateCount)};");
        }

        w.Line();
        Doc("λ of the L2 term λ/(2m) Σ W² over the weights only (0 for none).");
        w.Line($"public const double L2Lambda = {Real(model.L2)};");
        EmitSpatialConstants();
        for (var i = 0; i < model.Layers.Length; i++)
        {
            var layer = model.Layers[i];
            var l = i + 1;
            w.Line();
            Doc($"The number of inputs of layer {l} (columns of W^{l}).");
            w.Line($"public const int Layer{l}Inputs = {Int(layer.Inputs)};");
            w.Line();
            Doc($"The number of outputs of layer {l} (rows of W^{l}).");
            w.Line($"public const int Layer{l}Outputs = {Int(layer.Outputs)};");
            w.Line();
            Doc($"Where W^{l} ({layer.Outputs} × {layer.Inputs}) starts in θ.");
            w.Line($"public const int Weights{l}Offset = {Int(layer.WeightOffset)};");
            w.Line();
            Doc(layer.HasBias ? $"Where b^{l} ({layer.Outputs}) starts in θ." : $"−1: layer {l} has no bias.");
            w.Line($"public const int Bias{l}Offset = {Int(layer.BiasOffset)};");
        }

        EmitNormalisationConstants();
        w.Line();
    }

    /// <summary>Per batch normalisation n: its feature count and where its γ and its running statistics start.</summary>
    private void EmitNormalisationConstants()
    {
        var n = 0;
        foreach (var norm in model.Regularisers.Where(r => !r.IsDropout))
        {
            n++;
            w.Line();
            Doc($"C, the features (channels) batch normalisation {n} normalises apart.");
            w.Line($"public const int BatchNorm{n}Features = {Int(norm.Features)};");
            w.Line();
            Doc($"Where γ of batch normalisation {n} ({norm.Features}) starts in θ; its β follows.");
            w.Line($"public const int BatchNorm{n}Offset = {Int(norm.ParameterOffset)};");
            w.Line();
            Doc($"Where the running mean of batch normalisation {n} ({norm.Features}) starts in the statistics; its running variance follows.");
            w.Line($"public const int BatchNorm{n}StateOffset = {Int(norm.StateOffset)};");
        }
    }

    /// <summary>The input image's sizes and, per spatial layer s, its output sizes and where K^s and b^s start in θ.</summary>
    private void EmitSpatialConstants()
    {
        if (model.InputShape.Length == 3)
        {
            var names = new[] { ("InputChannels", "C, the input image's channels."), ("InputHeight", "H, the input image's height."), ("InputWidth", "W, the input image's width.") };
            for (var i = 0; i < 3; i++)
            {
                w.Line();
                Doc(names[i].Item2);
                w.Line($"public const int {names[i].Item1} = {Int(model.InputShape[i])};");
            }
        }

        for (var s = 1; s <= model.Spatial.Length; s++)
        {
            var layer = model.Spatial[s - 1];
            var kind = layer.IsConvolution ? "convolution" : "max-pooling";
            foreach (var (name, value, text) in new[]
            {
                ("Channels", layer.Filters, "channels"),
                ("Height", layer.OutputHeight, "height"),
                ("Width", layer.OutputWidth, "width"),
            })
            {
                w.Line();
                Doc($"The {text} of spatial layer {s}'s output ({kind}, {layer.Filters}×{layer.OutputHeight}×{layer.OutputWidth}).");
                w.Line($"public const int Spatial{s}{name} = {Int(value)};");
            }

            if (layer.IsConvolution)
            {
                w.Line();
                Doc($"Where K^{s} ({layer.Filters} × {layer.Channels} × {layer.KernelHeight} × {layer.KernelWidth}, row-major) starts in θ.");
                w.Line($"public const int Kernels{s}Offset = {Int(layer.WeightOffset)};");
                w.Line();
                Doc(layer.HasBias ? $"Where the bias of convolution {s} ({layer.Filters}) starts in θ." : $"−1: convolution {s} has no bias.");
                w.Line($"public const int KernelBias{s}Offset = {Int(layer.BiasOffset)};");
            }
        }
    }

    public void EmitConversions()
    {
        var stack = model.Spatial.Select(l => l.IsConvolution
            ? $".Conv2D({Int(l.Filters)}, {Int(l.KernelHeight)}, {Int(l.KernelWidth)}, global::Nn.Activation.{l.Activation}, stride: {Int(l.Stride)}, padding: {Int(l.Padding)}{(l.HasBias ? string.Empty : ", hasBias: false")})"
            : $".MaxPool2D({Int(l.KernelHeight)}, {Int(l.Stride)})")
            .Concat(model.Layers.Select(l => $".Dense({Int(l.Outputs)}, global::Nn.Activation.{l.Activation}{(l.HasBias ? string.Empty : ", hasBias: false")})"))
            .ToList();
        foreach (var regulariser in model.Regularisers.Reverse())
        {
            stack.Insert(regulariser.Position, regulariser.IsDropout ? $".Dropout({Real(regulariser.Rate)})" : ".BatchNorm()");
        }

        var input = model.InputShape.Length == 3 ? string.Join(", ", model.InputShape.Select(Int)) : Int(model.Inputs);
        var layers = string.Concat(stack);
        Doc("The runtime architecture of this stack; its parameter layout is the one the constants above describe.");
        w.Line($"public static global::Nn.Architecture Architecture {{ get; }} = global::Nn.Architecture.Input({input}){layers};");
        w.Line();
        Doc("The runtime loss this stack was declared with.");
        w.Line($"public static global::Nn.Loss LossFunction => global::Nn.Loss.{model.Loss};");
        w.Line();
        Doc("A runtime network of this architecture with weights drawn by <paramref name=\"initializer\"/> from <paramref name=\"seed\"/> and zero biases.",
            ("initializer", "The weight scheme."), ("seed", "The seed; the same seed gives the same network."));
        Returns("The new network.");
        using (w.Block($"public static global::Nn.Network<{T}> CreateNetwork(global::Nn.Initializer initializer, ulong seed)"))
        {
            w.Line($"return global::Nn.Network.Create<{T}>(Architecture, initializer, seed);");
        }

        w.Line();
        Doc("The runtime network holding a copy of <paramref name=\"parameters\"/>.", ("parameters", "θ, of length ParameterCount."));
        Returns("The new network.");
        using (w.Block($"public static global::Nn.Network<{T}> ToNetwork(global::System.ReadOnlySpan<{T}> parameters)"))
        {
            w.Line($"return global::Nn.Network.FromParameters<{T}>(Architecture, parameters);");
        }

        w.Line();
        if (model.HasRegularisers)
        {
            EmitStatisticsConversions();
        }

        Doc("θ of a runtime network of this architecture, without copying.", ("network", "A network whose architecture equals Architecture."));
        Returns("A read-only view of the network's parameters.");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">The network has another architecture.</exception>");
        using (w.Block($"public static global::System.ReadOnlySpan<{T}> ParametersOf(global::Nn.Network<{T}> network)"))
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(network);");
            using (w.Block("if (network.Architecture != Architecture)"))
            {
                w.Line($"throw new global::System.ArgumentException($\"network must have the architecture {{Architecture}} declared by {model.DisplayName}, but has {{network.Architecture}}.\", \"network\");");
            }

            w.Line();
            w.Line("return network.Parameters.AsSpan();");
        }

        w.Line();
    }

    private void EmitStatisticsConversions()
    {
        Doc("The runtime network holding copies of <paramref name=\"parameters\"/> and <paramref name=\"statistics\"/>.",
            ("parameters", "θ, of length ParameterCount."), ("statistics", "The running statistics, of length StateCount."));
        Returns("The new network.");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A length does not match, or a statistic is not finite or a variance is negative.</exception>");
        using (w.Block($"public static global::Nn.Network<{T}> ToNetwork(global::System.ReadOnlySpan<{T}> parameters, global::System.ReadOnlySpan<{T}> statistics)"))
        {
            w.Line($"return new global::Nn.Network<{T}>(Architecture, global::Nn.ParameterVector<{T}>.Create(parameters), global::Nn.ParameterVector<{T}>.Create(statistics));");
        }

        w.Line();
        Doc("The running statistics of a runtime network of this architecture, without copying.", ("network", "A network whose architecture equals Architecture."));
        Returns("A read-only view of the network's state.");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">The network has another architecture.</exception>");
        using (w.Block($"public static global::System.ReadOnlySpan<{T}> StatisticsOf(global::Nn.Network<{T}> network)"))
        {
            w.Line("ParametersOf(network);");
            w.Line("return network.State.AsSpan();");
        }

        w.Line();
    }
}
