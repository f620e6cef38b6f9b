/// Fields of the two file formats whose range is a flag, a choice or a bound another field sets: every value the range
/// leaves out is refused at its byte, with the reader's message, even where a reader that let it through would still
/// make sense of the file or fail further on (the sweeps only ask that a damaged file load or be refused).
module Nn.Tests.Serialization.FieldRangeTests

open System
open System.Collections.Immutable
open Nn
open Nn.Tests.Helpers
open Nn.Tests.Serialization.CheckpointFileSweepTests
open Nn.Tests.Serialization.FileSweepTests
open Xunit

/// The message a body edited at one byte gives once resealed, from the model reader or the checkpoint reader.
let private refusal (load: byte[] -> unit) (file: byte[]) (at: int) (was: byte) (now: byte) =
    let body = bodyOf file
    Assert.Equal(was, body[at])
    body[at] <- now
    (Assert.Throws<ModelFormatException>(fun () -> load (reseal body))).Message

let private modelRefusal = refusal (fun b -> ModelFile.ModelFromBytes<float32>(b, "m.nnm") |> ignore)

let private checkpointRefusal = refusal (fun b -> CheckpointFile.FromBytes<float32>(b, "c.nnck") |> ignore)

[<Fact>]
let ``the reserved byte after the element type must be 0 in either kind of file`` () =
    Assert.Equal("m.nnm, byte 7: expected a reserved byte 0, but found 1.", modelRefusal (modelFile 1) 7 0uy 1uy)
    Assert.Equal("c.nnck, byte 7: expected a reserved byte 0, but found 128.", checkpointRefusal (checkpointFile 6) 7 0uy 128uy)

/// model_v4.nnm's preprocessing starts with its task at byte 103 (its column count is at 112, ModelFileSweepTests),
/// after the flag saying it is there.
[<Fact>]
let ``a version 4 model's preprocessing flag is 0 or 1`` () =
    let file = modelFile 4
    Assert.Equal("m.nnm, byte 102: expected a preprocessing flag 0 or 1, but found 2.", modelRefusal file 102 1uy 2uy)
    Assert.Equal("m.nnm, byte 102: expected a preprocessing flag 0 or 1, but found 3.", modelRefusal file 102 1uy 3uy)

/// In the version 6 checkpoint of FileSweepTests (two epochs, no best epoch), counted back from the end of the body:
/// the best epoch's presence byte, two history records of 54 bytes, the history length and the epochs completed, the
/// random state 32, the fingerprint 44, the patience 4 and the validation fraction 8, before them the shuffle flag.
let private checkpointFields () =
    let file = checkpointFile 6
    let body = bodyOf file
    let recordsAt = body.Length - 1 - 2 * 54
    let completedAt = recordsAt - 4 - 4
    Assert.Equal(2, BitConverter.ToInt32(body, completedAt))
    file, recordsAt, completedAt - 32 - 44 - 4 - 8 - 1

[<Fact>]
let ``a checkpoint's shuffle flag is 0 or 1`` () =
    let file, _, shuffleAt = checkpointFields ()
    Assert.Equal(sprintf "c.nnck, byte %d: expected a shuffle flag 0 or 1, but found 2." shuffleAt, checkpointRefusal file shuffleAt 1uy 2uy)
    Assert.Equal(sprintf "c.nnck, byte %d: expected a shuffle flag 0 or 1, but found 3." shuffleAt, checkpointRefusal file shuffleAt 1uy 3uy)

/// A record: its epoch 4, the training cost and accuracy 8 each, the test flags at 20 (no test set here: 0), the
/// test figures 8 each, then the validation flags at 37 (no validation share: 0).
[<Fact>]
let ``a history record's test and validation flags have no bit above the cost's and the accuracy's`` () =
    let file, recordsAt, _ = checkpointFields ()
    for record in 0..1 do
        let at = recordsAt + 54 * record
        Assert.Equal(sprintf "c.nnck, byte %d: expected history record %d's flags in 0..3, but found 4." (at + 20) record, checkpointRefusal file (at + 20) 0uy 4uy)
        Assert.Equal(
            sprintf "c.nnck, byte %d: expected history record %d's validation flags in 0..3, but found 4." (at + 37) record,
            checkpointRefusal file (at + 37) 0uy 4uy)

/// The validation fraction and the patience follow the shuffle flag (8 and 4 bytes); this run has neither.
[<Fact>]
let ``a checkpoint's validation fraction is below 1, and without one its patience is 0`` () =
    let file, _, shuffleAt = checkpointFields ()
    let body = bodyOf file
    Assert.Equal((0.0, 0), (BitConverter.ToDouble(body, shuffleAt + 1), BitConverter.ToInt32(body, shuffleAt + 9)))
    // 1.0 is 0x3FF0000000000000: its last two bytes, little-endian.
    let one = bodyOf file
    one[shuffleAt + 7] <- 0xF0uy
    one[shuffleAt + 8] <- 0x3Fuy
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(reseal one, "c.nnck") |> ignore)
    Assert.Equal(sprintf "c.nnck, byte %d: expected a validation fraction in [0, 1), but found 1." (shuffleAt + 1), e.Message)
    Assert.Equal(sprintf "c.nnck, byte %d: expected the patience in 0..0, but found 2." (shuffleAt + 9), checkpointRefusal file (shuffleAt + 9) 0uy 2uy)

