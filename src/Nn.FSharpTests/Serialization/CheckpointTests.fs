/// Checkpoints: the saved training state resumes to bit-for-bit the uninterrupted run, and corrupted files are refused.
module Nn.Tests.Serialization.CheckpointTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open System.IO
open Nn
open Nn.Tests.Helpers
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
let ``a run without shuffling loads back without shuffling, and its other options as saved`` () =
    // The checkpoint above has the defaults (shuffling on, no L2); these are the other values of the same fields.
    let options = TrainingOptions(Epochs = 5, BatchSize = 30, Seed = 7UL, L2 = 0.25, Shuffle = false)
    let loaded = CheckpointFile.FromBytes<float32>(CheckpointFile.ToBytes(Checkpoint<float32>(checkpoint.State, checkpoint.Optimizer, checkpoint.Loss, options, trainData)), "c")
    Assert.False(loaded.Options.Shuffle)
    Assert.Equal(options, loaded.Options)

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

[<Fact>]
let ``SaveEvery refuses a path it could not write when it is made, before any epoch is trained`` () =
    let directory = tempDirectory ()
    try
        let saver path = CheckpointFile.SaveEvery<float32>(1, path, trainData, Sgd 0.5, Loss.SoftmaxCrossEntropy, TrainingOptions(2)) |> ignore
        Assert.Contains("is a directory", (Assert.ThrowsAny<IOException>(fun () -> saver directory)).Message)
        Assert.Contains("does not exist", (Assert.Throws<DirectoryNotFoundException>(fun () -> saver (Path.Combine(directory, "missing", "run.nnck")))).Message)
        Assert.Equal("path", (Assert.ThrowsAny<ArgumentException>(fun () -> saver "")).ParamName)
    finally Directory.Delete(directory, true)

[<Fact>]
let ``SaveEvery refuses a run of more epochs than a checkpoint holds when it is made, and takes one of exactly that many`` () =
    let saver epochs = CheckpointFile.SaveEvery<float32>(1, "run.nnck", trainData, Sgd 0.5, Loss.SoftmaxCrossEntropy, TrainingOptions(epochs)) |> ignore
    let e = Assert.Throws<ArgumentException>(fun () -> saver (CheckpointFile.MaxHistory + 1))
    Assert.Equal("options", e.ParamName)
    Assert.StartsWith("a checkpoint holds at most 10,000,000 epochs (CheckpointFile.MaxHistory), but the run has 10,000,001.", e.Message)
    saver CheckpointFile.MaxHistory

[<Fact>]
let ``a checkpoint made with a null optimiser, loss or options is refused naming the field when checked against a resumed run`` () =
    let options = TrainingOptions(2)
    let state = Trainer.Start(start, Sgd 0.5, 1UL)
    for name, made in
        [ "Optimizer", Checkpoint<float32>(state, Unchecked.defaultof<_>, Loss.SoftmaxCrossEntropy, options, trainData)
          "Loss", Checkpoint<float32>(state, Sgd 0.5, Unchecked.defaultof<_>, options, trainData)
          "Options", Checkpoint<float32>(state, Sgd 0.5, Loss.SoftmaxCrossEntropy, Unchecked.defaultof<_>, trainData) ] do
        let e = Assert.Throws<InvalidOperationException>(fun () -> made.EnsureResumableWith(trainData, Sgd 0.5, Loss.SoftmaxCrossEntropy, options))
        Assert.StartsWith(sprintf "this checkpoint's %s is null" name, e.Message)

/// Bytes with the body changed by edit and the checksum recomputed, so that only the field checks can refuse them.
let private rechecksummedFrom (bytes: byte[]) (edit: byte[] -> byte[]) =
    let body = edit (Array.take (bytes.Length - 32) bytes)
    Array.append body (Security.Cryptography.SHA256.HashData body)

/// The checkpoint's bytes, edited and re-checksummed.
let private rechecksummed edit = rechecksummedFrom (CheckpointFile.ToBytes checkpoint) edit

