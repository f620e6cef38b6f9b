/// Learning-rate schedules: pure functions of the step that scale a rule's η, validated when made.
module Nn.Tests.Optimisers.ScheduleTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private factors (schedule: LearningRateSchedule) (steps: int64 list) = [| for t in steps -> schedule.Factor t |]

[<Fact>]
let ``the constant schedule is 1 at every step and is called constant`` () =
    Assert.Equal<float[]>([| 1.0; 1.0; 1.0 |], factors LearningRateSchedule.Constant [ 1L; 2L; 1_000_000L ])
    Assert.Equal("constant", LearningRateSchedule.Constant.Name)
    Assert.Equal("constant", string LearningRateSchedule.Constant)

[<Fact>]
let ``step decay multiplies by the factor every E steps, starting at 1`` () =
    let schedule = LearningRateSchedule.StepDecay(3L, 0.5)
    assertAllClose doubleRounding [| 1.0; 1.0; 1.0; 0.5; 0.5; 0.5; 0.25 |] (factors schedule [ 1L .. 7L ])

[<Fact>]
let ``cosine goes from 1 at the first step through a half at the middle to its floor after T steps`` () =
    let schedule = LearningRateSchedule.Cosine(4L)
    assertAllClose doubleRounding [| 1.0; 0.5 * (1.0 + cos (Math.PI / 4.0)); 0.5; 0.5 * (1.0 + cos (3.0 * Math.PI / 4.0)); 0.0; 0.0 |] (factors schedule [ 1L .. 6L ])
    let floored = LearningRateSchedule.Cosine(4L, 0.2)
    assertAllClose doubleRounding [| 1.0; 0.6; 0.2; 0.2 |] (factors floored [ 1L; 3L; 5L; 9L ])

[<Fact>]
let ``warm-up rises linearly to 1 and then hands over to the next schedule from its own first step`` () =
    let schedule = LearningRateSchedule.Warmup(4L, LearningRateSchedule.Cosine(2L))
    assertAllClose doubleRounding [| 0.25; 0.5; 0.75; 1.0; 1.0; 0.5; 0.0 |] (factors schedule [ 1L .. 7L ])
    assertAllClose doubleRounding [| 0.5; 1.0; 1.0 |] (factors (LearningRateSchedule.Warmup 2L) [ 1L; 2L; 3L ])

[<Fact>]
let ``a scheduled rule's step is the rule's step with η scaled by the schedule`` () =
    let vector (values: float[]) = ParameterVector<float>.Create(ReadOnlySpan values)
    let theta, gradient = vector [| 1.0; -2.0 |], vector [| 0.5; 0.25 |]
    let scheduled = (Momentum(0.1, 0.5)).WithSchedule(LearningRateSchedule.StepDecay(1L, 0.5))
    let first = scheduled.Apply(scheduled.Init theta, theta, gradient)
    let second = scheduled.Apply(first.State, first.Parameters, gradient)
    // step 1 uses η = 0.1, step 2 uses η = 0.05: the same as momentum with those rates.
    let plain = Momentum(0.1, 0.5).Apply(Momentum(0.1, 0.5).Init theta, theta, gradient)
    let halved = Momentum(0.05, 0.5).Apply(plain.State, plain.Parameters, gradient)
    Assert.Equal(plain.Parameters, first.Parameters)
    assertAllClose doubleRounding (halved.Parameters.ToArray()) (second.Parameters.ToArray())
    Assert.Equal("momentum", scheduled.Name)
    Assert.Equal<Hyperparameter seq>(Momentum(0.1, 0.5).Hyperparameters, scheduled.Hyperparameters)
    Assert.Equal(Momentum(0.1, 0.5) :> Optimizer, scheduled.WithoutSchedule)

let kinds = TheoryData<string>([ for kind in OptimizerKinds.All -> kind.Name ])

