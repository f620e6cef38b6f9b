/// Walks every layer kind of the library through construction, forward and backward passes, the gradient check, float
/// and double, and the model file; a kind added to the library without an example here fails the first test.
module Nn.Tests.Layers.LayerKindTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

/// One small stack per kind, with that kind below a dense softmax layer so its backward pass is exercised.
let private examples =
    dict
        [ typeof<DenseLayer>, Architecture.Input(2, 3, 3).Dense(4, Activation.Tanh).Dense(3, Activation.Softmax)
          typeof<Conv2DLayer>, Architecture.Input(2, 5, 4).Conv2D(3, 2, 3, Activation.Sigmoid, stride = 2, padding = 1).Dense(3, Activation.Softmax)
          typeof<MaxPool2DLayer>, Architecture.Input(2, 5, 5).MaxPool2D(2, 1).Dense(3, Activation.Softmax) ]

let kinds : obj[] list = [ for kind in examples.Keys -> [| kind.Name :> obj |] ]

let private example (name: string) = examples |> Seq.find (fun pair -> pair.Key.Name = name)

let private batch (architecture: Architecture) =
    let random = Random(3)
    let inputs = matrix [| for _ in 1 .. 2 -> Array.init architecture.InputSize (fun _ -> random.NextDouble() * 2.0 - 1.0) |]
    let targets = matrix [| [| 1.0; 0.0; 0.0 |]; [| 0.0; 0.0; 1.0 |] |]
    inputs, targets

[<Fact>]
let ``every layer kind in the library has an example here`` () =
    let inLibrary =
        typeof<Layer>.Assembly.GetTypes()
        |> Array.filter (fun t -> t.IsSubclassOf typeof<Layer> && not t.IsAbstract)
        |> Array.map (fun t -> t.Name)
        |> Set.ofArray
    Assert.Equal<Set<string>>(inLibrary, examples.Keys |> Seq.map (fun t -> t.Name) |> Set.ofSeq)

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind runs forward with the output sizes its shape rule gives`` (kind: string) =
    let entry = example kind
    let network = Network.Create<float>(entry.Value, Initializer.Xavier, 4UL)
    let inputs, _ = batch entry.Value
    let trace = Network.Trace(network, inputs)
    Assert.Contains(entry.Value.Stack, fun layer -> layer.GetType() = entry.Key)
    entry.Value.Stack |> Seq.iteri (fun l layer -> Assert.Equal(2 * layer.OutputShape.Size, trace.A[l + 1].AsSpan().Length))

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind's backward pass passes the gradient check`` (kind: string) =
    let architecture = (example kind).Value
    let network = Network.Create<float>(architecture, Initializer.Xavier, 4UL)
    let inputs, targets = batch architecture
    let report = GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, inputs, targets, 0.1)
    Assert.True(report.Passes(1e-6, 1e-9), string report)

[<Theory>]
[<MemberData(nameof kinds)>]
let ``each kind computes in float what it computes in double to float precision`` (kind: string) =
    let architecture = (example kind).Value
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
    let architecture = (example kind).Value
    let network = Network.Create<float>(architecture, Initializer.Xavier, 4UL)
    Assert.Equal(network, ModelFile.FromBytes<float>(ModelFile.ToBytes network, "example.nnm"))

[<Fact>]
let ``every kind has a reader under its file name`` () =
    let names = examples.Values |> Seq.collect (fun a -> a.Stack) |> Seq.map (fun layer -> layer.KindName) |> Set.ofSeq
    Assert.Equal<Set<string>>(names, Nn.LayerKinds.Readers.Keys |> Set.ofSeq)