/// Where the training data fingerprint (44 bytes) starts in a body without its checksum: before the random state
/// (32 bytes), the epochs completed and history length (4 each), the history (54 bytes a record: 37, then 17 of
/// validation figures) and the best epoch's presence byte (this checkpoint has none).
let private fingerprintAt (body: byte[]) = body.Length - 1 - (54 * checkpoint.State.History.Length) - 4 - 4 - 32 - 44

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
    data.Add("learning-rate schedule", resume trainData ((Adam 0.01).WithSchedule(LearningRateSchedule.Cosine 8L)) checkpoint.Loss same,
             "the checkpoint's learning-rate schedule is constant, but cosine over 8 steps to 0 was given.")
    data.Add("loss", resume trainData checkpoint.Optimizer Loss.Quadratic same, "the checkpoint's loss is 'softmax-cross-entropy', but 'quadratic' was given.")
    data.Add("L2 λ", resume trainData checkpoint.Optimizer checkpoint.Loss (TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL, L2 = 0.5)), "the checkpoint's L2 λ is 0, but 0.5 was given.")
    data.Add("shuffle setting", resume trainData checkpoint.Optimizer checkpoint.Loss (TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL, Shuffle = false)), "the checkpoint's shuffle setting is on, but off was given.")
    data.Add("seed", resume trainData checkpoint.Optimizer checkpoint.Loss (TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 3UL)), "the checkpoint's seed is 2, but 3 was given.")
    data.Add("validation fraction", resume trainData checkpoint.Optimizer checkpoint.Loss (TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL, ValidationFraction = 0.25)), "the checkpoint's validation fraction is 0, but 0.25 was given.")
    data

[<Theory; MemberData("mismatches")>]
let ``resuming with other data or settings is refused naming the field and both values`` (field: string, resume: Checkpoint<float32> -> unit, message: string) =
    let e = Assert.Throws<CheckpointMismatchException>(fun () -> resume checkpoint)
    Assert.Equal(field, e.Field)
    Assert.Equal("cannot resume: " + message, e.Message)

[<Fact>]
let ``resuming with more epochs or other threads is allowed`` () =
    checkpoint.EnsureResumableWith(trainData, Adam 0.01, Loss.SoftmaxCrossEntropy, TrainingOptions(Epochs = 9, BatchSize = 50, Seed = 2UL, Threads = 2))

/// The committed files of the older versions (TestData/SOURCES.md says how they were made): a dense 64-5-10 network
/// after 2 of 4 epochs of Adam on the first 300 digits.
let private oldVersion (version: int) = CheckpointFile.Load<float32>(testData (sprintf "checkpoint_v%d.nnck" version))

[<Theory; InlineData(1); InlineData(2); InlineData(3); InlineData(4); InlineData(5)>]
let ``a checkpoint file of each older version still loads and saves as the current version`` (version: int) =
    Assert.Equal(1us, CheckpointFile.OldestVersion)
    let loaded = oldVersion version
    Assert.Equal("64-5(relu)-10(softmax)", string loaded.State.Network.Architecture)
    Assert.Equal((Adam(0.01) :> Optimizer, Loss.SoftmaxCrossEntropy), (loaded.Optimizer, loaded.Loss))
    // Files before version 5 hold no learning-rate schedule: the rule's η throughout.
    Assert.Equal(LearningRateSchedule.Constant, loaded.Optimizer.Schedule)
    Assert.Equal(TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL, L2 = 0.1), loaded.Options)
    Assert.Equal((2, 12L, 2), (loaded.State.EpochsCompleted, loaded.State.OptimizerState.Step, loaded.State.History.Length))
    Assert.Equal(loaded.State, (oldVersion 1).State)
    if version >= 2 then
        Assert.Equal(trainData, nonNull loaded.TrainingData)
        let again = CheckpointFile.FromBytes<float32>(CheckpointFile.ToBytes loaded, "again.nnck")
        Assert.Equal(loaded.State, again.State)
        Assert.Equal(loaded.TrainingData, again.TrainingData)

[<Fact>]
let ``a version 1 checkpoint loads without a fingerprint and resumes on any data`` () =
    let loaded = oldVersion 1
    Assert.Null(loaded.TrainingData)
    loaded.EnsureResumableWith(DataFingerprint.Of test, loaded.Optimizer, loaded.Loss, loaded.Options)
    let e = Assert.Throws<ArgumentException>(fun () -> CheckpointFile.ToBytes loaded |> ignore)
    Assert.Contains("the checkpoint has no training data fingerprint", e.Message)

[<Fact>]
let ``resuming a version 2 checkpoint continues the run it saved`` () =
    let loaded = oldVersion 2
    loaded.EnsureResumableWith(trainData, loaded.Optimizer, loaded.Loss, loaded.Options)
    let resumed = Trainer.Continue(loaded.State, loaded.Loss, loaded.Optimizer, train, loaded.Options)
    Assert.Equal(4, resumed.State.EpochsCompleted)
    Assert.Equal(24L, resumed.State.OptimizerState.Step)
    Assert.Equal<EpochRecord seq>(loaded.State.History, Seq.take 2 resumed.State.History)

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
    let bytes = rechecksummed (fun body -> body[4] <- 7uy; body)
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(bytes, "c") |> ignore)
    Assert.Equal("c, byte 4: expected format version 1 to 6, but found version 7.", e.Message)

