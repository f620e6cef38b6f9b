/// The model file: round trips, atomic saves, and the law that a corrupted file either loads the identical
/// network or throws ModelFormatException — never anything else.
module Nn.Tests.Serialization.ModelFileTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open System.IO
open Nn
open Nn.Tests.Arbitraries
open Nn.Tests.Data.IdxDataTests

/// A random network in double with parameters in [−1, 1].
let networkGen =
    gen {
        let! architecture = architecture
        let! theta = parametersFor architecture
        return Network.FromParameters(architecture, ReadOnlySpan theta)
    }

/// One way a file can be damaged.
type Corruption =
    | Truncate of length: int
    | FlipByte of position: int * mask: byte
    | WrongVersion of version: uint16

let corruptionGen (length: int) =
    Gen.oneof
        [ Gen.choose (0, length - 1) |> Gen.map Truncate
          Gen.map2 (fun p m -> FlipByte(p, byte m)) (Gen.choose (0, length - 1)) (Gen.choose (1, 255))
          Gen.choose (0, 65535) |> Gen.filter (fun v -> v <> 1) |> Gen.map (uint16 >> WrongVersion) ]

let corrupt (bytes: byte[]) corruption =
    match corruption with
    | Truncate length -> Array.sub bytes 0 length
    | FlipByte(position, mask) ->
        let copy = Array.copy bytes
        copy[position] <- copy[position] ^^^ mask
        copy
    | WrongVersion version ->
        let copy = Array.copy bytes
        copy[4] <- byte version
        copy[5] <- byte (version >>> 8)
        copy

/// Loads damaged bytes: true when the result is the original or a ModelFormatException; any other outcome fails.
let loadsIdenticalOrThrowsFormatError (load: byte[] -> 'a) (original: 'a) (damaged: byte[]) =
    try
        load damaged = original
    with :? ModelFormatException -> true

[<Properties(Arbitrary = [| typeof<Generators> |], MaxTest = 100)>]
module Properties =

    [<Property>]
    let ``a saved network loads back identical in double`` () =
        Prop.forAll (Arb.fromGen networkGen) (fun network ->
            ModelFile.FromBytes<float>(ModelFile.ToBytes network, "m") = network)

    [<Property>]
    let ``a saved network loads back identical in float`` () =
        Prop.forAll (Arb.fromGen networkGen) (fun network ->
            let network32 = Network<float32>(network.Architecture, network.Parameters.Convert<float32>())
            ModelFile.FromBytes<float32>(ModelFile.ToBytes network32, "m") = network32)

    [<Property(MaxTest = 300)>]
    let ``a corrupted model file loads the identical network or throws ModelFormatException`` () =
        let case =
            gen {
                let! network = networkGen
                let bytes = ModelFile.ToBytes network
                let! corruption = corruptionGen bytes.Length
                return network, bytes, corruption
            }
        Prop.forAll (Arb.fromGen case) (fun (network, bytes, corruption) ->
            loadsIdenticalOrThrowsFormatError (fun b -> ModelFile.FromBytes<float>(b, "m")) network (corrupt bytes corruption)
            |> Prop.label (sprintf "%A" corruption))

let private network =
    Network.Create<float>(Architecture.Input(4).Dense(3, Activation.Tanh).Dense(2, Activation.Softmax), Initializer.Xavier, 7UL)

let private formatError (bytes: byte[]) =
    Assert.Throws<ModelFormatException>(fun () -> ModelFile.FromBytes<float>(bytes, "model.nnm") |> ignore)

[<Fact>]
let ``the file starts with the magic and version and ends with a 32-byte checksum`` () =
    let bytes = ModelFile.ToBytes network
    Assert.Equal<byte[]>("NNMF"B, Array.sub bytes 0 4)
    Assert.Equal((1uy, 0uy, 8uy, 0uy), (bytes[4], bytes[5], bytes[6], bytes[7]))
    // header 8 + input size 4 + layer count 4 + layers (4+1+1+4 "tanh") + (4+1+1+7 "softmax") + count 8 + 23 doubles + checksum 32
    Assert.Equal(8 + 4 + 4 + 10 + 13 + 8 + (23 * 8) + 32, bytes.Length)

[<Fact>]
let ``a wrong magic says the file is not a model file`` () =
    let bytes = ModelFile.ToBytes network
    bytes[0] <- byte 'X'
    Assert.Equal("model.nnm, byte 0: expected the model file magic 'NNMF', but found 'XNMF'.", (formatError bytes).Message)

