/// A layer given by its parameters: what it copies, what it refuses, and how a bias-first matrix Θ = [b | W] splits.
module Nn.Tests.Layers.LayerWeightsTests

open System
open Nn
open Xunit

let private biasOf (layer: LayerWeights<'T>) =
    match layer.Bias with
    | null -> failwith "the layer has no bias"
    | bias -> bias.ToArray()

[<Fact>]
let ``a bias-first matrix splits into its first column as the bias and the rest as the weights`` () =
    let theta = array2D [ [ 0.5; 1.0; 2.0; 3.0 ]; [ -0.5; 4.0; 5.0; 6.0 ] ]
    let layer = LayerWeights<float>.FromBiasFirstColumn(theta, Activation.Tanh)
    Assert.Equal<float[,]>(array2D [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ], layer.Weights.ToArray())
    Assert.Equal<float[]>([| 0.5; -0.5 |], biasOf layer)
    Assert.Same(Activation.Tanh, layer.Activation)

[<Fact>]
let ``a bias-first matrix of two columns is one input and its bias, and one of a single column is refused`` () =
    let single = LayerWeights<float>.FromBiasFirstColumn(array2D [ [ 7.0; 8.0 ] ], Activation.Identity)
    Assert.Equal<float[,]>(array2D [ [ 8.0 ] ], single.Weights.ToArray())
    Assert.Equal<float[]>([| 7.0 |], biasOf single)
    let refused = Assert.Throws<ArgumentException>(fun () -> LayerWeights<float>.FromBiasFirstColumn(array2D [ [ 1.0 ]; [ 2.0 ] ], Activation.Identity) |> ignore)
    Assert.Equal("theta", refused.ParamName)
    Assert.StartsWith("a bias-first matrix must have at least 2 columns (bias + 1 input), but has 1.", refused.Message)
    let missing = Assert.Throws<ArgumentNullException>(fun () -> LayerWeights<float>.FromBiasFirstColumn(Unchecked.defaultof<float[,]>, Activation.Identity) |> ignore)
    Assert.Equal("theta", missing.ParamName)

[<Fact>]
let ``weights and a bias are copied, so changing the arrays afterwards does not reach the layer`` () =
    let weights = array2D [ [ 1.0f; 2.0f ]; [ 3.0f; 4.0f ]; [ 5.0f; 6.0f ] ]
    let bias = [| 0.1f; 0.2f; 0.3f |]
    let layer = LayerWeights<float32>(weights, bias, Activation.Relu)
    weights[0, 0] <- 99.0f
    bias[2] <- 99.0f
    Assert.Equal<float32[,]>(array2D [ [ 1.0f; 2.0f ]; [ 3.0f; 4.0f ]; [ 5.0f; 6.0f ] ], layer.Weights.ToArray())
    Assert.Equal<float32[]>([| 0.1f; 0.2f; 0.3f |], biasOf layer)

[<Fact>]
let ``a layer without a bias has a null bias`` () =
    let layer = LayerWeights<float>(array2D [ [ 1.0 ] ], null, Activation.Sigmoid)
    Assert.Null(layer.Bias)
    Assert.Equal<float[,]>(array2D [ [ 1.0 ] ], layer.Weights.ToArray())

[<Fact>]
let ``a bias whose length is not the number of rows, a null matrix and a null activation are refused by name`` () =
    let wrong = Assert.Throws<ArgumentException>(fun () -> LayerWeights<float>(array2D [ [ 1.0 ]; [ 2.0 ] ], [| 0.0; 0.0; 0.0 |], Activation.Sigmoid) |> ignore)
    Assert.Equal("Bias", wrong.ParamName)
    Assert.StartsWith("Bias must have length 2, but has length 3.", wrong.Message)
    let noWeights = Assert.Throws<ArgumentNullException>(fun () -> LayerWeights<float>(Unchecked.defaultof<float[,]>, null, Activation.Sigmoid) |> ignore)
    Assert.Equal("Weights", noWeights.ParamName)
    let noActivation = Assert.Throws<ArgumentNullException>(fun () -> LayerWeights<float>(array2D [ [ 1.0 ] ], [| 0.0 |], Unchecked.defaultof<Activation>) |> ignore)
    Assert.Equal("Activation", noActivation.ParamName)

[<Fact>]
let ``a bias-first matrix that does not start at index zero splits as one that does`` () =
    let theta = Array2D.zeroCreateBased<float> 3 -2 2 3
    theta[3, -2] <- 1.0
    theta[3, -1] <- 2.0
    theta[4, -2] <- 3.0
    theta[4, 0] <- 4.0
    let layer = LayerWeights<float>.FromBiasFirstColumn(theta, Activation.Identity)
    Assert.Equal<float>([| 1.0; 3.0 |], biasOf layer)
    Assert.Equal<float>([| 2.0; 0.0; 0.0; 4.0 |], layer.Weights.AsSpan().ToArray())
