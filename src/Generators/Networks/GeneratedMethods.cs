using System.Linq;
using Microsoft.CodeAnalysis;

namespace Nn.Generators.Networks;

/// <summary>What decides the parameter types of the methods the emitters write.</summary>
/// <param name="ElementType">T as the stubs spell it ("float", "double", or an unsupported type's full name).</param>
/// <param name="HasL2">Whether a nonzero L2 was declared, which adds int l2SampleCount to the cost and step methods.</param>
/// <param name="HasRegularisers">Whether [BatchNorm] or [Dropout] was declared, which changes the entry points.</param>
internal sealed record MethodSurface(string ElementType, bool HasL2, bool HasRegularisers);

/// <summary>Which stacks a generated method is written for.</summary>
internal enum Stacks
{
    /// <summary>Every stack.</summary>
    All,

    /// <summary>Stacks without batch normalisation or dropout.</summary>
    Plain,

    /// <summary>Stacks with batch normalisation or dropout.</summary>
    Regularised,
}

/// <summary>A method the emitters write, as much of it as a C# signature holds (not the return type or parameter names).</summary>
/// <param name="Name">The method's name.</param>
/// <param name="Stacks">The stacks it is written for.</param>
/// <param name="TakesL2">Whether an L2 network's method also takes int l2SampleCount, last.</param>
/// <param name="Parameters">The parameter types, fully qualified, T standing for the element type.</param>
internal sealed record GeneratedMethod(string Name, Stacks Stacks, bool TakesL2, params string[] Parameters)
{
    /// <summary>The parameter types a network of <paramref name="surface"/> gets, spelt as a fully qualified display.</summary>
    public string[] ParametersFor(MethodSurface surface) =>
        Parameters.Select(p => p == "T" ? surface.ElementType : p.Replace("<T>", "<" + surface.ElementType + ">"))
            .Concat(TakesL2 && surface.HasL2 ? new[] { "int" } : System.Array.Empty<string>())
            .ToArray();

    public override string ToString() => Name + "(" + string.Join(", ", Parameters) + (TakesL2 ? " [, int]" : string.Empty) + ")";
}

/// <summary>
/// The methods the emitters write, by parameter types, which NN0019 needs besides their names: a method of the
/// network type's other parts with a generated method's name and parameters is declared twice (CS0111 inside the
/// generated file), and a base class's is hidden (CS0108), where one of other parameters only overloads it. A test
/// keeps this list equal to what the emitters write. The private helpers are listed with every parameter list a stack
/// of their kind may get (FirstLayerBlock only comes with long first rows, AccumulateSample has two forms, …).
/// </summary>
internal static class GeneratedMethods
{
    private const string In = "global::System.ReadOnlySpan<T>";
    private const string Out = "global::System.Span<T>";
    private const string Network = "global::Nn.Network<T>";

    public static readonly GeneratedMethod[] All =
    [
        new("CreateNetwork", Stacks.All, false, "global::Nn.Initializer", "ulong"),
        new("ToNetwork", Stacks.All, false, In),
        new("ParametersOf", Stacks.All, false, Network),
        new("Cost", Stacks.All, true, In, In, In),
        new("CostBatch", Stacks.All, true, In, In, In, "int"),
        new("CostAndGradient", Stacks.All, true, In, In, In, Out),
        new("CostAndGradientBatch", Stacks.All, true, In, In, In, "int", Out),
        new("CheckSample", Stacks.All, false, In, In, In),
        new("CheckBatch", Stacks.All, false, In, In, In, "int"),

        new("Forward", Stacks.Plain, false, In, In, Out),
        new("ForwardBatch", Stacks.Plain, false, In, In, Out, "int"),
        new("SgdStepInPlace", Stacks.Plain, true, Out, In, In, "T", Out),
        new("MiniBatchStepInPlace", Stacks.Plain, true, Out, In, In, "int", "T", Out),
        new("SgdStep", Stacks.Plain, true, Network, In, In, "T"),
        new("MiniBatchStep", Stacks.Plain, true, Network, In, In, "int", "T"),
        new("ForwardSample", Stacks.Plain, false, In, In, Out),
        new("SampleCost", Stacks.Plain, false, In, In, In),
        new("WriteSample", Stacks.Plain, false, In, In, In, "T", Out),
        new("WriteSample", Stacks.Plain, false, In, In, In, "T", Out, In, Out),
        new("AccumulateSample", Stacks.Plain, false, In, In, In, "T", Out),
        new("AccumulateSample", Stacks.Plain, false, In, In, In, "T", Out, In, Out),
        new("FirstLayerBlock", Stacks.Plain, false, In, In, "int", Out),
        new("AccumulateFirstLayer", Stacks.Plain, false, In, In, "int", Out),
        new("BatchScratch", Stacks.Plain, false, "int"),
        new("SpatialScratch", Stacks.Plain, false),
        new("ForwardRows", Stacks.Plain, false, In, In, "int", Out),
        new("ForwardRowsInto", Stacks.Plain, false, In, In, Out, "int"),
        new("CostRows", Stacks.Plain, true, In, In, In, "int"),
        new("CostAndGradientRows", Stacks.Plain, true, In, In, In, "int", Out),
        new("L2Penalty", Stacks.Plain, false, In, "int"),
        new("AddL2Gradient", Stacks.Plain, false, In, "int", Out),

        new("ToNetwork", Stacks.Regularised, false, In, In),
        new("StatisticsOf", Stacks.Regularised, false, Network),
        new("Forward", Stacks.Regularised, false, In, In, In, Out),
        new("ForwardBatch", Stacks.Regularised, false, In, In, In, Out, "int"),
        new("TrainingStepInPlace", Stacks.Regularised, true, Out, Out, In, In, "int", "T", "ulong", Out),
        new("TrainingStep", Stacks.Regularised, true, Network, In, In, "int", "T", "ulong"),
        new("InferenceSample", Stacks.Regularised, false, In, In, In, Out),
    ];

    /// <summary>
    /// The generated method that <paramref name="method"/> has the signature of in a network of
    /// <paramref name="surface"/>, if any: same name, no type parameters, and the same parameter types, each passed
    /// by value (C# tells M(T) from M&lt;U&gt;(T) and from M(in T), but not from M(params T) or M(scoped T)).
    /// </summary>
    public static GeneratedMethod? Like(IMethodSymbol method, MethodSurface surface)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.Arity != 0 || method.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            return null;
        }

        var parameters = method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).ToArray();
        return All.FirstOrDefault(generated =>
            generated.Name == method.Name
            && generated.Stacks != (surface.HasRegularisers ? Stacks.Plain : Stacks.Regularised)
            && generated.ParametersFor(surface).SequenceEqual(parameters));
    }

    /// <summary>The NN0019 message's explanation when a method of the type or a base class has a generated method's signature; else null.</summary>
    public static string? FindClash(INamedTypeSymbol type, MethodSurface surface)
    {
        if (type.GetMembers().OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsImplicitlyDeclared && Like(m, surface) is not null) is { } declared)
        {
            return $"declares '{declared.ToDisplayString()}', which has the parameters of the generated method '{declared.Name}' (CS0111); rename it or change its parameters";
        }

        for (var owner = type.BaseType; owner is not null; owner = owner.BaseType)
        {
            if (owner.GetMembers().OfType<IMethodSymbol>().FirstOrDefault(m => m.DeclaredAccessibility != Accessibility.Private && Like(m, surface) is not null) is { } hidden)
            {
                return $"inherits '{hidden.ToDisplayString()}', which the generated method '{hidden.Name}' of the same parameters would hide (CS0108); rename it";
            }
        }

        return null;
    }
}
