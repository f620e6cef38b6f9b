/// Model files of version 5: version 4's layout, written when a category is empty (a missing field in a categorical
/// column); version 4 files still load, and no earlier version takes an empty category.
module Nn.Tests.Serialization.ModelFileVersion5Tests

open System
open System.IO
open System.Text
open Nn
open Nn.Tests.Helpers
open Xunit

/// A table whose colour column is empty in some rows.
let private rows =
    Table.Read(new StringReader("x,colour,y\n0.5,red,1\n1.5,,0\n2.5,blue,1\n0.25,,0\n"), "missing.csv", Nullable())

let private preprocessing = Preprocessing.Fit(rows, PreprocessingOptions([ "y" ], Categorical = [ "colour" ]))

let private model =
    Model<float32>(Network.Create<float32>(Architecture.Input(4).Dense(3, Activation.Tanh).Dense(2, Activation.Softmax), Initializer.Xavier, 2UL), preprocessing)

let private resealed (bytes: byte[]) (edit: byte[] -> unit) =
    let body = Array.take (bytes.Length - 32) bytes
    edit body
    Array.append body (Security.Cryptography.SHA256.HashData body)

let private formatError (bytes: byte[]) =
    Assert.Throws<ModelFormatException>(fun () -> ModelFile.ModelFromBytes<float32>(bytes, "m.nnm") |> ignore)

[<Fact>]
let ``an empty category is fitted as a category of its own and the model is written as version 5`` () =
    Assert.Equal<string list>([ ""; "blue"; "red" ], List.ofSeq preprocessing.Features[1].Categories)
    Assert.Equal<string list>([ "x"; "colour="; "colour=blue"; "colour=red" ], List.ofSeq preprocessing.InputNames)
    let bytes = ModelFile.ToBytes model
    Assert.Equal(5us, BitConverter.ToUInt16(bytes, 4))
    Assert.Equal(5us, ModelFile.Version)
    let loaded = ModelFile.ModelFromBytes<float32>(bytes, "m.nnm")
    Assert.Equal(model.Network, loaded.Network)
    Assert.Equal(Some preprocessing, Option.ofObj loaded.Preprocessing)
    Assert.Equal(5, (ModelFile.ReadInfo(bytes, "m.nnm")).Version)
    // A row with the field empty switches on the empty category's input, not none.
    Assert.Equal<float32[]>([| 1.5f; 1.0f; 0.0f; 0.0f |], (preprocessing.Inputs<float32> rows).RowArray 1)
    Assert.Equal(model.Predict rows, loaded.Predict rows)

[<Fact>]
let ``a file of version 4 cannot hold an empty category`` () =
    let bytes = resealed (ModelFile.ToBytes model) (fun b -> b[4] <- 4uy)
    Assert.Contains("expected the length of feature 1's category 0 in 1..4096, but found 0", (formatError bytes).Message)

[<Fact>]
let ``models without an empty category keep the versions they had`` () =
    let full = admitPreprocessing ()
    let dense = Network.Create<float32>(Architecture.Input(6).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    Assert.Equal(3us, BitConverter.ToUInt16(ModelFile.ToBytes(Model<float32>(dense, full)), 4))
    Assert.Equal(1us, BitConverter.ToUInt16(ModelFile.ToBytes dense, 4))

[<Fact>]
let ``a file written by format version 4 still loads, preprocessing and state`` () =
    let path = testData "model_v4.nnm"
    Assert.Equal(4, (ModelFile.ReadInfo path).Version)
    let expectedPreprocessing = admitPreprocessing ()
    let network =
        Network.Create<float32>(Architecture.Input(6).Dense(4, Activation.Tanh).BatchNorm().Dropout(0.1).Dense(2, Activation.Softmax), Initializer.Xavier, 3UL)
    let loaded = ModelFile.LoadModel<float32> path
    Assert.Equal(network, loaded.Network)
    Assert.Equal(Some expectedPreprocessing, Option.ofObj loaded.Preprocessing)
    Assert.Equal<byte[]>(File.ReadAllBytes path, ModelFile.ToBytes(Model<float32>(network, expectedPreprocessing)))

[<Fact>]
let ``a preprocessing section whose fields do not fit together is refused at its first byte`` () =
    let bytes = ModelFile.ToBytes model
    // Rename column "x" to "y": every field stays in range, but two columns now share a name.
    let at = (Array.findIndex id [| for i in 0 .. bytes.Length - 6 -> Encoding.ASCII.GetString(bytes, i, 5) = "\001\000\000\000x" |]) + 4
    let e = formatError (resealed bytes (fun b -> b[at] <- byte 'y'))
    Assert.Contains("expected a preprocessing section whose columns, features and targets fit together, but found the column 'y' is listed twice.", e.Message)
