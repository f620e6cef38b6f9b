/// The tiny convolutional network of golden_conv.txt (conv 3×3×3 padding 1 tanh, max-pool 2, dense 27→4 softmax
/// cross-entropy on two 2×6×6 samples): forward output, cost and every gradient against the float64 reference.
module Nn.Tests.Networks.ConvGoldenTests

open System
open System.IO
open Nn
open Nn.Tests.Helpers
open Xunit

let private golden = File.ReadAllLines(testData "golden_conv.txt")
let private value name = goldenValues golden name

/// The reference's gradients come from central differences with ε = 1e-6, good to about 1e-9.
let private tolerance = 1e-9

let private architecture =
    Architecture.Input(2, 6, 6).Conv2D(3, 3, 3, Activation.Tanh, padding = 1).MaxPool2D(2).Dense(4, Activation.Softmax)

/// θ in the architecture's layout: kernels O×I×KH×KW and bias of layer 0, then W (4×27) and b of layer 2.
let private network () =
    let theta =
        Array.concat
            [ value "layer 0 conv weights shape (3, 2, 3, 3)"
              value "layer 0 conv bias"
              value "layer 2 dense weights shape (4, 27)"
              value "layer 2 dense bias" ]
    Network.FromParameters<float>(architecture, ReadOnlySpan theta)

let private inputs () = Matrix<float>.Own(2, 72, value "x (row-major N,C,H,W)")

let private targets () =
    let labels = value "labels" |> Array.map int
    Matrix<float>.Own(2, 4, Array.init 8 (fun i -> if i % 4 = labels[i / 4] then 1.0 else 0.0))

[<Fact>]
let ``the architecture lays out θ as the reference lists it`` () =
    Assert.Equal(54 + 3 + 108 + 4, architecture.ParameterCount)
    Assert.Equal(57, architecture.WeightOffset 2)
    Assert.Equal(Shape.Image(3, 3, 3), architecture.Stack[1].OutputShape)

[<Fact>]
let ``the forward pass gives the reference probabilities`` () =
    let output = Network.Forward(network (), inputs ())
    assertAllClose tolerance (value "output probabilities (N x classes)") (output.AsSpan().ToArray())

[<Fact>]
let ``the cost and every gradient block match the reference`` () =
    let result = Backprop.Gradient(network (), Loss.SoftmaxCrossEntropy, inputs (), targets ())
    let gradient = result.Gradient.ToArray()
    assertClose tolerance (value "cost (mean softmax cross-entropy)").[0] result.Loss
    assertAllClose tolerance (value "layer 0 dC/dweights") gradient[0..53]
    assertAllClose tolerance (value "layer 0 dC/dbias") gradient[54..56]
    assertAllClose tolerance (value "layer 2 dC/dweights") gradient[57..164]
    assertAllClose tolerance (value "layer 2 dC/dbias") gradient[165..168]

[<Fact>]
let ``float gives the reference gradient to float precision`` () =
    let single = Network.FromParameters<float32>(architecture, ReadOnlySpan(network().Parameters.ToArray() |> Array.map float32))
    let toSingle (m: Matrix<float>) = Matrix<float32>.Own(m.Rows, m.Columns, m.AsSpan().ToArray() |> Array.map float32)
    let result = Backprop.Gradient(single, Loss.SoftmaxCrossEntropy, toSingle (inputs ()), toSingle (targets ()))
    let expected = Array.concat [ value "layer 0 dC/dweights"; value "layer 0 dC/dbias"; value "layer 2 dC/dweights"; value "layer 2 dC/dbias" ]
    assertAllClose 1e-5 expected (result.Gradient.ToArray() |> Array.map float)
