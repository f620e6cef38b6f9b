/// The gradient-check utility: the golden 784-50-10 check and the report's shape.
module Nn.Tests.Checking.GradientCheckTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

[<Fact>]
let ``a 784-50-10 ReLU softmax network on 3 MNIST samples differs from central differences by 1e-9 or less on average in every block`` () =
    let rows = readCsv "mnist_train_100.csv" |> Array.take 3
    let inputs = rows |> Array.map (fun r -> r[1..] |> Array.map (fun p -> p / 255.0))
    let labels = rows |> Array.map (fun r -> int r[0])
    let data = Dataset.FromLabels(matrix inputs, labels, 10)
    let architecture = Architecture.Input(784).Dense(50, Activation.Relu).Dense(10, Activation.Softmax)
    let network = Network.Create<float>(architecture, Initializer.He, 3UL)
    let report = GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, data.Inputs, data.Targets)
    Assert.Equal(4, report.Blocks.Length)
    for block in report.Blocks do
        Assert.True(block.MeanAbsolute <= 1e-9, string report)

[<Fact>]
let ``the report names every layer and block with its parameter count`` () =
    let architecture = Architecture.Input(3).Dense(4, Activation.Tanh).Dense(2, Activation.Sigmoid, false)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
    let report = GradientCheck.Run(network, Loss.Quadratic, matrix [| [| 0.1; 0.2; 0.3 |] |], matrix [| [| 0.5; 0.5 |] |])
    Assert.Equal<(int * string * int) list>(
        [ (0, "weights", 12); (0, "bias", 4); (1, "weights", 8) ],
        report.Blocks |> Seq.map (fun b -> (b.Layer, b.Block, b.Count)) |> List.ofSeq)
    Assert.Contains("weights", string report)

[<Fact>]
let ``the report has no block for a pooling or dropout layer, which has no parameters, and no NaN in its table`` () =
    let architecture = Architecture.Input(1, 4, 4).Conv2D(2, 3, 3, Activation.Tanh, padding = 1).MaxPool2D(2).Dropout(0.5).Dense(2, Activation.Sigmoid)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
    let inputs = matrix [| Array.init 16 (fun i -> 0.1 * float i - 0.7) |]
    let report = GradientCheck.Run(network, Loss.Quadratic, inputs, matrix [| [| 0.5; 0.5 |] |])
    Assert.Equal<(int * string * int) list>(
        [ (0, "weights", 18); (0, "bias", 2); (3, "weights", 16); (3, "bias", 2) ],
        report.Blocks |> Seq.map (fun b -> (b.Layer, b.Block, b.Count)) |> List.ofSeq)
    Assert.DoesNotContain("NaN", string report)
    Assert.True(report.Passes 1e-6, string report)

[<Fact>]
let ``central differences of a quadratic are exact to rounding`` () =
    let f = CostFunction<float>(fun theta -> theta.Span[0] * theta.Span[0] + 3.0 * theta.Span[1])
    let g = GradientCheck.CentralDifferences(ReadOnlySpan [| 2.0; -1.0 |], f, 1e-4)
    assertAllClose 1e-9 [| 4.0; 3.0 |] g
