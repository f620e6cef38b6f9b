/// Runs the F# walk-through of docs/fsharp.md (compiled from the document's own code blocks) and checks what it
/// computes, so the page stays true as the library changes.
module Nn.Docs.Tests.WalkthroughTests

open System
open System.IO
open Nn.Docs
open Xunit

[<Fact>]
let ``the walk-through's hand-written Adam loop learns XOR`` () =
    Assert.Equal<int[]>([| 0; 1; 1; 0 |], FSharpWalkthrough.xorClasses)

[<Fact>]
let ``the walk-through's trained digits network reaches over 90 percent test accuracy`` () =
    Assert.True(FSharpWalkthrough.report.Accuracy > 0.9, sprintf "accuracy %.3f" FSharpWalkthrough.report.Accuracy)
    Assert.Equal(20, FSharpWalkthrough.testAccuracies.Length)

[<Fact>]
let ``the walk-through leaves the untrained network unchanged`` () =
    Assert.NotEqual(FSharpWalkthrough.untrained, FSharpWalkthrough.trained)
    Assert.Equal(FSharpWalkthrough.untrained, Nn.Network.Create<float32>(FSharpWalkthrough.architecture, Nn.Initializer.He, 1UL))

[<Fact>]
let ``the walk-through's option conversions give Some for a known name and None for an unknown one`` () =
    Assert.True(FSharpWalkthrough.parsed.IsSome)
    Assert.True(FSharpWalkthrough.unknown.IsNone)
    Assert.Equal(FSharpWalkthrough.architecture, FSharpWalkthrough.sameShape)

[<Fact>]
let ``the walk-through's gradient check passes`` () =
    Assert.True(FSharpWalkthrough.gradientsAgree, string FSharpWalkthrough.check)

[<Fact>]
let ``the walk-through's convolutional network reaches over 90 percent test accuracy`` () =
    Assert.True(FSharpWalkthrough.convReport.Accuracy > 0.9, sprintf "accuracy %.3f" FSharpWalkthrough.convReport.Accuracy)
    Assert.False(FSharpWalkthrough.convTrained.Architecture.IsDense)

[<Fact>]
let ``the walk-through's network with batch normalisation and dropout trains its running statistics and reaches over 90 percent`` () =
    Assert.True(FSharpWalkthrough.regularisedReport.Accuracy > 0.9, sprintf "accuracy %.3f" FSharpWalkthrough.regularisedReport.Accuracy)
    Assert.Equal<float32[]>(Array.append (Array.zeroCreate 64) (Array.create 64 1.0f), FSharpWalkthrough.regularisedStart.State.ToArray())
    Assert.NotEqual<float32[]>(FSharpWalkthrough.regularisedStart.State.ToArray(), FSharpWalkthrough.runningStatistics)

[<Fact>]
let ``the walk-through's saved model loads back equal and its file is gone`` () =
    Assert.True(FSharpWalkthrough.loadedAgrees)
    Assert.False(File.Exists FSharpWalkthrough.savedPath)

[<Fact>]
let ``the walk-through's own optimiser rule trains, and resumes from its mid-schedule checkpoint to the uninterrupted run`` () =
    Assert.Equal(Nn.StopReason.Completed, FSharpWalkthrough.uninterrupted.Reason)
    Assert.True(FSharpWalkthrough.uninterrupted.History[3].TrainCost < FSharpWalkthrough.uninterrupted.History[0].TrainCost)
    Assert.Equal(FSharpWalkthrough.scheduled, FSharpWalkthrough.halfway.Optimizer)
    Assert.True(FSharpWalkthrough.resumedAgrees)
    Assert.False(File.Exists FSharpWalkthrough.checkpointPath)

[<Fact>]
let ``the walk-through's table model learns the rule and predicts raw rows as the network does preprocessed ones`` () =
    Assert.True(FSharpWalkthrough.tableAccuracy >= 0.85, sprintf "accuracy %.3f" FSharpWalkthrough.tableAccuracy)
    Assert.Equal(Some FSharpWalkthrough.preprocessing, Option.ofObj FSharpWalkthrough.tableModel.Preprocessing)
    let expected = Nn.Network.Forward(FSharpWalkthrough.tableTrained, FSharpWalkthrough.preprocessing.Inputs<float32> FSharpWalkthrough.parts.Test)
    Assert.Equal(expected, FSharpWalkthrough.rawOutputs)
    Assert.False(File.Exists FSharpWalkthrough.tablePath)

[<Fact>]
let ``the walk-through's ONNX model predicts the library's classes in ONNX Runtime`` () =
    Assert.True(FSharpWalkthrough.onnxAgrees)
    Assert.False(File.Exists FSharpWalkthrough.modelPath)

[<Fact>]
let ``every code block of the walk-through is either compiled F# or a shell command`` () =
    let document = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "fsharp.md"))
    let fences = document |> Array.filter (fun line -> line.TrimStart().StartsWith("```", StringComparison.Ordinal))
    let openings = fences |> Array.indexed |> Array.filter (fun (i, _) -> i % 2 = 0) |> Array.map (snd >> fun f -> f.Trim())
    Assert.True(fences.Length % 2 = 0, "every fence is closed")
    Assert.All(openings, fun opening -> Assert.Contains(opening, [ "```fsharp"; "```sh" ]))
    Assert.True(openings |> Array.filter ((=) "```fsharp") |> Array.length >= 10, "the walk-through has its F# blocks")

[<Fact>]
let ``the walk-through's piped export gives the same bytes as a direct call`` () =
    Assert.Equal<byte[]>(Nn.Onnx.OnnxExport.ToBytes FSharpWalkthrough.trained, FSharpWalkthrough.modelBytes)
