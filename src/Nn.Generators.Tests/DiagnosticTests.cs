using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Nn.Generators.Tests;

public sealed class DiagnosticTests
{
    public static TheoryData<string, string, string, string[]> Mistakes => new()
    {
        {
            "NN0001",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static class NotPartial;",
            "Nn.Network(typeof(double), Inputs = 3)",
            ["NotPartial"]
        },
        {
            "NN0001",
            "public static class Outer { [Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Inner; }",
            "Nn.Network(typeof(double), Inputs = 3)",
            ["Outer.Inner", "'Outer' must be partial"]
        },
        {
            "NN0002",
            "[Nn.Network(typeof(double), Inputs = 3)] public static partial class Empty;",
            "Nn.Network(typeof(double), Inputs = 3)",
            ["Empty", "no layers"]
        },
        {
            "NN0003",
            "[Nn.Network(typeof(double), Inputs = 0)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class NoInputs;",
            "Nn.Network(typeof(double), Inputs = 0)",
            ["input size", "but is 0"]
        },
        {
            "NN0003",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 4, Nn.ActivationKind.Relu)] [Nn.Dense(1, -2, Nn.ActivationKind.Sigmoid)] public static partial class Negative;",
            "Nn.Dense(1, -2, Nn.ActivationKind.Sigmoid)",
            ["order 1", "but is -2"]
        },
        {
            "NN0004",
            "[Nn.Network(typeof(double), Inputs = 3, Loss = Nn.LossKind.BinaryCrossEntropy)] [Nn.Dense(0, 2, Nn.ActivationKind.Relu)] public static partial class Pairing;",
            "Nn.Network(typeof(double), Inputs = 3, Loss = Nn.LossKind.BinaryCrossEntropy)",
            ["BinaryCrossEntropy", "Relu", "Sigmoid, Softmax"]
        },
        {
            "NN0005",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 4, Nn.ActivationKind.Relu)] [Nn.Dense(0, 2, Nn.ActivationKind.Sigmoid)] public static partial class Twice;",
            "Nn.Dense(0, 2, Nn.ActivationKind.Sigmoid)",
            ["order 0", "4 outputs and 2 outputs"]
        },
        {
            "NN0006",
            "[Nn.Network(typeof(int), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Integers;",
            "Nn.Network(typeof(int), Inputs = 3)",
            ["'int'", "float or double"]
        },
        {
            "NN0008",
            "[Nn.Network(typeof(float), Inputs = 3)] [Nn.Dense(0, 4, (Nn.ActivationKind)42)] public static partial class UnknownActivation;",
            "Nn.Dense(0, 4, (Nn.ActivationKind)42)",
            ["Activation value 42", "Identity, Sigmoid, Tanh, Relu, Softmax"]
        },
        {
            "NN0008",
            "[Nn.Network(typeof(float), Inputs = 3, Loss = (Nn.LossKind)7)] [Nn.Dense(0, 4, Nn.ActivationKind.Sigmoid)] public static partial class UnknownLoss;",
            "Nn.Network(typeof(float), Inputs = 3, Loss = (Nn.LossKind)7)",
            ["Loss value 7"]
        },
        {
            "NN0009",
            "[Nn.Network(typeof(float), Inputs = 3, L2 = -0.5)] [Nn.Dense(0, 4, Nn.ActivationKind.Sigmoid)] public static partial class NegativeL2;",
            "Nn.Network(typeof(float), Inputs = 3, L2 = -0.5)",
            ["but is -0.5"]
        },
        {
            "NN0010",
            "[Nn.Network(typeof(float), Inputs = 100000)] [Nn.Dense(0, 100000, Nn.ActivationKind.Sigmoid)] public static partial class Huge;",
            "Nn.Network(typeof(float), Inputs = 100000)",
            ["'Huge' has 10000100000 parameters, beyond the library's limits", "2147483591 parameters (Limits.MaxParameterCount)"]
        },
        {
            "NN0010",
            // int.MaxValue parameters exactly: the old bound let it through, but no array holds that many.
            "[Nn.Network(typeof(float), Inputs = 16777216)] [Nn.Dense(0, 127, Nn.ActivationKind.Sigmoid)] [Nn.Dense(1, 131071, Nn.ActivationKind.Sigmoid)] public static partial class JustPastTheArray;",
            "Nn.Network(typeof(float), Inputs = 16777216)",
            ["has 2147483647 parameters"]
        },
        {
            "NN0010",
            "[Nn.Network(typeof(float), Inputs = 4)] [Nn.Dense(0, 16777217, Nn.ActivationKind.Sigmoid)] [Nn.Dense(1, 2, Nn.ActivationKind.Sigmoid)] public static partial class Wide;",
            "Nn.Network(typeof(float), Inputs = 4)",
            ["'Wide' has a layer of 16777217 units, beyond the library's limits: at most 16777216 inputs or units a layer (Limits.MaxWidth)"]
        },
        {
            "NN0010",
            "[Nn.Network(typeof(double), Inputs = 20000000)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class WideInput;",
            "Nn.Network(typeof(double), Inputs = 20000000)",
            ["'WideInput' has 20000000 inputs"]
        },
        {
            "NN0011",
            "[Nn.Dense(0, 4, Nn.ActivationKind.Relu)] [Nn.Dense(1, 2, Nn.ActivationKind.Sigmoid)] public static partial class Forgotten;",
            "Nn.Dense(0, 4, Nn.ActivationKind.Relu)",
            ["'Forgotten' declares 2 layer attributes ([Dense]) but no [Network("]
        },
        {
            "NN0011",
            // One diagnostic for the type, at its first layer attribute, whatever kinds follow.
            "[Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Relu)] [Nn.MaxPool2D(1, 2)] [Nn.Dense(2, 10, Nn.ActivationKind.Softmax)] public static partial class Image;",
            "Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Relu)",
            ["'Image' declares 3 layer attributes ([Conv2D], [MaxPool2D], [Dense]) but no [Network("]
        },
        {
            "NN0011",
            "[Nn.Dropout(0, 0.5)] public partial struct Alone;",
            "Nn.Dropout(0, 0.5)",
            ["'Alone' declares 1 layer attribute ([Dropout]) but no [Network("]
        },
        {
            "NN0011",
            "[Nn.BatchNorm(3)] [Nn.Dense(4, 2, Nn.ActivationKind.Sigmoid)] public partial record class Normalised;",
            "Nn.BatchNorm(3)",
            ["'Normalised' declares 2 layer attributes ([BatchNorm], [Dense])"]
        },
        {
            "NN0012",
            "[Nn.Network(typeof(float), InputShape = new[] { 1, 4, 4 })] [Nn.Conv2D(0, 2, 7, 3, Nn.ActivationKind.Relu, Padding = 1)] [Nn.Dense(1, 1, Nn.ActivationKind.Sigmoid)] public static partial class BigKernel;",
            "Nn.Conv2D(0, 2, 7, 3, Nn.ActivationKind.Relu, Padding = 1)",
            ["The 7x3 kernel of the convolution with order 0 of 'BigKernel'", "input 1x4x4 padded by 1 (6x6)"]
        },
        {
            "NN0012",
            // The image shrinks layer by layer: the second convolution reads 1x2x2.
            "[Nn.Network(typeof(float), InputShape = new[] { 1, 4, 4 })] [Nn.Conv2D(0, 1, 3, Nn.ActivationKind.Tanh)] [Nn.Conv2D(1, 1, 3, Nn.ActivationKind.Tanh)] [Nn.Dense(2, 1, Nn.ActivationKind.Sigmoid)] public static partial class Shrunk;",
            "Nn.Conv2D(1, 1, 3, Nn.ActivationKind.Tanh)",
            ["The 3x3 kernel of the convolution with order 1", "input 1x2x2 padded by 0 (2x2)"]
        },
        {
            "NN0013",
            "[Nn.Network(typeof(double), InputShape = new[] { 2, 5, 5 })] [Nn.Conv2D(0, 3, 3, Nn.ActivationKind.Relu)] [Nn.MaxPool2D(1, 4)] [Nn.Dense(2, 2, Nn.ActivationKind.Softmax)] public static partial class BigWindow;",
            "Nn.MaxPool2D(1, 4)",
            ["The 4x4 window of the pooling layer with order 1 of 'BigWindow' does not fit its input 3x3x3"]
        },
        {
            "NN0014",
            "[Nn.Network(typeof(float), Inputs = 64)] [Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Relu)] [Nn.Dense(1, 10, Nn.ActivationKind.Softmax)] public static partial class NoShape;",
            "Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Relu)",
            ["The convolution with order 0 of 'NoShape' reads an image", "a vector of 64", "declare InputShape = new[] { C, H, W }"]
        },
        {
            "NN0014",
            "[Nn.Network(typeof(float), InputShape = new[] { 1, 8, 8 })] [Nn.Dense(0, 16, Nn.ActivationKind.Relu)] [Nn.MaxPool2D(1, 2)] [Nn.Dense(2, 10, Nn.ActivationKind.Softmax)] public static partial class PoolAfterDense;",
            "Nn.MaxPool2D(1, 2)",
            ["The pooling layer with order 1", "a vector of 16", "before every dense layer"]
        },
        {
            "NN0015",
            "[Nn.Network(typeof(float), Inputs = 784, InputShape = new[] { 1, 28, 27 })] [Nn.Conv2D(0, 6, 5, Nn.ActivationKind.Relu)] [Nn.Dense(1, 10, Nn.ActivationKind.Softmax)] public static partial class WrongWidth;",
            "Nn.Network(typeof(float), Inputs = 784, InputShape = new[] { 1, 28, 27 })",
            ["declares Inputs = 784, but InputShape 1x28x27 holds 756 values"]
        },
        {
            "NN0015",
            "[Nn.Network(typeof(float), InputShape = new[] { 28, 28 })] [Nn.Dense(0, 10, Nn.ActivationKind.Softmax)] public static partial class TwoSizes;",
            "Nn.Network(typeof(float), InputShape = new[] { 28, 28 })",
            ["declares InputShape with 2 sizes", "new[] { C, H, W }"]
        },
        {
            "NN0016",
            "[Nn.Network(typeof(float), Inputs = 8)] [Nn.Dense(0, 16, Nn.ActivationKind.Relu)] [Nn.Dropout(1, 0.2)] public static partial class EndsInDropout;",
            "Nn.Dropout(1, 0.2)",
            ["'EndsInDropout' declares a network that ends in the dropout layer with order 1", "end it with a [Dense] layer"]
        },
        {
            "NN0016",
            "[Nn.Network(typeof(float), InputShape = new[] { 1, 8, 8 })] [Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Softmax)] [Nn.Dense(1, 2, Nn.ActivationKind.Sigmoid)] public static partial class SoftConv;",
            "Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Softmax)",
            ["softmax on the convolution with order 0"]
        },
        {
            "NN0016",
            "[Nn.Network(typeof(float), InputShape = new[] { 1, 8, 8 })] [Nn.Dense(0, 4, Nn.ActivationKind.Relu)] [Nn.Conv2D(1, 4, 3, Nn.ActivationKind.Relu)] public static partial class EndsInConv;",
            "Nn.Conv2D(1, 4, 3, Nn.ActivationKind.Relu)",
            ["a network that ends in the convolution with order 1", "end it with a [Dense] layer"]
        },
        {
            "NN0017",
            "[Nn.Network(typeof(double), InputShape = new[] { 1, 8, 8 })] [Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Relu, Padding = -1)] [Nn.Dense(1, 2, Nn.ActivationKind.Softmax)] public static partial class NegativePadding;",
            "Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Relu, Padding = -1)",
            ["The padding of the convolution with order 0 of 'NegativePadding' must be at least 0, but is -1"]
        },
        {
            "NN0018",
            "[Nn.Network(typeof(double), Inputs = 4)] [Nn.Dense(0, 3, Nn.ActivationKind.Tanh)] [Nn.Dropout(1, 1.0)] [Nn.Dense(2, 2, Nn.ActivationKind.Softmax)] public static partial class DropsAll;",
            "Nn.Dropout(1, 1.0)",
            ["The rate of the dropout layer with order 1 of 'DropsAll' must be in [0, 1), but is 1"]
        },
        {
            "NN0018",
            "[Nn.Network(typeof(double), Inputs = 4)] [Nn.Dense(0, 3, Nn.ActivationKind.Tanh)] [Nn.Dropout(1, -0.1)] [Nn.Dense(2, 2, Nn.ActivationKind.Softmax)] public static partial class NegativeRate;",
            "Nn.Dropout(1, -0.1)",
            ["must be in [0, 1), but is -0.1"]
        },
        {
            "NN0003",
            "[Nn.Network(typeof(double), InputShape = new[] { 1, 8, 8 })] [Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Relu, Stride = 0)] [Nn.Dense(1, 2, Nn.ActivationKind.Softmax)] public static partial class NoStride;",
            "Nn.Conv2D(0, 4, 3, Nn.ActivationKind.Relu, Stride = 0)",
            ["The stride of the convolution with order 0", "but is 0"]
        },
        {
            "NN0019",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Forward;",
            "Nn.Network(typeof(double), Inputs = 3)",
            ["'Forward' is named like the generated member 'Forward'"]
        },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Each_mistake_is_reported_with_its_id_a_message_naming_the_values_and_the_attribute_location(
        string id, string declaration, string location, string[] messageParts)
    {
        var run = GeneratorHarness.Generate(declaration);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(location, declaration.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(messageParts, part => Assert.Contains(part, message, StringComparison.Ordinal));
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.All(run.Result.GeneratedTrees, tree => Assert.Contains("so these members are stubs", tree.GetText().ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Layers_without_a_network_on_two_parts_of_a_partial_type_give_one_diagnostic_at_the_first_part()
    {
        var run = GeneratorHarness.Generate(
            "[Nn.MaxPool2D(0, 2)] public static partial class Split;",
            "[Nn.Dense(1, 2, Nn.ActivationKind.Sigmoid)] public static partial class Split;");

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("NN0011", diagnostic.Id);
        Assert.Contains("2 layer attributes ([MaxPool2D], [Dense])", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_links_open_the_page_in_the_packages_docs_folder_when_the_package_says_where_it_is()
    {
        var compilation = GeneratorHarness.Compilation("[Nn.Network(typeof(double), Inputs = 0)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Net;");
        var options = new PackageOptions("/home/user/.nuget/packages/nn/1.0.0/build/../docs/");
        var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            [new Nn.Generators.Networks.NetworkGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions, optionsProvider: options);

        driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);

        Assert.Equal("file:///home/user/.nuget/packages/nn/1.0.0/docs/diagnostics.md#nn0003", Assert.Single(diagnostics).Descriptor.HelpLinkUri);
    }

    /// <summary>The global options a project that references the Nn package gets from build/Nn.props.</summary>
    private sealed class PackageOptions(string documentation) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
    {
        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions { get; } = new Options(documentation);

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(null);

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(null);

        private sealed class Options(string? documentation) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            {
                value = key == "build_property.NnDocumentation" ? documentation : null;
                return value is not null;
            }
        }
    }

    [Fact]
    public void Every_descriptor_is_an_error_with_a_help_link_a_documented_section_and_a_release_entry_and_has_a_test_case()
    {
        var descriptors = typeof(Nn.Generators.Diagnostics.DiagnosticDescriptors)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToArray();
        var documentation = RepositoryFile("docs", "diagnostics.md");
        var releases = RepositoryFile("src", "Generators", "AnalyzerReleases.Unshipped.md");
        var tested = Mistakes.Select(row => (string)row[0]).ToHashSet();

        // NN0001–NN0019 without NN0007, retired before any release when softmax became legal on hidden layers.
        Assert.Equal(18, descriptors.Length);
        Assert.DoesNotContain(descriptors, d => d.Id == "NN0007");
        Assert.DoesNotContain("NN0007 |", releases, StringComparison.Ordinal);
        Assert.All(descriptors, d =>
        {
            Assert.Matches("^NN00[0-9][0-9]$", d.Id);
            Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity);
            Assert.Equal("docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.HelpLinkUri);
            Assert.Contains("## " + d.Id, documentation, StringComparison.Ordinal);
            Assert.Contains(d.Id + " | Nn.Generator | Error", releases, StringComparison.Ordinal);
            Assert.Contains(d.Id, tested);
        });
    }

    private static string RepositoryFile(params string[] parts)
    {
        var directory = new System.IO.DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "Functional.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return System.IO.File.ReadAllText(System.IO.Path.Combine([directory.FullName, .. parts]));
    }

    [Fact]
    public void Valid_declarations_give_no_diagnostics()
    {
        var run = GeneratorHarness.Generate(Declarations.SmallStack, Declarations.NestedWithL2, Declarations.GlobalRecord);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(3, run.Result.GeneratedTrees.Length);
    }

    [Fact]
    public void A_declaration_the_compiler_already_rejects_gets_no_second_diagnostic_and_no_exception()
    {
        var run = GeneratorHarness.Generate("[Nn.Network(typeof(Missing), Inputs = 3)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class Broken;");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
    }
}
