using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Nn.Generators.Networks;
using Xunit;

namespace Nn.Generators.Tests;

/// <summary>
/// Declarations that no qualification in the generated code can get round: a project type that takes the place of
/// one the code names with global::, a type named var where the code declares locals with var, a member the
/// generated one would hide. Each gets one NN0019 naming the culprit, and no generated code that cannot compile.
/// </summary>
public sealed class UnavoidableClashTests
{
    private const string Dense = "[Nn.Network(typeof(double), Inputs = 3, L2 = 1)] [Nn.Dense(0, 2, Nn.ActivationKind.Relu)] [Nn.Dense(1, 1, Nn.ActivationKind.Sigmoid)] public partial class Net";
    private const string Regularised = "[Nn.Network(typeof(float), Inputs = 4)] [Nn.Dense(0, 3, Nn.ActivationKind.Tanh)] [Nn.BatchNorm(1)] [Nn.Dense(2, 2, Nn.ActivationKind.Sigmoid)] public partial class Net";

    [Theory]
    [InlineData("namespace Nn { public class Network { } }", Dense, "declares its own 'Nn.Network'")]
    [InlineData("namespace Nn { public class Activation { } }", Dense, "declares its own 'Nn.Activation'")]
    [InlineData("namespace Nn { public sealed class Loss { } }", Dense, "declares its own 'Nn.Loss'")]
    [InlineData("namespace Nn { public class Architecture { } }", Regularised, "declares its own 'Nn.Architecture'")]
    [InlineData("namespace Nn.Kernels { public static class GeneratedStacks { } }", Regularised, "declares its own 'Nn.Kernels.GeneratedStacks'")]
    [InlineData("namespace Nn.Kernels { public static class GeneratedChecks { } }", Dense, "declares its own 'Nn.Kernels.GeneratedChecks'")]
    [InlineData("namespace System { public static class GC { } }", Dense, "declares its own 'System.GC'")]
    [InlineData("public class System { }", Dense, "declares a type 'System'")]
    [InlineData("namespace Nn { public class Kernels { } }", Dense, "declares a type 'Nn.Kernels'")]
    public void A_project_type_in_the_place_of_one_the_generated_code_names_gets_NN0019_naming_it(string clash, string network, string message) =>
        AssertOneNameTaken(message, clash, "namespace Consumer { " + network + "; }");

    [Theory]
    [InlineData("namespace Consumer { public class var { } }", Dense + ";", "the type 'Consumer.var'")]
    [InlineData("public class Base { protected class var { } }", Dense + " : Base;", "the type 'Base.var'")]
    [InlineData("", "public partial class Outer<var> { " + Regularised + "; }", "the type parameter 'var' of 'Outer'")]
    [InlineData("global using var = System.Int32;", Dense + ";", "the global using alias 'var'")]
    [InlineData("global using Foo; namespace Foo { public class var { } }", Dense + ";", "the type 'Foo.var'")]
    [InlineData("global using static Foo.Outer; namespace Foo { public class Outer { public class var { } } }", Regularised + ";", "the type 'Foo.Outer.var'")]
    public void A_type_named_var_in_scope_of_the_network_gets_NN0019_naming_it(string clash, string network, string message) =>
        AssertOneNameTaken(message, clash, "namespace Consumer { " + network + " }");

    [Theory]
    [InlineData("public class Base { public static int InputSize; }", "inherits 'Base.InputSize'")]
    [InlineData("public class Base { protected static double Forward => 0; }", "inherits 'Base.Forward'")]
    [InlineData("public class Base { public static int Architecture() => 0; }", "inherits 'Base.Architecture()'")]
    [InlineData("public class Root { protected class Layer1Outputs { } } public class Base : Root { }", "inherits 'Root.Layer1Outputs'")]
    public void A_member_inherited_from_a_base_class_that_a_generated_member_would_hide_gets_NN0019_naming_it(string clash, string message) =>
        AssertOneNameTaken(message, clash, "namespace Consumer { " + Dense + " : Base; }");

