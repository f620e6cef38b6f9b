using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Nn.TorchSharp.Comparison;

/// <summary>
/// Network A: 784-100-10, sigmoid, quadratic cost, SGD (η = 0.1) one sample at a time, float, over 10,000
/// images in order. Nn's epoch is <see cref="Trainer.Train{T}"/>; TorchSharp's is the per-sample loop with
/// MSE (a constant factor from the quadratic cost ½‖a − y‖², which changes no timing).
/// </summary>
internal static class NetworkA
{
    /// <summary>The workload over <paramref name="data"/>.</summary>
    /// <param name="data">The training images in both forms.</param>
    /// <returns>The timed pair.</returns>
    public static Workload Over(FashionData data)
    {
        var shape = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid);
        var network = Network.Create<float>(shape, Initializer.NormalInverseSqrtInputs, 1);
        var rule = new Sgd(0.1);
        void Nn(int threads) =>
            Trainer.Train(network, Loss.Quadratic, rule, data.Nn, new TrainingOptions(1, 1, 1, Shuffle: false, Threads: threads));

        void NnSteps(int threads)
        {
            var options = new TrainingOptions(1, 1, 1, Shuffle: false, Threads: threads);
            using var run = new TrainingRun<float>(Trainer.Start(network, rule, 1), Loss.Quadratic, rule, data.Nn, options);
            for (var s = 0; s < data.Nn.Count;)
            {
                s += run.Advance(s + 1, s, Math.Min(run.SamplesPerAdvance, data.Nn.Count - s)).Done;
            }
        }

        using var targets = nn.functional.one_hot(data.Labels, 10).to_type(ScalarType.Float32);
        var oneHot = targets.clone();
        void Torch(int threads)
        {
            torch.set_num_threads(threads);
            torch.manual_seed(1);
            using var model = nn.Sequential(("fc1", nn.Linear(784, 100)), ("s1", nn.Sigmoid()), ("fc2", nn.Linear(100, 10)), ("s2", nn.Sigmoid()));
            using var optimizer = optim.SGD(model.parameters(), 0.1);
            using var loss = nn.MSELoss();
            for (var i = 0; i < data.Nn.Count; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var cost = loss.forward(model.forward(data.Images.narrow(0, i, 1)), oneHot.narrow(0, i, 1));
                cost.backward();
                optimizer.step();
            }
        }

        return new Workload("A 784-100-10 sigmoid, quadratic, per-sample SGD, 10,000 images", Nn, NnSteps, Torch);
    }
}
