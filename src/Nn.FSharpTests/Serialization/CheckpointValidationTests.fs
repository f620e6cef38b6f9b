/// Checkpoints of runs with a validation share and patience (format version 4): the settings, the validation figures
/// and the best epoch are saved, so a resumed run is bit for bit the uninterrupted one, best epoch included.
module Nn.Tests.Serialization.CheckpointValidationTests

open System
open System.IO
open Xunit
open Nn
open Nn.Tests.Helpers

let private train = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0 .. 299 |])
let private architecture = Architecture.Input(64).Dense(12, Activation.Relu).Dense(10, Activation.Softmax)
let private start = Network.Create<float32>(architecture, Initializer.He, 3UL)
let private rule = Adam(0.02)
let private options = TrainingOptions(Epochs = 40, BatchSize = 8, Seed = 4UL, ValidationFraction = 0.5, Patience = 2)

/// The states after each epoch of the run with early stopping, and its result.
let private run =
    lazy
        (let states = Collections.Generic.List<TrainingState<float32>>()
         let result = Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, options, onEpoch = Action<_>(states.Add))
         states, result)

let private saved (state: TrainingState<float32>) =
    Checkpoint<float32>(state, rule, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of train)

[<Fact>]
let ``a checkpoint keeps the validation settings, the validation figures and the best epoch`` () =
    let states, _ = run.Value
    let loaded = CheckpointFile.FromBytes<float32>(CheckpointFile.ToBytes(saved states[2]), "c")
    Assert.Equal(options, loaded.Options)
    Assert.Equal(states[2], loaded.State)
    Assert.True(loaded.State.History[2].ValidationCost.HasValue)
    Assert.Equal(states[2].Best, loaded.State.Best)

[<Fact>]
let ``resuming a checkpoint of a run with patience stops where the uninterrupted run stopped, with its best network`` () =
    let states, uninterrupted = run.Value
    Assert.Equal(StopReason.EarlyStopped, uninterrupted.Reason)
    let directory = Path.Combine(Path.GetTempPath(), "nn-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory directory |> ignore
    try
        let path = Path.Combine(directory, "run.nnck")
        CheckpointFile.Save(saved states[1], path)
        let checkpoint = CheckpointFile.Load<float32> path
        checkpoint.EnsureResumableWith(DataFingerprint.Of train, rule, Loss.SoftmaxCrossEntropy, options)
        let resumed = Trainer.Continue(checkpoint.State, checkpoint.Loss, checkpoint.Optimizer, train, checkpoint.Options)
        Assert.Equal(uninterrupted.Reason, resumed.Reason)
        Assert.Equal(uninterrupted.State, resumed.State)
        Assert.Equal(uninterrupted.Network, resumed.Network)
    finally Directory.Delete(directory, true)

[<Fact>]
let ``a best epoch whose cost is not its history record's is refused naming the field`` () =
    let states, _ = run.Value
    let bytes = CheckpointFile.ToBytes(saved states[2])
    // The best epoch's validation cost sits before its network (i64 count, then θ; i64 state count, then the
    // state) at the end of the body.
    let thetaBytes = 8 + 4 * architecture.ParameterCount
    let stateBytes = 8 + 4 * architecture.StateCount
    let body = Array.take (bytes.Length - 32) bytes
    let costAt = body.Length - stateBytes - thetaBytes - 8
    body[costAt] <- body[costAt] ^^^ 1uy
    let edited = Array.append body (Security.Cryptography.SHA256.HashData body)
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(edited, "c") |> ignore)
    Assert.Contains("expected the validation cost history record", e.Message)

[<Fact>]
let ``a checkpoint with another validation share or patience is not resumed`` () =
    let states, _ = run.Value
    let checkpoint = saved states[1]
    let e = Assert.Throws<CheckpointMismatchException>(fun () -> checkpoint.EnsureResumableWith(DataFingerprint.Of train, rule, Loss.SoftmaxCrossEntropy, TrainingOptions(Epochs = 40, BatchSize = 8, Seed = 4UL, ValidationFraction = 0.5, Patience = 3)))
    Assert.Equal("cannot resume: the checkpoint's patience is 2, but 3 was given.", e.Message)
