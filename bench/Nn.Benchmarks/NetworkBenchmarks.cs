using System;
using BenchmarkDotNet.Attributes;

namespace Nn.Benchmarks;

/// <summary>
/// Network A: 784-100-10, sigmoid, quadratic cost, per-sample SGD (batch 1, the classic tutorial loop), float,
/// on the first <see cref="Samples"/> Fashion-MNIST training images.
/// </summary>
[MemoryDiagnoser]
public class NetworkABenchmarks : IDisposable
{
    public const int Samples = 10_000;
    private static readonly Architecture Shape = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid);
    private Dataset<float>? data;
    private Network<float>? network;
    private TrainingState<float>? start;
    private TrainingRun<float>? run;
    private FashionMnist? raw;
    private readonly Sgd rule = new(0.1);

    [GlobalSetup]
    public void Setup()
    {
        raw = FashionMnist.Train(Samples);
        data = raw.ToDataset();
        network = Network.Create<float>(Shape, Initializer.NormalInverseSqrtInputs, 1);
        start = Trainer.Start(network, rule, 1);
        run = new TrainingRun<float>(start, Loss.Quadratic, rule, data, new TrainingOptions(1, 1, 1, Shuffle: false));
    }

    [GlobalCleanup]
    public void Dispose()
    {
        run?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The public API: <see cref="Trainer.Train{T}"/> for one epoch, including its end-of-epoch accuracy pass.</summary>
    [Benchmark]
    public TrainingResult<float> NnEpoch() =>
        Trainer.Train(network!, Loss.Quadratic, rule, data!, new TrainingOptions(1, 1, 1));

    /// <summary>The training steps alone, as the training loop takes them (blocks of per-sample steps with the first layer's updates deferred).</summary>
    [Benchmark]
    public void NnSteps()
    {
        run!.Load(start!);
        for (var s = 0; s < Samples;)
        {
            s += run.Advance(s + 1, s, Math.Min(run.SamplesPerAdvance, Samples - s)).Done;
        }
    }

    /// <summary>The training steps one sample at a time (<see cref="TrainingRun{T}.Step"/>), the path before deferred blocks.</summary>
    [Benchmark]
    public void NnStepsOneByOne()
    {
        run!.Load(start!);
        for (var s = 0; s < Samples; s++)
        {
            run.Step(s + 1, s, 1);
        }
    }

    /// <summary>The plain-loop double reference over the same samples.</summary>
    [Benchmark]
    public void PlainLoop() =>
        new PlainNetwork([784, 100, 10], relu: false, softmax: false, adam: false, 0.1, 1).Epoch(raw!.Pixels, raw.Labels, Samples, 1);
}

/// <summary>
/// Network B: 784-256-128-10, ReLU, softmax cross-entropy, Adam, batch 128, float: one epoch over the 60,000
/// Fashion-MNIST training images, on 1 and 2 threads.
/// </summary>
[MemoryDiagnoser]
public class NetworkBBenchmarks : IDisposable
{
    public const int Samples = 60_000;
    public const int Batch = 128;
    /// <summary>Network B: 784-256-128-10, ReLU, softmax output.</summary>
    public static readonly Architecture Shape = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax);
    private Dataset<float>? data;
    private Network<float>? network;
    private TrainingState<float>? start;
    private TrainingRun<float>? run;
    private readonly Adam rule = new(1e-3);

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        data = FashionMnist.Train(Samples).ToDataset();
        network = Network.Create<float>(Shape, Initializer.He, 1);
        start = Trainer.Start(network, rule, 1);
        run = new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, new TrainingOptions(1, Batch, 1, Shuffle: false, Threads: Threads));
        run.Load(start);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        run?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The public API: one epoch with <see cref="Trainer.Train{T}"/>, including its end-of-epoch accuracy pass over the training set.</summary>
    [Benchmark]
    public TrainingResult<float> NnEpoch() =>
        Trainer.Train(network!, Loss.SoftmaxCrossEntropy, rule, data!, new TrainingOptions(1, Batch, 1, Threads: Threads));

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

/// <summary>Network B's plain-loop double reference on the first tenth of the epoch (6,000 images), reported ×10 per epoch.</summary>
[MemoryDiagnoser]
public class NetworkBReferenceBenchmarks
{
    public const int Samples = 6_000;
    private FashionMnist? raw;

    [GlobalSetup]
    public void Setup() => raw = FashionMnist.Train(Samples);

    [Benchmark]
    public void PlainLoopTenthEpoch() =>
        new PlainNetwork([784, 256, 128, 10], relu: true, softmax: true, adam: true, 1e-3, 1).Epoch(raw!.Pixels, raw.Labels, Samples, NetworkBBenchmarks.Batch);
}
