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
let private trainData = DataFingerprint.Of train

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
                      onEpoch = CheckpointFile.SaveEvery(3, path, trainData, rule, Loss.SoftmaxCrossEntropy, options))
        |> ignore
        let checkpoint = CheckpointFile.Load<float32> path
        Assert.Equal(3, checkpoint.State.EpochsCompleted)
        Assert.Equal(rule, checkpoint.Optimizer)
        Assert.Equal(options, checkpoint.Options)
        Assert.Equal(trainData, nonNull checkpoint.TrainingData)
        checkpoint.EnsureResumableWith(DataFingerprint.Of train, rule, Loss.SoftmaxCrossEntropy, options)
        let resumed = Trainer.Continue(checkpoint.State, checkpoint.Loss, checkpoint.Optimizer, train, checkpoint.Options, test)
        Assert.Equal(uninterrupted.Network, resumed.Network)
        Assert.Equal(uninterrupted.State, resumed.State)
    finally Directory.Delete(directory, true)

let private checkpoint =
    let rule = Adam(0.01)
    let options = TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL)
    let state = Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, TrainingOptions(Epochs = 2, BatchSize = 50, Seed = 2UL), test).State
    Checkpoint<float32>(state, rule, Loss.SoftmaxCrossEntropy, options, trainData)

[<Fact>]
let ``a checkpoint's bytes load back to an equal checkpoint`` () =
    let loaded = CheckpointFile.FromBytes<float32>(CheckpointFile.ToBytes checkpoint, "c")
    Assert.Equal(checkpoint.State, loaded.State)
    Assert.Equal((checkpoint.Optimizer, checkpoint.Loss, checkpoint.Options), (loaded.Optimizer, loaded.Loss, loaded.Options))
    Assert.Equal(checkpoint.TrainingData, loaded.TrainingData)

[<Fact>]
let ``a model file is not accepted as a checkpoint`` () =
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(ModelFile.ToBytes start, "m") |> ignore)
    Assert.Contains("expected the checkpoint file magic 'NNCK', but found 'NNMF'", e.Message)

[<Fact>]
let ``a loss defined outside the library cannot be checkpointed`` () =
    let custom = Checkpoint<float32>(checkpoint.State, checkpoint.Optimizer, Loss.Elementwise<Nn.Tests.Checking.UserDefinedTests.LogCosh>(), checkpoint.Options, trainData)
    Assert.Contains("'log-cosh' is not a built-in loss", Assert.Throws<ArgumentException>(fun () -> CheckpointFile.ToBytes custom |> ignore).Message)

[<Property(MaxTest = 200)>]
let ``a corrupted checkpoint loads the identical checkpoint or throws ModelFormatException`` () =
    let bytes = CheckpointFile.ToBytes checkpoint
    let original = CheckpointFile.FromBytes<float32>(bytes, "c")
    let load b =
        let c = CheckpointFile.FromBytes<float32>(b, "c")
        c.State = original.State && c.Optimizer = original.Optimizer && c.Loss = original.Loss && c.Options = original.Options
        && c.TrainingData = original.TrainingData
    Prop.forAll (Arb.fromGen (corruptionGen bytes.Length)) (fun corruption ->
        loadsIdenticalOrThrowsFormatError load true (corrupt bytes corruption) |> Prop.label (sprintf "%A" corruption))

[<Fact>]
let ``SaveEvery saves at multiples of its period and after the last epoch`` () =
    let rule = Sgd 0.5
    let options = TrainingOptions(Epochs = 6, BatchSize = 100, Seed = 1UL)
    let directory = tempDirectory ()
    try
        let path = Path.Combine(directory, "run.nnck")
        let save = CheckpointFile.SaveEvery(4, path, trainData, rule, Loss.SoftmaxCrossEntropy, options)
        Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, TrainingOptions(Epochs = 5, BatchSize = 100, Seed = 1UL), onEpoch = save) |> ignore
        Assert.Equal(4, (CheckpointFile.Load<float32> path).State.EpochsCompleted)
        Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, options, onEpoch = save) |> ignore
        Assert.Equal(6, (CheckpointFile.Load<float32> path).State.EpochsCompleted)
    finally Directory.Delete(directory, true)

/// The checkpoint's bytes with the body changed by edit and the checksum recomputed, so that only the field checks can refuse them.
let private rechecksummed (edit: byte[] -> byte[]) =
    let bytes = CheckpointFile.ToBytes checkpoint
    let body = edit (Array.take (bytes.Length - 32) bytes)
    Array.append body (Security.Cryptography.SHA256.HashData body)

/// Where the training data fingerprint (44 bytes) starts in a body without its checksum: before the random state
/// (32 bytes), the epochs completed and history length (4 each) and the history (37 bytes a record).
let private fingerprintAt (body: byte[]) = body.Length - (37 * checkpoint.State.History.Length) - 4 - 4 - 32 - 44

