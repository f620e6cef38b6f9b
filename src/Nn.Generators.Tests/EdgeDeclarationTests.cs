using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace Nn.Generators.Tests;

/// <summary>
/// Declared stacks at the places the random declarations do not reach or reach too rarely to be sure of: values
/// chosen to tell right from nearly right (a logit far above the others, targets that do not sum to 1, a pooling tie,
/// a gradient buffer holding old numbers), and code paths no drawn size takes (kernels of more than 25 taps, pooling
/// windows of more than 25 values, a batch normalisation of the input). Each is compared with the runtime.
/// </summary>
public sealed class EdgeDeclarationTests
{
    private static readonly RandomDeclaration SoftmaxOutput =
        new("EdgeSoftmax", true, 2, [new(4, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 2);

    /// <summary>A ReLU layer of 16 × 20 weights (SIMD rows) under an unrolled softmax layer with bias (3 × 16 weights).</summary>
    private static readonly RandomDeclaration ReluUnderSoftmax =
        new("EdgeRelu", true, 20, [new(16, ActivationKind.Relu, true), new(3, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 3);

    /// <summary>A 1×2 convolution of fixed kernel (1, 1) whose outputs tie in the 2×2 window of the pooling above it.</summary>
    private static readonly RandomDeclaration PoolingTie =
        new("EdgeTie", true, 6, [new(1, ActivationKind.Identity, false)], LossKind.Quadratic, 0, 1)
        {
            Image = [1, 2, 3],
            Spatial = [new RandomSpatialLayer(1, 1, 2, 1, 0, ActivationKind.Identity, false), new RandomSpatialLayer(0, 2, 2, 0, 0, ActivationKind.Identity, false)],
        };

    /// <summary>A 7×4 kernel (28 taps, direct loops over kernel rows) above a 1×1 convolution, padded by 1 so equation 2 is cropped.</summary>
    private static readonly RandomDeclaration TallKernel =
        new("EdgeTallKernel", true, 54, [new(2, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 2)
        {
            Image = [1, 9, 6],
            Spatial = [new RandomSpatialLayer(2, 1, 1, 1, 0, ActivationKind.Tanh, true), new RandomSpatialLayer(2, 7, 4, 1, 1, ActivationKind.Tanh, true)],
        };

    /// <summary>A 6×6 pooling window (36 values, a loop over the window) with stride 1 over a 7×8 image.</summary>
    private static readonly RandomDeclaration WideWindow =
        new("EdgeWideWindow", true, 56, [new(2, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 2)
        {
            Image = [1, 7, 8],
            Spatial = [new RandomSpatialLayer(2, 1, 1, 1, 0, ActivationKind.Tanh, true), new RandomSpatialLayer(0, 6, 6, 1, 0, ActivationKind.Identity, false)],
        };

    /// <summary>A batch normalisation of the input itself, before the first dense layer.</summary>
    private static readonly RandomDeclaration NormalisedInput =
        new("EdgeNormalisedInput", true, 5, [new(4, ActivationKind.Tanh, true), new(3, ActivationKind.Softmax, true)], LossKind.SoftmaxCrossEntropy, 0, 3)
        {
            Regularisers = [new RandomRegulariser(0, -1)],
        };

    private static readonly Lazy<Assembly> Compiled = new(() =>
        RandomDeclarationTests.CompileAndLoad([SoftmaxOutput, ReluUnderSoftmax, PoolingTie, TallKernel, WideWindow, NormalisedInput], 0));

    [Fact]
    public void A_softmax_output_whose_second_logit_is_far_above_the_others_gives_the_runtimes_finite_cost_and_gradient()
    {
        // z = (0, 1000, 0, 0) from the bias alone: without subtracting the true maximum, e^1000 overflows.
        var theta = new double[SoftmaxOutput.Architecture.ParameterCount];
        theta[(4 * 2) + 1] = 1000;
        var (cost, gradient) = Compare(SoftmaxOutput, theta, [0.1, -0.2, 0.3, 0.4], [1, 0, 0, 0, 0, 1, 0, 0]);

        Assert.Equal(500, cost, 1e-9);
        Assert.All(gradient, g => Assert.True(double.IsFinite(g)));
    }

    [Fact]
    public void Softmax_cross_entropy_targets_that_do_not_sum_to_1_give_the_runtimes_cost_and_gradient()
    {
        // δ^L = (Σ_k t_k) a − t: rows of mass 0.7 and 2 tell it from a − t.
        var random = new Random(3);
        var theta = Enumerable.Range(0, SoftmaxOutput.Architecture.ParameterCount).Select(_ => random.NextDouble() - 0.5).ToArray();
        Compare(SoftmaxOutput, theta, [0.1, -0.2, 0.3, 0.4], [0.5, 0.2, 0, 0, 1, 0, 0.5, 0.5]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public void A_gradient_buffer_holding_old_numbers_is_overwritten_in_every_block(int rows)
    {
        // 3 rows run the per-sample code (the first sample writes g), 17 the GEMM path (every block written); the
        // ReLU layer's rows of inactive units are skipped and must still be written as zeros.
        var random = new Random(5);
        var architecture = ReluUnderSoftmax.Architecture;
        var theta = Enumerable.Range(0, architecture.ParameterCount).Select(_ => random.NextDouble() - 0.5).ToArray();
        var inputs = Enumerable.Range(0, rows * 20).Select(_ => random.NextDouble() - 0.5).ToArray();
        var targets = Enumerable.Range(0, rows * 3).Select(i => i % 3 == (i / 3) % 3 ? 1.0 : 0.0).ToArray();
        var gradient = Probe(ReluUnderSoftmax).GetMethod("Gradient")!;

        var clean = new double[architecture.ParameterCount];
        gradient.Invoke(null, [theta, inputs, targets, rows, clean]);
        var stale = Enumerable.Repeat(123.0, architecture.ParameterCount).ToArray();
        gradient.Invoke(null, [theta, inputs, targets, rows, stale]);

        if (rows < 16)
        {
            Assert.Contains(clean, g => g == 0); // some unit is inactive in every row, so its row is skipped
        }

        Assert.Equal(clean, stale);
    }

    [Fact]
    public void A_pooling_tie_sends_delta_to_the_first_maximum_in_row_major_order_as_the_runtime_does()
    {
        // Kernel (1, 1) over rows (1, 2, 1) and (2, 1, 0): the window holds 3, 3, 3, 1, whose first maximum reads
        // the field (1, 2) and whose last the field (2, 1), so ∂C/∂K tells them apart.
        var theta = new double[PoolingTie.Architecture.ParameterCount];
        theta[0] = 1;
        theta[1] = 1;
        theta[2] = 0.5;
        Compare(PoolingTie, theta, [1, 2, 1, 2, 1, 0], [2]);
    }

    [Fact]
    public void A_kernel_of_more_than_25_taps_taller_than_wide_gives_the_runtimes_cost_and_gradient() => CheckAgainstRuntime(TallKernel);

    [Fact]
    public void A_pooling_window_of_more_than_25_values_gives_the_runtimes_cost_and_gradient() => CheckAgainstRuntime(WideWindow);

    [Fact]
    public void A_batch_normalisation_of_the_input_is_applied_at_inference_and_in_training() => CheckAgainstRuntime(NormalisedInput);

    private static void CheckAgainstRuntime(RandomDeclaration declaration) =>
        RandomDeclarationTests.Check<double>(declaration, Probe(declaration), new Random(7), 1e-12, declaration.Name);

    private static Type Probe(RandomDeclaration declaration) => Compiled.Value.GetType(declaration.ProbeName)!;

    /// <summary>The generated cost and gradient of a batch, each equal to the runtime's to 1e-12 relative; returns them.</summary>
    private static (double Cost, double[] Gradient) Compare(RandomDeclaration declaration, double[] theta, double[] inputs, double[] targets)
    {
        var architecture = declaration.Architecture;
        var rows = inputs.Length / architecture.InputSize;
        var gradient = new double[architecture.ParameterCount];
        var cost = (double)Probe(declaration).GetMethod("Gradient")!.Invoke(null, [theta, inputs, targets, rows, gradient])!;
        var expected = Backprop.Gradient(
            Network.FromParameters<double>(architecture, theta),
            declaration.RuntimeLoss,
            Matrix<double>.Create(rows, architecture.InputSize, inputs),
            Matrix<double>.Create(rows, architecture.OutputSize, targets));

        Assert.True(double.IsFinite(expected.Loss), "the runtime's cost is finite");
        AssertClose(expected.Loss, cost, "cost");
        var runtimeGradient = expected.Gradient.ToArray();
        for (var i = 0; i < gradient.Length; i++)
        {
            AssertClose(runtimeGradient[i], gradient[i], $"∂C/∂θ[{i}]");
        }

        return (cost, gradient);
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R} but got {actual:R}");
}
