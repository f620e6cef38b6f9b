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