[<Fact>]
let ``a checkpoint without patience holds no best epoch`` () =
    let file, _, _ = checkpointFields ()
    let at = file.Length - 32 - 1
    Assert.Equal(
        sprintf "c.nnck, byte %d: expected a best epoch presence flag in 0..0 (a best epoch is kept with patience once an epoch is complete), but found 1." at,
        checkpointRefusal file at 0uy 1uy)

/// A float64 network with two batch normalisations: its state is their means and variances, 2 + 2 each, the last
/// 8 × 8 bytes of the body, so the second one's block starts 4 values (32 bytes) in.
[<Fact>]
let ``a negative running variance is refused at the byte where its layer's state starts`` () =
    let architecture = Architecture.Input(3).Dense(2, Activation.Tanh).BatchNorm().Dense(2, Activation.Tanh).BatchNorm().Dense(2, Activation.Softmax)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
    let body = bodyOf (ModelFile.ToBytes network)
    let stateAt = body.Length - 8 * 8
    Assert.Equal(8L, BitConverter.ToInt64(body, stateAt - 8))
    BitConverter.GetBytes(-0.5).CopyTo(body, body.Length - 8)
    let e = Assert.Throws<ModelFormatException>(fun () -> ModelFile.FromBytes<float>(reseal body, "m.nnm") |> ignore)
    Assert.Equal(sprintf "m.nnm, byte %d: expected layer 3's state to be valid, but found a running variance of -0.5 for feature 1." (stateAt + 32), e.Message)

/// A version-1 layer without bias counts only its weights against the parameter limit: 16,777,215 inputs × 128
/// outputs = 2,147,483,520 passes it (a bias would add 128 and pass 2³¹ − 57), so the file is refused only where its
/// parameters should be, after the header: input size at 8, layer count 12, output count 16, flags 20, the name
/// (1 + 7, "sigmoid") at 21, the parameter count at 29 and θ from 37.
[<Fact>]
let ``a version 1 layer without bias is held to the parameter limit by its weights alone`` () =
    let network = Network.Create<float>(Architecture.Input(2).Dense(2, Activation.Sigmoid, hasBias = false), Initializer.Xavier, 1UL)
    let body = bodyOf (ModelFile.ToBytes network)
    Assert.Equal((1uy, 0uy), (body[4], body[20]))
    BitConverter.GetBytes(16_777_215).CopyTo(body, 8)
    BitConverter.GetBytes(128).CopyTo(body, 16)
    BitConverter.GetBytes(2_147_483_520L).CopyTo(body, 29)
    let e = Assert.Throws<ModelFormatException>(fun () -> ModelFile.FromBytes<float>(reseal body, "m.nnm") |> ignore)
    Assert.Equal(37L, e.Offset)
    Assert.Contains("expected 17179868160 bytes of the parameters", e.Message)

/// A rule of the caller's own, with no hyperparameters or moments, that leaves θ as it is.
type private NamedRule =
    { RuleName: string }

    interface IUpdateRule with
        member rule.Name = rule.RuleName
        member _.Hyperparameters = ImmutableArray<Hyperparameter>.Empty
        member _.MomentCount = 0
        member _.UpdateInPlace(_buffers: RuleBuffers<'T>) = ()

[<Fact>]
let ``a name of 64 bytes, the longest a name field holds, is read back, and a length of 65 is refused`` () =
    let name = String('n', 64)
    let rule = Optimizer.Custom { RuleName = name }
    let train = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0..19 |])
    let options = TrainingOptions(Epochs = 1, BatchSize = 10, Seed = 4UL)
    let network = Network.Create<float32>(Architecture.Input(64).Dense(10, Activation.Softmax), Initializer.Xavier, 5UL)
    let state = Trainer.Train(network, Loss.SoftmaxCrossEntropy, rule, train, options).State
    let file = CheckpointFile.ToBytes(Checkpoint<float32>(state, rule, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of train))
    Assert.Equal(name, (CheckpointFile.FromBytes<float32>(file, "c.nnck", rule)).Optimizer.Name)
    // The name's length byte, then its 64 bytes (the layer kind "dense" also holds an n).
    let at = [| 0 .. file.Length - 66 |] |> Array.find (fun i -> file[i] = 64uy && Array.forall ((=) (byte 'n')) file[i + 1 .. i + 64])
    let body = bodyOf file
    body[at] <- 65uy
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(reseal body, "c.nnck", rule) |> ignore)
    Assert.Equal(sprintf "c.nnck, byte %d: expected the length of the optimiser's name in 1..64, but found 65." at, e.Message)