/// A small convolutional problem: the first 200 digits as 1×8×8 images, conv (non-square kernel, stride, padding),
/// pooling, then dense layers.
let private convArchitecture =
    Architecture.Input(1, 8, 8).Conv2D(3, 3, 2, Activation.Tanh, padding = 1).MaxPool2D(2).Conv2D(4, 2, 2, Activation.Relu, stride = 2, hasBias = false)
        .Dense(10, Activation.Softmax)
let private convTrain = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0 .. 199 |])
let private convStart = Network.Create<float32>(convArchitecture, Initializer.Xavier, 5UL)

[<Theory; MemberData("rules")>]
let ``resuming a convolutional network from a checkpoint gives bit-for-bit the uninterrupted run`` (rule: Optimizer) =
    let options = TrainingOptions(Epochs = 4, BatchSize = 20, Seed = 7UL, L2 = 0.05)
    let uninterrupted = Trainer.Train(convStart, Loss.SoftmaxCrossEntropy, rule, convTrain, options, test)
    let fingerprint = DataFingerprint.Of convTrain
    let directory = tempDirectory ()
    try
        let path = Path.Combine(directory, "conv.nnck")
        Trainer.Train(convStart, Loss.SoftmaxCrossEntropy, rule, convTrain, TrainingOptions(Epochs = 2, BatchSize = 20, Seed = 7UL, L2 = 0.05), test,
                      onEpoch = CheckpointFile.SaveEvery(2, path, fingerprint, rule, Loss.SoftmaxCrossEntropy, options))
        |> ignore
        let checkpoint = CheckpointFile.Load<float32> path
        Assert.Equal(convArchitecture, checkpoint.State.Network.Architecture)
        Assert.Equal(2, checkpoint.State.EpochsCompleted)
        checkpoint.EnsureResumableWith(fingerprint, rule, Loss.SoftmaxCrossEntropy, options)
        let resumed = Trainer.Continue(checkpoint.State, checkpoint.Loss, checkpoint.Optimizer, convTrain, checkpoint.Options, test)
        Assert.Equal(uninterrupted.Network, resumed.Network)
        Assert.Equal(uninterrupted.State, resumed.State)
    finally Directory.Delete(directory, true)

let private convCheckpoint =
    let state = Trainer.Train(convStart, Loss.SoftmaxCrossEntropy, Adam 0.01, convTrain, TrainingOptions(Epochs = 1, BatchSize = 50, Seed = 2UL)).State
    Checkpoint<float32>(state, Adam 0.01, Loss.SoftmaxCrossEntropy, TrainingOptions(Epochs = 3, BatchSize = 50, Seed = 2UL), DataFingerprint.Of convTrain)

[<Fact>]
let ``a convolutional checkpoint's bytes load back to an equal checkpoint in either element type`` () =
    let bytes = CheckpointFile.ToBytes convCheckpoint
    Assert.Equal(CheckpointFile.Version, BitConverter.ToUInt16(bytes, 4))
    let loaded = CheckpointFile.FromBytes<float32>(bytes, "c")
    Assert.Equal(convCheckpoint.State, loaded.State)
    Assert.Equal(convCheckpoint.TrainingData, loaded.TrainingData)
    let widened = CheckpointFile.FromBytes<float>(bytes, "c")
    Assert.Equal(convArchitecture, widened.State.Network.Architecture)
    Assert.Equal<float[]>(convCheckpoint.State.Network.Parameters.ToArray() |> Array.map float, widened.State.Network.Parameters.ToArray())

[<Property(MaxTest = 100)>]
let ``a corrupted convolutional checkpoint loads the identical checkpoint or throws ModelFormatException`` () =
    let bytes = CheckpointFile.ToBytes convCheckpoint
    let original = CheckpointFile.FromBytes<float32>(bytes, "c")
    let load b =
        let c = CheckpointFile.FromBytes<float32>(b, "c")
        c.State = original.State && c.Optimizer = original.Optimizer && c.Loss = original.Loss && c.Options = original.Options
        && c.TrainingData = original.TrainingData
    Prop.forAll (Arb.fromGen (corruptionGen bytes.Length)) (fun corruption ->
        loadsIdenticalOrThrowsFormatError load true (corrupt bytes corruption) |> Prop.label (sprintf "%A" corruption))

[<Fact>]
let ``a layer in a checkpoint that does not fit the shape below it is refused naming the layer and shape`` () =
    // The first convolution's filter count sits after magic, version, element size (8 bytes), the input kind and
    // shape (13 bytes), the layer count (4) and the kind name "conv2d" (1 + 6): raising it from 3 to 9 leaves the
    // second convolution reading 9 channels where its kernels were laid out for 3, so θ's length no longer fits.
    let bytes = rechecksummedFrom (CheckpointFile.ToBytes convCheckpoint) (fun body -> body[8 + 13 + 4 + 7] <- 9uy; body)
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(bytes, "c") |> ignore)
    Assert.Contains("parameters (the architecture 1x8x8-conv9k3x2p1(tanh)", e.Message)

