/// A rule written outside the library (here in F#) trains, checkpoints and resumes like a built-in one.
module Nn.Tests.Optimisers.CustomRuleTests

open System
open System.Collections.Immutable
open System.IO
open System.Numerics
open Nn
open Nn.Tests.Helpers
open Xunit

/// Signum (signSGD with momentum): m ← βm + (1 − β)g; θ ← θ − η·sign(m).
type Signum =
    { LearningRate: float
      Beta: float }

    interface IUpdateRule with
        member _.Name = "signum"
        member rule.Hyperparameters =
            ImmutableArray.Create(Hyperparameter("learning rate η", "η", rule.LearningRate), Hyperparameter("momentum β", "β", rule.Beta))
        member _.MomentCount = 1
        member rule.UpdateInPlace(buffers: RuleBuffers<'T>) =
            let eta = buffers.LearningRate rule.LearningRate
            let beta = 'T.CreateChecked rule.Beta
            let rest = 'T.One - beta
            let theta = buffers.Theta
            let gradient = buffers.Gradient
            let m = buffers.Moment 0
            // F# cannot generalise the type of an operator's result inside a generic method, so each product says it is a 'T.
            for i in 0 .. theta.Length - 1 do
                m[i] <- (beta * m[i] : 'T) + (rest * gradient[i] : 'T)
                theta[i] <- theta[i] - (eta * 'T.CreateChecked('T.Sign m[i]) : 'T)

let private signum = Optimizer.Custom { LearningRate = 0.002; Beta = 0.9 }

let private train = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0 .. 299 |])
let private test = Digits.Load<float32>().Test
let private start = Network.Create<float32>(Architecture.Input(64).Dense(12, Activation.Relu).Dense(10, Activation.Softmax), Initializer.He, 3UL)
let private options = TrainingOptions(Epochs = 4, BatchSize = 25, Seed = 11UL)

[<Fact>]
let ``a user rule's pure step follows its formula and leaves its arguments unchanged`` () =
    let vector (values: float[]) = ParameterVector<float>.Create(ReadOnlySpan values)
    let theta = vector [| 1.0; -1.0; 0.5 |]
    let first = signum.Apply(signum.Init theta, theta, vector [| 0.3; -0.2; 0.0 |])
    // m = 0.1 g, so θ moves by η against the sign of g (and not at all where g = 0).
    assertAllClose doubleRounding [| 0.998; -0.998; 0.5 |] (first.Parameters.ToArray())
    assertAllClose doubleRounding [| 0.03; -0.02; 0.0 |] (first.State.Moments[0].ToArray())
    Assert.Equal(vector [| 1.0; -1.0; 0.5 |], theta)
    Assert.Equal("signum", signum.Name)
    Assert.Equal(1, signum.MomentCount)

[<Fact>]
let ``a user rule trains a network and its scheduled form scales η as a built-in's does`` () =
    let result = Trainer.Train(start, Loss.SoftmaxCrossEntropy, signum, train, options, test)
    Assert.Equal(StopReason.Completed, result.Reason)
    Assert.True(result.History[3].TrainCost < result.History[0].TrainCost, $"{result.History[0].TrainCost} → {result.History[3].TrainCost}")
    let scheduled = signum.WithSchedule(LearningRateSchedule.StepDecay(1L, 0.5))
    let vector (values: float[]) = ParameterVector<float>.Create(ReadOnlySpan values)
    let once = scheduled.Apply(scheduled.Init(vector [| 1.0 |]), vector [| 1.0 |], vector [| 1.0 |])
    let twice = scheduled.Apply(once.State, once.Parameters, vector [| 1.0 |])
    assertAllClose doubleRounding [| 1.0 - 0.002 - 0.001 |] (twice.Parameters.ToArray())

[<Fact>]
let ``a user rule checkpoints and resumes to bit-for-bit the uninterrupted run when the caller passes it back`` () =
    let rule = signum.WithSchedule(LearningRateSchedule.Warmup(5L, LearningRateSchedule.Cosine 43L))
    let uninterrupted = Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, options, test)
    let directory = Directory.CreateTempSubdirectory("nn-custom-rule-").FullName
    try
        let path = Path.Combine(directory, "run.nnck")
        Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, TrainingOptions(Epochs = 2, BatchSize = 25, Seed = 11UL), test,
                      onEpoch = CheckpointFile.SaveEvery(2, path, DataFingerprint.Of train, rule, Loss.SoftmaxCrossEntropy, options))
        |> ignore
        let checkpoint = CheckpointFile.Load<float32>(path, Optimizer.Custom { LearningRate = 0.002; Beta = 0.9 })
        Assert.Equal(rule, checkpoint.Optimizer)
        checkpoint.EnsureResumableWith(DataFingerprint.Of train, rule, Loss.SoftmaxCrossEntropy, options)
        let resumed = Trainer.Continue(checkpoint.State, checkpoint.Loss, checkpoint.Optimizer, train, checkpoint.Options, test)
        Assert.Equal(uninterrupted.State, resumed.State)

        let refused = messageOf<ModelFormatException> (fun () -> CheckpointFile.Load<float32> path |> ignore)
        Assert.Contains("expected a built-in optimiser (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw; a rule of your own loads with CheckpointFile.Load(path, rule)), but found 'signum'", refused)
        let other = messageOf<CheckpointMismatchException> (fun () -> CheckpointFile.Load<float32>(path, Optimizer.Custom { LearningRate = 0.002; Beta = 0.8 }) |> ignore)
        Assert.Equal("cannot resume: the checkpoint's momentum β is 0.9, but 0.8 was given.", other)
        let named = messageOf<CheckpointMismatchException> (fun () -> CheckpointFile.Load<float32>(path, Sgd 0.002) |> ignore)
        Assert.Equal("cannot resume: the checkpoint's optimiser is 'signum', but 'sgd' was given.", named)
    finally
        Directory.Delete(directory, true)

