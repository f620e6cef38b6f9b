/// Checkpoints: the saved training state resumes to bit-for-bit the uninterrupted run, and corrupted files are refused.
module Nn.Tests.Serialization.CheckpointTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open System.IO
open Nn
open Nn.Tests.Data.IdxDataTests
open Nn.Tests.Serialization.ModelFileTests

/// A quick problem: the first 300 digits, a 64-12-10 network.
let private train = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0 .. 299 |])
let private test = Digits.Load<float32>().Test
let private architecture = Architecture.Input(64).Dense(12, Activation.Relu).Dense(10, Activation.Softmax)
let private start = Network.Create<float32>(architecture, Initializer.He, 3UL)

let rules =
    let data = TheoryData<Optimizer>()
    data.Add(Sgd 0.5)
    data.Add(Momentum(0.05, 0.9))
    data.Add(Adam(0.01))
    data

[<Theory; MemberData("rules")>]
let ``resuming from a checkpoint gives bit-for-bit the uninterrupted run`` (rule: Optimizer) =
    let options = TrainingOptions(Epochs = 6, BatchSize = 25, Seed = 11UL, L2 = 0.1)
    let uninterrupted = Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, options, test)
    let directory = tempDirectory ()
    try
        let path = Path.Combine(directory, "run.nnck")
        let firstHalf = TrainingOptions(Epochs = 3, BatchSize = 25, Seed = 11UL, L2 = 0.1)
        Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, firstHalf, test,
                      onEpoch = CheckpointFile.SaveEvery(3, path, rule, Loss.SoftmaxCrossEntropy, options))
        |> ignore
        let checkpoint = CheckpointFile.Load<float32> path
        Assert.Equal(3, checkpoint.State.EpochsCompleted)
        Assert.Equal(rule, checkpoint.Optimizer)
        Assert.Equal(options, checkpoint.Options)
        let resumed = Trainer.Continue(checkpoint.State, checkpoint.Loss, checkpoint.Optimizer, train, checkpoint.Options, test)
        Assert.Equal(uninterrupted.Network, resumed.Network)
        Assert.Equal(uninterrupted.State, resumed.State)
    finally Directory.Delete(directory, true)

let private checkpoint =
    let rule = Adam(0.01)
    let options = TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL)
    let state = Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, TrainingOptions(Epochs = 2, BatchSize = 50, Seed = 2UL), test).State
    Checkpoint<float32>(state, rule, Loss.SoftmaxCrossEntropy, options)

[<Fact>]
let ``a checkpoint's bytes load back to an equal checkpoint`` () =
    let loaded = CheckpointFile.FromBytes<float32>(CheckpointFile.ToBytes checkpoint, "c")
    Assert.Equal(checkpoint.State, loaded.State)
    Assert.Equal((checkpoint.Optimizer, checkpoint.Loss, checkpoint.Options), (loaded.Optimizer, loaded.Loss, loaded.Options))

[<Fact>]
let ``a model file is not accepted as a checkpoint`` () =
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(ModelFile.ToBytes start, "m") |> ignore)
    Assert.Contains("expected the checkpoint file magic 'NNCK', but found 'NNMF'", e.Message)

[<Fact>]
let ``a loss defined outside the library cannot be checkpointed`` () =
    let custom = Checkpoint<float32>(checkpoint.State, checkpoint.Optimizer, Loss.Elementwise<Nn.Tests.Checking.UserDefinedTests.LogCosh>(), checkpoint.Options)
    Assert.Contains("'log-cosh' is not a built-in loss", Assert.Throws<ArgumentException>(fun () -> CheckpointFile.ToBytes custom |> ignore).Message)

[<Property(MaxTest = 200)>]
let ``a corrupted checkpoint loads the identical checkpoint or throws ModelFormatException`` () =
    let bytes = CheckpointFile.ToBytes checkpoint
    let original = CheckpointFile.FromBytes<float32>(bytes, "c")
    let load b =
        let c = CheckpointFile.FromBytes<float32>(b, "c")
        c.State = original.State && c.Optimizer = original.Optimizer && c.Loss = original.Loss && c.Options = original.Options
    Prop.forAll (Arb.fromGen (corruptionGen bytes.Length)) (fun corruption ->
        loadsIdenticalOrThrowsFormatError load true (corrupt bytes corruption) |> Prop.label (sprintf "%A" corruption))

[<Fact>]
let ``SaveEvery saves at multiples of its period and after the last epoch`` () =
    let rule = Sgd 0.5
    let options = TrainingOptions(Epochs = 6, BatchSize = 100, Seed = 1UL)
    let directory = tempDirectory ()
    try
        let path = Path.Combine(directory, "run.nnck")
        let save = CheckpointFile.SaveEvery(4, path, rule, Loss.SoftmaxCrossEntropy, options)
        Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, TrainingOptions(Epochs = 5, BatchSize = 100, Seed = 1UL), onEpoch = save) |> ignore
        Assert.Equal(4, (CheckpointFile.Load<float32> path).State.EpochsCompleted)
        Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, options, onEpoch = save) |> ignore
        Assert.Equal(6, (CheckpointFile.Load<float32> path).State.EpochsCompleted)
    finally Directory.Delete(directory, true)