[<Fact>]
let ``a checkpoint given as a model, or a model as a checkpoint, is named as the other kind with what reads it`` () =
    let checkpoint = IO.File.ReadAllBytes(Nn.Tests.Helpers.testData "checkpoint_v5.nnck")
    Assert.Equal(
        "c.nnck, byte 0: expected the model file magic 'NNMF', but found 'NNCK' (a checkpoint: nn train --resume and nn info read it, CheckpointFile.Load in code).",
        (Assert.Throws<ModelFormatException>(fun () -> ModelFile.ModelFromBytes<float32>(checkpoint, "c.nnck") |> ignore)).Message)
    Assert.Equal(
        "model.nnm, byte 0: expected the checkpoint file magic 'NNCK', but found 'NNMF' (a model file: nn eval, predict, info, export and gradcheck read it, ModelFile.Load in code).",
        (Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float>(ModelFile.ToBytes network, "model.nnm") |> ignore)).Message)

[<Fact>]
let ``another version names the versions this library reads`` () =
    let bytes = ModelFile.ToBytes network
    bytes[4] <- 6uy
    Assert.Equal("model.nnm, byte 4: expected format version 1 to 5, but found version 6.", (formatError bytes).Message)

[<Fact>]
let ``a flipped parameter byte fails the checksum`` () =
    let bytes = ModelFile.ToBytes network
    bytes[bytes.Length - 40] <- bytes[bytes.Length - 40] ^^^ 1uy
    Assert.Contains("SHA-256 checksum", (formatError bytes).Message)

[<Fact>]
let ``a truncated file names its length`` () =
    let bytes = ModelFile.ToBytes network
    Assert.Contains("the file is corrupt or truncated", (formatError (Array.sub bytes 0 100)).Message)
    Assert.Contains("a 5-byte file (truncated)", (formatError (Array.sub bytes 0 5)).Message)

[<Fact>]
let ``a float model loads as double with the same values`` () =
    let single = Network<float32>(network.Architecture, network.Parameters.Convert<float32>())
    let loaded = ModelFile.FromBytes<float>(ModelFile.ToBytes single, "m")
    Assert.Equal(single.Parameters.Convert<float>(), loaded.Parameters)

[<Fact>]
let ``save then load through a file gives the identical network and ReadInfo describes it`` () =
    let directory = tempDirectory ()
    try
        let path = Path.Combine(directory, "model.nnm")
        ModelFile.Save(network, path)
        Assert.Equal(network, ModelFile.Load<float> path)
        let info = ModelFile.ReadInfo path
        Assert.Equal((1, "float64", network.Architecture), (info.Version, info.ElementType, info.Architecture))
        Assert.Equal(FileInfo(path).Length, info.Length)
    finally Directory.Delete(directory, true)

[<Fact>]
let ``a failed save leaves the previous file intact and no temporary file behind`` () =
    let directory = tempDirectory ()
    try
        let path = Path.Combine(directory, "model.nnm")
        ModelFile.Save(network, path)
        let before = File.ReadAllBytes path
        let custom =
            Network.Create<float>(
                Architecture.Input(4).Dense(2, Activation.Elementwise<Nn.Tests.Checking.UserDefinedTests.Softplus>()), Initializer.Xavier, 1UL)
        let e = Assert.Throws<ArgumentException>(fun () -> ModelFile.Save(custom, path))
        Assert.Contains("'softplus' is not a built-in activation", e.Message)
        Assert.Equal<byte[]>(before, File.ReadAllBytes path)
        Assert.Equal<string[]>([| path |], Directory.GetFiles directory)
    finally Directory.Delete(directory, true)

[<Fact>]
let ``an atomic write that fails midway keeps the old content and removes its temporary file`` () =
    let directory = tempDirectory ()
    try
        let path = Path.Combine(directory, "file.bin")
        File.WriteAllBytes(path, [| 1uy; 2uy; 3uy |])
        Assert.Throws<InvalidOperationException>(fun () ->
            AtomicFile.Write(path, fun stream ->
                stream.Write([| 9uy; 9uy |])
                raise (InvalidOperationException "disk full")))
        |> ignore
        Assert.Equal<byte[]>([| 1uy; 2uy; 3uy |], File.ReadAllBytes path)
        Assert.Equal<string[]>([| path |], Directory.GetFiles directory)
        AtomicFile.Write(path, fun stream -> stream.Write([| 4uy |]))
        Assert.Equal<byte[]>([| 4uy |], File.ReadAllBytes path)
    finally Directory.Delete(directory, true)

[<Fact>]
let ``saving into a missing directory names the directory`` () =
    let missing = Path.Combine(Path.GetTempPath(), "nn-missing-" + Guid.NewGuid().ToString("N"))
    let e = Assert.Throws<DirectoryNotFoundException>(fun () -> ModelFile.Save(network, Path.Combine(missing, "model.nnm")))
    Assert.Contains(missing, e.Message)

