/// Training networks with convolutions through the same Trainer and TrainingRun as dense ones: they learn the
/// digits, do not depend on the thread count, and a steady-state step allocates nothing.
module Nn.Tests.Training.ConvTrainingTests

open System
open Nn
open Xunit

let private digits = lazy (let split = Digits.Load<float32>() in split.Train, split.Test)

/// The issue's example: 1x8x8-conv8k3p1-maxpool2-10.
let private small =
    Architecture.Input(1, 8, 8).Conv2D(8, 3, 3, Activation.Relu, padding = 1).MaxPool2D(2).Dense(10, Activation.Softmax)

/// Wide enough that the convolutions' matrix products are split over the threads.
let private wide =
    Architecture.Input(1, 8, 8)
        .Conv2D(16, 3, 3, Activation.Relu, padding = 1)
        .Conv2D(32, 3, 3, Activation.Tanh, padding = 1)
        .MaxPool2D(2)
        .Dense(10, Activation.Softmax)

[<Fact>]
let ``a small conv network learns the digits to over 95 percent test accuracy`` () =
    let trainSet, testSet = digits.Value
    let network = Network.Create<float32>(small, Initializer.He, 1UL)
    let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, TrainingOptions(15, 32, 2UL), testSet)
    let accuracy = Evaluation.Accuracy(result.Network, testSet)
    Assert.True(accuracy >= 0.95, sprintf "test accuracy %.4f" accuracy)

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``training a conv network on several threads gives bit-for-bit the network of one thread`` (threads: int) =
    let trainSet, _ = digits.Value
    // The small network's first convolution and pooling run fused (one pass each way), the wide one's separately.
    for architecture in [ wide; small ] do
        let train threads =
            Trainer.Train(
                Network.Create<float32>(architecture, Initializer.He, 3UL), Loss.SoftmaxCrossEntropy, Adam(0.002), trainSet, TrainingOptions(1, 128, 5UL, Threads = threads))
        let one = train 1
        let two = train threads
        Assert.Equal<float32[]>(one.Network.Parameters.ToArray(), two.Network.Parameters.ToArray())
        Assert.NotEqual<float32[]>(Network.Create<float32>(architecture, Initializer.He, 3UL).Parameters.ToArray(), one.Network.Parameters.ToArray())

/// Fewest bytes any of three windows of 20 steps allocates, after 5 warm-up steps (Helpers.fewestStepBytes says why the fewest).
let private stepAllocation (architecture: Architecture) (threads: int) (optimizer: Optimizer) (batch: int) =
    let trainSet, _ = digits.Value
    let state = Trainer.Start(Network.Create<float32>(architecture, Initializer.He, 5UL), optimizer, 1UL)
    use run = new TrainingRun<float32>(state, Loss.SoftmaxCrossEntropy, optimizer, trainSet, TrainingOptions(1, batch, 1UL, Threads = threads))
    run.Load state
    Nn.Tests.Helpers.fewestStepBytes run trainSet.Count batch 5 3 20

[<Theory>]
[<InlineData(1, 1)>]
[<InlineData(1, 64)>]
[<InlineData(2, 64)>]
let ``a steady-state conv training step allocates nothing`` (threads: int, batch: int) =
    // The wide network's convolutions run separately, the small one's first convolution and pooling fused.
    for architecture in [ wide; small ] do
        Assert.Equal(0L, stepAllocation architecture threads (Adam(0.001)) batch)
        Assert.Equal(0L, stepAllocation architecture threads (Sgd(0.1)) batch)
