/// Training networks with batch normalisation and dropout on the digits: the run is reproducible, resumable and
/// thread-count independent bit for bit (masks and running statistics included), training moves the running
/// statistics that evaluation then uses, and a steady-state step allocates nothing.
module Nn.Tests.Training.NormalisedTrainingTests

open System
open Nn
open Xunit

let private digits = lazy (let split = Digits.Load<float32>() in split.Train, split.Test)

let private dense = Architecture.Input(64).Dense(64, Activation.Relu).BatchNorm().Dropout(0.2).Dense(10, Activation.Softmax)

let private conv =
    Architecture.Input(1, 8, 8).Conv2D(8, 3, 3, Activation.Relu, padding = 1).BatchNorm().MaxPool2D(2).Dropout(0.1).Dense(10, Activation.Softmax)

let private train (architecture: Architecture) (epochs: int) (threads: int) =
    let trainSet, testSet = digits.Value
    Trainer.Train(
        Network.Create<float32>(architecture, Initializer.He, 1UL), Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, TrainingOptions(epochs, 32, 2UL, Threads = threads), testSet)

[<Fact>]
let ``a dense network with batch normalisation and dropout learns the digits to over 95 percent`` () =
    let result = train dense 15 1
    let _, testSet = digits.Value
    let accuracy = Evaluation.Accuracy(result.Network, testSet)
    Assert.True(accuracy >= 0.95, sprintf "test accuracy %.4f" accuracy)

[<Fact>]
let ``training moves the running statistics away from where they start`` () =
    let result = train conv 1 1
    let initial = Network.Create<float32>(conv, Initializer.He, 1UL).State.ToArray()
    Assert.Equal(16, result.Network.State.Length)
    Assert.NotEqual<float32[]>(initial, result.Network.State.ToArray())
    Assert.All(result.Network.State.ToArray()[8..], fun variance -> Assert.True(variance > 0.0f))

[<Fact>]
let ``the same seed gives bit-for-bit the same network, masks and statistics included`` () =
    Assert.Equal(train dense 2 1, train dense 2 1)

[<Fact>]
let ``a run resumed after its first epoch ends bit for bit where the uninterrupted run ends`` () =
    let trainSet, testSet = digits.Value
    let whole = train conv 2 1
    let first = train conv 1 1
    let resumed = Trainer.Continue(first.State, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, TrainingOptions(2, 32, 2UL), testSet)
    Assert.Equal(whole.State, resumed.State)

[<Fact>]
let ``two threads give bit-for-bit the network of one thread`` () =
    Assert.Equal((train conv 1 1).Network, (train conv 1 2).Network)

