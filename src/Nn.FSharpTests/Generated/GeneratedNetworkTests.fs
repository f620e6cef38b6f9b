/// The generated code of every declared example network against the runtime path, central differences, and its
/// own double-precision twin.
module Nn.Tests.Generated.GeneratedNetworkTests

open System
open FsCheck.Xunit
open Nn
open Nn.Tests.Helpers
open Nn.Tests.Generated.ExampleNetworks
open Xunit

/// Generated and runtime code sum in different orders; double results agree to this relative tolerance.
let generatedVersusRuntime = 1e-12
/// Central differences with ε = 1e-5 carry O(ε²) truncation and O(1e-16/ε) rounding error.
let generatedVersusCentralDifferences = 1e-6
/// Single precision against double, relative to max(1, |double result|).
let singleVersusDouble = 1e-4

let private sample (case: ExampleCase) (values: float[]) (width: int) i = values[i * width .. (i + 1) * width - 1]

/// About 24 parameters spread over θ (every weight block and bias gets some), plus the first and the last.
let private probedParameters count =
    let step = max 1 (count / 24)
    [| yield! [| 0 .. step .. count - 1 |]; count - 1 |] |> Array.distinct

[<Properties(Arbitrary = [| typeof<Generators> |], MaxTest = 24)>]
module Properties =

    [<Property>]
    let ``generated forward equals the runtime forward on every example network`` (case: ExampleCase) =
        let network = networkOf case
        for i in 0 .. case.Rows - 1 do
            let x = sample case case.Inputs case.Example.Architecture.InputSize i
            assertAllClose generatedVersusRuntime (network.Forward(ReadOnlySpan x)) (case.Example.Forward case.Theta x)

    [<Property>]
    let ``generated batch cost and gradient equal the runtime backprop on every example network`` (case: ExampleCase) =
        let expected = Backprop.Gradient(networkOf case, case.Example.Loss, inputsOf case, targetsOf case, case.Example.L2)
        let cost, gradient = case.Example.GradientBatch case.Theta case.Inputs case.Targets case.Rows
        assertClose generatedVersusRuntime expected.Loss cost
        assertAllClose generatedVersusRuntime (expected.Gradient.ToArray()) gradient
        assertClose generatedVersusRuntime expected.Loss (case.Example.CostBatch case.Theta case.Inputs case.Targets case.Rows)

    [<Property>]
    let ``generated gradient equals central differences of the generated cost`` (case: ExampleCase) =
        let _, gradient = case.Example.GradientBatch case.Theta case.Inputs case.Targets case.Rows
        let cost theta = case.Example.CostBatch theta case.Inputs case.Targets case.Rows
        for i in probedParameters case.Theta.Length do
            let plus = Array.copy case.Theta
            let minus = Array.copy case.Theta
            plus[i] <- plus[i] + GradientCheck.DefaultEpsilon
            minus[i] <- minus[i] - GradientCheck.DefaultEpsilon
            let numeric = (cost plus - cost minus) / (plus[i] - minus[i])
            assertClose generatedVersusCentralDifferences numeric gradient[i]

    [<Property>]
    let ``float code is within 1e-4 of the double code on every example network`` (case: ExampleCase) =
        let single = Array.map float32 case.Theta
        let inputs = Array.map float32 case.Inputs
        let targets = Array.map float32 case.Targets
        let x = sample case case.Inputs case.Example.Architecture.InputSize 0
        let forward = case.Example.ForwardSingle single (Array.map float32 x) |> Array.map float
        assertAllClose singleVersusDouble (case.Example.Forward case.Theta x) forward
        let cost, gradient = case.Example.GradientBatch case.Theta case.Inputs case.Targets case.Rows
        let costSingle, gradientSingle = case.Example.GradientBatchSingle single inputs targets case.Rows
        assertClose singleVersusDouble cost (float costSingle)
        assertAllClose singleVersusDouble gradient (Array.map float gradientSingle)

