using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Nn.Generators.Networks;
using Xunit;

namespace Nn.Generators.Tests;

public sealed class CachingTests
{
    [Fact]
    public void An_unrelated_edit_leaves_every_tracked_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compilation(Declarations.SmallStack, "namespace Consumer; internal static class Unrelated { }");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Consumer; internal static class Unrelated { internal const int Answer = 42; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in new[] { NetworkGenerator.TrackingNames.Declarations, NetworkGenerator.TrackingNames.Models, NetworkGenerator.TrackingNames.LayersWithoutNetwork })
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToArray();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} ran with reason {o.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Theory]
    [InlineData(Declarations.SmallConvolution, NetworkGenerator.TrackingNames.Models)]
    [InlineData("namespace Consumer; [Nn.Network(typeof(double), Inputs = 3, L2 = -1)] [Nn.Dense(0, 2, Nn.ActivationKind.Sigmoid)] public static partial class Faulty;", NetworkGenerator.TrackingNames.Stubs)]
    public void An_unrelated_edit_leaves_an_image_stack_and_a_declaration_with_an_error_cached(string declaration, string step)
    {
        // The model of an image stack holds its input shape, and a faulty declaration its diagnostics' arguments:
        // both must compare by value, or every edit anywhere regenerates them.
        var compilation = GeneratorHarness.Compilation(declaration, "namespace Consumer; internal static class Unrelated { }");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Consumer; internal static class Unrelated { internal const int Answer = 42; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var name in new[] { NetworkGenerator.TrackingNames.Declarations, step })
        {
            var outputs = result.TrackedSteps[name].SelectMany(s => s.Outputs).ToArray();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {name} ran with reason {o.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_the_declaration_regenerates_its_source()
    {
        var compilation = GeneratorHarness.Compilation(Declarations.SmallStack);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Declarations.SmallStack.Replace("Inputs = 20", "Inputs = 21", StringComparison.Ordinal), GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult();

        var models = result.Results.Single().TrackedSteps[NetworkGenerator.TrackingNames.Models].SelectMany(s => s.Outputs);
        Assert.Contains(models, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public const int InputSize = 21;", result.GeneratedTrees.Single().GetText().ToString(), StringComparison.Ordinal);
    }
}
