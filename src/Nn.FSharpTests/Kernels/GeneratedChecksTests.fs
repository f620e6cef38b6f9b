/// The argument checks and the checked update that generated network code calls: their messages, which element
/// they name, and that the update is θ − η g bit for bit.
module Nn.Tests.Kernels.GeneratedChecksTests

open System
open global.Xunit
open Nn
open Nn.Kernels

/// 3 inputs, a dense layer of 2 with bias, a dense layer of 1 without: θ = W^1 (6), b^1 (2), W^2 (2).
let private architecture = Architecture.Input(3).Dense(2, Activation.Relu).Dense(1, Activation.Identity, hasBias = false)

[<Fact>]
let ``a non-finite input is named by element, and in a batch by row and column`` () =
    let batch = [| 1.0; 2.0; 3.0; nan; 5.0; 6.0 |]
    let error = Assert.Throws<ArgumentException>(fun () -> GeneratedChecks.CheckFinite<float>("inputs", ReadOnlySpan batch, 2))
    Assert.Equal("inputs must hold finite numbers, but element 3 (row 1, column 1) is NaN. (Parameter 'inputs')", error.Message)
    let sample = [| 1.0f; infinityf |]
    let single = Assert.Throws<ArgumentException>(fun () -> GeneratedChecks.CheckFinite<float32>("input", ReadOnlySpan sample, 2))
    Assert.Equal("input must hold finite numbers, but element 1 is Infinity. (Parameter 'input')", single.Message)
    GeneratedChecks.CheckFinite<float>("input", ReadOnlySpan [| 1.0; -2.0 |], 2)

[<Fact>]
let ``a width below one is refused naming it, not divided by when a value is non-finite`` () =
    for width in [ 0; -1 ] do
        let error = Assert.Throws<ArgumentOutOfRangeException>(fun () -> GeneratedChecks.CheckFinite<float>("inputs", ReadOnlySpan [| 1.0; nan |], width))
        Assert.Equal("width", error.ParamName)

[<Fact>]
let ``lengths, counts and learning rates are checked with messages that name the argument`` () =
    let length = Assert.Throws<ArgumentException>(fun () -> GeneratedChecks.CheckLength("input", 64L, 63))
    Assert.Equal("input must have length 64, but has 63. (Parameter 'input')", length.Message)
    let rows = Assert.Throws<ArgumentOutOfRangeException>(fun () -> GeneratedChecks.CheckPositive("rows", 0))
    Assert.StartsWith("rows must be at least 1, but is 0.", rows.Message)
    for bad in [ 0.0; -0.1; nan; infinity ] do
        Assert.Throws<ArgumentOutOfRangeException>(fun () -> GeneratedChecks.CheckLearningRate<float> bad) |> ignore
    GeneratedChecks.CheckLength("input", 64L, 64)
    GeneratedChecks.CheckPositive("rows", 1)
    GeneratedChecks.CheckLearningRate<float> 0.1

[<Fact>]
let ``a parameter is named as the weight or bias it is, layers counted from 1`` () =
    let names = [ 0; 5; 6; 7; 8; 9; 10 ] |> List.map (fun i -> GeneratedChecks.ParameterName(architecture, i))
    Assert.Equal<string list>([ "W^1[0, 0]"; "W^1[1, 2]"; "b^1[0]"; "b^1[1]"; "W^2[0, 0]"; "W^2[0, 1]"; "no parameter" ], names)

[<Fact>]
let ``a convolution's kernel element is named by filter, channel, row and column`` () =
    let conv = Architecture.Input(2, 5, 5).Conv2D(3, 2, 3, Activation.Relu)
    // K is 3 × 2 × 2 × 3: element 1·12 + 1·6 + 1·3 + 2 = 23 is K[1, 1, 1, 2]; the 3 biases follow the 36 weights.
    Assert.Equal("W^1[1, 1, 1, 2]", GeneratedChecks.ParameterName(conv, 23))
    Assert.Equal("b^1[2]", GeneratedChecks.ParameterName(conv, 38))

[<Fact>]
let ``the checked update is theta minus eta times the gradient bit for bit`` () =
    let random = Random 7
    let theta = Array.init 10 (fun _ -> random.NextDouble() - 0.5)
    let gradient = Array.init 10 (fun _ -> random.NextDouble() - 0.5)
    let updated = Array.copy theta
    GeneratedChecks.UpdateChecked<float>(Span updated, ReadOnlySpan gradient, 0.1, architecture)
    Assert.Equal<float[]>(Array.map2 (fun t g -> t + (-0.1) * g) theta gradient, updated)