    [Theory]
    [InlineData("public partial class Net { public static int InputSize; }", "declares 'Consumer.Net.InputSize'")]
    [InlineData("public partial class Net { private double Architecture() => 0; }", "declares 'Consumer.Net.Architecture()'")]
    [InlineData("public partial class Net { private sealed class ForwardRows { } }", "declares 'Consumer.Net.ForwardRows'")]
    public void A_member_of_the_network_type_named_like_a_generated_non_method_or_type_gets_NN0019_naming_it(string member, string message) =>
        AssertOneNameTaken(message, "namespace Consumer { " + member + " }", "namespace Consumer { " + Dense + "; }");

    [Theory]
    [InlineData("public static double Cost(System.ReadOnlySpan<double> theta, System.ReadOnlySpan<double> x, System.ReadOnlySpan<double> y, int n) => 0;", Dense, "declares 'Consumer.Net.Cost(System.ReadOnlySpan<double>, System.ReadOnlySpan<double>, System.ReadOnlySpan<double>, int)', which has the parameters of the generated method 'Cost'")]
    [InlineData("internal int Forward(scoped System.ReadOnlySpan<double> a, System.ReadOnlySpan<double> b, System.Span<double> c) => 0;", Dense, "declares 'Consumer.Net.Forward(")]
    [InlineData("private static void ForwardRows(System.ReadOnlySpan<double> p, System.ReadOnlySpan<double> x, int rows, System.Span<double> scratch) { }", Dense, "the generated method 'ForwardRows'")]
    [InlineData("public static void Forward(System.ReadOnlySpan<float> p, System.ReadOnlySpan<float> s, System.ReadOnlySpan<float> x, System.Span<float> y) { }", Regularised, "the generated method 'Forward' (CS0111)")]
    [InlineData("public static Nn.Network<float> TrainingStep(Nn.Network<float>? network, System.ReadOnlySpan<float> x, System.ReadOnlySpan<float> y, int rows, float rate, ulong key) => network!;", Regularised, "the generated method 'TrainingStep'")]
    public void A_method_of_the_network_type_with_the_parameters_of_a_generated_one_gets_NN0019_naming_it(string member, string network, string message) =>
        AssertOneNameTaken(message, "namespace Consumer { public partial class Net { " + member + " } }", "namespace Consumer { " + network + "; }");

    [Fact]
    public void A_base_class_method_with_the_parameters_of_a_generated_one_gets_NN0019_naming_it() =>
        AssertOneNameTaken(
            "inherits 'Base.MiniBatchStepInPlace(System.Span<double>, System.ReadOnlySpan<double>, System.ReadOnlySpan<double>, int, double, System.Span<double>, int)', which the generated method 'MiniBatchStepInPlace' of the same parameters would hide (CS0108)",
            "public class Base { protected static void MiniBatchStepInPlace(System.Span<double> p, System.ReadOnlySpan<double> x, System.ReadOnlySpan<double> y, int rows, double rate, System.Span<double> g, int n) { } }",
            "namespace Consumer { " + Dense + " : Base; }");

