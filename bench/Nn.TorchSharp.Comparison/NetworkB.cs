using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Nn.TorchSharp.Comparison;

/// <summary>
/// Network B: 784-256-128-10, ReLU, softmax cross-entropy, Adam (η = 10⁻³), batch 128, float, one shuffled epoch
/// over 60,000 images. Nn's epoch is <see cref="Trainer.Train{T}"/> (which also measures the objective on a divergence probe of 4,096
/// training images before and after the epoch); TorchSharp's is the usual loop of index_select, forward, loss, backward and step.
/// </summary>
internal static class NetworkB
{
    private const int Batch = 128;

    /// <summary>The workload over <paramref name="data"/>.</summary>
    /// <param name="data">The training images in both forms.</param>
    /// <returns>The timed pair.</returns>
    public static Workload Over(FashionData data)
    {
        var shape = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax);
        var network = Network.Create<float>(shape, Initializer.He, 1);
        var rule = new Adam(1e-3);
        void Nn(int threads) =>
            Trainer.Train(network, Loss.SoftmaxCrossEntropy, rule, data.Nn, new TrainingOptions(1, Batch, 1, Threads: threads));

        void NnSteps(int threads)
        {
            var options = new TrainingOptions(1, Batch, 1, Threads: threads);
            using var run = new TrainingRun<float>(Trainer.Start(network, rule, 1), Loss.SoftmaxCrossEntropy, rule, data.Nn, options);
            var count = data.Nn.Count;
            for (var b = 0; b * Batch < count; b++)
            {
                run.Step(b + 1, b * Batch, Math.Min(Batch, count - (b * Batch)));
            }
        }

        void Torch(int threads)
        {
            torch.set_num_threads(threads);
            torch.manual_seed(1);
            using var model = nn.Sequential(
                ("fc1", nn.Linear(784, 256)), ("relu1", nn.ReLU()),
                ("fc2", nn.Linear(256, 128)), ("relu2", nn.ReLU()),
                ("fc3", nn.Linear(128, 10)));
            using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
            using var loss = nn.CrossEntropyLoss();
            var count = data.Nn.Count;
            using var order = randperm(count);
            for (var start = 0; start < count; start += Batch)
            {
                using var scope = NewDisposeScope();
                var rows = order.narrow(0, start, Math.Min(Batch, count - start));
                optimizer.zero_grad();
                var cost = loss.forward(model.forward(data.Images.index_select(0, rows)), data.Labels.index_select(0, rows));
                cost.backward();
                optimizer.step();
            }
        }

        return new Workload("B 784-256-128-10 ReLU, softmax CE, Adam, batch 128, 60,000 images", Nn, NnSteps, Torch);
    }
}
