/// The rules beyond the seeds (Nesterov, AdaGrad, RMSProp, AdamW) against the shared golden file and against
/// reference trajectories written here from SPEC.md's formulas, on quadratics f(θ) = ½ Σ a_i (θ_i − c_i)².
module Nn.Tests.Optimisers.UpdateRuleGoldenTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private golden = IO.File.ReadAllLines(testData "golden_toolkit.txt")
let private a = goldenValues golden "a"
let private c = goldenValues golden "c"
let private theta0 = goldenValues golden "theta0"

/// Four parameters laid out as 3 weights and 1 bias, as in the golden file (its last coordinate is the bias).
let private layout = Architecture.Input(3).Dense(1, Activation.Identity)

let private gradientOf (a: float[]) (c: float[]) (theta: float[]) = Array.init theta.Length (fun i -> a[i] * (theta[i] - c[i]))

/// θ after each of `steps` steps of the library's pure Apply.
let private trajectory (rule: Optimizer) (a: float[]) (c: float[]) (start: float[]) steps =
    let vector (values: float[]) = ParameterVector<float>.Create(ReadOnlySpan values)
    let mutable state = rule.Init(vector start)
    let mutable theta = vector start
    [ for _ in 1 .. steps do
        let step = rule.Apply(state, theta, vector (gradientOf a c (theta.ToArray())), layout)
        state <- step.State
        theta <- step.Parameters
        theta.ToArray() ]

/// The same steps from the formulas, one coordinate at a time, with `isBias` marking the bias.
let private reference (name: string) (a: float[]) (c: float[]) (start: float[]) steps =
    let n = start.Length
    let theta = Array.copy start
    let first = Array.zeroCreate<float> n
    let second = Array.zeroCreate<float> n
    let isBias i = i = n - 1
    [ for t in 1 .. steps do
        let g = gradientOf a c theta
        for i in 0 .. n - 1 do
            match name with
            | "nesterov" ->
                first[i] <- 0.9 * first[i] - 0.1 * g[i]
                theta[i] <- theta[i] + 0.9 * first[i] - 0.1 * g[i]
            | "adagrad" ->
                first[i] <- first[i] + g[i] * g[i]
                theta[i] <- theta[i] - 0.5 * g[i] / (sqrt first[i] + 1e-8)
            | "rmsprop" ->
                first[i] <- 0.9 * first[i] + 0.1 * g[i] * g[i]
                theta[i] <- theta[i] - 0.05 * g[i] / (sqrt first[i] + 1e-8)
            | _ ->
                first[i] <- 0.9 * first[i] + 0.1 * g[i]
                second[i] <- 0.999 * second[i] + 0.001 * g[i] * g[i]
                let mHat = first[i] / (1.0 - 0.9 ** float t)
                let vHat = second[i] / (1.0 - 0.999 ** float t)
                let decay = if isBias i then 0.0 else 0.05 * 0.1 * theta[i]
                theta[i] <- theta[i] - 0.05 * mHat / (sqrt vHat + 1e-8) - decay
        Array.copy theta ]

/// The golden file's hyperparameters for each rule.
let private rules : (string * Optimizer) list =
    [ "nesterov", Nesterov(0.1, 0.9)
      "adagrad", AdaGrad(0.5, 1e-8)
      "rmsprop", RmsProp(0.05, 0.9, 1e-8)
      "adamw", AdamW(0.05, 0.1, 0.9, 0.999, 1e-8) ]

let names = TheoryData<string>([ for name, _ in rules -> name ])

let private ruleNamed name = rules |> List.find (fst >> (=) name) |> snd

[<Theory; MemberData(nameof names)>]
let ``each new rule's five steps on the golden quadratic match the golden file`` (name: string) =
    let steps = trajectory (ruleNamed name) a c theta0 5
    steps |> List.iteri (fun i theta -> assertAllClose doubleRounding (goldenValues golden $"{name} theta after step {i + 1}") theta)

