using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Nn.Generators.Tests;

/// <summary>
/// The generator's part of the shared layer-kind walk (Nn.FSharpTests' LayerKindExamples walks the library, the
/// files, ONNX and the CLI): every Layer kind of the library must be declarable — generated, compiled and equal to
/// the runtime and to central differences in cost and gradient — so a kind added to the library fails here until
/// the generator handles it.
/// </summary>
public sealed class LayerKindWalkTests
{
    /// <summary>
    /// A declared stack for every kind the generator writes code for (each below a dense layer, so its backward pass
    /// runs); the convolution's batch of 9 rows takes the whole-batch path, the pooling's 2 rows the per-sample code;
    /// the batch normalisation is over a convolution's channels, the dropout between dense layers.
    /// </summary>
    private static readonly Dictionary<string, RandomDeclaration> Declared = new()
    {
        ["DenseLayer"] = new RandomDeclaration("DenseKind", true, 5, [new(4, ActivationKind.Tanh, true), new(3, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 2),
        ["Conv2DLayer"] = new RandomDeclaration("ConvKind", true, 40, [new(3, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 9)
        {
            Image = [2, 5, 4],
            Spatial = [new RandomSpatialLayer(3, 2, 3, 2, 1, ActivationKind.Sigmoid, true), new RandomSpatialLayer(2, 2, 2, 1, 0, ActivationKind.Tanh, false)],
        },
        ["MaxPool2DLayer"] = new RandomDeclaration("PoolKind", true, 50, [new(3, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 2)
        {
            Image = [2, 5, 5],
            Spatial = [new RandomSpatialLayer(2, 1, 1, 1, 0, ActivationKind.Tanh, true), new RandomSpatialLayer(0, 2, 2, 1, 0, ActivationKind.Identity, false)],
        },
        ["BatchNormLayer"] = new RandomDeclaration("BatchNormKind", true, 18, [new(3, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 3)
        {
            Image = [2, 3, 3],
            Spatial = [new RandomSpatialLayer(2, 2, 2, 1, 0, ActivationKind.Tanh, true)],
            Regularisers = [new RandomRegulariser(1, -1)],
        },
        ["DropoutLayer"] = new RandomDeclaration("DropoutKind", true, 9, [new(6, ActivationKind.Tanh, true), new(3, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 4)
        {
            Regularisers = [new RandomRegulariser(1, 0.3)],
        },
    };

    /// <summary>What NN0016 still refuses: a layer of a declarable kind in a place the generator has no code for.</summary>
    private static readonly Dictionary<string, string> Refused = new()
    {
        ["Nn.Conv2D(0, 2, 2, Nn.ActivationKind.Softmax)"] = "[Nn.Network(typeof(double), InputShape = new[] { 2, 3, 3 })] [Nn.Conv2D(0, 2, 2, Nn.ActivationKind.Softmax)] [Nn.Dense(1, 3, Nn.ActivationKind.Softmax)] public static partial class SoftmaxImage;",
        ["Nn.Dropout(1, 0.3)"] = "[Nn.Network(typeof(double), Inputs = 9)] [Nn.Dense(0, 6, Nn.ActivationKind.Tanh)] [Nn.Dropout(1, 0.3)] public static partial class EndsInDropout;",
        ["Nn.BatchNorm(1)"] = "[Nn.Network(typeof(double), Inputs = 9)] [Nn.Dense(0, 6, Nn.ActivationKind.Tanh)] [Nn.BatchNorm(1)] public static partial class EndsInBatchNorm;",
    };

    [Fact]
    public void Every_layer_kind_of_the_library_is_declarable()
    {
        var kinds = typeof(Layer).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Layer)) && !t.IsAbstract).Select(t => t.Name).ToHashSet();

        Assert.Equal(kinds.Order(), Declared.Keys.Order());
    }

    [Fact]
    public void Each_declarable_kind_generates_code_equal_to_the_runtime_in_cost_and_gradient()
    {
        var assembly = RandomDeclarationTests.CompileAndLoad([.. Declared.Values], 0);
        foreach (var (kind, declaration) in Declared)
        {
            // Each kind draws its values from its own seed, so one kind's batch size does not move another's values
            // onto a pooling near-tie, where central differences are not taken.
            var random = new Random(11);
            var probe = assembly.GetType(declaration.ProbeName)!;
            var architecture = (Architecture)probe.GetMethod("Architecture")!.Invoke(null, null)!;
            Assert.Equal(declaration.Architecture, architecture);
            Assert.Contains(architecture.Stack, layer => layer.GetType().Name == kind);
            Assert.True(RandomDeclarationTests.Check<double>(declaration, probe, random, 1e-12, kind), kind + " was not checked against central differences");
        }
    }

    [Fact]
    public void A_layer_where_the_generator_has_no_code_for_it_gets_NN0016_at_its_attribute()
    {
        foreach (var (attribute, declaration) in Refused)
        {
            var diagnostic = Assert.Single(GeneratorHarness.Generate(declaration).GeneratorDiagnostics);
            Assert.Equal("NN0016", diagnostic.Id);
            Assert.Contains(attribute, declaration.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length), StringComparison.Ordinal);
        }
    }
}
