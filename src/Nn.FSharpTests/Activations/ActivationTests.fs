/// Each activation's value and derivative, side by side.
module Nn.Tests.Activations.ActivationTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private forward (activation: Activation) (z: float[]) =
    let a = Array.zeroCreate z.Length
    activation.ForwardInto(ReadOnlySpan z, Span a, z.Length)
    a

let private backward (activation: Activation) (z: float[]) (g: float[]) =
    let a = forward activation z
    let dz = Array.zeroCreate z.Length
    activation.BackwardInto(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan g, Span dz, z.Length)
    dz

[<Fact>]
let ``names parse to the built-in activations and unknown names are refused`` () =
    Assert.Equal(Activation.Relu, Activation.Parse "ReLU")
    Assert.Equal(Activation.Softmax, Activation.Parse "softmax")
    let message = messageOf<ArgumentException> (fun () -> Activation.Parse "swish" |> ignore)
    Assert.Contains("'swish'", message)

[<Fact>]
let ``sigmoid's derivative is sigma times one minus sigma`` () =
    let z = [| -3.0; 0.0; 2.5 |]
    let s = z |> Array.map (fun v -> 1.0 / (1.0 + exp -v))
    assertAllClose doubleRounding s (forward Activation.Sigmoid z)
    assertAllClose doubleRounding (s |> Array.map (fun v -> v * (1.0 - v))) (backward Activation.Sigmoid z [| 1.0; 1.0; 1.0 |])

[<Fact>]
let ``tanh's derivative is one minus tanh squared`` () =
    let z = [| -1.0; 0.5 |]
    assertAllClose doubleRounding (z |> Array.map (fun v -> 1.0 - tanh v ** 2.0)) (backward Activation.Tanh z [| 1.0; 1.0 |])

[<Fact>]
let ``ReLU's derivative is zero at and below zero and one above`` () =
    Assert.Equal<float[]>([| 0.0; 0.0; 2.0 |], forward Activation.Relu [| -1.0; 0.0; 2.0 |])
    Assert.Equal<float[]>([| 0.0; 0.0; 5.0 |], backward Activation.Relu [| -1.0; 0.0; 2.0 |] [| 5.0; 5.0; 5.0 |])

[<Fact>]
let ``identity passes values and gradients through`` () =
    Assert.Equal<float[]>([| -1.5; 2.0 |], forward Activation.Identity [| -1.5; 2.0 |])
    Assert.Equal<float[]>([| 3.0; 4.0 |], backward Activation.Identity [| -1.5; 2.0 |] [| 3.0; 4.0 |])

[<Fact>]
let ``softmax rows sum to one and huge inputs do not overflow`` () =
    let a = forward Activation.Softmax [| 1000.0; 1001.0; 999.0 |]
    Assert.True(a |> Array.forall Double.IsFinite)
    assertClose doubleRounding 1.0 (Array.sum a)
    let expected = [| 1.0; exp 1.0; exp -1.0 |] |> fun e -> e |> Array.map (fun v -> v / Array.sum e)
    assertAllClose doubleRounding expected a

[<Fact>]
let ``softmax's backward pass is the vector-Jacobian product`` () =
    let z = [| 0.2; -0.4; 1.3 |]
    let a = forward Activation.Softmax z
    let g = [| 0.5; -1.0; 2.0 |]
    let jacobianProduct = Array.init 3 (fun k -> Array.init 3 (fun j -> g[j] * a[j] * ((if j = k then 1.0 else 0.0) - a[k])) |> Array.sum)
    assertAllClose doubleRounding jacobianProduct (backward Activation.Softmax z g)