[<Theory; MemberData(nameof names)>]
let ``each new rule follows the reference trajectory on another quadratic for twenty steps`` (name: string) =
    let random = Random(7)
    let draw () = Array.init 4 (fun _ -> random.NextDouble() * 4.0 - 2.0)
    let a, c, start = Array.map abs (draw ()), draw (), draw ()
    let expected = reference name a c start 20
    let actual = trajectory (ruleNamed name) a c start 20
    List.iter2 (assertAllClose doubleRounding) expected actual

[<Fact>]
let ``AdamW leaves the bias to Adam's step and decays it like a weight when no layout is given`` () =
    let rule = AdamW(0.05, 0.1)
    let vector (values: float[]) = ParameterVector<float>.Create(ReadOnlySpan values)
    let theta = vector theta0
    let gradient = vector (gradientOf a c theta0)
    let withLayout = rule.Apply(rule.Init theta, theta, gradient, layout).Parameters.ToArray()
    let adam = (Adam(0.05)).Apply((Adam 0.05).Init theta, theta, gradient).Parameters.ToArray()
    let without = rule.Apply(rule.Init theta, theta, gradient).Parameters.ToArray()
    Assert.Equal(adam[3], withLayout[3])
    assertClose doubleRounding (adam[3] - 0.05 * 0.1 * theta0[3]) without[3]
    assertClose doubleRounding (adam[0] - 0.05 * 0.1 * theta0[0]) withLayout[0]

[<Fact>]
let ``AdamW decays the weights of every layer of a layout and none of its biases`` () =
    // With a zero gradient Adam's step is 0, so θ' is θ(1 − ηλ) on each weight and θ on each bias.
    let twoLayers = Architecture.Input(2).Dense(2, Activation.Tanh).Dense(1, Activation.Identity)
    let theta = ParameterVector<float>.Create(ReadOnlySpan [| 1.0 .. 9.0 |])
    let rule = AdamW(0.5, 0.1)
    let next = rule.Apply(rule.Init theta, theta, ParameterVector<float>.Create(ReadOnlySpan(Array.zeroCreate<float> 9)), twoLayers).Parameters.ToArray()
    let isBias i = [ 0; 1 ] |> List.exists (fun l -> i >= twoLayers.BiasOffset l && i < twoLayers.BiasOffset l + twoLayers.Stack[l].BiasCount)
    Assert.Equal<int list>([ 4; 5; 8 ], List.filter isBias [ 0 .. 8 ])
    assertAllClose doubleRounding (Array.init 9 (fun i -> if isBias i then float (i + 1) else float (i + 1) * (1.0 - 0.5 * 0.1))) next

[<Fact>]
let ``a network step of AdamW knows the network's biases`` () =
    let network = Network.FromParameters(layout, ReadOnlySpan theta0)
    let rule = AdamW(0.05, 0.1)
    let gradient = ParameterVector<float>.Create(ReadOnlySpan(gradientOf a c theta0))
    let step = rule.Step(rule.Init network.Parameters, network, gradient)
    assertAllClose doubleRounding (goldenValues golden "adamw theta after step 1") (step.Network.Parameters.ToArray())

[<Fact>]
let ``the new rules' hyperparameters are validated when a rule is made`` () =
    Assert.Contains("Coefficient must be in [0, 1), but is 1", messageOf<ArgumentOutOfRangeException> (fun () -> Nesterov(0.1, 1.0) |> ignore))
    Assert.Contains("Epsilon must be a positive finite number, but is 0", messageOf<ArgumentOutOfRangeException> (fun () -> AdaGrad(0.1, 0.0) |> ignore))
    Assert.Contains("Rho must be in [0, 1), but is -0.1", messageOf<ArgumentOutOfRangeException> (fun () -> RmsProp(0.1, -0.1) |> ignore))
    Assert.Contains("WeightDecay must be a non-negative finite number, but is -1", messageOf<ArgumentOutOfRangeException> (fun () -> AdamW(0.1, -1.0) |> ignore))
    Assert.Contains("LearningRate must be a positive finite number, but is 0", messageOf<ArgumentOutOfRangeException> (fun () -> AdamW(0.0) |> ignore))
