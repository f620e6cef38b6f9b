/// The fused per-sample SGD step reports a non-finite θ' whichever block overflowed: the weights alone, the bias
/// alone, or a layer below the output.
module Nn.Tests.Networks.SgdStepFinitenessTests

open System
open Nn
open Xunit

/// One identity unit over one input with W = w, b = b, stepped once on (x, y) with rate η by the fused step.
let private step (architecture: Architecture) (theta: float[]) (x: float) (y: float) (rate: float) =
    let next = Array.zeroCreate theta.Length
    let struct (_, finite) =
        Propagation.SgdStep<float>(architecture, ReadOnlySpan theta, Loss.Quadratic, ReadOnlySpan [| x |], ReadOnlySpan [| y |], rate, Workspace<float>(architecture, 1), Span next)
    finite, next

let private unit = Architecture.Input(1).Dense(1, Activation.Identity)

[<Fact>]
let ``a step whose weights overflow while the bias stays finite is reported non-finite`` () =
    // δ = a − y = 1e10 at x = 1e300: W' = 0 − 1·1e10·1e300 overflows, b' = 0 − 1e10 does not.
    let finite, next = step unit [| 0.0; 0.0 |] 1e300 -1e10 1.0
    Assert.True(Double.IsInfinity next[0] && Double.IsFinite next[1], string next)
    Assert.False finite

[<Fact>]
let ``a step whose bias overflows while the weights stay finite is reported non-finite`` () =
    // b = 1.5e308, x = 1, y = 0.5e308: δ = 1e308; with η = −1 the step adds 1e308: W' = 1e308, b' = 2.5e308 = ∞.
    let finite, next = step unit [| 0.0; 1.5e308 |] 1.0 0.5e308 -1.0
    Assert.True(Double.IsFinite next[0] && Double.IsInfinity next[1], string next)
    Assert.False finite

[<Fact>]
let ``a step that overflows only in the first of two layers is reported non-finite`` () =
    // Layer 0: W = 0, b = 0, so its output is 0 for any x and the output layer's update is finite (δ·0 = 0 for its
    // weight, 1·δ for its bias); layer 0 gets δ⁰ = w¹·δ¹ = 1·1e10 and its weight W' = −1e10·1e300 overflows.
    let architecture = Architecture.Input(1).Dense(1, Activation.Identity).Dense(1, Activation.Identity)
    let finite, next = step architecture [| 0.0; 0.0; 1.0; 0.0 |] 1e300 -1e10 1.0
    Assert.True(Double.IsInfinity next[0], string next)
    Assert.True(next[2..] |> Array.forall Double.IsFinite, string next)
    Assert.False finite

[<Fact>]
let ``an ordinary step is reported finite`` () =
    let finite, next = step unit [| 0.5; 0.25 |] 2.0 1.0 0.1
    // a = 1.25, δ = 0.25: W' = 0.5 − 0.1·0.25·2, b' = 0.25 − 0.1·0.25.
    Assert.True finite
    Nn.Tests.Helpers.assertAllClose Nn.Tests.Helpers.doubleRounding [| 0.45; 0.225 |] next
