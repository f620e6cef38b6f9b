using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Nn.Generators.Networks;

/// <summary>
/// Names the generated code takes for itself. C# forbids a member named like its own type (CS0542), so a network
/// type named like a generated member, public or private ("Forward", "Architecture", "Layer2Inputs", …), would get
/// code that does not compile, stubs included. The builder reports NN0019 for it and writes nothing.
/// </summary>
internal static class NameClashes
{
    /// <summary>Every member the emitters write whose name has no layer number in it.</summary>
    private static readonly string[] MemberNames =
    [
        "InputSize", "OutputSize", "ParameterCount", "StateCount", "L2Lambda", "Architecture", "LossFunction",
        "InputChannels", "InputHeight", "InputWidth",
        "CreateNetwork", "ToNetwork", "ParametersOf", "StatisticsOf",
        "Forward", "ForwardBatch", "Cost", "CostBatch", "CostAndGradient", "CostAndGradientBatch",
        "SgdStep", "SgdStepInPlace", "MiniBatchStep", "MiniBatchStepInPlace", "TrainingStep", "TrainingStepInPlace",
        "AccumulateFirstLayer", "AccumulateSample", "AddL2Gradient", "BatchScratch", "CheckBatch", "CheckSample",
        "CostAndGradientRows", "CostRows", "FirstLayerBlock", "ForwardRows", "ForwardRowsInto", "ForwardSample",
        "InferenceSample", "L2Penalty", "SampleCost", "SpatialScratch", "WriteSample", "batchScratch", "spatialScratch",
    ];

    /// <summary>The members numbered by layer: Layer{l}Inputs, Weights{l}Offset, Spatial{s}Height, BatchNorm{n}Offset, ….</summary>
    private static readonly Regex NumberedMember = new(
        "^(Layer[0-9]+(Inputs|Outputs)|(Weights|Bias|Kernels|KernelBias)[0-9]+Offset|Spatial[0-9]+(Channels|Height|Width)|BatchNorm[0-9]+(Features|Offset|StateOffset))$",
        RegexOptions.CultureInvariant);

    /// <summary>Whether <paramref name="name"/> is, or could be, the name of a generated member.</summary>
    public static bool IsMemberName(string name) => MemberNames.Contains(name) || NumberedMember.IsMatch(name);

    /// <summary>
    /// The NN0019 message's explanation when the type is named like a generated member; else null. (Types declared
    /// around the network cannot hide one the generated code names: it names them all with global::.)
    /// </summary>
    public static string? Find(INamedTypeSymbol type) =>
        IsMemberName(type.Name)
            ? $"is named like the generated member '{type.Name}', and C# does not let a member have its type's name; rename the type"
            : null;
}
