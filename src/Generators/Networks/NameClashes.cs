using System;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Nn.Generators.Networks;

/// <summary>
/// Names the generated code takes for itself. C# forbids a member named like its own type (CS0542), so a network
/// type named like a generated member, public or private ("Forward", "Architecture", "Layer2Inputs", …), would get
/// code that does not compile, stubs included; so would a type declared where a type of its own namespace (or a
/// member) hides System.Math or System.Span&lt;T&gt;, which the generated code names through its usings. The builder
/// reports NN0019 for either and writes nothing.
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

    /// <summary>
    /// The types the generated code names without global::, found through its usings of System and Nn.Kernels: a
    /// test walks the generated code and keeps this list equal to what it names.
    /// </summary>
    public static readonly (string Namespace, string Name, int Arity)[] UsedTypes =
    [
        ("Nn.Kernels", "GeneratedChecks", 0), ("Nn.Kernels", "GeneratedKernels", 0), ("Nn.Kernels", "GeneratedSpans", 0),
        ("System", "ArgumentException", 0), ("System", "ArgumentNullException", 0), ("System", "ArgumentOutOfRangeException", 0),
        ("System", "FormattableString", 0), ("System", "GC", 0), ("System", "InvalidOperationException", 0), ("System", "Math", 0),
        ("System", "ReadOnlySpan", 1), ("System", "Span", 1), ("System", "ThreadStaticAttribute", 0),
    ];

    /// <summary>Whether <paramref name="name"/> is, or could be, the name of a generated member.</summary>
    public static bool IsMemberName(string name) => MemberNames.Contains(name) || NumberedMember.IsMatch(name);

    /// <summary>
    /// The NN0019 message's explanation when the type is named like a generated member, or something declared
    /// around it hides a type the generated code uses (a type or namespace Math in its namespace or an enclosing
    /// one, a member or type parameter Math of it or of a type it is nested in, all found before the usings); else null.
    /// </summary>
    public static string? Find(INamedTypeSymbol type)
    {
        if (IsMemberName(type.Name))
        {
            return $"is named like the generated member '{type.Name}', and C# does not let a member have its type's name; rename the type";
        }

        foreach (var (space, name, arity) in UsedTypes)
        {
            var names = name.EndsWith("Attribute", StringComparison.Ordinal) ? new[] { name, name.Substring(0, name.Length - "Attribute".Length) } : new[] { name };
            foreach (var hidden in names)
            {
                if (Hider(type, space, hidden, arity) is { } hider)
                {
                    return $"is declared where {hider} hides {space}.{name}, which the generated code names through 'using {space};'; rename {hider} or declare the network elsewhere";
                }
            }
        }

        return null;
    }

    /// <summary>What a simple name lookup of <paramref name="name"/> from inside the type finds before the usings, if anything but the type meant.</summary>
    private static string? Hider(INamedTypeSymbol type, string space, string name, int arity)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (arity == 0 && current.TypeParameters.Any(p => p.Name == name))
            {
                return $"the type parameter '{name}' of '{current.Name}'";
            }

            if (current.GetMembers(name).Any(m => m is not INamedTypeSymbol nested || nested.Arity == arity))
            {
                return $"the member '{current.ToDisplayString()}.{name}'";
            }
        }

        for (var scope = type.ContainingNamespace; scope is not null; scope = scope.ContainingNamespace)
        {
            if (!scope.IsGlobalNamespace && scope.ToDisplayString() == space)
            {
                return null;
            }

            if (scope.GetTypeMembers(name, arity).FirstOrDefault() is { } hiding)
            {
                return $"'{hiding.ToDisplayString()}'";
            }

            if (arity == 0 && scope.GetNamespaceMembers().FirstOrDefault(n => n.Name == name) is { } inner)
            {
                return $"the namespace '{inner.ToDisplayString()}'";
            }
        }

        return null;
    }
}
