/// The declared 64-64-10 digits network with batch normalisation and dropout of Nn.Examples (RegularisedDigitsFloat)
/// against the runtime network of the same architecture: its layout, the training objective's cost and gradient,
/// inference with running statistics, the training step with a dropout key, and training it on the digits.
module Nn.Tests.Generated.GeneratedRegularisedTests

open System
open Nn
open Nn.Examples
open Nn.Tests.Helpers
open Xunit

type private Net = RegularisedDigitsFloat

let private runtimeArchitecture =
    Architecture.Input(64).Dense(64, Activation.Relu).BatchNorm().Dropout(0.2).Dense(10, Activation.Softmax)

/// He-initialised θ, inputs in [0, 1] and one-hot targets.
let private case (rows: int) (seed: int) =
    let network = Net.CreateNetwork(Initializer.He, uint64 seed)
    let random = Random(seed)
    let inputs = Array.init (rows * Net.InputSize) (fun _ -> float32 (random.NextDouble()))
    let targets = Array.zeroCreate<float32> (rows * Net.OutputSize)
    for i in 0 .. rows - 1 do
        targets[i * Net.OutputSize + random.Next Net.OutputSize] <- 1.0f
    network, inputs, targets

/// Running statistics far from the initial ones (means in [−0.5, 0.5], variances in [0.25, 2.25]), so that inference
/// shows whether they are read.
let private statisticsOf (seed: int) =
    let random = Random(seed)
    Array.init Net.StateCount (fun i ->
        if i < Net.BatchNorm1Features then float32 (random.NextDouble() - 0.5) else float32 (0.25 + 2.0 * random.NextDouble()))

[<Fact>]
let ``the declared stack has the runtime's architecture, parameter layout and state layout`` () =
    Assert.Equal(runtimeArchitecture, Net.Architecture)
    Assert.Equal(runtimeArchitecture.ParameterCount, Net.ParameterCount)
    Assert.Equal(runtimeArchitecture.StateCount, Net.StateCount)
    Assert.Equal(runtimeArchitecture.WeightOffset 1, Net.BatchNorm1Offset)
    Assert.Equal(runtimeArchitecture.StateOffset 1, Net.BatchNorm1StateOffset)
    Assert.Equal(runtimeArchitecture.WeightOffset 3, Net.Weights2Offset)
    Assert.Equal(runtimeArchitecture.BiasOffset 3, Net.Bias2Offset)

[<Theory>]
[<InlineData(1, 3)>]
[<InlineData(6, 4)>]
[<InlineData(40, 5)>]
let ``the cost and gradient are the runtime's training objective exactly`` (rows: int, seed: int) =
    let network, inputs, targets = case rows seed
    let theta = network.Parameters.ToArray()
    let gradient = Array.create Net.ParameterCount 7.0f
    let cost = Net.CostAndGradientBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows, Span gradient)
    let expected =
        Backprop.Gradient(network, Net.LossFunction, Matrix<float32>.Create(rows, Net.InputSize, inputs), Matrix<float32>.Create(rows, Net.OutputSize, targets))
    Assert.Equal(expected.Loss, cost)
    Assert.Equal(expected.Loss, Net.CostBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows))
    Assert.Equal<float32[]>(expected.Gradient.ToArray(), gradient)
    if rows > 1 then
        // γ gets gradient only when the batch has spread (with one row x̂ = 0), and it does here.
        Assert.True(gradient.AsSpan(Net.BatchNorm1Offset, Net.BatchNorm1Features).ToArray() |> Array.exists (fun g -> g <> 0.0f))

[<Fact>]
let ``the one-sample members are the batch members with one row`` () =
    let network, inputs, targets = case 1 6
    let theta = network.Parameters.ToArray()
    let one, batch = Array.zeroCreate<float32> Net.ParameterCount, Array.zeroCreate<float32> Net.ParameterCount
    Assert.Equal(
        Net.CostAndGradientBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, 1, Span batch),
        Net.CostAndGradient(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, Span one))
    Assert.Equal<float32[]>(batch, one)
    Assert.Equal(Net.CostBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, 1), Net.Cost(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets))

[<Theory>]
[<InlineData(1)>]
[<InlineData(9)>]
let ``inference reads the running statistics it is given, as Network.Forward of a network with that state`` (rows: int) =
    let network, inputs, _ = case rows 7
    let theta = network.Parameters.ToArray()
    let statistics = statisticsOf 8
    let outputs = Array.zeroCreate<float32> (rows * Net.OutputSize)
    Net.ForwardBatch(ReadOnlySpan theta, ReadOnlySpan statistics, ReadOnlySpan inputs, Span outputs, rows)
    let withState = Net.ToNetwork(ReadOnlySpan theta, ReadOnlySpan statistics)
    Assert.Equal<float32[]>(statistics, Net.StatisticsOf(withState).ToArray())
    // Network.Forward may run a batch's products on more threads, which rounds float sums in another order.
    let expected = Network.Forward(withState, Matrix<float32>.Create(rows, Net.InputSize, inputs)).AsSpan().ToArray()
    assertAllClose 1e-5 (Array.map float expected) (Array.map float outputs)
    // The initial statistics give other outputs: the ones given were read.
    let initial = Array.zeroCreate<float32> (rows * Net.OutputSize)
    Net.ForwardBatch(ReadOnlySpan theta, ReadOnlySpan(network.State.ToArray()), ReadOnlySpan inputs, Span initial, rows)
    Assert.NotEqual<float32[]>(initial, outputs)
    let one = Array.zeroCreate<float32> Net.OutputSize
    Net.Forward(ReadOnlySpan theta, ReadOnlySpan statistics, ReadOnlySpan(inputs, 0, Net.InputSize), Span one)
    assertAllClose 1e-5 (Array.map float (Array.sub outputs 0 Net.OutputSize)) (Array.map float one)

