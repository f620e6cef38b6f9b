/// Fuzzing the model and checkpoint readers: random bytes, damaged files, and damaged files resealed with a valid
/// checksum (so that the damage reaches the field-by-field checks behind it). The law: a file loads (the original
/// when the bytes are unchanged) or throws ModelFormatException — never any other exception.
module Nn.Tests.Serialization.FileFuzzTests

open System
open System.Security.Cryptography
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.Data.ReaderFuzzTests

/// What loading gave: the value, a format error, or any other exception (always a failure).
type Outcome<'T> =
    | Loaded of 'T
    | FormatError
    | Crashed of exn

let private outcome (load: unit -> 'T) =
    try Loaded(load ()) with
    | :? ModelFormatException -> FormatError
    | e -> Crashed e

let private train = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0..39 |])
let private architecture = Architecture.Input(64).Dense(3, Activation.Tanh).Dense(10, Activation.Softmax)
let private network = Network.Create<float32>(architecture, Initializer.Xavier, 5UL)

let private checkpoint =
    let rule = Adam 0.01
    let options = TrainingOptions(Epochs = 3, BatchSize = 20, Seed = 4UL)
    let state = Trainer.Train(network, Loss.SoftmaxCrossEntropy, rule, train, TrainingOptions(Epochs = 2, BatchSize = 20, Seed = 4UL)).State
    Checkpoint<float32>(state, rule, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of train)

/// The damaged body of a file followed by the SHA-256 of that body, as a writer would have sealed it.
let private reseal (body: byte[]) = Array.append body (SHA256.HashData body)

let private body (file: byte[]) = Array.truncate (file.Length - SHA256.HashSizeInBytes) file

/// Damaged bytes: either as they are (the checksum catches them) or resealed (the field checks must).
let private damagedFileGen (file: byte[]) =
    gen {
        let! resealed = Gen.elements [ false; true ]
        let! damaged, damages = damagedGen (if resealed then body file else file)
        return (if resealed then reseal damaged else damaged), damages, resealed
    }

let private law (same: 'T -> bool) (result: Outcome<'T>) (unchanged: bool) =
    match result with
    | Loaded value -> not unchanged || same value
    | FormatError -> not unchanged
    | Crashed _ -> false

let private fuzz (file: byte[]) (load: byte[] -> 'T) (same: 'T -> bool) =
    Prop.forAll (Arb.fromGen (damagedFileGen file)) (fun (damaged, damages, resealed) ->
        let result = outcome (fun () -> load damaged)
        explain (law same result (List.isEmpty damages)) (fun () -> sprintf "resealed %b, %A: %A" resealed damages result))

[<Property(MaxTest = 300)>]
let ``a damaged model file loads as float32 or throws ModelFormatException`` () =
    fuzz (ModelFile.ToBytes network) (fun b -> ModelFile.FromBytes<float32>(b, "m.nnm")) ((=) network)

[<Property(MaxTest = 300)>]
let ``a damaged double model file loads as double or throws ModelFormatException`` () =
    let wide = Network<float>(architecture, network.Parameters.Convert<float>())
    fuzz (ModelFile.ToBytes wide) (fun b -> ModelFile.FromBytes<float>(b, "m.nnm")) ((=) wide)

[<Property(MaxTest = 200)>]
let ``a damaged model file's info reads as the file's or throws ModelFormatException`` () =
    let file = ModelFile.ToBytes network
    let expected = ModelFileInfo(1, "float32", architecture, int64 file.Length)
    fuzz file (fun b -> ModelFile.ReadInfo(b, "m.nnm")) ((=) expected)

let private sameCheckpoint (c: Checkpoint<float32>) =
    c.State = checkpoint.State && c.Optimizer = checkpoint.Optimizer && c.Loss = checkpoint.Loss
    && c.Options = checkpoint.Options && c.TrainingData = checkpoint.TrainingData

[<Property(MaxTest = 300)>]
let ``a damaged checkpoint file loads or throws ModelFormatException`` () =
    fuzz (CheckpointFile.ToBytes checkpoint) (fun b -> CheckpointFile.FromBytes<float32>(b, "c.nnck")) sameCheckpoint

[<Property(MaxTest = 100)>]
let ``a damaged checkpoint file loads as double or throws ModelFormatException`` () =
    fuzz (CheckpointFile.ToBytes checkpoint) (fun b -> CheckpointFile.FromBytes<float>(b, "c.nnck")) (fun c -> c.State.EpochsCompleted = checkpoint.State.EpochsCompleted)

[<Property(MaxTest = 200)>]
let ``random bytes, with or without a valid magic, version and checksum, are not a model or checkpoint file`` (garbage: byte[]) (magic: bool) =
    let files =
        if magic then [ reseal (Array.append "NNMF\001\000"B garbage), true; reseal (Array.append "NNCK\002\000"B garbage), false ]
        else [ garbage, true; garbage, false ]
    files
    |> List.forall (fun (bytes, isModel) ->
        let result =
            if isModel then outcome (fun () -> ModelFile.FromBytes<float32>(bytes, "m") |> ignore)
            else outcome (fun () -> CheckpointFile.FromBytes<float32>(bytes, "c") |> ignore)
        match result with
        | Crashed _ -> false
        | _ -> true)
