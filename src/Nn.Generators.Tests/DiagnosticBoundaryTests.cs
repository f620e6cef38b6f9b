using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Nn.Generators.Tests;

/// <summary>
/// The rules of DiagnosticTests at their edges: the smallest value a rule refuses and the largest it accepts, and a
/// size that fails in one dimension only, so that a rule checking the wrong bound or one dimension of two is seen.
/// </summary>
public sealed class DiagnosticBoundaryTests
{
    public static TheoryData<string, string, string, string[]> Edges => new()
    {
        {
            "NN0003",
            "[Nn.Network(typeof(double), Inputs = 3)] [Nn.Dense(0, 0, Nn.ActivationKind.Sigmoid)] public static partial class NoOutputs;",
            "Nn.Dense(0, 0, Nn.ActivationKind.Sigmoid)",
            ["The output count of the layer with order 0 of 'NoOutputs'", "but is 0"]
        },
        {
            "NN0003",
            "[Nn.Network(typeof(double), InputShape = new[] { 1, 4, 4 })] [Nn.MaxPool2D(0, 2, Stride = -1)] [Nn.Dense(1, 1, Nn.ActivationKind.Sigmoid)] public static partial class BackwardPool;",
            "Nn.MaxPool2D(0, 2, Stride = -1)",
            ["The stride of the pooling layer with order 0 of 'BackwardPool'", "but is -1"]
        },
        {
            "NN0009",
            "[Nn.Network(typeof(double), Inputs = 3, L2 = double.PositiveInfinity)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class InfiniteL2;",
            "Nn.Network(typeof(double), Inputs = 3, L2 = double.PositiveInfinity)",
            ["'InfiniteL2'", "Infinity"]
        },
        {
            // NaN fails every comparison, so a rule written as "L2 < 0" lets it through.
            "NN0009",
            "[Nn.Network(typeof(double), Inputs = 3, L2 = double.NaN)] [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)] public static partial class NaNL2;",
            "Nn.Network(typeof(double), Inputs = 3, L2 = double.NaN)",
            ["'NaNL2'", "NaN"]
        },
        {
            // The same for a rate written as "p < 0 || p >= 1".
            "NN0018",
            "[Nn.Network(typeof(double), Inputs = 4)] [Nn.Dense(0, 3, Nn.ActivationKind.Tanh)] [Nn.Dropout(1, double.NaN)] [Nn.Dense(2, 2, Nn.ActivationKind.Softmax)] public static partial class NaNRate;",
            "Nn.Dropout(1, double.NaN)",
            ["The rate of the dropout layer with order 1 of 'NaNRate' must be in [0, 1), but is NaN"]
        },
        {
            // Tall enough (6 rows for 3), too narrow (3 columns for 5).
            "NN0012",
            "[Nn.Network(typeof(float), InputShape = new[] { 1, 6, 3 })] [Nn.Conv2D(0, 2, 3, 5, Nn.ActivationKind.Relu)] [Nn.Dense(1, 1, Nn.ActivationKind.Sigmoid)] public static partial class WideKernel;",
            "Nn.Conv2D(0, 2, 3, 5, Nn.ActivationKind.Relu)",
            ["The 3x5 kernel of the convolution with order 0 of 'WideKernel'", "(6x3)"]
        },
        {
            "NN0013",
            "[Nn.Network(typeof(double), InputShape = new[] { 1, 6, 3 })] [Nn.MaxPool2D(0, 4)] [Nn.Dense(1, 2, Nn.ActivationKind.Softmax)] public static partial class WideWindow;",
            "Nn.MaxPool2D(0, 4)",
            ["The 4x4 window of the pooling layer with order 0 of 'WideWindow' does not fit its input 1x6x3"]
        },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void A_value_just_past_a_rules_bound_or_a_size_wrong_in_one_dimension_is_reported_at_its_attribute(
        string id, string declaration, string location, string[] messageParts)
    {
        var run = GeneratorHarness.Generate(declaration);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(location, declaration.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(messageParts, part => Assert.Contains(part, message, StringComparison.Ordinal));
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_dropout_rate_of_0_is_in_the_allowed_range_and_generates_code()
    {
        var run = GeneratorHarness.Generate(
            "[Nn.Network(typeof(double), Inputs = 4)] [Nn.Dense(0, 3, Nn.ActivationKind.Tanh)] [Nn.Dropout(1, 0.0)] [Nn.Dense(2, 2, Nn.ActivationKind.Softmax)] internal static partial class KeepsAll;");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("public const int StateCount", run.SingleSource, StringComparison.Ordinal);
        Assert.Empty(run.CompilationProblems);
    }
}
