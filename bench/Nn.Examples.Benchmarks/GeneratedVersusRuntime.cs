using System;
using BenchmarkDotNet.Attributes;

namespace Nn.Examples.Benchmarks;

/// <summary>
/// The batch-mean cost and gradient of each declared example network in float: the generated straight-line code
/// against the runtime path (<see cref="Backprop.Gradient{T}(Network{T}, Loss, Matrix{T}, Matrix{T}, double, int?)"/>)
/// on the same parameters and data.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class GeneratedVersusRuntime
{
    private Network<float> network = null!;
    private Loss loss = null!;
    private double l2;
    private float[] parameters = [];
    private float[] inputs = [];
    private float[] targets = [];
    private float[] gradient = [];
    private Matrix<float> inputMatrix = null!;
    private Matrix<float> targetMatrix = null!;
    private GradientFunction generated = null!;

    private delegate float GradientFunction(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, Span<float> gradient);

    /// <summary>The declared network.</summary>
    [Params("3-2-1", "64-32-10", "784-100-10", "784-50-10", "400-25-10", "LeNet-5", "64-64bn-dropout-10")]
    public string Stack { get; set; } = "3-2-1";

    /// <summary>The batch size m.</summary>
    [Params(1, 128)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (network, loss, l2, generated) = Stack switch
        {
            "3-2-1" => (TinyFloat.CreateNetwork(Initializer.Xavier, 1), TinyFloat.LossFunction, TinyFloat.L2Lambda, (GradientFunction)TinyFloat.CostAndGradientBatch),
            "64-32-10" => (DigitsFloat.CreateNetwork(Initializer.He, 1), DigitsFloat.LossFunction, DigitsFloat.L2Lambda, DigitsFloat.CostAndGradientBatch),
            "784-100-10" => (MnistSigmoidFloat.CreateNetwork(Initializer.Xavier, 1), MnistSigmoidFloat.LossFunction, MnistSigmoidFloat.L2Lambda, MnistSigmoidFloat.CostAndGradientBatch),
            "784-50-10" => (MnistSoftmaxFloat.CreateNetwork(Initializer.He, 1), MnistSoftmaxFloat.LossFunction, MnistSoftmaxFloat.L2Lambda, MnistSoftmaxFloat.CostAndGradientBatch),
            "400-25-10" => (MultiLabelFloat.CreateNetwork(Initializer.Xavier, 1), MultiLabelFloat.LossFunction, MultiLabelFloat.L2Lambda,
                (p, x, y, rows, g) => MultiLabelFloat.CostAndGradientBatch(p, x, y, rows, g, rows)),
            "LeNet-5" => (LeNetFloat.CreateNetwork(Initializer.He, 1), LeNetFloat.LossFunction, LeNetFloat.L2Lambda, LeNetFloat.CostAndGradientBatch),
            "64-64bn-dropout-10" => (RegularisedDigitsFloat.CreateNetwork(Initializer.He, 1), RegularisedDigitsFloat.LossFunction, RegularisedDigitsFloat.L2Lambda, RegularisedDigitsFloat.CostAndGradientBatch),
            _ => throw new ArgumentException($"unknown stack {Stack}"),
        };

        var random = new Random(1);
        parameters = network.Parameters.ToArray();
        inputs = new float[Batch * network.InputSize];
        targets = new float[Batch * network.OutputSize];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        for (var i = 0; i < Batch; i++)
        {
            targets[(i * network.OutputSize) + random.Next(network.OutputSize)] = 1;
        }

        gradient = new float[parameters.Length];
        inputMatrix = Matrix<float>.Create(Batch, network.InputSize, inputs);
        targetMatrix = Matrix<float>.Create(Batch, network.OutputSize, targets);
    }

    /// <summary>The runtime path: layer objects, a loop over layers, batch kernels, fresh buffers per call.</summary>
    [Benchmark(Baseline = true)]
    public float Runtime() => Backprop.Gradient(network, loss, inputMatrix, targetMatrix, l2).Loss;

    /// <summary>The generated code into a caller-owned gradient buffer.</summary>
    [Benchmark]
    public float Generated() => generated(parameters, inputs, targets, Batch, gradient);
}