let mismatches =
    let data = TheoryData<string, (Checkpoint<float32> -> unit), string>()
    let resume (fingerprint: DataFingerprint) (rule: Optimizer) (loss: Loss) (options: TrainingOptions) (c: Checkpoint<float32>) =
        c.EnsureResumableWith(fingerprint, rule, loss, options)
    let same = checkpoint.Options
    let otherData = DataFingerprint.Of(Digits.LoadAll<float32>().Select(ReadOnlySpan [| 1 .. 300 |]))
    data.Add("training data", resume otherData checkpoint.Optimizer checkpoint.Loss same,
             sprintf "the checkpoint's training data is (%O), but (%O) was given." trainData otherData)
    data.Add("batch size", resume trainData checkpoint.Optimizer checkpoint.Loss (TrainingOptions(Epochs = 4, BatchSize = 16, Seed = 2UL)),
             "the checkpoint's batch size is 50, but 16 was given.")
    data.Add("learning rate η", resume trainData (Adam 0.02) checkpoint.Loss same,
             "the checkpoint's learning rate η is 0.01, but 0.02 was given.")
    data.Add("Adam β₂", resume trainData (Adam(0.01, Beta2 = 0.99)) checkpoint.Loss same,
             "the checkpoint's Adam β₂ is 0.999, but 0.99 was given.")
    data.Add("optimiser", resume trainData (Sgd 0.01) checkpoint.Loss same, "the checkpoint's optimiser is 'adam', but 'sgd' was given.")
    data.Add("loss", resume trainData checkpoint.Optimizer Loss.Quadratic same, "the checkpoint's loss is 'softmax-cross-entropy', but 'quadratic' was given.")
    data.Add("L2 λ", resume trainData checkpoint.Optimizer checkpoint.Loss (TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL, L2 = 0.5)), "the checkpoint's L2 λ is 0, but 0.5 was given.")
    data.Add("shuffle setting", resume trainData checkpoint.Optimizer checkpoint.Loss (TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL, Shuffle = false)), "the checkpoint's shuffle setting is on, but off was given.")
    data.Add("seed", resume trainData checkpoint.Optimizer checkpoint.Loss (TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 3UL)), "the checkpoint's seed is 2, but 3 was given.")
    data

[<Theory; MemberData("mismatches")>]
let ``resuming with other data or settings is refused naming the field and both values`` (field: string, resume: Checkpoint<float32> -> unit, message: string) =
    let e = Assert.Throws<CheckpointMismatchException>(fun () -> resume checkpoint)
    Assert.Equal(field, e.Field)
    Assert.Equal("cannot resume: " + message, e.Message)

[<Fact>]
let ``resuming with more epochs or other threads is allowed`` () =
    checkpoint.EnsureResumableWith(trainData, Adam 0.01, Loss.SoftmaxCrossEntropy, TrainingOptions(Epochs = 9, BatchSize = 50, Seed = 2UL, Threads = 2))

[<Fact>]
let ``a version 1 checkpoint loads without a fingerprint and resumes on any data`` () =
    let v1 =
        rechecksummed (fun body ->
            let at = fingerprintAt body
            let body = Array.append (Array.take at body) (Array.skip (at + 44) body)
            body[4] <- 1uy
            body)
    Assert.Equal(1us, CheckpointFile.OldestVersion)
    let loaded = CheckpointFile.FromBytes<float32>(v1, "old.nnck")
    Assert.Null(loaded.TrainingData)
    Assert.Equal(checkpoint.State, loaded.State)
    loaded.EnsureResumableWith(DataFingerprint.Of test, loaded.Optimizer, loaded.Loss, loaded.Options)
    let e = Assert.Throws<ArgumentException>(fun () -> CheckpointFile.ToBytes loaded |> ignore)
    Assert.Contains("the checkpoint has no training data fingerprint", e.Message)

[<Fact>]
let ``a fingerprint whose shape does not fit the network is refused on save and on load`` () =
    let wrong = DataFingerprint(300, 65, 10, String('0', 64))
    let e = Assert.Throws<ArgumentException>(fun () -> CheckpointFile.ToBytes(Checkpoint<float32>(checkpoint.State, checkpoint.Optimizer, checkpoint.Loss, checkpoint.Options, wrong)) |> ignore)
    Assert.Contains("the training data fingerprint is of 65 inputs → 10 targets, but the network maps 64 → 10.", e.Message)
    let bytes = rechecksummed (fun body -> body[fingerprintAt body + 4] <- 65uy; body)
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(bytes, "c") |> ignore)
    Assert.Contains("expected the training data's input size in 64..64, but found 65.", e.Message)

[<Fact>]
let ``a checkpoint from a future version names the versions this library reads`` () =
    let bytes = rechecksummed (fun body -> body[4] <- 3uy; body)
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(bytes, "c") |> ignore)
    Assert.Equal("c, byte 4: expected format version 1 to 2, but found version 3.", e.Message)

[<Fact>]
let ``a checkpoint of a network with convolution layers is refused before anything is written`` () =
    let conv = Network.Create<float32>(Architecture.Input(1, 8, 8).Conv2D(2, 3, 3, Activation.Relu).Dense(10, Activation.Softmax), Initializer.He, 1UL)
    let state = Trainer.Start(conv, checkpoint.Optimizer, 1UL)
    let e = Assert.Throws<ArgumentException>(fun () -> CheckpointFile.ToBytes(Checkpoint<float32>(state, checkpoint.Optimizer, checkpoint.Loss, checkpoint.Options, trainData)) |> ignore)
    Assert.Contains("stores dense layers over a flat input only, so it cannot hold 1x8x8-conv2k3(relu)-10(softmax)", e.Message)
