/// A systematic sweep of the model and checkpoint readers over a file of every format version: the file cut at every
/// length, and every byte replaced by a few values (0, 0xFF, 0x7F, and the byte with its top bit flipped), both as
/// they are (the checksum must catch them) and resealed with a valid checksum (so the field checks must). The law:
/// the file loads or throws ModelFormatException, never any other exception. The random damage of FileFuzzTests
/// may miss a byte; this walks them all.
module Nn.Tests.Serialization.FileSweepTests

open System
open System.IO
open System.Security.Cryptography
open Nn
open Nn.Tests.Helpers
open Xunit

let private reseal (body: byte[]) = Array.append body (SHA256.HashData body)

/// Every prefix of the file, shorter than the file.
let private truncations (file: byte[]) =
    seq { for length in 0 .. file.Length - 1 -> sprintf "cut to %d bytes" length, Array.truncate length file }

/// Every byte of the body replaced by each of a few values; resealed or not.
let private replacements (resealed: bool) (file: byte[]) =
    let body = if resealed then Array.truncate (file.Length - SHA256.HashSizeInBytes) file else file
    seq {
        for offset in 0 .. body.Length - 1 do
            let original = body[offset]
            for value in [ 0uy; 0xFFuy; 0x7Fuy; original ^^^ 0x80uy ] |> List.distinct |> List.filter ((<>) original) do
                let damaged = Array.copy body
                damaged[offset] <- value
                yield sprintf "byte %d: 0x%02X -> 0x%02X%s" offset original value (if resealed then " (resealed)" else ""),
                      (if resealed then reseal damaged else damaged)
    }

let private sweep (file: byte[]) (load: byte[] -> unit) =
    let found =
        escapesOf<ModelFormatException> load (Seq.concat [ truncations file; replacements false file; replacements true file ])
    Assert.True(List.isEmpty found, sprintf "%A" (found |> List.map (fun (damage, e) -> damage, e.GetType().Name, e.Message)))

/// A float32 model file of version 5: a category that is empty (as in ModelFileVersion5Tests).
let private modelVersion5 () =
    let rows = Table.Read(new StringReader("x,colour,y\n0.5,red,1\n1.5,,0\n2.5,blue,1\n0.25,,0\n"), "missing.csv", Nullable())
    let preprocessing = Preprocessing.Fit(rows, PreprocessingOptions([ "y" ], Categorical = [ "colour" ]))
    let network = Network.Create<float32>(Architecture.Input(4).Dense(3, Activation.Tanh).Dense(2, Activation.Softmax), Initializer.Xavier, 2UL)
    ModelFile.ToBytes(Model<float32>(network, preprocessing))

/// A checkpoint of version 6 (the one saving writes) of a network with batch normalisation, so its state is swept too.
let private checkpointVersion6 () =
    let train = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0..19 |])
    let architecture = Architecture.Input(64).Dense(3, Activation.Tanh).BatchNorm().Dense(10, Activation.Softmax)
    let network = Network.Create<float32>(architecture, Initializer.Xavier, 5UL)
    let rule = Adam 0.01
    let options = TrainingOptions(Epochs = 2, BatchSize = 10, Seed = 4UL)
    let state = Trainer.Train(network, Loss.SoftmaxCrossEntropy, rule, train, options).State
    CheckpointFile.ToBytes(Checkpoint<float32>(state, rule, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of train))

/// The model file of a version: 1 to 4 from TestData, 5 written here.
let modelFile version =
    if version = 5 then modelVersion5 () else File.ReadAllBytes(testData (sprintf "model_v%d.nnm" version))

/// The checkpoint file of a version: 1 to 5 from TestData, 6 written here.
let checkpointFile version =
    if version = 6 then checkpointVersion6 () else File.ReadAllBytes(testData (sprintf "checkpoint_v%d.nnck" version))

[<Theory>]
[<InlineData 1>]
[<InlineData 2>]
[<InlineData 3>]
[<InlineData 4>]
[<InlineData 5>]
let ``a model file of every version, cut anywhere or with any byte replaced, loads or throws ModelFormatException`` (version: int) =
    let file = modelFile version
    Assert.Equal(uint16 version, BitConverter.ToUInt16(file, 4))
    sweep file (fun bytes ->
        ModelFile.ModelFromBytes<float32>(bytes, "m.nnm") |> ignore
        ModelFile.FromBytes<float>(bytes, "m.nnm") |> ignore)
    sweep file (fun bytes -> ModelFile.ReadInfo(bytes, "m.nnm") |> ignore)

[<Theory>]
[<InlineData 1>]
[<InlineData 2>]
[<InlineData 3>]
[<InlineData 4>]
[<InlineData 5>]
[<InlineData 6>]
let ``a checkpoint file of every version, cut anywhere or with any byte replaced, loads or throws ModelFormatException`` (version: int) =
    let file = checkpointFile version
    Assert.Equal(uint16 version, BitConverter.ToUInt16(file, 4))
    sweep file (fun bytes -> CheckpointFile.FromBytes<float32>(bytes, "c.nnck") |> ignore)
    sweep file (fun bytes -> CheckpointFile.FromBytes<float>(bytes, "c.nnck") |> ignore)
