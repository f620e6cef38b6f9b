/// The tiny 3-2-1 sigmoid network without biases: every number of golden_tiny.txt.
module Nn.Tests.Networks.GoldenTinyTests

open System
open System.IO
open Nn
open Nn.Tests.Helpers
open Xunit

let private golden = File.ReadAllLines(testData "golden_tiny.txt")
let private value name = goldenValues golden name

/// The golden file lists input→hidden weights with input rows; W^1 has output rows, so it is the transpose.
let private tiny () =
    let inputRows = array2D [ [ 0.5; -0.6 ]; [ 0.1; -0.2 ]; [ 0.1; 0.7 ] ]
    let w1 = Array2D.init 2 3 (fun j k -> inputRows[k, j])
    let w2 = array2D [ [ 0.1; -0.3 ] ]
    Network.FromWeights<float>([| LayerWeights(w1, null, Activation.Sigmoid); LayerWeights(w2, null, Activation.Sigmoid) |])

let private x = [| 0.5; 0.1; -0.2 |]
let private target = [| 0.6 |]
let private learningRate = 0.5

[<Fact>]
let ``the forward pass reproduces every hidden and output value`` () =
    let trace = Network.Trace(tiny (), Matrix<float>.FromRow(ReadOnlySpan x))
    assertAllClose doubleRounding (value "hidden_layer_input") (trace.Z[0].AsSpan().ToArray())
    assertAllClose doubleRounding (value "hidden_layer_output") (trace.A[1].AsSpan().ToArray())
    assertAllClose doubleRounding (value "output_layer_in") (trace.Z[1].AsSpan().ToArray())
    assertAllClose doubleRounding (value "output") (trace.Output.AsSpan().ToArray())

[<Fact>]
let ``one SGD step changes the weights by the golden deltas`` () =
    let network = tiny ()
    let gradient = Backprop.Gradient(network, Loss.Quadratic, ReadOnlySpan x, ReadOnlySpan target).Gradient
    let step = (Sgd learningRate).Apply((Sgd learningRate).Init(network.Parameters), network.Parameters, gradient)
    let trained = network.WithParameters step.Parameters
    let change layer = (trained.Weights(layer).AsSpan().ToArray(), network.Weights(layer).AsSpan().ToArray()) ||> Array.map2 (-)
    // W^1 is stored with output rows; the golden deltas are listed with input rows.
    let golden1 = value "delta_w_i_h (3x2, row-major)"
    let expected1 = Array.init 6 (fun i -> golden1[(i % 3) * 2 + i / 3])
    assertAllClose 1e-11 (value "delta_w_h_o") (change 1)
    assertAllClose 1e-11 expected1 (change 0)

[<Fact>]
let ``the output error term is the golden delta of the output layer`` () =
    let network = tiny ()
    let gradient = Backprop.Gradient(network, Loss.Quadratic, ReadOnlySpan x, ReadOnlySpan target).Gradient
    let hiddenOutput = value "hidden_layer_output"
    // ∂C/∂W^2_0k = δ^2 a^1_k and the golden output_error_term is −δ^2 (it uses target − output).
    let delta = -(value "output_error_term")[0]
    assertClose doubleRounding (delta * hiddenOutput[0]) gradient[0 + 6]
    assertClose doubleRounding (delta * hiddenOutput[1]) gradient[1 + 6]