/// A model file for 4 inputs → 1 sigmoid output whose header is then edited: input size, output count and parameter
/// count set as given, with the checksum recomputed so that only the field checks can refuse it.
let private header (inputs: int) (outputs: int) (parameters: int64) =
    let original = Network.Create<float>(Architecture.Input(4).Dense(1, Activation.Sigmoid), Initializer.Xavier, 1UL)
    let bytes = ModelFile.ToBytes original
    let body = Array.take (bytes.Length - 32) bytes
    BitConverter.GetBytes(inputs).CopyTo(body, 8)
    BitConverter.GetBytes(outputs).CopyTo(body, 16)
    // input size, layer count, then layer 0: output count 4, flags 1, name 1 + 7 ("sigmoid")
    BitConverter.GetBytes(parameters).CopyTo(body, 16 + 4 + 1 + 8)
    Array.append body (Security.Cryptography.SHA256.HashData body)

[<Fact>]
let ``a header declaring 1e9 inputs is refused at the input size's offset, not with an overflow`` () =
    let e = formatError (header 1_000_000_000 1 1_000_000_001L)
    Assert.Equal(8L, e.Offset)
    Assert.Equal("model.nnm, byte 8: expected the input size in 1..16777216, but found 1000000000.", e.Message)

[<Fact>]
let ``a layer wider than the width limit is refused at its output count`` () =
    let e = formatError (header 4 (Limits.MaxWidth + 1) 5L)
    Assert.Equal(16L, e.Offset)
    Assert.Contains("layer 0's output count in 1..16777216", e.Message)

[<Fact>]
let ``widths within the limit whose product passes the parameter limit are refused at the layer`` () =
    let e = formatError (header Limits.MaxWidth Limits.MaxWidth 0L)
    Assert.Equal(16L, e.Offset)
    Assert.Contains("expected at most 2147483591 parameters (Limits.MaxParameterCount), but found layers with 281474993487872 or more", e.Message)

[<Fact>]
let ``a parameter vector longer than the file is refused as too short, not with an overflow of its byte count`` () =
    // 2^24 inputs → 127 outputs: 2130706559 parameters, within the limit, but 17 GB of doubles the file does not hold.
    let e = formatError (header Limits.MaxWidth 127 2130706559L)
    Assert.Equal(37L, e.Offset)
    Assert.Contains("expected 17045652472 bytes of the parameters, but found only", e.Message)

let private convolutional =
    Network.Create<float>(
        Architecture.Input(2, 7, 6).Conv2D(3, 3, 2, Activation.Relu, stride = 2, padding = 1, hasBias = false).MaxPool2D(2, 1).Dense(4, Activation.Softmax),
        Initializer.He,
        3UL)

[<Fact>]
let ``a network with convolution and pooling layers is written as version 2 and loads back identical`` () =
    let bytes = ModelFile.ToBytes convolutional
    Assert.Equal((2uy, 0uy), (bytes[4], bytes[5]))
    let again = ModelFile.FromBytes<float>(bytes, "conv.nnm")
    Assert.Equal(convolutional, again)
    let single = ModelFile.FromBytes<float32>(bytes, "conv.nnm")
    Assert.Equal(convolutional.Architecture, single.Architecture)

[<Fact>]
let ``a dense network over an image input keeps its input shape in version 2`` () =
    let flat = Network.Create<float>(Architecture.Input(1, 2, 2).Dense(2, Activation.Sigmoid), Initializer.Xavier, 1UL)
    let bytes = ModelFile.ToBytes flat
    Assert.Equal(2uy, bytes[4])
    Assert.Equal(Shape.Image(1, 2, 2), ModelFile.FromBytes<float>(bytes, "m").Architecture.InputShape)

[<Fact>]
let ``a file written by format version 1 still loads`` () =
    let path = Nn.Tests.Helpers.testData "model_v1.nnm"
    let info = ModelFile.ReadInfo path
    Assert.Equal(1, info.Version)
    let expected = Network.Create<float32>(Architecture.Input(4).Dense(3, Activation.Tanh).Dense(2, Activation.Softmax), Initializer.Xavier, 7UL)
    Assert.Equal(expected, ModelFile.Load<float32> path)
    Assert.Equal<byte[]>(File.ReadAllBytes path, ModelFile.ToBytes expected)

