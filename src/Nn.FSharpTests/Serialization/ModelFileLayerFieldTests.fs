/// Batch normalisation's ε and momentum and dropout's rate as a version-4 model file holds them: a value at the edge of
/// its range loads, and one outside is refused at its own byte with the range named — by the reader, before the layer's
/// constructor, whose message would name neither the byte nor the range.
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
let ``the smallest positive epsilon loads`` () =
    Assert.Equal(Double.Epsilon, (layer<BatchNormLayer> (fst (withField epsilon Double.Epsilon))).Epsilon)

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
