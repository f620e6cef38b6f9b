/// The preprocessing section of a model file, field by field: each refused at its own byte when it is out of range,
/// and each value its range allows read back as written.
module Nn.Tests.Serialization.PreprocessingFormatTests

open System
open System.Text
open Nn
open Nn.Tests.Helpers
open Xunit

let private preprocessing = admitPreprocessing ()

let private model = admitModel ()

/// The model's version-3 file with its body edited and the checksum made again.
let private resealed (edit: byte[] -> unit) =
    let bytes = ModelFile.ToBytes model
    let body = Array.take (bytes.Length - 32) bytes
    edit body
    Array.append body (Security.Cryptography.SHA256.HashData body)

let private formatError (bytes: byte[]) =
    Assert.Throws<ModelFormatException>(fun () -> ModelFile.ModelFromBytes<float32>(bytes, "m.nnm") |> ignore)

/// The preprocessing starts at byte 60 (ModelFileVersion3Tests): the task, the label offset, the class count and the
/// column count (1 + 4 + 4 + 4), each column's name (its length in 4 bytes, then its UTF-8), then the target count.
let private targetCountAt = 60 + 13 + (preprocessing.Columns |> Seq.sumBy (fun c -> 4 + Encoding.UTF8.GetByteCount c))

[<Fact>]
let ``a classification section naming two targets is refused at its target count`` () =
    let bytes =
        resealed (fun body ->
            Assert.Equal(1, BitConverter.ToInt32(body, targetCountAt))
            body[targetCountAt] <- 2uy)
    Assert.Equal(sprintf "m.nnm, byte %d: expected the target count in 1..1, but found 2." targetCountAt, (formatError bytes).Message)

[<Fact>]
let ``a negative label offset is read back as written`` () =
    let rows = Table.Read(new IO.StringReader("x,label\n0.5,-1\n1.5,0\n2.5,1\n"), "labels.csv", Nullable())
    let fitted = Preprocessing.Fit(rows, PreprocessingOptions([ "label" ], LabelOffset = Nullable(-1)))
    Assert.Equal((-1, 3), (fitted.LabelOffset, fitted.ClassCount))
    let network = Network.Create<float32>(Architecture.Input(1).Dense(3, Activation.Softmax), Initializer.Xavier, 1UL)
    let loaded = ModelFile.ModelFromBytes<float32>(ModelFile.ToBytes(Model<float32>(network, fitted)), "m.nnm")
    Assert.Equal(Some fitted, Option.ofObj loaded.Preprocessing)
    Assert.Equal(-1, (nonNull loaded.Preprocessing).LabelOffset)
