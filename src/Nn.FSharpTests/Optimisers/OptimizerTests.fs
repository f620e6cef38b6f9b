/// The first-order optimiser rules: (state, θ, ∇) → (state', θ'), pure and validated.
module Nn.Tests.Optimisers.OptimizerTests

open System
open System.Collections.Immutable
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.Helpers
open Xunit

let private vector (values: float[]) = ParameterVector<float>.Create(ReadOnlySpan values)

let private rules : Optimizer list = [ Sgd 0.1; Momentum(0.1, 0.9); Adam(0.01) ]

[<Property>]
let ``SGD with a zero gradient leaves the parameters unchanged`` (values: FsCheck.NormalFloat list) =
    let theta = values |> List.map (fun v -> v.Get) |> Array.ofList |> vector
    let rule = Sgd 0.5
    let step = rule.Apply(rule.Init theta, theta, ParameterVector<float>.Zeros theta.Length)
    step.Parameters = theta

[<Fact>]
let ``every rule leaves its arguments unchanged and returns the same result for the same input`` () =
    let theta = vector [| 1.0; -2.0; 0.5 |]
    let gradient = vector [| 0.3; 0.1; -0.2 |]
    for rule in rules do
        let state = rule.Init theta
        let first = rule.Apply(state, theta, gradient)
        let second = rule.Apply(state, theta, gradient)
        Assert.Equal(first, second)
        Assert.Equal(vector [| 1.0; -2.0; 0.5 |], theta)
        Assert.Equal(rule.Init theta, state)
        Assert.Equal(1L, first.State.Step)

[<Fact>]
let ``SGD moves against the gradient by the learning rate`` () =
    let step = (Sgd 0.1).Apply((Sgd 0.1).Init(vector [| 1.0; 1.0 |]), vector [| 1.0; 1.0 |], vector [| 2.0; -4.0 |])
    assertAllClose doubleRounding [| 0.8; 1.4 |] (step.Parameters.ToArray())

[<Fact>]
let ``momentum accumulates velocity`` () =
    let rule = Momentum(0.1, 0.5)
    let theta = vector [| 0.0 |]
    let g = vector [| 1.0 |]
    let first = rule.Apply(rule.Init theta, theta, g)
    let second = rule.Apply(first.State, first.Parameters, g)
    // v1 = −0.1, θ1 = −0.1; v2 = 0.5·(−0.1) − 0.1 = −0.15, θ2 = −0.25
    assertAllClose doubleRounding [| -0.25 |] (second.Parameters.ToArray())

[<Fact>]
let ``Adam's first step moves each parameter by the learning rate against the gradient's sign`` () =
    let rule = Adam(0.01)
    let theta = vector [| 1.0; 1.0 |]
    let step = rule.Apply(rule.Init theta, theta, vector [| 3.0; -0.002 |])
    assertAllClose 1e-6 [| 0.99; 1.01 |] (step.Parameters.ToArray())

[<Fact>]
let ``hyperparameters are validated when a rule is made`` () =
    Assert.Contains("LearningRate must be a positive finite number, but is -0.1", messageOf<ArgumentOutOfRangeException> (fun () -> Sgd -0.1 |> ignore))
    Assert.Contains("Coefficient", messageOf<ArgumentOutOfRangeException> (fun () -> Momentum(0.1, 1.0) |> ignore))
    Assert.Contains("Beta2", messageOf<ArgumentOutOfRangeException> (fun () -> Adam(0.1, 0.9, 1.5) |> ignore))

[<Fact>]
let ``a gradient of the wrong length or with NaN is refused`` () =
    let theta = vector [| 1.0; 2.0 |]
    let rule = Sgd 0.1
    Assert.Contains("length 2", messageOf<ArgumentException> (fun () -> rule.Apply(rule.Init theta, theta, vector [| 1.0 |]) |> ignore))
    Assert.Contains("NaN", messageOf<ArgumentException> (fun () -> rule.Apply(rule.Init theta, theta, vector [| 1.0; nan |]) |> ignore))

