/// Batch normalisation's ε and momentum and dropout's rate as a version-4 model file holds them: a value at the edge of
/// its range loads, and one outside is refused at its own byte with the range named — by the reader, before the layer's
/// constructor, whose message would name neither the byte nor the range. And every field a layer kind reads for
/// itself is named when the file ends inside it, and a layer without bias is written as one.
module Nn.Tests.Serialization.ModelFileLayerFieldTests

open System
open System.Globalization
open System.Security.Cryptography
open Nn
open Xunit

let private epsilon, momentum, rate = 1e-3, 0.2, 0.25

let private network =
    let architecture =
        Architecture.Input(2, 3, 3).Conv2D(2, 2, 2, Activation.Relu).BatchNorm(epsilon, momentum).Dropout(rate).Dense(3, Activation.Softmax)
    Network.Create<float32>(architecture, Initializer.He, 3UL)

/// The file with the one double equal to <paramref name="original"/> replaced (checksum recomputed), and its offset.
let private withField (original: float) (replacement: float) =
    let bytes = ModelFile.ToBytes network
    let body = Array.take (bytes.Length - 32) bytes
    let pattern = BitConverter.GetBytes original
    let at =
        match [ 0 .. body.Length - 8 ] |> List.filter (fun i -> Array.sub body i 8 = pattern) with
        | [ at ] -> at
        | found -> failwithf "expected one double %g in the file, found %d" original found.Length
    Array.blit (BitConverter.GetBytes replacement) 0 body at 8
    Array.append body (SHA256.HashData body), at

let private load (bytes: byte[]) = ModelFile.FromBytes<float32>(bytes, "model.nnm")

let private refused (original: float) (replacement: float) (expected: string) =
    let bytes, at = withField original replacement
    let error = Assert.Throws<ModelFormatException>(fun () -> load bytes |> ignore)
    let found = replacement.ToString("R", CultureInfo.InvariantCulture)
    Assert.Equal($"model.nnm, byte {at}: expected {expected}, but found {found}.", error.Message)