    [Fact]
    public void Methods_that_only_overload_a_generated_one_leave_its_code_compiling_with_no_diagnostic()
    {
        var run = GeneratorHarness.Generate(
            "public class Base { private static void Forward(System.ReadOnlySpan<double> p, System.ReadOnlySpan<double> x, System.Span<double> y) { } }",
            "public interface IRunner { void Forward(System.ReadOnlySpan<double> p, System.ReadOnlySpan<double> x, System.Span<double> y); }",
            """
            namespace Consumer
            {
                public partial class Net : IRunner
                {
                    // The cost without L2's sample count, statistics as a regularised stack's Forward takes, float spans,
                    // a type parameter, a span passed by reference, an explicit implementation: none is a generated signature.
                    public static double Cost(System.ReadOnlySpan<double> p, System.ReadOnlySpan<double> x, System.ReadOnlySpan<double> y) => Cost(p, x, y, 1);
                    public static void Forward(System.ReadOnlySpan<double> p, System.ReadOnlySpan<double> s, System.ReadOnlySpan<double> x, System.Span<double> y) { }
                    public static void Forward(System.ReadOnlySpan<float> p, System.ReadOnlySpan<float> x, System.Span<float> y) { }
                    public static void Forward<TTag>(System.ReadOnlySpan<double> p, System.ReadOnlySpan<double> x, System.Span<double> y) { }
                    public static void ForwardBatch(in System.ReadOnlySpan<double> p, System.ReadOnlySpan<double> x, System.Span<double> y, int rows) { }
                    void IRunner.Forward(System.ReadOnlySpan<double> p, System.ReadOnlySpan<double> x, System.Span<double> y) { }
                }
            }
            """,
            "namespace Consumer { " + Dense + " : Base; }");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(run.CompilationProblems.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Names_that_do_not_reach_the_generated_code_leave_it_compiling_with_no_diagnostic()
    {
        var run = GeneratorHarness.Generate(
            "public class Base { private static int InputSize = 1; public static int Forward(int x) => x + InputSize; private class var { } }",
            "namespace Consumer { public partial class Net {\n/// <summary>An overload of the generated Forward.</summary>\npublic static double Forward(double[] input) => input[0]; } }",
            "namespace Elsewhere { public class var { } public class Network { } } namespace Nn.Extra { public class Network { } }",
            "namespace Consumer { " + Dense + " : Base; }");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(run.CompilationProblems.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Every_library_type_the_generated_code_names_is_one_NN0019_guards()
    {
        var run = GeneratorHarness.Generate(HostileDeclarationTests.EveryKindOfStack);

        var named = run.Result.GeneratedTrees
            .SelectMany(tree =>
            {
                var model = run.Output.GetSemanticModel(tree);
                // var names the type it infers, which the code does not spell (so no project type can stand in for it).
                return tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax>()
                    .Where(name => name is not Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax { IsVar: true })
                    .Select(name => model.GetSymbolInfo(name).Symbol switch
                    {
                        IMethodSymbol { MethodKind: MethodKind.Constructor } constructor => constructor.ContainingType, // an attribute's name
                        var symbol => symbol,
                    })
                    .OfType<INamedTypeSymbol>()
                    .Where(type => !SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, run.Output.Assembly))
                    .Select(type => type.OriginalDefinition.ContainingNamespace.ToDisplayString() + "." + type.MetadataName);
            })
            .Distinct()
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToList();

        Assert.Contains("System.ReadOnlySpan`1", named);
        Assert.Equal(named, NameClashes.UsedTypes.OrderBy(name => name, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_method_the_generator_writes_has_parameters_NN0019_knows()
    {
        var run = GeneratorHarness.Generate(HostileDeclarationTests.EveryKindOfStack);

        var written = run.Result.GeneratedTrees
            .SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>()
                .Select(method => (IMethodSymbol)run.Output.GetSemanticModel(tree).GetDeclaredSymbol(method)!))
            .Select(method => (Method: method, Known: GeneratedMethods.Like(method, SurfaceOf(method.ContainingType))))
            .ToList();

        Assert.Contains(written, w => w.Method.Name == "TrainingStepInPlace");
        Assert.All(written, w => Assert.True(w.Known is not null, w.Method.ToDisplayString()));

        // And the list has no method the emitters no longer write.
        Assert.Equal(
            GeneratedMethods.All.Select(m => m.ToString()).OrderBy(m => m, StringComparer.Ordinal),
            written.Select(w => w.Known!.ToString()).Distinct().OrderBy(m => m, StringComparer.Ordinal));
    }

    /// <summary>The element type, L2 and layer kinds a generated type was declared with, read back from its attributes.</summary>
    private static MethodSurface SurfaceOf(INamedTypeSymbol type)
    {
        var network = type.GetAttributes().Single(a => a.AttributeClass?.Name == "NetworkAttribute");
        var elementType = (ITypeSymbol)network.ConstructorArguments[0].Value!;
        return new MethodSurface(
            elementType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            network.NamedArguments.Any(a => a.Key == "L2" && (double)a.Value.Value! != 0),
            type.GetAttributes().Any(a => a.AttributeClass?.Name is "BatchNormAttribute" or "DropoutAttribute"));
    }

    private static void AssertOneNameTaken(string message, params string[] sources)
    {
        var run = GeneratorHarness.Generate(sources);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("NN0019", diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(run.Result.GeneratedTrees);
    }
}
