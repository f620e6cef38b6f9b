/// Each loss's value and output error, the golden softmax-with-loss numbers, and the stable forms.
module Nn.Tests.Losses.LossTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private delta (loss: Loss) (output: Activation) (z: float[]) (a: float[]) (y: float[]) =
    let d = Array.zeroCreate a.Length
    loss.OutputDeltaInto(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan y, a.Length, output, Span d)
    d

let private cost (loss: Loss) (output: Activation) (z: float[]) (y: float[]) =
    let a = Array.zeroCreate z.Length
    output.ForwardInto(ReadOnlySpan z, Span a, z.Length)
    loss.SumOfCosts(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan y, z.Length, output)

[<Fact>]
let ``softmax with loss sends back output minus target for the golden examples`` () =
    let t = [| 0.0; 1.0; 0.0 |]
    let signal a = delta Loss.SoftmaxCrossEntropy Activation.Softmax (a |> Array.map log) a t
    assertAllClose doubleRounding [| 0.3; -0.8; 0.5 |] (signal [| 0.3; 0.2; 0.5 |])
    assertAllClose doubleRounding [| 0.01; -0.01; 0.0 |] (signal [| 0.01; 0.99; 0.0 |])

[<Fact>]
let ``quadratic cost is half the squared distance and its error is a minus y times sigma prime`` () =
    assertClose doubleRounding (0.5 * (0.25 + 4.0)) (cost Loss.Quadratic Activation.Identity [| 1.5; -1.0 |] [| 1.0; 1.0 |])
    Assert.Equal<float[]>([| 0.5; -2.0 |], delta Loss.Quadratic Activation.Identity [| 1.5; -1.0 |] [| 1.5; -1.0 |] [| 1.0; 1.0 |])

[<Fact>]
let ``binary cross-entropy on a sigmoid has error a minus y and a finite cost for huge logits`` () =
    let z = [| 800.0; -800.0 |]
    let c = cost Loss.BinaryCrossEntropy Activation.Sigmoid z [| 0.0; 1.0 |]
    assertClose doubleRounding 1600.0 c
    let a = [| 0.7; 0.2 |]
    assertAllClose doubleRounding [| -0.3; 0.2 |] (delta Loss.BinaryCrossEntropy Activation.Sigmoid [| 0.0; 0.0 |] a [| 1.0; 0.0 |])

[<Fact>]
let ``binary cross-entropy from logits equals the textbook formula`` () =
    let z = [| 0.3; -1.2; 2.0 |]
    let y = [| 1.0; 0.0; 0.4 |]
    let a = z |> Array.map (fun v -> 1.0 / (1.0 + exp -v))
    let textbook = Array.map2 (fun a y -> -(y * log a + (1.0 - y) * log (1.0 - a))) a y |> Array.sum
    assertClose doubleRounding textbook (cost Loss.BinaryCrossEntropy Activation.Sigmoid z y)

[<Fact>]
let ``softmax cross-entropy from logits stays finite when a probability underflows`` () =
    let c = cost Loss.SoftmaxCrossEntropy Activation.Softmax [| 0.0; 900.0 |] [| 1.0; 0.0 |]
    assertClose doubleRounding 900.0 c

[<Fact>]
let ``losses parse by name and refuse unknown names`` () =
    Assert.Equal(Loss.SoftmaxCrossEntropy, Loss.Parse "cross-entropy")
    Assert.Equal(Loss.Quadratic, Loss.Parse "MSE")
    Assert.Contains("'hinge'", messageOf<ArgumentException> (fun () -> Loss.Parse "hinge" |> ignore))

[<Fact>]
let ``cross-entropy losses are defined only for probability outputs`` () =
    Assert.True(Loss.SoftmaxCrossEntropy.Supports Activation.Softmax)
    Assert.False(Loss.SoftmaxCrossEntropy.Supports Activation.Relu)
    Assert.True(Loss.BinaryCrossEntropy.Supports Activation.Sigmoid)
    Assert.False(Loss.BinaryCrossEntropy.Supports Activation.Identity)
    Assert.True(Loss.Quadratic.Supports Activation.Tanh)