[<Fact>]
let ``generated batch cost and gradient of 20 rows (the GEMM path where a layer is too big to unroll) equal the runtime backprop`` () =
    let rows = 20
    for example in all do
        let a = example.Architecture
        let network = Network.Create<float>(a, Initializer.Xavier, 5UL)
        let xs = Array.init (rows * a.InputSize) (fun i -> float ((i * 7919) % 101) / 100.0)
        let ys = Array.init (rows * a.OutputSize) (fun i -> if i % a.OutputSize = (i / a.OutputSize) % a.OutputSize then 1.0 else 0.0)
        let expected =
            Backprop.Gradient(network, example.Loss, Matrix<float>.Create(rows, a.InputSize, xs), Matrix<float>.Create(rows, a.OutputSize, ys), example.L2)
        let theta = network.Parameters.ToArray()
        let cost, gradient = example.GradientBatch theta xs ys rows
        assertClose generatedVersusRuntime expected.Loss cost
        assertAllClose generatedVersusRuntime (expected.Gradient.ToArray()) gradient
        assertClose generatedVersusRuntime expected.Loss (example.CostBatch theta xs ys rows)

[<Fact>]
let ``generated ForwardBatch of 20 rows (the GEMM path) equals the runtime forward row by row`` () =
    let check (network: Network<float>) (forwardBatch: float[] -> float[] -> float[] -> int -> unit) =
        let rows = 20
        let inputSize = network.Architecture.InputSize
        let outputSize = network.Architecture.OutputSize
        let xs = Array.init (rows * inputSize) (fun i -> float ((i * 7919) % 101) / 100.0)
        let outputs = Array.zeroCreate (rows * outputSize)
        forwardBatch (network.Parameters.ToArray()) xs outputs rows
        for i in 0 .. rows - 1 do
            let expected = network.Forward(ReadOnlySpan(xs, i * inputSize, inputSize))
            assertAllClose generatedVersusRuntime expected outputs[i * outputSize .. (i + 1) * outputSize - 1]
    check (Nn.Examples.DigitsDouble.CreateNetwork(Initializer.He, 3UL)) (fun p xs o rows ->
        Nn.Examples.DigitsDouble.ForwardBatch(ReadOnlySpan p, ReadOnlySpan xs, Span o, rows))
    check (Nn.Examples.MnistSigmoidDouble.CreateNetwork(Initializer.Xavier, 3UL)) (fun p xs o rows ->
        Nn.Examples.MnistSigmoidDouble.ForwardBatch(ReadOnlySpan p, ReadOnlySpan xs, Span o, rows))
    check (Nn.Examples.MixedDouble.CreateNetwork(Initializer.Xavier, 3UL)) (fun p xs o rows ->
        Nn.Examples.MixedDouble.ForwardBatch(ReadOnlySpan p, ReadOnlySpan xs, Span o, rows))
    check (Nn.Examples.HiddenSoftmaxDouble.CreateNetwork(Initializer.Xavier, 3UL)) (fun p xs o rows ->
        Nn.Examples.HiddenSoftmaxDouble.ForwardBatch(ReadOnlySpan p, ReadOnlySpan xs, Span o, rows))

/// Float results of two summation orders, relative to max(1, |expected|).
let private floatVersusFloat = 1e-4

[<Fact>]
let ``generated float gradient through hidden softmax layers equals the runtime float backprop on both batch paths`` () =
    let network = Nn.Examples.HiddenSoftmaxFloat.CreateNetwork(Initializer.Xavier, 11UL)
    let theta = network.Parameters.ToArray()
    for rows in [ 3; 20 ] do
        let xs = Array.init (rows * 260) (fun i -> float32 ((i * 7919) % 101) / 100.0f)
        let ys = Array.init (rows * 3) (fun i -> if (i * 31) % 7 < 3 then 1.0f else 0.0f)
        let expected = Backprop.Gradient(network, Loss.BinaryCrossEntropy, Matrix<float32>.Create(rows, 260, xs), Matrix<float32>.Create(rows, 3, ys))
        let gradient = Array.zeroCreate<float32> Nn.Examples.HiddenSoftmaxFloat.ParameterCount
        let cost = Nn.Examples.HiddenSoftmaxFloat.CostAndGradientBatch(ReadOnlySpan theta, ReadOnlySpan xs, ReadOnlySpan ys, rows, Span gradient)
        assertClose floatVersusFloat (float expected.Loss) (float cost)
        assertAllClose floatVersusFloat (expected.Gradient.ToArray() |> Array.map float) (Array.map float gradient)

