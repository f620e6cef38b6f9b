using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Nn.Generators.Networks;

/// <summary>
/// Names the generated code cannot do without. It names every type outside the network with global::, so types
/// declared around the network cannot capture those names; what is left the builder reports as NN0019 and writes
/// nothing for: a network type named like a generated member (C# forbids a member named like its type, CS0542), a
/// project type in the place of a library type the code names (C# takes the project's, CS0436, or a type for a
/// namespace, CS0437), a type named var in scope (the code's locals would be declared of it), and a member of a base
/// class that a generated member would hide (warning CS0108, an error where warnings are). Methods of a generated
/// method's parameters are <see cref="GeneratedMethods"/>' to find.
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

    /// <summary>The generated members that are not methods, which hide every inherited member of their name.</summary>
    private static readonly string[] ValueMemberNames =
    [
        "InputSize", "OutputSize", "ParameterCount", "StateCount", "L2Lambda", "Architecture", "LossFunction",
        "InputChannels", "InputHeight", "InputWidth", "batchScratch", "spatialScratch",
    ];

    /// <summary>
    /// The types the generated code names, by metadata name, all with global::: a test walks the generated code and
    /// keeps this list equal to what it names.
    /// </summary>
    public static readonly string[] UsedTypes =
    [
        "Nn.Activation", "Nn.Architecture", "Nn.Initializer", "Nn.Loss", "Nn.Network", "Nn.Network`1", "Nn.ParameterVector`1",
        "Nn.Kernels.DenseKernels", "Nn.Kernels.GeneratedChecks", "Nn.Kernels.GeneratedKernels", "Nn.Kernels.GeneratedSpans", "Nn.Kernels.GeneratedStacks", "Nn.Kernels.StableScalars",
        "System.ArgumentException", "System.ArgumentNullException", "System.ArgumentOutOfRangeException", "System.FormattableString",
        "System.GC", "System.InvalidOperationException", "System.Math", "System.ReadOnlySpan`1", "System.Span`1", "System.ThreadStaticAttribute",
    ];

    /// <summary>The namespaces those names pass through, which a project type of the same name would stand in for.</summary>
    private static readonly string[] UsedNamespaces = ["System", "Nn", "Nn.Kernels"];

    /// <summary>Whether <paramref name="name"/> is, or could be, the name of a generated member.</summary>
    public static bool IsMemberName(string name) => MemberNames.Contains(name) || NumberedMember.IsMatch(name);

    /// <summary>The NN0019 message's explanation when one of the names the generated code needs is taken; else null.</summary>
    public static string? Find(INamedTypeSymbol type, Compilation compilation)
    {
        if (IsMemberName(type.Name))
        {
            return $"is named like the generated member '{type.Name}', and C# does not let a member have its type's name; rename the type";
        }

        // global::Nn.Network finds the project's own Nn.Network before the library's (CS0436), and global::System.Math
        // a project type named System before the namespace (CS0437): no spelling reaches the library's past them.
        if (UsedTypes.FirstOrDefault(name => compilation.Assembly.GetTypeByMetadataName(name) is not null) is { } own)
        {
            var shown = compilation.Assembly.GetTypeByMetadataName(own)!.ToDisplayString();
            return $"cannot be generated while this project declares its own '{shown}': the generated code names the library's {Unmangled(own)}, and C# takes the project's type instead (CS0436); rename the project's type";
        }

        if (UsedNamespaces.FirstOrDefault(name => compilation.Assembly.GetTypeByMetadataName(name) is not null) is { } space)
        {
            return $"cannot be generated while this project declares a type '{space}': the generated code names types of the namespace global::{space}, and C# takes the type instead (CS0437); rename the type or move it into a namespace";
        }

        if (VarInScope(type, compilation) is { } var)
        {
            return $"is declared where {var} is in scope, so the generated code's 'var' locals would be declared of that type; rename it";
        }

        // The type's own member is declared twice (CS0102), a base class's is hidden (CS0108, an error where warnings are).
        if (Taken(type.GetMembers(), includePrivate: true) is { } declared)
        {
            return $"declares '{declared.ToDisplayString()}', which the generated code declares too (CS0102); rename it";
        }

        for (var owner = type.BaseType; owner is not null; owner = owner.BaseType)
        {
            if (Taken(owner.GetMembers(), includePrivate: false) is { } hidden)
            {
                return $"inherits '{hidden.ToDisplayString()}', which the generated member '{hidden.Name}' would hide (CS0108); rename it";
            }
        }

        return null;
    }

    private static string Unmangled(string metadataName) =>
        metadataName.EndsWith("`1", System.StringComparison.Ordinal) ? metadataName.Substring(0, metadataName.Length - 2) + "<T>" : metadataName;

    /// <summary>What a lookup of var from inside the type finds before it falls back to the keyword, if anything.</summary>
    private static string? VarInScope(INamedTypeSymbol type, Compilation compilation)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Any(p => p.Name == "var"))
            {
                return $"the type parameter 'var' of '{current.Name}'";
            }

            // Nested types of base classes are in scope too, unless private to them.
            for (var owner = current; owner is not null; owner = owner.BaseType)
            {
                var inherited = !SymbolEqualityComparer.Default.Equals(owner, current);
                if (owner.GetTypeMembers("var", 0).FirstOrDefault(t => !inherited || t.DeclaredAccessibility != Accessibility.Private) is { } nested)
                {
                    return $"the type '{nested.ToDisplayString()}'";
                }
            }
        }

        for (var scope = type.ContainingNamespace; scope is not null; scope = scope.ContainingNamespace)
        {
            if (scope.GetTypeMembers("var", 0).FirstOrDefault() is { } declared)
            {
                return $"the type '{declared.ToDisplayString()}'";
            }
        }

        // The generated file has no usings of its own, but the project's global usings reach it.
        foreach (var tree in compilation.SyntaxTrees)
        {
            foreach (var directive in ((CompilationUnitSyntax)tree.GetRoot()).Usings.Where(u => u.GlobalKeyword.Text == "global"))
            {
                if (directive.Alias?.Name.Identifier.ValueText == "var")
                {
                    return "the global using alias 'var'";
                }

                if (directive.Alias is null && directive.Name is { } name
                    && compilation.GetSemanticModel(tree).GetSymbolInfo(name).Symbol is INamespaceOrTypeSymbol imported
                    && imported.GetTypeMembers("var", 0).FirstOrDefault() is { } found)
                {
                    return $"the type '{found.ToDisplayString()}'";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A member that a generated member of its name collides with: any member where the generated one is a constant,
    /// property or field, and any but a method where it is a method (a method of other parameters only overloads it;
    /// one of the same parameters GeneratedMethods finds, since that takes the network's element type and layers).
    /// </summary>
    private static ISymbol? Taken(ImmutableArray<ISymbol> members, bool includePrivate) =>
        members.FirstOrDefault(member =>
            (includePrivate || member.DeclaredAccessibility != Accessibility.Private) && !member.IsImplicitlyDeclared && IsMemberName(member.Name)
            && (member is not IMethodSymbol || IsValueMemberName(member.Name)));

    /// <summary>Whether <paramref name="name"/> is that of a generated constant, property or field (not a method).</summary>
    public static bool IsValueMemberName(string name) => ValueMemberNames.Contains(name) || NumberedMember.IsMatch(name);
}