[<Fact>]
let ``parameters holding NaN or infinity are refused naming the element, not stepped into NaN`` () =
    for rule in rules @ [ AdaGrad 0.01; RmsProp 0.01; Nesterov(0.1, 0.9); AdamW(0.01) ] do
        for bad in [ nan; infinity; -infinity ] do
            let theta = vector [| 1.0; bad |]
            let e = Assert.Throws<ArgumentException>(fun () -> rule.Apply(rule.Init theta, theta, vector [| 0.1; 0.1 |]) |> ignore)
            Assert.Equal("parameters", e.ParamName)
            Assert.StartsWith(sprintf "parameters must hold finite numbers, but element 1 is %s." (bad.ToString(Globalization.CultureInfo.InvariantCulture)), e.Message)

[<Fact>]
let ``a step on a network equals Apply on its parameters and leaves the network unchanged`` () =
    let network = Network.FromParameters(Architecture.Input(2).Dense(1, Activation.Sigmoid), ReadOnlySpan [| 0.5; -0.3; 0.1 |])
    let gradient = vector [| 0.2; -0.1; 0.4 |]
    for rule in rules do
        let state = rule.Init network.Parameters
        let onNetwork = rule.Step(state, network, gradient)
        let onParameters = rule.Apply(state, network.Parameters, gradient)
        Assert.Equal(onParameters.State, onNetwork.State)
        Assert.Equal(network.WithParameters onParameters.Parameters, onNetwork.Network)
        Assert.Equal(vector [| 0.5; -0.3; 0.1 |], network.Parameters)

[<Fact>]
let ``a step on a network refuses a gradient of another layout`` () =
    let network = Network.FromParameters(Architecture.Input(2).Dense(1, Activation.Sigmoid), ReadOnlySpan [| 0.5; -0.3; 0.1 |])
    let rule = Sgd 0.1
    Assert.Contains("length 3", messageOf<ArgumentException> (fun () -> rule.Step(rule.Init network.Parameters, network, vector [| 1.0 |]) |> ignore))

[<Fact>]
let ``every hyperparameter of every rule is validated when the rule is made, naming it`` () =
    let refused (make: unit -> Optimizer) = (Assert.Throws<ArgumentOutOfRangeException>(fun () -> make () |> ignore)).ParamName
    let cases: (string * (unit -> Optimizer)) list =
        [ "LearningRate", (fun () -> Sgd 0.0)
          "LearningRate", (fun () -> Momentum(0.0, 0.5))
          "Coefficient", (fun () -> Momentum(0.1, -0.5))
          "LearningRate", (fun () -> Nesterov(-1.0, 0.5))
          "Coefficient", (fun () -> Nesterov(0.1, 1.0))
          "LearningRate", (fun () -> AdaGrad(0.0))
          "Epsilon", (fun () -> AdaGrad(0.1, -1e-8))
          "LearningRate", (fun () -> RmsProp(nan))
          "Rho", (fun () -> RmsProp(0.1, 1.0))
          "Epsilon", (fun () -> RmsProp(0.1, 0.9, 0.0))
          "LearningRate", (fun () -> Adam(0.0))
          "Beta1", (fun () -> Adam(0.1, 1.0))
          "Beta2", (fun () -> Adam(0.1, 0.9, -0.1))
          "Epsilon", (fun () -> Adam(0.1, 0.9, 0.999, 0.0))
          "LearningRate", (fun () -> AdamW(infinity))
          "WeightDecay", (fun () -> AdamW(0.1, -0.01))
          "Beta1", (fun () -> AdamW(0.1, 0.01, -0.1))
          "Beta2", (fun () -> AdamW(0.1, 0.01, 0.9, 1.0))
          "Epsilon", (fun () -> AdamW(0.1, 0.01, 0.9, 0.999, 0.0)) ]
    for name, make in cases do
        Assert.Equal(name, refused make)

