using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Nn.Generators.Tests;

/// <summary>
/// After a declaration error the generator writes stubs of the members the declaration would have had (constants of
/// 0, methods that throw), so that code using them compiles and the NN diagnostic is the build's one error.
/// </summary>
public sealed class StubTests
{
    [Theory]
    [InlineData("[Nn.Network(typeof(double), Inputs = 3, Loss = Nn.LossKind.BinaryCrossEntropy)] [Nn.Dense(0, 2, Nn.ActivationKind.Relu)] public static partial class Net;", "double", "")]
    [InlineData("[Nn.Network(typeof(float), Inputs = 3, L2 = -1)] [Nn.Dense(0, 4, Nn.ActivationKind.Relu)] [Nn.Dense(1, 2, Nn.ActivationKind.Sigmoid)] public static partial class Net;", "float", ", 100")]
    [InlineData("namespace Deep { public partial class Outer { [Nn.Network(typeof(double), Inputs = 0)] [Nn.Dense(0, 2, Nn.ActivationKind.Sigmoid)] internal static partial class Net; } }", "double", "")]
    public void A_declaration_error_is_the_builds_only_error_even_where_the_program_uses_the_members(string declaration, string type, string l2)
    {
        var name = declaration.Contains("Outer", StringComparison.Ordinal) ? "Deep.Outer.Net" : "Net";
        var program = $$"""
            public static class Program
            {
                public static {{type}} Use()
                {
                    var parameters = new {{type}}[{{name}}.ParameterCount + {{name}}.Layer1Outputs];
                    var gradient = new {{type}}[{{name}}.ParameterCount];
                    var x = new {{type}}[{{name}}.InputSize];
                    var y = new {{type}}[{{name}}.OutputSize];
                    {{name}}.Forward(parameters, x, y);
                    var network = {{name}}.CreateNetwork(Nn.Initializer.He, 1);
                    network = {{name}}.SgdStep(network, x, y, 0.1f{{l2}});
                    return {{name}}.CostAndGradient(parameters, x, y, gradient{{l2}}) + {{name}}.MiniBatchStepInPlace(parameters, x, y, 1, 0.1f, gradient{{l2}});
                }
            }
            """;

        var run = GeneratorHarness.Generate(declaration, program);

        Assert.Single(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_declaration_error_in_a_stack_with_batch_normalisation_and_dropout_is_the_builds_only_error_where_the_program_uses_its_members()
    {
        const string Declaration = "[Nn.Network(typeof(float), Inputs = 4, L2 = 0.1)] [Nn.Dense(0, 3, Nn.ActivationKind.Tanh)] [Nn.BatchNorm(1)] [Nn.Dropout(2, 1.5)] [Nn.Dense(3, 2, Nn.ActivationKind.Softmax)] public static partial class Net;";
        const string Program = """
            public static class Program
            {
                public static float Use()
                {
                    var parameters = new float[Net.ParameterCount + Net.BatchNorm1Offset];
                    var statistics = new float[Net.StateCount + Net.BatchNorm1StateOffset + Net.BatchNorm1Features];
                    var gradient = new float[Net.ParameterCount];
                    var x = new float[Net.InputSize];
                    var y = new float[Net.OutputSize];
                    Net.Forward(parameters, statistics, x, y);
                    var network = Net.TrainingStep(Net.ToNetwork(parameters, statistics), x, y, 1, 0.1f, 7, 100);
                    return Net.StatisticsOf(network)[0] + Net.CostAndGradient(parameters, x, y, gradient, 100)
                        + Net.TrainingStepInPlace(parameters, statistics, x, y, 1, 0.1f, 7, gradient, 100);
                }
            }
            """;

        var run = GeneratorHarness.Generate(Declaration, Program);

        Assert.Equal("NN0018", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(run.CompilationProblems.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_stub_member_throws_naming_the_declaration_error_if_it_is_ever_reached()
    {
        var run = GeneratorHarness.Generate("[Nn.Network(typeof(double), Inputs = 3, Loss = Nn.LossKind.BinaryCrossEntropy)] [Nn.Dense(0, 2, Nn.ActivationKind.Relu)] public static partial class Net;");
        using var image = new System.IO.MemoryStream();
        Assert.True(run.Output.Emit(image).Success);
        var type = System.Reflection.Assembly.Load(image.ToArray()).GetType("Net")!;

        var error = Assert.Throws<System.Reflection.TargetInvocationException>(() => type.GetProperty("Architecture")!.GetValue(null));

        Assert.Equal("Net was not generated: its declaration has error NN0004 (see the build's errors).", error.InnerException!.Message);
    }
}