[<Theory; MemberData(nameof kinds)>]
let ``every registered rule's scheduled step is its own step with η scaled by the schedule, weight decay included`` (name: string) =
    // A step decay halving every step: step 1 runs at η, step 2 at η/2, which must be the rule made with η/2 taking
    // the same second step. AdamW's decoupled decay is −ηλθ with the step's η (Loshchilov & Hutter's η_t), so it
    // halves too; a layout of weights and biases lets it decay the weights.
    let kind = nonNull (OptimizerKinds.Find name)
    Assert.Equal("learning rate η", kind.Hyperparameters[0].Name)
    let values = [| for spec in kind.Hyperparameters -> spec.Default |]
    values[0] <- 0.05
    let rule = kind.Make values
    let halved = kind.Make(Array.append [| 0.025 |] values[1..])
    let scheduled = rule.WithSchedule(LearningRateSchedule.StepDecay(1L, 0.5))
    let layout = Architecture.Input(2).Dense(2, Activation.Tanh).Dense(1, Activation.Identity)
    let vector (values: float[]) = ParameterVector<float>.Create(ReadOnlySpan values)
    let theta = vector [| 1.0; -2.0; 0.5; 1.5; 0.25; -0.75; 2.0; -1.0; 0.4 |]
    let gradient, nextGradient = vector [| 0.3; -0.1; 0.2; 0.05; -0.4; 0.1; 0.6; -0.2; 0.3 |], vector [| -0.2; 0.4; 0.1; -0.3; 0.2; 0.05; -0.1; 0.3; -0.5 |]
    let first = scheduled.Apply(scheduled.Init theta, theta, gradient, layout)
    let plain = rule.Apply(rule.Init theta, theta, gradient, layout)
    Assert.Equal(plain.Parameters, first.Parameters)
    let second = scheduled.Apply(first.State, first.Parameters, nextGradient, layout)
    let reference = halved.Apply(plain.State, plain.Parameters, nextGradient, layout)
    assertAllClose doubleRounding (reference.Parameters.ToArray()) (second.Parameters.ToArray())
    Assert.Equal<ParameterVector<float> seq>(reference.State.Moments, second.State.Moments)

[<Fact>]
let ``schedules compare by value, and a scheduled rule equals the same rule with the same schedule`` () =
    let make () = (Adam 0.01).WithSchedule(LearningRateSchedule.Warmup(10L, LearningRateSchedule.Cosine 90L))
    Assert.Equal(make (), make ())
    Assert.NotEqual(make (), (Adam 0.01).WithSchedule(LearningRateSchedule.Cosine 90L))
    Assert.NotEqual(make (), Adam 0.01 :> Optimizer)

[<Fact>]
let ``a chain of warm-ups is refused past the 8 stages a checkpoint stores`` () =
    let chain n = Seq.fold (fun then' _ -> LearningRateSchedule.Warmup(1L, then')) LearningRateSchedule.Constant [ 1 .. n ]
    Assert.Equal(8, (string (chain 7)).Split("then").Length)
    let e = Assert.Throws<ArgumentException>(fun () -> LearningRateSchedule.Warmup(1L, chain 7) |> ignore)
    Assert.StartsWith("a schedule chains at most 8 stages (what a checkpoint stores), but this warm-up would make 9.", e.Message)
    Assert.Equal("Then", e.ParamName)
    // 100,000 nested warm-ups overflowed the stack in ToString and Equals, which no handler catches.
    Assert.Throws<ArgumentException>(fun () -> chain 100000 |> ignore) |> ignore

[<Fact>]
let ``bad schedules are refused when made, with the value in the message`` () =
    Assert.Contains("Every must be at least 1 step, but is 0", messageOf<ArgumentOutOfRangeException> (fun () -> LearningRateSchedule.StepDecay(0L, 0.5) |> ignore))
    Assert.Contains("DecayFactor must be in (0, 1] (a decay), but is 1.5", messageOf<ArgumentOutOfRangeException> (fun () -> LearningRateSchedule.StepDecay(2L, 1.5) |> ignore))
    Assert.Contains("Floor must be in [0, 1), but is 1", messageOf<ArgumentOutOfRangeException> (fun () -> LearningRateSchedule.Cosine(5L, 1.0) |> ignore))
    Assert.Contains("Steps must be at least 1 step, but is -3", messageOf<ArgumentOutOfRangeException> (fun () -> LearningRateSchedule.Warmup(-3L) |> ignore))
    Assert.Contains("step", messageOf<ArgumentOutOfRangeException> (fun () -> LearningRateSchedule.Constant.Factor 0L |> ignore))
    Assert.Contains("already has the schedule", messageOf<ArgumentException> (fun () -> (Sgd 0.1).WithSchedule(LearningRateSchedule.Cosine 5L).WithSchedule(LearningRateSchedule.Constant) |> ignore))