[<Fact>]
let ``every registered rule refuses a null state, parameters or gradient naming the argument, even one with no moments to size`` () =
    let theta = vector [| 1.0; 2.0 |]
    let none = Unchecked.defaultof<ParameterVector<float>>
    for kind in OptimizerKinds.All do
        let rule = kind.Default()
        let state = rule.Init theta
        let named (expected: string) (call: unit -> unit) =
            let error = Assert.Throws<ArgumentNullException>(fun () -> call ())
            Assert.True((Some expected = Option.ofObj error.ParamName), sprintf "%s: %s refused as %A" kind.Name expected error.ParamName)
        named "parameters" (fun () -> rule.Init none |> ignore)
        named "state" (fun () -> rule.Apply(Unchecked.defaultof<OptimizerState<float>>, theta, theta) |> ignore)
        named "parameters" (fun () -> rule.Apply(state, none, theta) |> ignore)
        named "gradient" (fun () -> rule.Apply(state, theta, none) |> ignore)

[<Fact>]
let ``a state holding another rule's number of moments is refused naming state and both counts`` () =
    let theta = vector [| 1.0; 2.0 |]
    let e = Assert.Throws<ArgumentException>(fun () -> (Adam 0.01).Apply((Sgd 0.1).Init theta, theta, vector [| 0.1; 0.1 |]) |> ignore)
    Assert.Equal("state", e.ParamName)
    Assert.StartsWith("state must hold 2 moment vectors for adam, but holds 0.", e.Message)

[<Fact>]
let ``a state whose moments hold NaN or a negative mean of squares is refused naming the moment, not stepped into NaN`` () =
    let theta = vector [| 1.0; 2.0 |]
    let gradient = vector [| 0.1; 0.1 |]
    let state (moments: float[] list) = OptimizerState<float>(1L, ImmutableArray.CreateRange(moments |> List.map vector))
    let refused (rule: Optimizer) moments name (text: string) =
        let e = Assert.Throws<ArgumentException>(fun () -> rule.Apply(state moments, theta, gradient) |> ignore)
        Assert.Equal(name, e.ParamName)
        Assert.StartsWith(text, e.Message)
    refused (Adam 0.01) [ [| 0.0; 0.0 |]; [| 0.0; -1.0 |] ] "state.Moments[1]" "state.Moments[1] must hold Adam's second moment v of 0 or more (a mean of squares), but element 1 is -1."
    refused (Adam 0.01) [ [| nan; 0.0 |]; [| 0.0; 0.0 |] ] "state.Moments[0]" "state.Moments[0] must hold finite numbers, but element 0 is NaN."
    refused (AdaGrad 0.01) [ [| -0.5; 0.0 |] ] "state.Moments[0]" "state.Moments[0] must hold AdaGrad's sum of squares G of 0 or more, but element 0 is -0.5."
    refused (RmsProp 0.01) [ [| 0.0; -2.0 |] ] "state.Moments[0]" "state.Moments[0] must hold RMSProp's mean of squares E of 0 or more, but element 1 is -2."
    refused (Momentum(0.1, 0.9)) [ [| infinity; 0.0 |] ] "state.Moments[0]" "state.Moments[0] must hold finite numbers, but element 0 is Infinity."
    // Momentum's velocity takes either sign, so a negative one is a state a run reaches.
    let rule = Momentum(0.1, 0.9)
    Assert.True((rule.Apply(state [ [| -1.0; 1.0 |] ], theta, gradient)).Parameters.IsFinite())

[<Fact>]
let ``two optimiser states are equal exactly when their step counts and moments are`` () =
    let state (step: int64) (moment: float[]) = OptimizerState<float>(step, ImmutableArray.Create(vector moment))
    Assert.Equal(state 3L [| 1.0; 2.0 |], state 3L [| 1.0; 2.0 |])
    Assert.NotEqual(state 3L [| 1.0; 2.0 |], state 4L [| 1.0; 2.0 |])
    Assert.NotEqual(state 3L [| 1.0; 2.0 |], state 3L [| 1.0; 2.5 |])

