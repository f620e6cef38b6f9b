/// Each activation's value and derivative, side by side.
module Nn.Tests.Activations.ActivationTests

open System
open System.Numerics
open Nn
open Nn.Tests.Helpers
open Xunit

/// σ(z) = z²/2 with σ'(z) = z: a user-defined activation whose derivative reads z, not a.
type HalfSquare =
    interface IElementwiseActivation with
        static member Name = "half-square"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T) = 'T.CreateChecked 0.5 * (z * z)
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T, _a: 'T) = z

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

[<Theory>]
[<InlineData("identity", "identity")>]
[<InlineData("LINEAR", "identity")>]
[<InlineData("Sigmoid", "sigmoid")>]
[<InlineData("logistic", "sigmoid")>]
[<InlineData("TANH", "tanh")>]
[<InlineData("relu", "relu")>]
[<InlineData("SoftMax", "softmax")>]
let ``every built-in name and alias parses case-insensitively to the activation of that name`` (text: string, name: string) =
    Assert.Equal(name, (Activation.Parse text).Name)
    Assert.Equal(name, string (Activation.TryParse text))

[<Fact>]
let ``TryParse answers null for an unknown or missing name and Parse refuses a null name as null`` () =
    Assert.Null(Activation.TryParse "swish")
    Assert.Null(Activation.TryParse(Unchecked.defaultof<string>))
    Assert.Throws<ArgumentNullException>(fun () -> Activation.Parse(Unchecked.defaultof<string>) |> ignore) |> ignore

[<Fact>]
let ``only softmax is not element-wise`` () =
    for activation in [ Activation.Identity; Activation.Sigmoid; Activation.Tanh; Activation.Relu; Activation.Elementwise<HalfSquare>() ] do
        Assert.True(activation.IsElementwise, activation.Name)
    Assert.False(Activation.Softmax.IsElementwise)

[<Fact>]
let ``softmax normalises each row of a batch on its own, forward and backward`` () =
    // Two rows of width 2: row one at z = (0, ln 3) gives (1/4, 3/4), row two at z = (5, 5) gives (1/2, 1/2).
    let z = [| 0.0; log 3.0; 5.0; 5.0 |]
    let a = Array.zeroCreate 4
    Activation.Softmax.ForwardInto(ReadOnlySpan z, Span a, 2)
    assertAllClose doubleRounding [| 0.25; 0.75; 0.5; 0.5 |] a
    // ∂C/∂z = a ⊙ (g − g·a) per row: row one g·a = 1·0.25 + 0·0.75, row two g·a = 0.5·(2 + 4).
    let g = [| 1.0; 0.0; 2.0; 4.0 |]
    let dz = Array.zeroCreate 4
    Activation.Softmax.BackwardInto(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan g, Span dz, 2)
    assertAllClose doubleRounding [| 0.25 * 0.75; 0.75 * -0.25; 0.5 * -1.0; 0.5 * 1.0 |] dz

[<Fact>]
let ``a user-defined activation computes its own value and chains its own derivative`` () =
    let halfSquare = Activation.Elementwise<HalfSquare>()
    Assert.Equal<float[]>([| 0.5; 0.0; 2.0 |], forward halfSquare [| -1.0; 0.0; 2.0 |])
    Assert.Equal<float[]>([| -2.0; 0.0; -6.0 |], backward halfSquare [| -1.0; 0.0; 2.0 |] [| 2.0; 3.0; -3.0 |])
    Assert.Equal("half-square", string halfSquare)

[<Fact>]
let ``softmax of a row wider than the exponent's range subtracts the row's maximum and stays finite`` () =
    // Subtracting anything but the maximum (the minimum, say) would take e^800 = ∞ and give NaN.
    Assert.Equal<float[]>([| 0.0; 1.0 |], forward Activation.Softmax [| 0.0; 800.0 |])

[<Fact>]
let ``the span passes refuse a width that is not positive and spans that are not the batch's length naming them`` () =
    let refused (name: string) (pass: unit -> unit) =
        let error = Assert.ThrowsAny<ArgumentException>(pass)
        Assert.Equal(name, error.ParamName)
    for activation in [ Activation.Identity; Activation.Relu; Activation.Sigmoid; Activation.Tanh; Activation.Elementwise<HalfSquare>(); Activation.Softmax ] do
        let forwardWith (z: float[]) (a: float[]) width () = activation.ForwardInto(ReadOnlySpan z, Span a, width)
        let backwardWith (g: float[]) (dz: float[]) width () =
            activation.BackwardInto(ReadOnlySpan [| 1.0; 2.0 |], ReadOnlySpan [| 0.5; 0.5 |], ReadOnlySpan g, Span dz, width)
        refused "a" (forwardWith [| 1.0; 2.0 |] [| 0.0 |] 2)
        refused "gradientA" (backwardWith [| 1.0 |] [| 0.0; 0.0 |] 2)
        refused "gradientZ" (backwardWith [| 1.0; 1.0 |] [| 0.0 |] 2)
        refused "z" (forwardWith [| 1.0; 2.0; 3.0 |] [| 0.0; 0.0; 0.0 |] 2)
        // A zero width left softmax's row loop stepping by nothing, forever.
        for width in [ 0; -1 ] do
            Assert.IsType<ArgumentOutOfRangeException>(Assert.ThrowsAny<ArgumentException>(forwardWith [| 1.0; 2.0 |] [| 0.0; 0.0 |] width)) |> ignore
            refused "width" (backwardWith [| 1.0; 1.0 |] [| 0.0; 0.0 |] width)
