/// Walks every layer kind of the library through ONNX export and ONNX Runtime: each kind's example (shared with the
/// library's and the CLI's walks) exported in float32 runs there and computes what Network.Forward computes, and
/// exports in float64 too. A kind without an example, or without an ONNX mapping, fails here.
module Nn.Onnx.Tests.LayerKindTests

open System
open Nn
open Nn.Onnx
open Nn.Onnx.Tests.OnnxRuntime
open Nn.Tests.Layers
open Xunit

let kinds = LayerKindExamples.kindNames

[<Fact>]
let ``every layer kind in the library has an example to export`` () =
    Assert.Equal<Set<string>>(LayerKindExamples.kindsInLibrary (), LayerKindExamples.kindsWithExamples ())

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind exports to ONNX and runs in ONNX Runtime as the library's forward pass`` (kind: string) =
    let architecture = (LayerKindExamples.example kind).Architecture
    let network = Network.Create<float32>(architecture, Initializer.Xavier, 4UL)
    let random = Random(5)
    let inputs = Matrix<float32>.Create(3, architecture.InputSize, ReadOnlySpan(Array.init (3 * architecture.InputSize) (fun _ -> float32 (random.NextDouble() * 2.0 - 1.0))))
    use session = openSession (OnnxExport.ToBytes network)
    let library = Network.Forward(network, inputs).AsSpan().ToArray() |> Array.map float
    let runtime = outputsOf session inputs |> Array.map float
    let difference = difference runtime library
    Assert.True(difference.Normwise <= 1e-5, sprintf "%s: %A" kind difference)

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind exports in float64, which runs in ONNX Runtime as the library's forward pass where it has the kernels`` (kind: string) =
    let architecture = (LayerKindExamples.example kind).Architecture
    let network = Network.Create<float>(architecture, Initializer.Xavier, 4UL)
    let inputs = Matrix<float>.Create(2, architecture.InputSize, ReadOnlySpan(Array.init (2 * architecture.InputSize) (fun i -> sin (float i))))
    let model = OnnxExport.ToBytes network
    match (try Ok(openSession model) with :? Microsoft.ML.OnnxRuntime.OnnxRuntimeException as e -> Error e.Message) with
    | Ok session ->
        use session = session
        let difference = difference (outputsOf session inputs) (Network.Forward(network, inputs).AsSpan().ToArray())
        Assert.True(difference.Normwise <= 1e-12, sprintf "%s: %A" kind difference)
    | Error message ->
        // The one gap docs/onnx.md records: ONNX Runtime's CPU provider has no float64 Conv kernel.
        Assert.Contains(architecture.Stack, fun layer -> layer :? Conv2DLayer)
        Assert.Contains("[ErrorCode:NotImplemented] Could not find an implementation for Conv(11)", message)
