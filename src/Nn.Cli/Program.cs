using System;
using System.Globalization;
using Nn;

// The `nn` program. `nn train` trains a 64-32-10 ReLU/softmax network on the embedded digits and prints its test accuracy.
if (args.Length > 0 && args[0] != "train")
{
    Console.Error.WriteLine($"unknown command '{args[0]}'. usage: nn train");
    return 2;
}

var split = Digits.Load<float>();
var architecture = Architecture.Input(Digits.InputSize).Dense(32, Activation.Relu).Dense(Digits.ClassCount, Activation.Softmax);
var network = Network.Create<float>(architecture, Initializer.He, seed: 1);
var result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, new Adam(0.005), split.Train, new TrainingOptions(Epochs: 20, BatchSize: 32, Seed: 1), split.Test);
var report = Evaluation.Evaluate(result.Network, split.Test);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"digits {architecture}: {result.Message} test accuracy {report.Accuracy:P2} ({split.Test.Count} images)"));
return result.Reason == StopReason.Completed ? 0 : 1;
