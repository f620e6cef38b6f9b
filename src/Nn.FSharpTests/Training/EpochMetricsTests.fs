/// The training cost and accuracy an epoch reports: by default from the forward passes its steps made, averaged
/// over the epoch; with ExactTrainMetrics from the final network; and the divergence probe of a large training set.
module Nn.Tests.Training.EpochMetricsTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private digits = lazy (Digits.Load<float32>().Train)

let private architecture = Architecture.Input(64).Dense(32, Activation.Relu).Dense(10, Activation.Softmax)

let private network = lazy (Network.Create<float32>(architecture, Initializer.He, 1UL))

[<Fact>]
let ``a one-step epoch reports the cost and accuracy of the network it started from`` () =
    // One batch of the whole set: the epoch's only forward pass is the starting network's, on every sample.
    let data = digits.Value
    let options = TrainingOptions(1, data.Count, 1UL, L2 = 0.5)
    let result = Trainer.Train(network.Value, Loss.SoftmaxCrossEntropy, Adam(0.01), data, options)
    let record = result.History[0]
    let start = float (Backprop.Cost(network.Value, Loss.SoftmaxCrossEntropy, data.Inputs, data.Targets, 0.5))
    assertClose 1e-5 start record.TrainCost
    Assert.Equal(Evaluation.Accuracy(network.Value, data), record.TrainAccuracy)
    Assert.NotEqual(Evaluation.Accuracy(result.Network, data), record.TrainAccuracy)

[<Fact>]
let ``the epoch mean of a learning run lies between its starting and its final network's accuracy`` () =
    let data = digits.Value
    let result = Trainer.Train(network.Value, Loss.SoftmaxCrossEntropy, Adam(0.005), data, TrainingOptions(1, 32, 1UL))
    let record = result.History[0]
    Assert.InRange(record.TrainAccuracy, Evaluation.Accuracy(network.Value, data), Evaluation.Accuracy(result.Network, data))

[<Fact>]
let ``deferred blocks, one-sample steps and mini-batches report the predictions their steps made`` () =
    let data = digits.Value
    let rule = Sgd 0.05
    let state = Trainer.Start(network.Value, rule, 2UL)
    let epochWith (block: int) =
        use run = new TrainingRun<float32>(state, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 1, 2UL), Nullable block)
        let struct (next, failure, _) = run.Epoch(state, null, null)
        Assert.Null failure
        next.History[0]
    let blocks, singles = epochWith 16, epochWith 0
    // Blocks regroup the arithmetic, so a prediction on the edge between two classes could differ; none does here.
    Assert.Equal(singles.TrainAccuracy, blocks.TrainAccuracy)
    assertClose 1e-4 singles.TrainCost blocks.TrainCost
    Assert.True(singles.TrainAccuracy > 0.5, sprintf "running accuracy %g" singles.TrainAccuracy)

[<Fact>]
let ``measuring exactly changes the records but not the network`` () =
    let data = digits.Value
    let run exact = Trainer.Train(network.Value, Loss.SoftmaxCrossEntropy, Adam(0.005), data, TrainingOptions(2, 32, 1UL, ExactTrainMetrics = exact))
    let running, exact = run false, run true
    Assert.Equal(running.Network, exact.Network)
    Assert.Equal(Evaluation.Accuracy(exact.Network, data), exact.History[1].TrainAccuracy)
    Assert.NotEqual(exact.History[1].TrainAccuracy, running.History[1].TrainAccuracy)

/// 6,000 samples, more than the divergence probe's 4,096, of a small regression problem.
let private large =
    lazy
        (let random = Random 8
         let x = Array.init 6000 (fun _ -> Array.init 4 (fun _ -> random.NextDouble()))
         let y = x |> Array.map (fun r -> [| r[0] - r[1]; r[2] * r[3] |])
         Dataset.FromTargets(matrix x, matrix y))

[<Fact>]
let ``a training set larger than the probe still diverges in the epoch that blows up, with the network from before it`` () =
    let start = Network.Create<float>(Architecture.Input(4).Dense(8, Activation.Relu).Dense(2, Activation.Identity), Initializer.He, 1UL)
    let result = Trainer.Train(start, Loss.Quadratic, Adam(1e6), large.Value, TrainingOptions(3, 32, 1UL))
    Assert.Equal(StopReason.Diverged, result.Reason)
    Assert.Contains("more than 100 times in epoch 1", result.Message)
    Assert.Equal(start, result.Network)

[<Fact>]
let ``a training set larger than the probe that learns completes`` () =
    let start = Network.Create<float>(Architecture.Input(4).Dense(8, Activation.Relu).Dense(2, Activation.Identity), Initializer.He, 1UL)
    let result = Trainer.Train(start, Loss.Quadratic, Adam(0.01), large.Value, TrainingOptions(2, 32, 1UL))
    Assert.Equal(StopReason.Completed, result.Reason)

[<Fact>]
let ``a network of one output has no accuracy to report: NaN for training, test and validation, rather than 1 whatever it outputs`` () =
    let inputs = Matrix<float32>.FromRows [| for i in 0..39 -> [| float32 i / 40.0f; 1.0f - float32 i / 40.0f |] |]
    let targets = Matrix<float32>.FromRows [| for i in 0..39 -> [| (if i % 2 = 0 then 1.0f else 0.0f) |] |]
    let data = Dataset.FromTargets(inputs, targets)
    let oneOutput = Network.Create<float32>(Architecture.Input(2).Dense(4, Activation.Tanh).Dense(1, Activation.Sigmoid), Initializer.Xavier, 1UL)
    for exact in [ false; true ] do
        let options = TrainingOptions(2, 8, 1UL, ValidationFraction = 0.25, ExactTrainMetrics = exact)
        let result = Trainer.Train(oneOutput, Loss.BinaryCrossEntropy, Adam 0.01, data, options, data)
        Assert.Equal(StopReason.Completed, result.Reason)
        for record in result.State.History do
            Assert.True(Double.IsFinite record.TrainCost && Double.IsFinite record.TestCost.Value, string record)
            Assert.True(Double.IsNaN record.TrainAccuracy && Double.IsNaN record.TestAccuracy.Value && Double.IsNaN record.ValidationAccuracy.Value, string record)