[<Fact>]
let ``every example network's generated constants describe the runtime parameter layout`` () =
    for example in all do
        let architecture = example.Architecture
        Assert.True(architecture.ParameterCount > 0)
    Assert.Equal(Nn.Examples.MnistSoftmaxDouble.Architecture.WeightOffset(1), Nn.Examples.MnistSoftmaxDouble.Weights2Offset)
    Assert.Equal(Nn.Examples.MnistSoftmaxDouble.Architecture.BiasOffset(1), Nn.Examples.MnistSoftmaxDouble.Bias2Offset)
    Assert.Equal(Nn.Examples.MnistSoftmaxDouble.Architecture.ParameterCount, Nn.Examples.MnistSoftmaxDouble.ParameterCount)
    Assert.Equal(-1, Nn.Examples.TinyDouble.Bias1Offset)
    Assert.Equal(784 * 100 + 100 + 100 * 10 + 10, Nn.Examples.MnistSigmoidFloat.ParameterCount)

[<Fact>]
let ``a network of another architecture is rejected with a message naming both`` () =
    let other = Network.Create<float>(Architecture.Input(3).Dense(2, Activation.Sigmoid), Initializer.Xavier, 1UL)
    let message = messageOf<ArgumentException> (fun () -> Nn.Examples.TinyDouble.ParametersOf(other).Length |> ignore)
    Assert.Contains("3-2(sigmoid,nobias)-1(sigmoid,nobias)", message)
    Assert.Contains("3-2(sigmoid)", message)

[<Fact>]
let ``wrong span lengths are rejected with the expected and actual lengths`` () =
    let theta = Array.zeroCreate<float> Nn.Examples.TinyDouble.ParameterCount
    let message =
        messageOf<ArgumentException> (fun () ->
            Nn.Examples.TinyDouble.Forward(ReadOnlySpan theta, ReadOnlySpan [| 1.0; 2.0 |], Span(Array.zeroCreate 1)))
    Assert.Contains("input must have length 3, but has 2", message)

[<Fact>]
let ``the pure SGD step returns a new network and leaves its argument unchanged`` () =
    let network = Nn.Examples.DigitsDouble.CreateNetwork(Initializer.He, 7UL)
    let before = network.Parameters.ToArray()
    let x = Array.init 64 (fun i -> float (i % 17) / 16.0)
    let y = Array.init 10 (fun k -> if k = 3 then 1.0 else 0.0)
    let stepped = Nn.Examples.DigitsDouble.SgdStep(network, ReadOnlySpan x, ReadOnlySpan y, 0.1)
    Assert.Equal<float[]>(before, network.Parameters.ToArray())
    Assert.NotEqual<float[]>(before, stepped.Parameters.ToArray())
    let cost net = Nn.Examples.DigitsDouble.Cost(Nn.Examples.DigitsDouble.ParametersOf net, ReadOnlySpan x, ReadOnlySpan y)
    Assert.True(cost stepped < cost network)

[<Fact>]
let ``training the declared digits network with generated mini-batch steps classifies the test set`` () =
    // The loop of docs/generator.md.
    let split = Digits.Load<float32>()
    let train, test = split.Train, split.Test
    let parameters = Nn.Examples.DigitsFloat.CreateNetwork(Initializer.He, 1UL).Parameters.ToArray()
    let gradient = Array.zeroCreate<float32> Nn.Examples.DigitsFloat.ParameterCount
    let batch = 32
    let inputSize, outputSize = Nn.Examples.DigitsFloat.InputSize, Nn.Examples.DigitsFloat.OutputSize
    for _ in 1 .. 20 do
        for start in 0 .. batch .. train.Count - batch do
            Nn.Examples.DigitsFloat.MiniBatchStepInPlace(
                Span parameters,
                train.Inputs.AsSpan().Slice(start * inputSize, batch * inputSize),
                train.Targets.AsSpan().Slice(start * outputSize, batch * outputSize),
                batch,
                0.1f,
                Span gradient)
            |> ignore
    let accuracy = Evaluation.Evaluate(Nn.Examples.DigitsFloat.ToNetwork(ReadOnlySpan parameters), test).Accuracy
    Assert.True(accuracy >= 0.9, sprintf "test accuracy %.3f" accuracy)

