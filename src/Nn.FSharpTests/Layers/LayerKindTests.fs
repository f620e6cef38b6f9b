/// Walks every layer kind of the library through construction, forward and backward passes, the gradient check, float
/// and double, the model file and the checkpoint file; a kind added to the library without an example in
/// LayerKindExamples fails the first test (and the walks in Nn.Onnx.Tests and Nn.Cli.Tests).
module Nn.Tests.Layers.LayerKindTests

open System
open Nn
open Nn.Tests.Helpers
open Nn.Tests.Layers
open Xunit

let kinds = LayerKindExamples.kindNames

let private architectureOf (kind: string) = (LayerKindExamples.example kind).Architecture

let private batch (architecture: Architecture) =
    let random = Random(3)
    let inputs = matrix [| for _ in 1 .. 2 -> Array.init architecture.InputSize (fun _ -> random.NextDouble() * 2.0 - 1.0) |]
    let targets = matrix [| [| 1.0; 0.0; 0.0 |]; [| 0.0; 0.0; 1.0 |] |]
    inputs, targets

[<Fact>]
let ``every layer kind in the library has an example here`` () =
    Assert.Equal<Set<string>>(LayerKindExamples.kindsInLibrary (), LayerKindExamples.kindsWithExamples ())

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind runs forward with the output sizes its shape rule gives`` (kind: string) =
    let entry = LayerKindExamples.example kind
    let network = Network.Create<float>(entry.Architecture, Initializer.Xavier, 4UL)
    let inputs, _ = batch entry.Architecture
    let trace = Network.Trace(network, inputs)
    Assert.Contains(entry.Architecture.Stack, fun layer -> layer.GetType() = entry.Kind)
    entry.Architecture.Stack |> Seq.iteri (fun l layer -> Assert.Equal(2 * layer.OutputShape.Size, trace.A[l + 1].AsSpan().Length))

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind's backward pass passes the gradient check`` (kind: string) =
    let architecture = architectureOf kind
    let network = Network.Create<float>(architecture, Initializer.Xavier, 4UL)
    let inputs, targets = batch architecture
    let report = GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, inputs, targets, 0.1)
    Assert.True(report.Passes(1e-6, 1e-9), string report)

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind computes in float what it computes in double to float precision`` (kind: string) =
    let architecture = architectureOf kind
    let network = Network.Create<float>(architecture, Initializer.Xavier, 4UL)
    let single = Network.FromParameters<float32>(architecture, ReadOnlySpan(network.Parameters.ToArray() |> Array.map float32))
    let inputs, targets = batch architecture
    let toSingle (m: Matrix<float>) = Matrix<float32>.Own(m.Rows, m.Columns, m.AsSpan().ToArray() |> Array.map float32)
    let expected = Backprop.Gradient(network, Loss.SoftmaxCrossEntropy, inputs, targets).Gradient.ToArray()
    let actual = Backprop.Gradient(single, Loss.SoftmaxCrossEntropy, toSingle inputs, toSingle targets).Gradient.ToArray()
    assertAllClose 1e-5 expected (actual |> Array.map float)

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind round-trips through the model file`` (kind: string) =
    let architecture = architectureOf kind
    let network = Network.Create<float>(architecture, Initializer.Xavier, 4UL)
    Assert.Equal(network, ModelFile.FromBytes<float>(ModelFile.ToBytes network, "example.nnm"))

[<Fact>]
let ``every kind has a reader under its file name`` () =
    let names = LayerKindExamples.all |> Seq.collect (fun e -> e.Architecture.Stack) |> Seq.map (fun layer -> layer.KindName) |> Set.ofSeq
    Assert.Equal<Set<string>>(names, Nn.LayerKinds.Readers.Keys |> Set.ofSeq)

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind round-trips through the checkpoint file after a training epoch`` (kind: string) =
    let architecture = architectureOf kind
    let network = Network.Create<float>(architecture, Initializer.Xavier, 4UL)
    let inputs, targets = batch architecture
    let data = Dataset.FromTargets(inputs, targets)
    let options = TrainingOptions(Epochs = 2, BatchSize = 2, Seed = 5UL)
    let state = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam 0.01, data, TrainingOptions(Epochs = 1, BatchSize = 2, Seed = 5UL)).State
    let checkpoint = Checkpoint<float>(state, Adam 0.01, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of data)
    let loaded = CheckpointFile.FromBytes<float>(CheckpointFile.ToBytes checkpoint, "example.nnck")
    Assert.Equal(state, loaded.State)
    Assert.Equal(Trainer.Continue(state, Loss.SoftmaxCrossEntropy, Adam 0.01, data, options).State,
                 Trainer.Continue(loaded.State, loaded.Loss, loaded.Optimizer, data, loaded.Options).State)
