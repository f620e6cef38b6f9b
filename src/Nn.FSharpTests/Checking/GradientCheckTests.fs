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

[<Fact>]
let ``gradients above 1e154, whose squares overflow a double, are compared rather than failed as NaN`` () =
    // Inputs of 1e200 under weights of 1e-200 keep the outputs near 1, so the cost is finite while ∂C/∂W is about 1e200
    // (no bias: a step of 1e-210 moves a bias of 0 too little to change the cost).
    let architecture = Architecture.Input(1).Dense(2, Activation.Softmax, false)
    let network = Network.FromParameters<float>(architecture, ReadOnlySpan [| 1e-200; -1e-200 |])
    let report = GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, matrix [| [| 1e200 |] |], matrix [| [| 1.0; 0.0 |] |], epsilon = 1e-210)
    Assert.True(report.Blocks[0].MaxAbsolute > 1e190, string report)
    Assert.True(report.Overall < 1e-5, string report)
    Assert.True(report.MaxNormRelative < 1e-5, string report)
    Assert.True(report.Passes 1e-5, report.Verdict 1e-5)

[<Fact>]
let ``central differences refuse a step that is not positive and finite, or one lost in rounding at a parameter`` () =
    let cost = CostFunction<float32>(fun theta -> float theta.Span[0])
    for epsilon in [ 0.0f; -1e-3f; nanf; infinityf ] do
        messageOf<ArgumentOutOfRangeException> (fun () -> GradientCheck.CentralDifferences<float32>(ReadOnlySpan [| 1.0f |], cost, epsilon) |> ignore)
        |> fun m -> Assert.Contains("positive and finite", m)
    let lost = messageOf<ArgumentException> (fun () -> GradientCheck.CentralDifferences<float32>(ReadOnlySpan [| 0.5f; 1e10f |], cost, 1e-3f) |> ignore)
    Assert.Contains("θ[1] = 1E+10", lost)
    Assert.Equal<float[]>([| 1.0; 0.0 |], GradientCheck.CentralDifferences<float32>(ReadOnlySpan [| 0.5f; 1e10f |], cost, 1e3f) |> Array.map (fun g -> Math.Round(g, 6)))

[<Fact>]
let ``a gradient check in float refuses a step that rounds to 0 in float`` () =
    let network = Network.Create<float32>(Architecture.Input(2).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    let message =
        messageOf<ArgumentOutOfRangeException> (fun () ->
            GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, Matrix<float32>.FromRows [| [| 0.1f; 0.2f |] |], Matrix<float32>.FromRows [| [| 1.0f; 0.0f |] |], epsilon = 1e-50) |> ignore)
    Assert.Contains("1E-50 rounds to 0 in float32", message)

[<Fact>]
let ``central differences refuse a theta holding NaN or an infinity, naming theta and the index`` () =
    let cost = CostFunction<float>(fun p -> p.Span[0])
    let e = Assert.Throws<ArgumentException>(fun () -> GradientCheck.CentralDifferences<float>(ReadOnlySpan [| 1.0; nan |], cost, 1e-5) |> ignore)
    Assert.Equal("theta must hold finite numbers, but element 1 is NaN. (Parameter 'theta')", e.Message)
    Assert.Contains("element 0 is -Infinity", messageOf<ArgumentException> (fun () -> GradientCheck.CentralDifferences<float>(ReadOnlySpan [| -infinity |], cost, 1e-5) |> ignore))

[<Fact>]
let ``each block reports the largest derivative the central differences measured in it, and the report the largest of all`` () =
    let architecture = Architecture.Input(3).Dense(4, Activation.Tanh).Dense(2, Activation.Identity)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 5UL)
    let inputs = matrix [| [| 0.3; -0.7; 1.1 |]; [| -0.2; 0.45; 0.9 |] |]
    let targets = matrix [| [| 0.2; -0.1 |]; [| 0.7; 0.4 |] |]
    let report = GradientCheck.Run(network, Loss.Quadratic, inputs, targets)
    let cost = CostFunction<float>(fun theta -> Backprop.Cost(network.WithParameters(ParameterVector<float>.Create(theta.Span)), Loss.Quadratic, inputs, targets))
    let numeric = GradientCheck.CentralDifferences(network.Parameters.AsSpan(), cost, GradientCheck.DefaultEpsilon)
    let largest offset count = numeric[offset .. offset + count - 1] |> Array.map abs |> Array.max
    let expected = [ largest (architecture.WeightOffset 0) 12; largest (architecture.BiasOffset 0) 4; largest (architecture.WeightOffset 1) 8; largest (architecture.BiasOffset 1) 2 ]
    for e, b in List.zip expected [ for b in report.Blocks -> b.MaxNumeric ] do
        Assert.True(abs (e - b) <= 1e-12 * e, sprintf "expected %g, reported %g" e b)
    Assert.Equal(report.Blocks |> Seq.map (fun b -> b.MaxNumeric) |> Seq.max, report.MaxNumeric)

/// Every report a check sends, in order, through a listener that runs on the calling thread.
let private reportsOf (run: IProgress<GradientCheckProgress> -> GradientCheckReport) =
    let reports = Collections.Generic.List<GradientCheckProgress>()
    let report = run { new IProgress<GradientCheckProgress> with member _.Report value = reports.Add value }
    report, List.ofSeq reports

[<Theory>]
[<InlineData("sigmoid", 4)>]
[<InlineData("relu", 40)>]
let ``progress counts the parameters up to all of them, at most a thousand reports, and leaves the report unchanged`` (activation: string, hidden: int) =
    // The sigmoid network is smooth (plain central differences); the ReLU one is checked within its smooth piece.
    // 64-40-10 has 3,010 parameters, more than the thousand reports.
    let data = (Digits.Load<float>()).Train.Select(ReadOnlySpan<int>([| 0; 1; 2 |]))
    let architecture = Architecture.Input(64).Dense(hidden, Activation.Parse activation).Dense(10, Activation.Softmax)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 5UL)
    let count = network.Parameters.Length
    let check (progress: IProgress<GradientCheckProgress> | null) =
        GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, data.Inputs, data.Targets, progress = progress)
    let withProgress, reports = reportsOf check
    Assert.Equal(check null, withProgress)
    Assert.Equal(GradientCheckProgress(count, count), List.last reports)
    Assert.True(reports.Length <= 1000 && reports.Length >= min count 1000, $"{reports.Length} reports for {count} parameters")
    Assert.True(reports |> List.pairwise |> List.forall (fun (a, b) -> b.Differenced > a.Differenced), "the counts should rise")
    Assert.All(reports, fun r -> Assert.Equal(count, r.Parameters))
