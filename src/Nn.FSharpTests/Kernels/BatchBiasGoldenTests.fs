/// The golden batch bias gradient: dY = [[1,2,3],[4,5,6]] gives db = column sums = [5,7,9].
module Nn.Tests.Kernels.BatchBiasGoldenTests

open System
open Nn
open Nn.Kernels
open Nn.Tests.Helpers
open Xunit

let private dY = [| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0 |]

[<Fact>]
let ``the column sums of dY = [[1,2,3],[4,5,6]] are db = [5,7,9]`` () =
    let db = Array.zeroCreate 3
    DenseKernels.AddColumnSumsInto(ReadOnlySpan dY, 2, Span db)
    Assert.Equal<float[]>([| 5.0; 7.0; 9.0 |], db)

[<Fact>]
let ``backprop's bias gradient for that dY is the batch mean of the column sums`` () =
    // One identity layer with zero weights and bias outputs a = 0, so with targets −dY the quadratic loss's
    // output error δ = a − y is exactly dY.
    let network = Network.FromParameters(Architecture.Input(2).Dense(3, Activation.Identity), ReadOnlySpan(Array.zeroCreate<float> 9))
    let inputs = matrix [| [| 0.3; -0.8 |]; [| 1.5; 0.2 |] |]
    let targets = matrix [| [| -1.0; -2.0; -3.0 |]; [| -4.0; -5.0; -6.0 |] |]
    let gradient = Backprop.Gradient(network, Loss.Quadratic, inputs, targets).Gradient
    let bias = gradient.AsSpan().Slice(network.Architecture.BiasOffset 0, 3).ToArray()
    assertAllClose doubleRounding [| 5.0 / 2.0; 7.0 / 2.0; 9.0 / 2.0 |] bias