/// A rule with a name of its own choosing, to check the names the library refuses.
type private Named =
    { Name: string }

    interface IUpdateRule with
        member rule.Name = rule.Name
        member _.Hyperparameters = ImmutableArray<Hyperparameter>.Empty
        member _.MomentCount = 0
        member _.UpdateInPlace(_buffers: RuleBuffers<'T>) =
            ()

[<Fact>]
let ``a user rule may not take a built-in's name or a name files cannot hold`` () =
    Assert.Contains("the rule's name 'adam' belongs to a built-in rule", messageOf<ArgumentException> (fun () -> Optimizer.Custom { Name = "adam" } |> ignore))
    // The full-batch minimisers are no Optimizer, but `nn train --optimizer` takes their names beside the rules'.
    for name in [ "cg"; "lbfgs" ] do
        Assert.Contains($"the rule's name '{name}' belongs to a built-in rule", messageOf<ArgumentException> (fun () -> Optimizer.Custom { Name = name } |> ignore))
    Assert.Contains("1 to 64 ASCII letters, digits and '-', but is 'my rule'", messageOf<ArgumentException> (fun () -> Optimizer.Custom { Name = "my rule" } |> ignore))
    Assert.Equal("still", (Optimizer.Custom { Name = "still" }).Name)

[<Fact>]
let ``a user rule's name may be 64 characters long but not 65, and a null rule is refused naming it`` () =
    let longest = String('a', 64)
    Assert.Equal(longest, (Optimizer.Custom { Name = longest }).Name)
    Assert.Contains("1 to 64 ASCII letters, digits and '-'", messageOf<ArgumentException> (fun () -> Optimizer.Custom { Name = String('a', 65) } |> ignore))
    Assert.Equal("rule", (Assert.Throws<ArgumentNullException>(fun () -> Optimizer.Custom(Unchecked.defaultof<IUpdateRule>) |> ignore)).ParamName)

[<Fact>]
let ``two user rules are equal exactly when the rules they wrap are`` () =
    Assert.Equal(signum, Optimizer.Custom { LearningRate = 0.002; Beta = 0.9 })
    Assert.NotEqual(signum, Optimizer.Custom { LearningRate = 0.002; Beta = 0.8 })
    Assert.NotEqual(signum, Optimizer.Custom { Name = "signum-like" })
    Assert.False(signum.Equals(null))

/// A rule with the moment count and hyperparameters of its own choosing, to check the shapes the library refuses.
type private Shaped =
    { Moments: int
      Parameters: ImmutableArray<Hyperparameter> }

    interface IUpdateRule with
        member _.Name = "shaped"
        member rule.Hyperparameters = rule.Parameters
        member rule.MomentCount = rule.Moments
        member _.UpdateInPlace(_buffers: RuleBuffers<'T>) =
            ()

[<Fact>]
let ``a user rule without a name, with a moment or hyperparameter count past 16, or with a hyperparameter that is not finite is refused saying which`` () =
    let refusal (rule: #IUpdateRule) = messageOf<ArgumentException> (fun () -> Optimizer.Custom rule |> ignore)
    let rates count = ImmutableArray.CreateRange(Seq.init count (fun i -> Hyperparameter($"rate {i}", $"r{i}", 0.1)))
    // A rule written in C# without nullable checks can hand back null; F# needs Unchecked to say the same.
    Assert.StartsWith("the rule's Name is null.", refusal { Name = Unchecked.defaultof<string> })
    Assert.StartsWith("the rule's moment count must be in 0..16, but is 17.", refusal { Moments = 17; Parameters = rates 1 })
    Assert.StartsWith("the rule's moment count must be in 0..16, but is -1.", refusal { Moments = -1; Parameters = rates 1 })
    Assert.StartsWith("the rule must have 0 to 16 hyperparameters, but has 17.", refusal { Moments = 1; Parameters = rates 17 })
    Assert.StartsWith("the rule must have 0 to 16 hyperparameters, but has none set (a default ImmutableArray).", refusal { Moments = 1; Parameters = ImmutableArray<Hyperparameter>() })
    let infinite = ImmutableArray.Create(Hyperparameter("learning rate η", "η", infinity))
    Assert.StartsWith("the rule's hyperparameter learning rate η must be finite to be stored, but is ", refusal { Moments = 1; Parameters = infinite })
    Assert.Equal(16, (Optimizer.Custom { Moments = 16; Parameters = rates 16 }).MomentCount)

[<Fact>]
let ``a user rule's hyperparameter that is not finite is named in the invariant culture under German settings`` () =
    let refusal value =
        underCulture "de-DE" (fun () ->
            messageOf<ArgumentException> (fun () -> Optimizer.Custom { Moments = 1; Parameters = ImmutableArray.Create(Hyperparameter("rate", "η", value)) } |> ignore))
    Assert.StartsWith("the rule's hyperparameter rate must be finite to be stored, but is Infinity.", refusal infinity)
    Assert.StartsWith("the rule's hyperparameter rate must be finite to be stored, but is -Infinity.", refusal -infinity)

[<Fact>]
let ``a user rule updates theta as a whole, and asked for a range says so by name`` () =
    Assert.False signum.UpdatesByRange
    let refusal =
        messageOf<NotSupportedException> (fun () ->
            signum.UpdateRangeInto<float>(UpdateStep(1L), 0, 1, ReadOnlySpan [| 1.0 |], ReadOnlySpan [| 0.5 |], [| [| 0.0 |] |], [| [| 0.0 |] |], Span [| 0.0 |])
            |> ignore)
    Assert.Equal("signum updates θ as a whole.", refusal)