[<Fact>]
let ``a training step with key 0 moves θ by the objective's gradient and the statistics by the batch's`` () =
    let rows = 8
    let network, inputs, targets = case rows 9
    let theta = network.Parameters.ToArray()
    let statistics = statisticsOf 10
    let gradient = Array.zeroCreate<float32> Net.ParameterCount
    let objective = Array.zeroCreate<float32> Net.ParameterCount
    let expectedCost = Net.CostAndGradientBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows, Span objective)
    let stepped, nextStatistics = Array.copy theta, Array.copy statistics
    let cost = Net.TrainingStepInPlace(Span stepped, Span nextStatistics, ReadOnlySpan inputs, ReadOnlySpan targets, rows, 0.1f, 0UL, Span gradient)
    Assert.Equal(expectedCost, cost)
    Assert.Equal<float32[]>(Array.map2 (fun t g -> t - 0.1f * g) theta objective, stepped)
    // r' = 0.9 r + 0.1 · batch value, from the first layer's ReLU outputs over the batch (unbiased variance).
    let firstLayer = Network.FromParameters<float32>(Architecture.Input(64).Dense(64, Activation.Relu), ReadOnlySpan(theta, 0, 64 * 64 + 64))
    let hidden = Network.Forward(firstLayer, Matrix<float32>.Create(rows, 64, inputs)).AsSpan().ToArray()
    for c in 0 .. Net.BatchNorm1Features - 1 do
        let column = Array.init rows (fun n -> float hidden[n * 64 + c])
        let mean = Array.average column
        let variance = (column |> Array.sumBy (fun v -> (v - mean) ** 2.0)) / float (rows - 1)
        assertClose 1e-5 (0.9 * float statistics[c] + 0.1 * mean) (float nextStatistics[c])
        assertClose 1e-5 (0.9 * float statistics[64 + c] + 0.1 * variance) (float nextStatistics[64 + c])

[<Fact>]
let ``a training step's dropout key draws its own masks, the same for the same key, and the pure step matches the in-place one`` () =
    let rows = 8
    let network, inputs, targets = case rows 11
    let theta = network.Parameters.ToArray()
    let step (key: uint64) =
        let parameters, statistics = Array.copy theta, network.State.ToArray()
        let cost = Net.TrainingStepInPlace(Span parameters, Span statistics, ReadOnlySpan inputs, ReadOnlySpan targets, rows, 0.05f, key, Span(Array.zeroCreate<float32> Net.ParameterCount))
        cost, parameters, statistics
    let cost0, theta0, _ = step 0UL
    let cost1, theta1, statistics1 = step 12345UL
    let again, thetaAgain, _ = step 12345UL
    Assert.NotEqual(cost0, cost1)
    Assert.NotEqual<float32[]>(theta0, theta1)
    Assert.Equal(cost1, again)
    Assert.Equal<float32[]>(theta1, thetaAgain)
    let stepped = Net.TrainingStep(network, ReadOnlySpan inputs, ReadOnlySpan targets, rows, 0.05f, 12345UL)
    Assert.Equal<float32[]>(theta1, stepped.Parameters.ToArray())
    Assert.Equal<float32[]>(statistics1, stepped.State.ToArray())
    Assert.Equal<float32[]>(theta, network.Parameters.ToArray())

[<Fact>]
let ``training the declared stack with its steps and running statistics classifies the digits`` () =
    let split = Digits.Load<float32>()
    let train, test = split.Train, split.Test
    let parameters = Net.CreateNetwork(Initializer.He, 1UL).Parameters.ToArray()
    let statistics = Net.CreateNetwork(Initializer.He, 1UL).State.ToArray()
    let gradient = Array.zeroCreate<float32> Net.ParameterCount
    let inputs, targets = train.Inputs.AsSpan().ToArray(), train.Targets.AsSpan().ToArray()
    let batch = 32
    for epoch in 0 .. 14 do
        for start in 0 .. batch .. train.Count - batch do
            let key = uint64 (epoch * 1000 + start + 1)
            Net.TrainingStepInPlace(
                Span parameters, Span statistics,
                ReadOnlySpan(inputs, start * Net.InputSize, batch * Net.InputSize), ReadOnlySpan(targets, start * Net.OutputSize, batch * Net.OutputSize),
                batch, 0.1f, key, Span gradient) |> ignore
    let accuracy = Evaluation.Accuracy(Net.ToNetwork(ReadOnlySpan parameters, ReadOnlySpan statistics), test)
    Assert.True(accuracy >= 0.9, sprintf "test accuracy %.3f" accuracy)

[<Fact>]
let ``bad running statistics are refused naming the argument`` () =
    let network, inputs, _ = case 2 13
    let theta = network.Parameters.ToArray()
    let outputs = Array.zeroCreate<float32> (2 * Net.OutputSize)
    let paramOf (statistics: float32[]) =
        (Assert.ThrowsAny<ArgumentException>(fun () -> Net.ForwardBatch(ReadOnlySpan theta, ReadOnlySpan statistics, ReadOnlySpan inputs, Span outputs, 2))).ParamName
    Assert.Equal("statistics", paramOf (Array.zeroCreate (Net.StateCount - 1)))
    let negative = statisticsOf 14
    negative[Net.BatchNorm1Features + 3] <- -1.0f
    Assert.Equal("statistics", paramOf negative)
    let notFinite = statisticsOf 15
    notFinite[2] <- Single.NaN
    Assert.Equal("statistics", paramOf notFinite)
