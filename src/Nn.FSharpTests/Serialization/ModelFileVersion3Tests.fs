/// Model files of version 3: a network with its preprocessing, saved and loaded whole; older versions still load.
module Nn.Tests.Serialization.ModelFileVersion3Tests

open System
open System.IO
open Nn
open Nn.Tests.Helpers
open Xunit

let private preprocessing = admitPreprocessing ()

let private model = admitModel ()

[<Fact>]
let ``a model with preprocessing is written as version 3 and loads back equal`` () =
    let bytes = ModelFile.ToBytes model
    Assert.Equal(3us, BitConverter.ToUInt16(bytes, 4))
    let loaded = ModelFile.ModelFromBytes<float32>(bytes, "m.nnm")
    Assert.Equal(model.Network, loaded.Network)
    Assert.Equal(Some preprocessing, Option.ofObj loaded.Preprocessing)
    Assert.Equal(3, (ModelFile.ReadInfo(bytes, "m.nnm")).Version)

[<Fact>]
let ``Load gives the network of a version-3 file and LoadModel gives no preprocessing for older files`` () =
    Assert.Equal(model.Network, ModelFile.FromBytes<float32>(ModelFile.ToBytes model, "m.nnm"))
    let old = ModelFile.LoadModel<float32>(testData "model_v1.nnm")
    Assert.Null old.Preprocessing

[<Fact>]
let ``a model without preprocessing is written exactly as the network alone`` () =
    Assert.Equal<byte[]>(ModelFile.ToBytes model.Network, ModelFile.ToBytes(Model<float32>(model.Network, null)))

[<Fact>]
let ``a file written by format version 2 still loads`` () =
    let path = testData "model_v2.nnm"
    Assert.Equal(2, (ModelFile.ReadInfo path).Version)
    let expected =
        Network.Create<float32>(
            Architecture.Input(1, 6, 6).Conv2D(2, 3, 3, Activation.Relu, stride = 1, padding = 1).MaxPool2D(2, 2).Dense(3, Activation.Softmax),
            Initializer.He,
            5UL)
    Assert.Equal(expected, ModelFile.Load<float32> path)
    Assert.Equal<byte[]>(File.ReadAllBytes path, ModelFile.ToBytes expected)

[<Fact>]
let ``a loaded model predicts from raw rows as the network does from preprocessed inputs`` () =
    let rows = Table.Load(testData "binary.csv", Nullable true)
    let loaded = ModelFile.ModelFromBytes<float32>(ModelFile.ToBytes model, "m.nnm")
    Assert.Equal(Network.Forward(model.Network, preprocessing.Inputs<float32> rows), loaded.Predict rows)

/// Offsets in this model's version-3 file: header 8, input 17 bytes (to 25), layers "dense" x2 at 25 (1+5+4+1+1+4)
/// and 41 (1+5+4+1+1+7), so the preprocessing starts at 60 with the task byte.
[<Fact>]
let ``a damaged preprocessing field is refused naming the byte`` () =
    let bytes = ModelFile.ToBytes model
    let body = Array.take (bytes.Length - 32) bytes
    body[60] <- 7uy
    let damaged = Array.append body (Security.Cryptography.SHA256.HashData body)
    let e = Assert.Throws<ModelFormatException>(fun () -> ModelFile.ModelFromBytes<float32>(damaged, "m.nnm") |> ignore)
    Assert.Equal("m.nnm, byte 60: expected the task 0 (classification) or 1 (regression), but found 7.", e.Message)

[<Fact>]
let ``every truncation of a version-3 file is refused`` () =
    let bytes = ModelFile.ToBytes model
    for length in 0 .. 7 .. bytes.Length - 1 do
        Assert.Throws<ModelFormatException>(fun () -> ModelFile.ModelFromBytes<float32>(Array.take length bytes, "m.nnm") |> ignore) |> ignore

/// The body of the model's file with the checksum recomputed after the first 8 bytes that hold `was` hold `now`.
let private replacedDouble (was: float) (now: float) =
    let bytes = ModelFile.ToBytes model
    let body = Array.take (bytes.Length - 32) bytes
    let at = Array.findIndex id [| for i in 0 .. body.Length - 8 -> BitConverter.ToDouble(body, i) = was |]
    BitConverter.GetBytes now |> Array.iteri (fun i b -> body[at + i] <- b)
    at, Array.append body (Security.Cryptography.SHA256.HashData body)

[<Fact>]
let ``a damaged mean or deviation is refused with its value in the invariant culture`` () =
    underCulture "de-DE" (fun () ->
        // The messages read "found -1,5" and "found ∞" under de-DE.
        let numeric = preprocessing.Features |> Seq.find (fun f -> not f.IsCategorical)
        let at, negative = replacedDouble numeric.Deviation -1.5
        let e = Assert.Throws<ModelFormatException>(fun () -> ModelFile.ModelFromBytes<float32>(negative, "m.nnm") |> ignore)
        Assert.EndsWith($"byte {at}: expected feature 0's deviation above 0, but found -1.5.", e.Message)
        let at, infinite = replacedDouble numeric.Mean Double.PositiveInfinity
        let e = Assert.Throws<ModelFormatException>(fun () -> ModelFile.ModelFromBytes<float32>(infinite, "m.nnm") |> ignore)
        Assert.Contains($"byte {at}: expected a finite ", e.Message)
        Assert.EndsWith(", but found Infinity.", e.Message))
