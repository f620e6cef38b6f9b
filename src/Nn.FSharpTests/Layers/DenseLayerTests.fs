/// A dense layer's passes on their own, with numbers small enough to check by hand: the backward pass overwrites
/// or adds to a gradient buffer as asked, whatever the buffer held; and its parameter count at the limit.
module Nn.Tests.Layers.DenseLayerTests

open System
open Nn
open Xunit

/// Backward through a 2→3 identity layer with W = [[1, 0], [0, 1], [1, 1]], X = [[1, 2], [3, 4]] and
/// δ = [[1, 2, 3], [4, 5, 6]], into a gradient buffer that holds 100 everywhere.
let private backward accumulate =
    let layer = DenseLayer(2, 3, Activation.Identity)
    let buffers = LayerBuffers<float>([||], [||], Nn.Kernels.KernelSelection.Best, null)
    let theta = [| 1.0; 0.0; 0.0; 1.0; 1.0; 1.0; 0.0; 0.0; 0.0 |]
    let gradient = Array.create 9 100.0
    let inputGradient = Array.zeroCreate<float> 4
    layer.Backward<float>(
        ReadOnlySpan theta, ReadOnlySpan [| 1.0; 2.0; 3.0; 4.0 |], Span [| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0 |], 2, Span gradient, accumulate,
        Span inputGradient, buffers, PassMode<float>.Objective)
    gradient, inputGradient

[<Fact>]
let ``backward writes delta transposed times X and the column sums of delta over whatever the gradient buffer held`` () =
    let gradient, inputGradient = backward false
    Assert.Equal<float[]>([| 13.0; 18.0; 17.0; 24.0; 21.0; 30.0; 5.0; 7.0; 9.0 |], gradient)
    Assert.Equal<float[]>([| 4.0; 5.0; 10.0; 11.0 |], inputGradient)

[<Fact>]
let ``backward with accumulate adds the weight and bias gradients to what the buffer held`` () =
    let gradient, _ = backward true
    Assert.Equal<float[]>([| 113.0; 118.0; 117.0; 124.0; 121.0; 130.0; 105.0; 107.0; 109.0 |], gradient)

[<Fact>]
let ``a layer without bias may have weights up to the parameter limit that the same layer with a bias passes`` () =
    // 127 × 2²⁴ = 2,130,706,432 weights fit; the bias's 2²⁴ more make 2³¹, past Limits.MaxParameterCount.
    let bare = DenseLayer(127, Limits.MaxWidth, Activation.Identity, false)
    Assert.Equal(127L * int64 Limits.MaxWidth, int64 bare.ParameterCount)
    let error = Assert.Throws<ArgumentException>(fun () -> DenseLayer(127, Limits.MaxWidth, Activation.Identity) |> ignore)
    Assert.Contains("has 2147483648 parameters, more than Limits.MaxParameterCount", error.Message)