/// Rebuilds a schedule from its stages, last to first, as a checkpoint reads it.
let private rebuilt (schedule: LearningRateSchedule) =
    schedule.Stages()
    |> Seq.rev
    |> Seq.fold
        (fun (next: LearningRateSchedule option) stage ->
            let struct (count, make) = LearningRateSchedule.Kinds[stage.Name]
            Assert.Equal(count, stage.Parameters.Length)
            Some(make.Invoke(stage.Parameters, Option.toObj next)))
        None
    |> Option.get

[<Fact>]
let ``every schedule is rebuilt from its stages' names and numbers as a checkpoint stores them`` () =
    for schedule in
        [ LearningRateSchedule.Constant
          LearningRateSchedule.StepDecay(5L, 0.5)
          LearningRateSchedule.Cosine(9L, 0.1)
          LearningRateSchedule.Warmup(3L, LearningRateSchedule.Cosine(9L))
          LearningRateSchedule.Warmup(2L, LearningRateSchedule.StepDecay(4L, 0.25)) ] do
        Assert.Equal(schedule, rebuilt schedule)
    Assert.Equal<string seq>([ "constant"; "cosine"; "step"; "warmup" ], LearningRateSchedule.Kinds.Keys)

[<Fact>]
let ``a stored stage with a bad step count is refused naming the count's symbol, and a warm-up must hand over to a stage`` () =
    let refuses symbol kind (numbers: float list) =
        let struct (_, make) = LearningRateSchedule.Kinds[kind]
        let error = Assert.Throws<ArgumentOutOfRangeException>(fun () -> make.Invoke(List.toArray numbers, null) |> ignore)
        Assert.Equal(Some symbol, Option.ofObj error.ParamName)
        Assert.Contains($"{symbol} must be a whole number of steps from 1", error.Message)
    refuses "E" "step" [ 0.0; 0.5 ]
    refuses "T" "cosine" [ 2.5; 0.0 ]
    refuses "W" "warmup" [ -1.0 ]
    let struct (_, warmup) = LearningRateSchedule.Kinds["warmup"]
    let error = Assert.Throws<ArgumentException>(fun () -> warmup.Invoke([| 3.0 |], null) |> ignore)
    Assert.Contains("a warm-up must be followed by the schedule it hands over to", error.Message)

[<Fact>]
let ``a cosine schedule of zero steps is refused naming its length, and a rule will not take a null schedule`` () =
    let error = Assert.Throws<ArgumentOutOfRangeException>(fun () -> LearningRateSchedule.Cosine 0L |> ignore)
    Assert.Equal(Some "Steps", Option.ofObj error.ParamName)
    let error = Assert.Throws<ArgumentNullException>(fun () -> (Sgd 0.1).WithSchedule(Unchecked.defaultof<LearningRateSchedule>) |> ignore)
    Assert.Equal(Some "schedule", Option.ofObj error.ParamName)

[<Fact>]
let ``a step decay's factor may be 1 but not 0, a stored step count may be 1 or 2^53, and a warm-up made directly needs its next stage`` () =
    Assert.Contains("DecayFactor must be in (0, 1]", messageOf<ArgumentOutOfRangeException> (fun () -> LearningRateSchedule.StepDecay(2L, 0.0) |> ignore))
    Assert.Equal<float[]>([| 1.0; 1.0; 1.0 |], factors (LearningRateSchedule.StepDecay(2L, 1.0)) [ 1L; 3L; 5L ])
    let struct (_, cosine) = LearningRateSchedule.Kinds["cosine"]
    Assert.Equal(LearningRateSchedule.Cosine(1L), cosine.Invoke([| 1.0; 0.0 |], null))
    Assert.Equal(LearningRateSchedule.Cosine(9007199254740992L), cosine.Invoke([| 9007199254740992.0; 0.0 |], null))
    let error = Assert.Throws<ArgumentNullException>(fun () -> WarmupSchedule(3L, Unchecked.defaultof<LearningRateSchedule>) |> ignore)
    Assert.Equal(Some "Then", Option.ofObj error.ParamName)