[<Fact>]
let ``a step refuses parameters of another architecture's length, moments of another length than theta and a null network, naming each`` () =
    let rule = Adam 0.01
    let theta = vector [| 1.0; 2.0 |]
    let gradient = vector [| 0.1; 0.1 |]
    // Input(2).Dense(1) has 3 parameters, not θ's 2.
    let wide = Architecture.Input(2).Dense(1, Activation.Identity)
    let e = Assert.Throws<ArgumentException>(fun () -> rule.Apply(rule.Init theta, theta, gradient, wide) |> ignore)
    Assert.Equal("parameters", e.ParamName)
    let e = Assert.Throws<ArgumentException>(fun () -> rule.Apply(rule.Init(vector [| 1.0 |]), theta, gradient) |> ignore)
    Assert.Equal("state.Moments[0]", e.ParamName)
    let e = Assert.Throws<ArgumentNullException>(fun () -> rule.Step(rule.Init theta, Unchecked.defaultof<Network<float>>, gradient) |> ignore)
    Assert.Equal("network", e.ParamName)

[<Fact>]
let ``a rule whose hyperparameter is 0 or infinite in float is refused for float, with the value and the type named`` () =
    let network = Network.Create<float32>(Architecture.Input(2).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    let data = Dataset.FromLabels(Matrix<float32>.FromRows [| [| 0.1f; 0.2f |]; [| 0.3f; 0.1f |] |], [| 0; 1 |], 2)
    let tiny = messageOf<ArgumentException> (fun () -> Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd(1e-50), data, TrainingOptions(1, 2, 1UL)) |> ignore)
    Assert.Contains("learning rate η = 1E-50 is 0 in float32, the network's numbers", tiny)
    let scheduled = Adam(1e-3, Epsilon = 1e-60).WithSchedule(LearningRateSchedule.Cosine(10))
    let epsilon = messageOf<ArgumentException> (fun () -> Trainer.Train(network, Loss.SoftmaxCrossEntropy, scheduled, data, TrainingOptions(1, 2, 1UL)) |> ignore)
    Assert.Contains("= 1E-60 is 0 in float32", epsilon)
    let huge = Sgd(1e39)
    let state = huge.Init(network.Parameters)
    let infinite = messageOf<ArgumentException> (fun () -> huge.Apply(state, network.Parameters, network.Parameters) |> ignore)
    Assert.Contains("= 1E+39 is infinite in float32", infinite)
    // The same rules fit double, where they train.
    let wide = Network.Create<float>(Architecture.Input(2).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    let wideData = Dataset.FromLabels(Matrix<float>.FromRows [| [| 0.1; 0.2 |]; [| 0.3; 0.1 |] |], [| 0; 1 |], 2)
    let result = Trainer.Train(wide, Loss.SoftmaxCrossEntropy, scheduled, wideData, TrainingOptions(1, 2, 1UL))
    Assert.Equal(1, result.State.EpochsCompleted)

[<Fact>]
let ``a rule whose hyperparameter is exactly 0 fits float, where 0 is 0`` () =
    // Only a value that is not 0 but becomes 0 in float is refused: no weight decay, no momentum and Adam's β₁ = 0 are
    // choices, and they train.
    let network = Network.Create<float32>(Architecture.Input(2).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    let data = Dataset.FromLabels(Matrix<float32>.FromRows [| [| 0.1f; 0.2f |]; [| 0.3f; 0.1f |] |], [| 0; 1 |], 2)
    for rule in [ AdamW(1e-3, 0.0) :> Optimizer; Momentum(0.1, 0.0); Adam(1e-3, 0.0) ] do
        let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 2, 1UL))
        Assert.Equal(1, result.State.EpochsCompleted)