let private layer<'T when 'T :> Layer> (bytes: byte[]) = (load bytes).Architecture.Stack |> Seq.pick (function :? 'T as l -> Some l | _ -> None)

[<Fact>]
let ``an epsilon that is not a positive finite number is refused at its byte`` () =
    for bad in [ 0.0; -1e-3; Double.NaN; Double.PositiveInfinity ] do
        refused epsilon bad "layer 1's epsilon, a positive finite number"

[<Fact>]
let ``the smallest epsilon the element type holds above 0 loads, and one that is 0 there is refused as a fault of the file`` () =
    let smallestSingle = float Single.Epsilon
    Assert.Equal(smallestSingle, (layer<BatchNormLayer> (fst (withField epsilon smallestSingle))).Epsilon)
    let bytes, _ = withField epsilon Double.Epsilon
    Assert.Equal(Double.Epsilon, (ModelFile.FromBytes<float>(bytes, "model.nnm")).Architecture.Stack[1] :?> BatchNormLayer |> fun l -> l.Epsilon)
    let error = Assert.Throws<ModelFormatException>(fun () -> load bytes |> ignore)
    Assert.Contains("expected layers whose constants float32 can hold, but found layer 1 with ε = 5E-324, which is 0 in float32.", error.Message)

[<Fact>]
let ``a momentum outside 0 exclusive to 1 inclusive is refused at its byte, and 1 loads`` () =
    for bad in [ 0.0; -0.2; 1.5; Double.NaN ] do
        refused momentum bad "layer 1's momentum in (0, 1]"
    Assert.Equal(1.0, (layer<BatchNormLayer> (fst (withField momentum 1.0))).Momentum)

[<Fact>]
let ``a dropout rate outside 0 inclusive to 1 exclusive is refused at its byte, and 0 loads`` () =
    for bad in [ 1.0; -0.25; 1.25; Double.NaN ] do
        refused rate bad "layer 2's dropout rate in [0, 1)"
    Assert.Equal(0.0, (layer<DropoutLayer> (fst (withField rate 0.0))).Rate)

/// A convolution, a pooling and a dense layer, the last two without bias, whose integer fields are each a run of
/// bytes found once in the file (a version-2 file: no batch normalisation or dropout).
let private spatial =
    let architecture =
        Architecture.Input(1, 12, 12).Conv2D(7, 3, 2, Activation.Relu, stride = 2, padding = 1, hasBias = false).MaxPool2D(4, 3).Dense(5, Activation.Softmax, hasBias = false)
    Network.Create<float32>(architecture, Initializer.He, 3UL)

/// Where <paramref name="pattern"/> starts in the file's body; it must occur there once.
let private offsetOf (bytes: byte[]) (pattern: byte[]) =
    match [ 0 .. bytes.Length - 32 - pattern.Length ] |> List.filter (fun i -> Array.sub bytes i pattern.Length = pattern) with
    | [ at ] -> at
    | found -> failwithf "expected the pattern once in the file, found it %d times" found.Length

let private int32s (values: int list) = values |> List.map BitConverter.GetBytes |> Array.concat

/// The file cut one byte into the field at <paramref name="at"/> and resealed with the checksum of what is left.
let private endingInside (bytes: byte[]) (at: int) =
    let body = Array.take (at + 1) bytes
    Array.append body (SHA256.HashData body)

let private endsInside (bytes: byte[]) (at: int) (size: int) (field: string) =
    let error = Assert.Throws<ModelFormatException>(fun () -> load (endingInside bytes at) |> ignore)
    Assert.Equal($"model.nnm, byte {at}: expected {size} bytes of {field}, but found only 1 bytes before the checksum.", error.Message)

[<Fact>]
let ``a file that ends inside a convolution's, a pooling's or a dense layer's field names that field`` () =
    let bytes = ModelFile.ToBytes spatial
    let conv = offsetOf bytes (int32s [ 7; 3; 2; 2; 1 ])
    [ "filter count"; "kernel height"; "kernel width"; "stride"; "padding" ]
    |> List.iteri (fun i field -> endsInside bytes (conv + 4 * i) 4 $"layer 0's {field}")
    let pool = offsetOf bytes (int32s [ 4; 3 ])
    endsInside bytes pool 4 "layer 1's window"
    endsInside bytes (pool + 4) 4 "layer 1's stride"
    let dense = offsetOf bytes (Array.concat [ int32s [ 5 ]; [| 0uy; 7uy |]; "softmax"B ])
    endsInside bytes dense 4 "layer 2's output count"

[<Fact>]
let ``a file that ends inside batch normalisation's epsilon or momentum or dropout's rate names that field`` () =
    let bytes = ModelFile.ToBytes network
    for value, field in [ epsilon, "layer 1's epsilon"; momentum, "layer 1's momentum"; rate, "layer 2's dropout rate" ] do
        endsInside bytes (offsetOf bytes (BitConverter.GetBytes value)) 8 field

[<Fact>]
let ``a convolution and a dense layer without bias are read back without bias`` () =
    let loaded = load (ModelFile.ToBytes spatial)
    Assert.Equal("1x12x12-conv7k3x2s2p1(relu,nobias)-maxpool4s3-5(softmax,nobias)", string loaded.Architecture)
    Assert.Equal<float32[]>(spatial.Parameters.ToArray(), loaded.Parameters.ToArray())

[<Fact>]
let ``a float64 model or checkpoint whose epsilon is 0 in float32 loads as float64 and is refused as float32`` () =
    let architecture = Architecture.Input(4).BatchNorm(1e-50).Dense(2, Activation.Softmax)
    let wide = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
    let model = ModelFile.ToBytes wide
    Assert.Equal(wide, ModelFile.FromBytes<float>(model, "wide.nnm"))
    Assert.Contains("layer 0 with ε = 1E-50, which is 0 in float32", (Assert.Throws<ModelFormatException>(fun () -> ModelFile.FromBytes<float32>(model, "wide.nnm") |> ignore)).Message)
    let data = Dataset.FromLabels(Matrix<float>.FromRows [| [| 0.1; 0.2; 0.3; 0.4 |]; [| 0.4; 0.3; 0.2; 0.1 |] |], [| 0; 1 |], 2)
    let options = TrainingOptions(1, 2, 1UL)
    let checkpoint = Checkpoint<float>(Trainer.Start(wide, Adam 0.01, 1UL), Adam 0.01, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of data)
    let bytes = CheckpointFile.ToBytes checkpoint
    Assert.Equal(wide, (CheckpointFile.FromBytes<float>(bytes, "wide.nnck")).State.Network)
    Assert.Contains("layer 0 with ε = 1E-50, which is 0 in float32", (Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(bytes, "wide.nnck") |> ignore)).Message)