/// A network with batch normalisation and dropout after one epoch on the first 300 digits: trained running statistics.
let private normalisedArchitecture =
    Architecture.Input(1, 8, 8).Conv2D(3, 3, 3, Activation.Relu, padding = 1).BatchNorm().MaxPool2D(2).Dropout(0.25).Dense(10, Activation.Softmax)

let private normalisedOptions = TrainingOptions(Epochs = 2, BatchSize = 30, Seed = 4UL)

let private normalisedStart = Network.Create<float32>(normalisedArchitecture, Initializer.He, 2UL)

[<Fact>]
let ``a checkpoint of a network with batch normalisation and dropout holds its running statistics and resumes bit for bit`` () =
    let uninterrupted = Trainer.Train(normalisedStart, Loss.SoftmaxCrossEntropy, Adam 0.01, train, normalisedOptions)
    let first = Trainer.Train(normalisedStart, Loss.SoftmaxCrossEntropy, Adam 0.01, train, TrainingOptions(Epochs = 1, BatchSize = 30, Seed = 4UL))
    let bytes = CheckpointFile.ToBytes(Checkpoint<float32>(first.State, Adam 0.01, Loss.SoftmaxCrossEntropy, normalisedOptions, trainData))
    Assert.Equal(6us, BitConverter.ToUInt16(bytes, 4))
    let loaded = CheckpointFile.FromBytes<float32>(bytes, "bn.nnck")
    Assert.Equal(first.State, loaded.State)
    Assert.NotEqual<float32[]>(normalisedStart.State.ToArray(), loaded.State.Network.State.ToArray())
    let resumed = Trainer.Continue(loaded.State, loaded.Loss, loaded.Optimizer, train, loaded.Options)
    Assert.Equal(uninterrupted.State, resumed.State)

[<Fact>]
let ``a version 5 checkpoint cannot declare batch normalisation`` () =
    let bytes = CheckpointFile.ToBytes(Checkpoint<float32>(Trainer.Start(normalisedStart, Adam 0.01, 1UL), Adam 0.01, Loss.SoftmaxCrossEntropy, normalisedOptions, trainData))
    let edited = rechecksummedFrom bytes (fun body -> body[4] <- 5uy; body)
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(edited, "c") |> ignore)
    Assert.Contains("layer 1's kind among those of version 2, but found 'batchnorm', which version 4 added", e.Message)

[<Fact>]
let ``a checkpoint of a batch-normalised run with patience keeps the best epoch's running statistics`` () =
    let options = TrainingOptions(Epochs = 2, BatchSize = 30, Seed = 4UL, ValidationFraction = 0.25, Patience = 5)
    let run = Trainer.Train(normalisedStart, Loss.SoftmaxCrossEntropy, Adam 0.01, train, options)
    let best = nonNull run.State.Best
    Assert.NotEqual<float32[]>(normalisedStart.State.ToArray(), best.Network.State.ToArray())
    let bytes = CheckpointFile.ToBytes(Checkpoint<float32>(run.State, Adam 0.01, Loss.SoftmaxCrossEntropy, options, trainData))
    let loaded = CheckpointFile.FromBytes<float32>(bytes, "best.nnck")
    Assert.Equal<float32[]>(best.Network.State.ToArray(), (nonNull loaded.State.Best).Network.State.ToArray())
    Assert.Equal(run.State, loaded.State)

[<Fact>]
let ``a damaged L2 λ is refused with its value in the invariant culture`` () =
    underCulture "de-DE" (fun () ->
        // The message read "found -1,5" under de-DE.
        let l2 = 0.123456789
        let bytes = CheckpointFile.ToBytes(Checkpoint<float32>(checkpoint.State, checkpoint.Optimizer, checkpoint.Loss, TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL, L2 = l2), trainData))
        let body = Array.take (bytes.Length - 32) bytes
        let at = Array.findIndex id [| for i in 0 .. body.Length - 8 -> BitConverter.ToDouble(body, i) = l2 |]
        BitConverter.GetBytes -1.5 |> Array.iteri (fun i b -> body[at + i] <- b)
        let damaged = Array.append body (Security.Cryptography.SHA256.HashData body)
        let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(damaged, "c") |> ignore)
        Assert.Equal($"c, byte {at}: expected L2 λ of 0 or more, but found -1.5.", e.Message))
