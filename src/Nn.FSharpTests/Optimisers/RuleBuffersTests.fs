/// What a user rule sees of a step through RuleBuffers: the step's number and schedule factor, its moments, and
/// which parameters are biases, each checked at the edges of its range.
module Nn.Tests.Optimisers.RuleBuffersTests

open System
open System.Collections.Immutable
open Nn
open Nn.Tests.Helpers
open Xunit

/// One observation of the buffers, taken inside the rule's step.
type private Seen =
    { Step: int64
      Factor: float
      Rate: float
      Moments: int
      Biases: bool list
      Refused: string list }

/// A rule with two moments that changes nothing and records what its buffers report.
type private Observer =
    { Log: ResizeArray<Seen> }

    interface IUpdateRule with
        member _.Name = "observer"
        member _.Hyperparameters = ImmutableArray<Hyperparameter>.Empty
        member _.MomentCount = 2
        member rule.UpdateInPlace(buffers: RuleBuffers<'T>) =
            // A ref struct can be neither captured by a closure nor piped, so each probe is written out.
            let mutable refused = []
            try
                let _ = buffers.Moment(-1)
                ()
            with :? ArgumentOutOfRangeException -> refused <- refused @ [ "moment -1" ]
            try
                let _ = buffers.Moment(2)
                ()
            with :? ArgumentOutOfRangeException -> refused <- refused @ [ "moment 2" ]
            try
                buffers.IsBias(-1) |> ignore
            with :? ArgumentOutOfRangeException -> refused <- refused @ [ "bias -1" ]
            try
                buffers.IsBias(buffers.Theta.Length) |> ignore
            with :? ArgumentOutOfRangeException -> refused <- refused @ [ "bias length" ]
            let mutable biases = []
            for i in buffers.Theta.Length - 1 .. -1 .. 0 do
                biases <- buffers.IsBias i :: biases
            rule.Log.Add
                { Step = buffers.Step
                  Factor = buffers.LearningRateFactor
                  Rate = Double.CreateChecked(buffers.LearningRate 0.1)
                  Moments = buffers.MomentCount
                  Biases = biases
                  Refused = refused }
            // Moment 1 spans θ: writing its last entry must land in the state.
            let last = buffers.Moment 1
            last[last.Length - 1] <- 'T.CreateChecked 7.0

/// W¹ at 0–5, b¹ at 6–7, W² at 8–11 with no bias, W³ at 12–13, b³ at 14.
let private layout = Architecture.Input(3).Dense(2, Activation.Relu).Dense(2, Activation.Relu, false).Dense(1, Activation.Identity)

let private vector (values: float[]) = ParameterVector<float>.Create(ReadOnlySpan values)

[<Fact>]
let ``a user rule sees each bias of the layout as a bias, every weight as not, and no bias without a layout`` () =
    let log = ResizeArray()
    let rule = Optimizer.Custom { Log = log }
    let theta = vector (Array.create 15 1.0)
    let gradient = vector (Array.zeroCreate 15)
    rule.Apply(rule.Init theta, theta, gradient, layout) |> ignore
    rule.Apply(rule.Init theta, theta, gradient) |> ignore
    Assert.Equal<bool list>([ for i in 0..14 -> i = 6 || i = 7 || i = 14 ], log[0].Biases)
    Assert.Equal<bool list>(List.replicate 15 false, log[1].Biases)

[<Fact>]
let ``a user rule sees the step number, the schedule's factor and the scaled rate, and its moments persist`` () =
    let log = ResizeArray()
    let rule = (Optimizer.Custom { Log = log }).WithSchedule(LearningRateSchedule.StepDecay(1L, 0.5))
    let theta = vector [| 1.0; 2.0; 3.0 |]
    let gradient = vector [| 0.0; 0.0; 0.0 |]
    let first = rule.Apply(rule.Init theta, theta, gradient)
    let second = rule.Apply(first.State, first.Parameters, gradient)
    Assert.Equal<(int64 * float) list>([ 1L, 1.0; 2L, 0.5 ], [ for seen in log -> seen.Step, seen.Factor ])
    assertAllClose doubleRounding [| 0.1; 0.05 |] [| for seen in log -> seen.Rate |]
    Assert.Equal<int list>([ 2; 2 ], [ for seen in log -> seen.Moments ])
    Assert.Equal<float[]>([| 0.0; 0.0; 7.0 |], second.State.Moments[1].ToArray())
    Assert.Equal<float[]>([| 0.0; 0.0; 0.0 |], second.State.Moments[0].ToArray())

[<Fact>]
let ``a user rule asking for a moment or a bias outside its range is refused`` () =
    let log = ResizeArray()
    let rule = Optimizer.Custom { Log = log }
    let theta = vector [| 1.0; 2.0 |]
    rule.Apply(rule.Init theta, theta, vector [| 0.0; 0.0 |]) |> ignore
    Assert.Equal<string list>([ "moment -1"; "moment 2"; "bias -1"; "bias length" ], log[0].Refused)