[<Fact>]
let ``the declaration without a runtime stack's dropout layer gives that stack's inference outputs from the same θ`` () =
    // NN0016's advice for [Dropout]: at inference dropout is the identity and owns no parameters.
    let withDropout = Architecture.Input(64).Dense(32, Activation.Relu).Dropout(0.5).Dense(10, Activation.Softmax)
    let runtime = Network.Create<float>(withDropout, Initializer.He, 5UL)
    let theta = runtime.Parameters.ToArray()
    Assert.Equal(Nn.Examples.DigitsDouble.ParameterCount, theta.Length)
    for row in 0 .. 3 do
        let x = Array.init 64 (fun i -> float ((i * (row + 3)) % 17) / 16.0)
        let output = Array.zeroCreate<float> Nn.Examples.DigitsDouble.OutputSize
        Nn.Examples.DigitsDouble.Forward(ReadOnlySpan theta, ReadOnlySpan x, Span output)
        assertAllClose generatedVersusRuntime (runtime.Forward(ReadOnlySpan x)) output

[<Fact>]
let ``the generated cost of confidently right multi-label outputs keeps the tiny cost the runtime keeps`` () =
    // Zero weights, so z² is the output bias: ±40 with the label of its sign. Each output then costs
    // ln(1 + e^−40), e^−40 to 17 digits, which softplus(z) − y z computed as written rounds to 0.
    let signs = Array.init 10 (fun k -> if k % 3 = 0 then 1.0 else -1.0)
    let hidden = Array2D.zeroCreate<float> 25 401
    let output = Array2D.init 10 26 (fun row column -> if column = 0 then 40.0 * signs[row] else 0.0)
    let network = Network.FromBiasFirstColumns<float>([| hidden; output |], [| Activation.Sigmoid; Activation.Sigmoid |])
    let x = Array.init 400 (fun i -> float (i % 7) / 7.0)
    let y = signs |> Array.map (fun s -> if s > 0.0 then 1.0 else 0.0)
    let parameters = Nn.Examples.MultiLabelDouble.ParametersOf network
    let generated = Nn.Examples.MultiLabelDouble.Cost(parameters, ReadOnlySpan x, ReadOnlySpan y, 1)
    let expected = 10.0 * exp -40.0
    Assert.True(abs (generated - expected) <= 1e-15 * expected, $"generated cost {generated}, expected {expected}")
    let runtime = Backprop.Cost(network, Loss.BinaryCrossEntropy, Matrix.FromRows [| x |], Matrix.FromRows [| y |])
    Assert.True(abs (runtime - expected) <= 1e-15 * expected, $"runtime cost {runtime}, expected {expected}")

[<Fact>]
let ``the generated cost of a confidently right softmax output keeps the tiny cost the runtime keeps`` () =
    // Zero weights, so z² is the output bias: 40 for the labelled class, −5 for one other, 0 for the other eight.
    // The cost is ln(1 + 8e^−40 + e^−45), that sum to 17 digits, which max + ln Σ e^(z − max) − z_t rounds to 0.
    let hidden = Array2D.zeroCreate<float> 32 65
    let output = Array2D.init 10 33 (fun row column -> if column > 0 then 0.0 elif row = 0 then 40.0 elif row = 4 then -5.0 else 0.0)
    let network = Network.FromBiasFirstColumns<float>([| hidden; output |], [| Activation.Relu; Activation.Softmax |])
    let x = Array.init 64 (fun i -> float (i % 5) / 5.0)
    let y = Array.init 10 (fun k -> if k = 0 then 1.0 else 0.0)
    let parameters = Nn.Examples.DigitsDouble.ParametersOf network
    let generated = Nn.Examples.DigitsDouble.Cost(parameters, ReadOnlySpan x, ReadOnlySpan y)
    let expected = 8.0 * exp -40.0 + exp -45.0
    Assert.True(abs (generated - expected) <= 4e-16 * expected, $"generated cost {generated}, expected {expected}")
    let batch = Nn.Examples.DigitsDouble.CostBatch(parameters, ReadOnlySpan(Array.append x x), ReadOnlySpan(Array.append y y), 2)
    Assert.Equal(generated, batch)
    let runtime = Backprop.Cost(network, Loss.SoftmaxCrossEntropy, Matrix.FromRows [| x; x |], Matrix.FromRows [| y; y |])
    Assert.Equal(runtime, batch)