/// The version-2 body of the convolutional network with its checksum recomputed after <paramref name="edit"/>.
let private edited (edit: byte[] -> unit) =
    let bytes = ModelFile.ToBytes convolutional
    let body = Array.take (bytes.Length - 32) bytes
    edit body
    Array.append body (Security.Cryptography.SHA256.HashData body)

/// Offsets in the version-2 layout: header 8, input kind 1 at 8, C/H/W at 9/13/17, layer count at 21, then layer 0's
/// kind name (1 + 6 "conv2d") at 25 and its filters at 32, kernel height 36, kernel width 40, stride 44, padding 48.
let badVersion2Fields : obj[] list =
    [ [| "input kind"; (fun (b: byte[]) -> b[8] <- 5uy); "byte 8: expected the input kind 0 (vector) or 1 (image), but found 5." |]
      [| "vector with a height"; (fun (b: byte[]) -> b[8] <- 0uy); "byte 13: expected the input height in 1..1" |]
      [| "unknown kind"; (fun (b: byte[]) -> b[26] <- byte 'k'); "byte 25: expected layer 0's kind: batchnorm, conv2d, dense, dropout, maxpool2d, but found 'konv2d'." |]
      [| "kernel taller than the input"; (fun (b: byte[]) -> b[36] <- 12uy); "byte 25: expected layer 0 (conv2d) to fit the shape 2x7x6 below it, but found a 12x2 kernel does not fit the input 2x7x6 padded by 1 (9x8)" |]
      [| "zero stride"; (fun (b: byte[]) -> b[44] <- 0uy); "expected layer 0's stride in 1.." |]
      // int.MaxValue² × 8 passes 2⁶³, so a product of the three in 64 bits wraps round below int.MaxValue.
      [| "input too large to multiply in 64 bits"
         (fun (b: byte[]) -> BitConverter.TryWriteBytes(Span(b, 9, 4), Int32.MaxValue) |> ignore
                             BitConverter.TryWriteBytes(Span(b, 13, 4), Int32.MaxValue) |> ignore
                             BitConverter.TryWriteBytes(Span(b, 17, 4), 8) |> ignore)
         "byte 9: expected an input of at most 2147483647 values, but found 2147483647x2147483647x8." |] ]

[<Theory>]
[<MemberData(nameof badVersion2Fields)>]
let ``a damaged version-2 field is refused naming the byte and what was expected`` (_field: string) (edit: byte[] -> unit) (message: string) =
    Assert.Contains(message, (formatError (edited edit)).Message)

[<Fact>]
let ``networks without the new kinds are still written as versions 1 and 2`` () =
    Assert.Equal(1us, BitConverter.ToUInt16(ModelFile.ToBytes network, 4))
    Assert.Equal(2us, BitConverter.ToUInt16(ModelFile.ToBytes convolutional, 4))

[<Fact>]
let ``a file written by format version 3 still loads, preprocessing and all`` () =
    let path = Nn.Tests.Helpers.testData "model_v3.nnm"
    Assert.Equal(3, (ModelFile.ReadInfo path).Version)
    let expected = Nn.Tests.Helpers.admitModel ()
    let loaded = ModelFile.LoadModel<float32> path
    Assert.Equal(expected.Network, loaded.Network)
    Assert.Equal(Some expected.Preprocessing, Option.ofObj loaded.Preprocessing)
    Assert.Equal<byte[]>(File.ReadAllBytes path, ModelFile.ToBytes expected)

[<Fact>]
let ``a parameter that is not finite as loaded is refused naming the stored value, in the invariant culture`` () =
    Nn.Tests.Helpers.underCulture "de-DE" (fun () ->
        // A float64 file holding 1E+300 was refused as "found Infinity at element 0" (under de-DE "found ∞"): the value
        // float32 makes of it, not the one in the file.
        let theta = network.Parameters.ToArray()
        theta[0] <- 1e300
        let beyond = ModelFile.ToBytes(Network.FromParameters(network.Architecture, ReadOnlySpan theta))
        let error = Assert.Throws<ModelFormatException>(fun () -> ModelFile.FromBytes<float32>(beyond, "model.nnm") |> ignore)
        Assert.Equal("model.nnm, byte 47: expected finite numbers in the parameters, but found 1E+300 at element 0, which is infinite in float32.", error.Message)
        // θ starts at byte 47 in this layout (docs/file-format.md's example).
        let body = Array.take (beyond.Length - 32) beyond
        BitConverter.GetBytes Double.PositiveInfinity |> Array.iteri (fun i b -> body[47 + i] <- b)
        let infinite = Array.append body (Security.Cryptography.SHA256.HashData body)
        Assert.Equal("model.nnm, byte 47: expected finite numbers in the parameters, but found Infinity at element 0.", (formatError infinite).Message))
