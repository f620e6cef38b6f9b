using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Nn.Generators.Tests;

/// <summary>
/// Odd and hostile declarations: each gets a clear NN diagnostic, or the compiler's own error alone, or code that
/// compiles, and never an exception out of the generator or generated code that does not compile.
/// </summary>
public sealed class HostileDeclarationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_network_attribute_on_two_parts_of_a_partial_type_leaves_the_compilers_error_alone_and_throws_nothing(bool oneFile)
    {
        string[] parts =
        [
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Twice;",
            "[Nn.Network(typeof(float), Inputs = 4)] [Nn.Dense(1, 2, Nn.ActivationKind.Sigmoid)] public static partial class Twice;",
        ];
        var run = GeneratorHarness.Generate(oneFile ? [string.Join("\n", parts)] : parts);

        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Result.GeneratedTrees);
        Assert.Equal(["CS0579"], run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id));
    }

    [Fact]
    public void Types_whose_names_differ_only_in_generic_arity_or_punctuation_get_files_of_their_own()
    {
        var run = GeneratorHarness.Generate(
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public partial class Net<T>;",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public partial class Net_T_;",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public partial class Net<T, U>;",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public partial class Net_T__U_;",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public partial class @_class;",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public partial class @class;");

        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(6, run.Result.GeneratedTrees.Length);
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>
    /// Sizes whose products pass 2⁶⁴ or an int: 1073807362 · 1073676290 · 16 = 2⁶⁴ + 64 inputs, 131072 · 2147483647² ≈ 2⁷⁹
    /// weights, and an output side of 8 + 2 · 2147483647 = 2³² + 6 (which an int holds as 6).
    /// </summary>
    [Theory]
    [InlineData("[Nn.Network(typeof(double), InputShape = new[] { 1073807362, 1073676290, 16 })] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Wrapped;", "18446744073709551680 inputs")]
    [InlineData("[Nn.Network(typeof(double), InputShape = new[] { 1, 8, 8 })] [Nn.Conv2D(0, 131072, 2147483647, Nn.ActivationKind.Relu, Padding = 1073741824)] [Nn.Dense(1, 1, Nn.ActivationKind.Sigmoid)] public static partial class Wrapped;", "more than 2147483591 parameters")]
    [InlineData("[Nn.Network(typeof(double), InputShape = new[] { 1, 8, 8 })] [Nn.Conv2D(0, 1, 1, Nn.ActivationKind.Relu, Padding = 2147483647)] [Nn.Dense(1, 1, Nn.ActivationKind.Sigmoid)] public static partial class Wrapped;", "a layer of 18446744125249159204 units")]
    public void Sizes_whose_product_overflows_64_bits_are_too_large_not_wrapped_around_to_a_small_network(string declaration, string size)
    {
        var run = GeneratorHarness.Generate(declaration);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("NN0010", diagnostic.Id);
        Assert.Contains(size, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("void")]
    [InlineData("System.Collections.Generic.List<>")]
    [InlineData("System.Span<int>")]
    [InlineData("System.Math")]
    [InlineData("int*")]
    public void An_element_type_no_span_can_hold_gets_NN0006_as_the_only_error(string elementType)
    {
        var run = GeneratorHarness.Generate(
            "[Nn.Network(typeof(" + elementType + "), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Odd;");

        Assert.Equal("NN0006", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("Architecture")]
    [InlineData("CostAndGradientRows")]
    [InlineData("Layer12Outputs")]
    [InlineData("BatchNorm1StateOffset")]
    public void A_type_named_like_a_generated_member_gets_NN0019_and_no_code_that_cannot_compile(string typeName)
    {
        var run = GeneratorHarness.Generate(
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class " + typeName + ";");

        Assert.Equal("NN0019", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Every_member_the_generator_writes_has_a_name_NN0019_knows()
    {
        var run = GeneratorHarness.Generate(
            Declarations.SmallStack, Declarations.NestedWithL2, Declarations.GlobalRecord, Declarations.SingleLongLayer, Declarations.GenericType,
            Declarations.HiddenSoftmax, Declarations.SmallConvolution, Declarations.LargeConvolution,
            "[Nn.Network(typeof(float), InputShape = new[] { 1, 6, 6 }, L2 = 0.1, Loss = Nn.LossKind.SoftmaxCrossEntropy)] [Nn.Conv2D(0, 2, 3, Nn.ActivationKind.Relu)] [Nn.BatchNorm(1)] [Nn.MaxPool2D(2, 2)] [Nn.Dropout(3, 0.5)] [Nn.Dense(4, 3, Nn.ActivationKind.Tanh)] [Nn.BatchNorm(5)] [Nn.Dense(6, 2, Nn.ActivationKind.Softmax)] public static partial class Regularised;",
            "[Nn.Network(typeof(int), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] [Nn.BatchNorm(1)] [Nn.Dense(2, 1, Nn.ActivationKind.Sigmoid)] public static partial class Stubbed;");

        var members = run.Result.GeneratedTrees
            .SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax>())
            .Select(member => member switch
            {
                Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax method => method.Identifier.Text,
                Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax property => property.Identifier.Text,
                Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax field => field.Declaration.Variables[0].Identifier.Text,
                _ => null,
            })
            .OfType<string>()
            .Distinct()
            .ToList();

        Assert.Contains("TrainingStepInPlace", members);
        Assert.Contains("Kernels1Offset", members);
        Assert.All(members, name => Assert.True(Nn.Generators.Networks.NameClashes.IsMemberName(name), name));

        // NN0019 tells a base class's method hidden by a generated property from one overloaded by a generated method.
        var values = run.Result.GeneratedTrees
            .SelectMany(tree => tree.GetRoot().DescendantNodes())
            .Select(member => member switch
            {
                Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax property => property.Identifier.Text,
                Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax field => field.Declaration.Variables[0].Identifier.Text,
                _ => null,
            })
            .OfType<string>()
            .Distinct()
            .ToList();
        Assert.Contains("batchScratch", values);
        Assert.All(values, name => Assert.True(Nn.Generators.Networks.NameClashes.IsValueMemberName(name), name));
        Assert.All(members.Except(values), name => Assert.False(Nn.Generators.Networks.NameClashes.IsValueMemberName(name), name));
    }

    /// <summary>Stacks of every kind, and two stubs, whose generated code uses every name and method the emitters write.</summary>
    internal static readonly string[] EveryKindOfStack =
    [
        Declarations.SmallStack, Declarations.NestedWithL2, Declarations.GlobalRecord, Declarations.SingleLongLayer, Declarations.GenericType,
        Declarations.HiddenSoftmax, Declarations.SmallConvolution, Declarations.LargeConvolution,
        "[Nn.Network(typeof(float), InputShape = new[] { 1, 6, 6 }, L2 = 0.1, Loss = Nn.LossKind.SoftmaxCrossEntropy)] [Nn.Conv2D(0, 2, 3, Nn.ActivationKind.Relu)] [Nn.BatchNorm(1)] [Nn.MaxPool2D(2, 2)] [Nn.Dropout(3, 0.5)] [Nn.Dense(4, 3, Nn.ActivationKind.Tanh)] [Nn.BatchNorm(5)] [Nn.Dense(6, 2, Nn.ActivationKind.Softmax)] public static partial class Regularised;",
        "[Nn.Network(typeof(int), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] [Nn.BatchNorm(1)] [Nn.Dense(2, 1, Nn.ActivationKind.Sigmoid)] public static partial class Stubbed;",
        "[Nn.Network(typeof(int), Inputs = 3, L2 = 1)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class StubbedWithL2;",
        "[Nn.Network(typeof(double), Inputs = 4, L2 = 1)] [Nn.Dense(0, 3, Nn.ActivationKind.Tanh)] [Nn.BatchNorm(1)] [Nn.Dropout(2, 0.5)] [Nn.Dense(3, 1, Nn.ActivationKind.Sigmoid)] public static partial class DenseRegularised;",
    ];

    [Theory]
    [InlineData("namespace Foo { public class Math { } [Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Net; }")]
    [InlineData("namespace Foo.Bar { [Nn.Network(typeof(float), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Net; } namespace Foo { public class Span<T> { } }")]
    [InlineData("public class ArgumentException { } [Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Net;")]
    [InlineData("namespace Foo { [Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public partial class Net { private sealed class ThreadStaticAttribute : System.Attribute { } } }")]
    [InlineData("namespace Foo { [Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public partial class Net<GC>; }")]
    [InlineData("namespace Foo.Math { public class Helper { } } namespace Foo { [Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Net; }")]
    [InlineData("namespace Foo { public static class GeneratedKernels { } [Nn.Network(typeof(double), Inputs = 3, L2 = 1)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Net; }")]
    [InlineData("public class Base { public class Math { } public class Span<T> { } } [Nn.Network(typeof(double), Inputs = 300)] [Nn.Dense(0, 20, Nn.ActivationKind.Relu)] [Nn.Dense(1, 2, Nn.ActivationKind.Softmax)] public partial class Net : Base;")]
    [InlineData("public class Base { protected static int GeneratedChecks; protected static int GeneratedSpans; } [Nn.Network(typeof(float), Inputs = 3)] [Nn.Dense(0, 2, Nn.ActivationKind.Tanh)] [Nn.Dense(1, 1, Nn.ActivationKind.Sigmoid)] public partial class Net : Base;")]
    [InlineData("public class Base { protected static int nameof(object value) => 0; } [Nn.Network(typeof(float), Inputs = 4)] [Nn.Dense(0, 3, Nn.ActivationKind.Tanh)] [Nn.BatchNorm(1)] [Nn.Dense(2, 1, Nn.ActivationKind.Sigmoid)] public partial class Net : Base;")]
    public void Types_and_members_around_a_network_named_like_ones_its_code_uses_leave_that_code_compiling(string source)
    {
        var run = GeneratorHarness.Generate(source);

        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("NN0006", d.Id));
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(run.CompilationProblems.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Types_of_other_names_around_a_network_and_one_inside_namespace_System_leave_its_code_compiling()
    {
        var run = GeneratorHarness.Generate(
            "namespace Foo { public class Maths { } public class Span { } public class ReadOnlySpan<T, U> { } [Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Net; }",
            "namespace System.Extra { [Nn.Network(typeof(float), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Net; }");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void The_generated_code_names_every_type_outside_the_network_with_global_and_no_argument_with_nameof()
    {
        var run = GeneratorHarness.Generate(EveryKindOfStack);

        var unqualified = run.Result.GeneratedTrees
            .SelectMany(tree =>
            {
                var model = run.Output.GetSemanticModel(tree);
                return tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax>()
                    .Where(name => !IsQualified(name) && name is not Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax { IsVar: true })
                    .Select(name => model.GetSymbolInfo(name).Symbol switch
                    {
                        IMethodSymbol { MethodKind: MethodKind.Constructor } constructor when name.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax => constructor.ContainingType,
                        var symbol => symbol,
                    })
                    .OfType<INamedTypeSymbol>()
                    .Select(type => type.ToDisplayString());
            })
            .Distinct()
            .ToList();

        Assert.Empty(unqualified);
        Assert.All(run.Result.GeneratedTrees, tree => Assert.DoesNotContain("nameof(", tree.ToString(), StringComparison.Ordinal));
    }

    /// <summary>Whether a name is the right-hand side of a qualified name or member access, so no lookup finds it on its own.</summary>
    private static bool IsQualified(Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax name) => name.Parent switch
    {
        Microsoft.CodeAnalysis.CSharp.Syntax.QualifiedNameSyntax qualified => qualified.Right == name,
        Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access => access.Name == name,
        Microsoft.CodeAnalysis.CSharp.Syntax.AliasQualifiedNameSyntax alias => alias.Name == name,
        _ => false,
    };
}
