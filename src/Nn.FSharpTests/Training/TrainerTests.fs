/// Training as a fold: learning the embedded digits, reproducibility, resuming, and stopping on divergence.
module Nn.Tests.Training.TrainerTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private digits = lazy (let split = Digits.Load<float32>() in split.Train, split.Test)

let private architecture = Architecture.Input(64).Dense(32, Activation.Relu).Dense(10, Activation.Softmax)

let private train epochs seed =
    let trainSet, testSet = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, TrainingOptions(epochs, 32, seed), testSet)

[<Fact>]
let ``a small network trained on the embedded digits reaches 95 percent test accuracy`` () =
    let result = train 20 7UL
    let _, testSet = digits.Value
    let accuracy = Evaluation.Accuracy(result.Network, testSet)
    Assert.Equal(StopReason.Completed, result.Reason)
    Assert.Equal(20, result.History.Length)
    Assert.True(accuracy >= 0.95, sprintf "test accuracy %.4f" accuracy)
    Assert.Equal(Some accuracy, Option.ofNullable result.History[19].TestAccuracy)
    Assert.True(result.History[19].TrainLoss < result.History[0].TrainLoss)

[<Fact>]
let ``the same seed gives bit-for-bit the same run`` () =
    Assert.Equal(train 3 5UL, train 3 5UL)
    Assert.NotEqual((train 3 5UL).Network, (train 3 6UL).Network)

[<Fact>]
let ``resuming from an epoch's state gives the same result as an uninterrupted run`` () =
    let trainSet, testSet = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let optimizer = Momentum(0.05)
    let states = Collections.Generic.List<TrainingState<float32>>()
    let full = Trainer.Train(network, Loss.SoftmaxCrossEntropy, optimizer, trainSet, TrainingOptions(4, 16, 9UL), testSet, onEpoch = Action<_>(states.Add))
    let resumed = Trainer.Continue(states[1], Loss.SoftmaxCrossEntropy, optimizer, trainSet, TrainingOptions(4, 16, 9UL), testSet)
    Assert.Equal(full.State, resumed.State)

[<Fact>]
let ``per-sample SGD is a batch size of one`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let progress = Collections.Generic.List<TrainingProgress>()
    let reporter = { new IProgress<TrainingProgress> with member _.Report p = progress.Add p }
    let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd 0.01, trainSet, TrainingOptions(1, 1, 3UL), progress = reporter)
    Assert.Equal(trainSet.Count, progress.Count)
    Assert.Equal(trainSet.Count, progress[progress.Count - 1].Batches)
    Assert.Equal(1L, result.State.OptimizerState.Step / int64 trainSet.Count)

[<Fact>]
let ``a run that diverges stops and hands back the last finite network`` () =
    let inputs = matrix [| [| 1.0; 2.0 |]; [| -3.0; 0.5 |] |]
    let data = Dataset.FromTargets(inputs, matrix [| [| 1e6 |]; [| -1e6 |] |])
    let network = Network.Create<float>(Architecture.Input(2).Dense(1, Activation.Identity), Initializer.Xavier, 1UL)
    let result = Trainer.Train(network, Loss.Quadratic, Sgd 10.0, data, TrainingOptions(1000, 2, 1UL))
    Assert.Equal(StopReason.Diverged, result.Reason)
    Assert.Contains("diverged", result.Message)
    Assert.True(result.Network.Parameters.IsFinite())

[<Fact>]
let ``training data that does not fit the network is refused`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(Architecture.Input(10).Dense(10, Activation.Softmax), Initializer.He, 1UL)
    let message = messageOf<ArgumentException> (fun () -> Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd 0.1, trainSet, TrainingOptions(1)) |> ignore)
    Assert.Contains("10 columns", message)
    Assert.Contains("64", message)

[<Fact>]
let ``evaluation reports accuracy, per-class accuracy and a confusion matrix that agree`` () =
    let result = train 2 1UL
    let _, testSet = digits.Value
    let report = Evaluation.Evaluate(result.Network, testSet)
    Assert.Equal(testSet.Count, report.Confusion.Total)
    let diagonal = Seq.sum (seq { for c in 0 .. 9 -> report.Confusion[c, c] })
    assertClose doubleRounding (float diagonal / float testSet.Count) report.Accuracy
    for c in 0 .. 9 do
        let total = Seq.sum (seq { for p in 0 .. 9 -> report.Confusion[c, p] })
        assertClose doubleRounding (float report.Confusion[c, c] / float total) report.PerClassAccuracy[c]

[<Fact>]
let ``options refuse a thread count below one and keep the values they are given`` () =
    Assert.Contains("Threads must be positive, but is 0", messageOf<ArgumentOutOfRangeException> (fun () -> TrainingOptions(1, Threads = 0) |> ignore))
    let options = TrainingOptions(5, 16, 1UL, 0.1, true, 2)
    Assert.Equal((5, 16, 0.1, 2), (options.Epochs, options.BatchSize, options.L2, options.Threads))
