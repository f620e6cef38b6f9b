using System;
using BenchmarkDotNet.Attributes;

namespace Nn.Benchmarks;

/// <summary>
/// LeNet-5 (issue 10's speed target): 1x28x28-conv6k5-maxpool2-conv16k5-maxpool2-120-84-10, ReLU, softmax
/// cross-entropy, Adam (η = 10⁻³), batch 128, float, over the 60,000 Fashion-MNIST training images, on 1 and 2
/// threads: one steady-state step (time and allocation) and the 469 steps of an epoch.
/// </summary>
[MemoryDiagnoser]
public class LeNetBenchmarks : IDisposable
{
    public const int Samples = 60_000;
    public const int Batch = 128;

    /// <summary>
    /// Floating-point operations of one step of 128 samples (two per multiply–add), counted per layer as forward (z),
    /// the kernel gradient and, for every layer but the first, whose input is data, the input gradient: conv 6×25
    /// over 24×24 positions and 16×150 over 8×8, dense 256·120 + 120·84 + 84·10. 194 MFLOP; the first convolution's
    /// input gradient, which no step computes, would add 22 MFLOP (issue 10's "about 101 GFLOP" an epoch counts it).
    /// Pooling, activations and the optimiser are not counted.
    /// </summary>
    public const double StepFlops = 2.0 * Batch * (
        (2 * 6 * 25 * 576.0) + (3 * 16 * 150 * 64.0) + (3 * ((256 * 120) + (120 * 84) + (84 * 10.0))));

    public static readonly Architecture Shape = Architecture.Input(1, 28, 28)
        .Conv2D(6, 5, 5, Activation.Relu)
        .MaxPool2D(2)
        .Conv2D(16, 5, 5, Activation.Relu)
        .MaxPool2D(2)
        .Dense(120, Activation.Relu)
        .Dense(84, Activation.Relu)
        .Dense(10, Activation.Softmax);

    private Dataset<float>? data;
    private TrainingState<float>? start;
    private TrainingRun<float>? run;
    private readonly Adam rule = new(1e-3);

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        data = FashionMnist.Train(Samples).ToDataset();
        start = Trainer.Start(Network.Create<float>(Shape, Initializer.He, 1), rule, 1);
        run = new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, new TrainingOptions(1, Batch, 1, Shuffle: false, Threads: Threads));
        run.Load(start);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        run?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One steady-state step (batch 128): its time and, through the memory diagnoser, its allocation.</summary>
    [Benchmark]
    public void NnStep() => run!.Step(1, 0, Batch);

    /// <summary>The 469 training steps of an epoch without the end-of-epoch accuracy pass (what the TorchSharp figures time).</summary>
    [Benchmark]
    public void NnSteps()
    {
        run!.Load(start!);
        for (var b = 0; b * Batch < Samples; b++)
        {
            run.Step(b + 1, b * Batch, Math.Min(Batch, Samples - (b * Batch)));
        }
    }
}
