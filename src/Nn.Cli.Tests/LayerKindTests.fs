/// Walks every layer kind of the library through the program: each kind's `--layers` token (from the examples the
/// library's and the ONNX walks share) trains on the embedded digits, checkpoints, is described by `nn info` in both
/// the model and the checkpoint file, and exports with `nn export` to a model ONNX Runtime runs with the library's
/// predictions. A kind without an example, or missing from any of these, fails here.
module Nn.Cli.Tests.LayerKindTests

open System.IO
open Nn
open Nn.Cli.Tests.Process
open Nn.Cli.Tests.ExportTests
open Nn.Tests.Layers
open Xunit

let kinds = LayerKindExamples.kindNames

[<Fact>]
let ``every layer kind in the library has a --layers example`` () =
    Assert.Equal<Set<string>>(LayerKindExamples.kindsInLibrary (), LayerKindExamples.kindsWithExamples ())

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind trains from its --layers token, checkpoints, shows in nn info and exports to ONNX`` (kind: string) =
    let example = LayerKindExamples.example kind
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--layers"; example.Layers; "--epochs"; "1"; "--save"; "m.nnm"; "--checkpoint"; "m.nnck" ]
    Assert.True((train.ExitCode = 0), string train)
    let network = ModelFile.Load<float32>(dir.File "m.nnm")
    Assert.Contains(network.Architecture.Stack, fun layer -> layer.GetType() = example.Kind)
    let described = string network.Architecture
    for file in [ "m.nnm"; "m.nnck" ] do
        let info = dir.Run [ "info"; file ]
        Assert.True((info.ExitCode = 0), string info)
        Assert.Contains(sprintf "architecture %s, %d parameters" described network.Architecture.ParameterCount, info.Output)
    Assert.Equal(network, (CheckpointFile.Load<float32>(dir.File "m.nnck")).State.Network)
    let export = dir.Run [ "export"; "m.nnm"; "--onnx"; "m.onnx" ]
    Assert.True((export.ExitCode = 0), string export)
    let test = Digits.Load<float32>().Test
    Assert.Equal<int[]>(Network.Classify(network, test.Inputs), predictionsInOnnxRuntime (dir.File "m.onnx") test.Inputs)