[<Fact>]
let ``a step from a non-finite theta names the parameter and a diverging step names the learning rate`` () =
    let theta = Array.create 10 1.0
    theta[7] <- nan
    let bad = Assert.Throws<ArgumentException>(fun () -> GeneratedChecks.UpdateChecked<float>(Span theta, ReadOnlySpan(Array.zeroCreate 10), 0.1, architecture))
    Assert.Equal("parameters must hold finite numbers, but element 7 (b^1[1]) is NaN. (Parameter 'parameters')", bad.Message)
    let huge = Array.create 10 1e308
    let diverged = Assert.Throws<ArgumentException>(fun () -> GeneratedChecks.UpdateChecked<float>(Span huge, ReadOnlySpan(Array.create 10 -1e308), 10.0, architecture))
    Assert.Equal("learningRate", diverged.ParamName)
    Assert.StartsWith("the step diverged: element 0 (W^1[0, 0]) of θ' = θ − η ∇θ C is Infinity (∂C/∂θ = -1E+308, η = 10)", diverged.Message)
    Assert.Equal(infinity, huge[0])

[<Fact>]
let ``a non-finite cost or output is blamed on theta only when theta holds the bad number`` () =
    let finite = Array.create 10 1.0
    Assert.Equal(infinity, GeneratedChecks.CheckCost<float>(ReadOnlySpan finite, infinity, architecture))
    GeneratedChecks.CheckOutputs<float>(ReadOnlySpan finite, ReadOnlySpan [| nan |], architecture)
    let broken = Array.copy finite
    broken[8] <- -infinity
    let error = Assert.Throws<ArgumentException>(fun () -> GeneratedChecks.CheckCost<float>(ReadOnlySpan broken, nan, architecture) |> ignore)
    Assert.Equal("parameters must hold finite numbers, but element 8 (W^2[0, 0]) is -Infinity. (Parameter 'parameters')", error.Message)
    Assert.Throws<ArgumentException>(fun () -> GeneratedChecks.CheckOutputs<float>(ReadOnlySpan broken, ReadOnlySpan [| nan |], architecture)) |> ignore
    Assert.Throws<ArgumentException>(fun () -> GeneratedChecks.CheckParameters<float>(ReadOnlySpan broken, architecture)) |> ignore
    Assert.Equal(2.5, GeneratedChecks.CheckCost<float>(ReadOnlySpan broken, 2.5, architecture))

[<Fact>]
let ``the first non-finite index is the length when every value is finite`` () =
    Assert.Equal(2, GeneratedChecks.FirstNonFinite<float>(ReadOnlySpan [| 0.0; 1.0; nan; nan |]))
    Assert.Equal(3, GeneratedChecks.FirstNonFinite<float>(ReadOnlySpan [| 0.0; 1.0; 2.0 |]))

[<Fact>]
let ``a network without batch normalisation passes its empty statistics, which every generated inference checks`` () =
    GeneratedChecks.CheckStatistics<float>(ReadOnlySpan [||], Architecture.Input(3).Dropout(0.1).Dense(2, Activation.Tanh))
    let length = Assert.Throws<ArgumentException>(fun () -> GeneratedChecks.CheckStatistics<float>(ReadOnlySpan [| 1.0 |], Architecture.Input(3).Dense(2, Activation.Tanh)))
    Assert.Equal("statistics must have length 0, but has 1. (Parameter 'statistics')", length.Message)

[<Fact>]
let ``running statistics are checked for length, finiteness and negative variances, naming the layer`` () =
    // 3 inputs, dropout, a dense layer of 2 and its batch normalisation: state = mean (2) then variance (2) of layer 2.
    let normalised = Architecture.Input(3).Dropout(0.1).Dense(2, Activation.Tanh).BatchNorm()
    let check (statistics: float[]) = GeneratedChecks.CheckStatistics<float>(ReadOnlySpan statistics, normalised)
    check [| 0.5; -0.5; 0.0; 2.0 |]
    let length = Assert.Throws<ArgumentException>(fun () -> check [| 0.0; 0.0; 1.0 |])
    Assert.Equal("statistics must have length 4, but has 3. (Parameter 'statistics')", length.Message)
    let notFinite = Assert.Throws<ArgumentException>(fun () -> check [| 0.0; nan; 1.0; 1.0 |])
    Assert.Equal("statistics must hold finite numbers, but element 1 is NaN. (Parameter 'statistics')", notFinite.Message)
    let negative = Assert.Throws<ArgumentException>(fun () -> check [| 0.0; 0.0; 1.0; -0.25 |])
    Assert.StartsWith("statistics must be valid running statistics, but layer 2 has a running variance of -0.25 for feature 1.", negative.Message)
    Assert.Equal("statistics", negative.ParamName)
    Assert.Throws<ArgumentNullException>(fun () -> GeneratedChecks.CheckStatistics<float>(ReadOnlySpan [||], Unchecked.defaultof<Architecture>)) |> ignore