[<Fact>]
let ``full-batch minimisers refuse networks with batch normalisation or dropout`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(dense, Initializer.He, 1UL)
    let error = Assert.Throws<ArgumentException>(fun () -> Trainer.TrainFullBatch(network, Loss.SoftmaxCrossEntropy, Lbfgs(MaxIterations = 5), trainSet) |> ignore)
    Assert.Contains("mini-batch", error.Message)

[<Theory>]
[<InlineData(1)>]
[<InlineData(2)>]
let ``a steady-state step with batch normalisation and dropout allocates nothing`` (threads: int) =
    let trainSet, _ = digits.Value
    let optimizer = Adam(0.001)
    let state = Trainer.Start(Network.Create<float32>(conv, Initializer.He, 5UL), optimizer, 1UL)
    use run = new TrainingRun<float32>(state, Loss.SoftmaxCrossEntropy, optimizer, trainSet, TrainingOptions(1, 64, 1UL, Threads = threads))
    run.Load state
    Assert.Equal(0L, Nn.Tests.Helpers.fewestStepBytes run trainSet.Count 64 5 3 20)

/// A data-parallel group of one rank: its sums leave the values as they are.
let private oneRank =
    { new IDataParallelGroup with
        member _.Rank = 0
        member _.Size = 1
        member _.Sum(_: Span<float32>) = ()
        member _.Sum(_: Span<float>) = ()
        member _.Sum(_: Span<int>) = () }

[<Fact>]
let ``a data-parallel run of a network with batch normalisation or dropout is refused, its running statistics not being synchronised`` () =
    let trainSet, _ = digits.Value
    for architecture in [ dense; conv ] do
        let state = Trainer.Start(Network.Create<float32>(architecture, Initializer.He, 1UL), Adam(0.005), 2UL)
        let e =
            Assert.Throws<ArgumentException>(fun () ->
                Trainer.ContinueAsRank(state, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, TrainingOptions(1, 32, 2UL), null, null, null, Threading.CancellationToken.None, oneRank)
                |> ignore)
        Assert.Contains("data-parallel training does not support batch normalisation or dropout", e.Message)
        Assert.Contains("not synchronised across ranks", e.Message)

[<Fact>]
let ``batch normalisation of a vector refuses batches of one row, whose layer would pass on only its shift and learn nothing`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(dense, Initializer.He, 1UL)
    let error = Assert.Throws<ArgumentException>(fun () -> Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, TrainingOptions(1, 1, 2UL)) |> ignore)
    Assert.StartsWith("batch normalisation of a vector (layer 1) needs at least 2 rows per batch, but a batch holds 1", error.Message)
    // Dropout alone, and batch normalisation over an image's channels (H·W values each per row), train sample by sample.
    let plain = Architecture.Input(64).Dense(16, Activation.Relu).Dropout(0.2).Dense(10, Activation.Softmax)
    for architecture in [ plain; conv ] do
        let result = Trainer.Train(Network.Create<float32>(architecture, Initializer.He, 1UL), Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, TrainingOptions(1, 1, 2UL))
        Assert.Equal(StopReason.Completed, result.Reason)

[<Fact>]
let ``batch normalisation of a vector refuses a sample count that leaves a last batch of one row, naming the count, the batch size and one that fits`` () =
    let trainSet, _ = digits.Value
    // 33 samples in batches of 32: each epoch's last batch held one row and trained silently as if it had learnt.
    let rows = trainSet.Select(ReadOnlySpan(Array.init 33 id))
    let network = Network.Create<float32>(dense, Initializer.He, 1UL)
    let error = Assert.Throws<ArgumentException>(fun () -> Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), rows, TrainingOptions(1, 32, 2UL)) |> ignore)
    Assert.Equal(
        "batch normalisation of a vector (layer 1) needs at least 2 rows per batch, but 33 training samples in batches of 32 leave a last batch of 1 row each epoch; a batch size of 33 would not: one row is normalised by its own mean, so the layer passes on only its shift β and no layer before it learns. (Parameter 'options')",
        error.Message)
    // 34 samples leave a last batch of 2, and batch normalisation over an image's channels takes a last row alone.
    Assert.Equal(StopReason.Completed, (Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet.Select(ReadOnlySpan(Array.init 34 id)), TrainingOptions(1, 32, 2UL))).Reason)
    Assert.Equal(StopReason.Completed, (Trainer.Train(Network.Create<float32>(conv, Initializer.He, 1UL), Loss.SoftmaxCrossEntropy, Adam(0.005), rows, TrainingOptions(1, 32, 2UL))).Reason)

[<Fact>]
let ``a validation fraction that leaves batch normalisation of a vector one training row is refused naming the hold-out`` () =
    let trainSet, _ = digits.Value
    // Two samples, half held out: the run would train on the single row left, though batches of 32 were asked for.
    let rows = trainSet.Select(ReadOnlySpan [| 0; 1 |])
    let network = Network.Create<float32>(dense, Initializer.He, 1UL)
    let options = TrainingOptions(1, 32, 2UL, ValidationFraction = 0.5)
    let error = Assert.Throws<ArgumentException>(fun () -> Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), rows, options) |> ignore)
    Assert.StartsWith(
        "batch normalisation of a vector (layer 1) needs at least 2 rows per batch, but the epoch has 1 training sample left after holding out the validation fraction 0.5:",
        error.Message)
