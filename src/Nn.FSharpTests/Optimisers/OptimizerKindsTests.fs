/// The registry of built-in rules, walked kind by kind through everything a rule must support: made from its
/// defaults, trained, checkpointed to a file, restored by name and resumed bit for bit (with a schedule). A rule
/// missing from the registry, or from any of these places, fails here.
module Nn.Tests.Optimisers.OptimizerKindsTests

open System
open System.IO
open Nn
open Nn.Tests.Helpers
open Xunit

let kinds = TheoryData<string>([ for kind in OptimizerKinds.All -> kind.Name ])

/// The kinds whose update may be split into ranges of θ (sgd, adam and adamw, as a test below holds).
let rangeKinds = TheoryData<string>([ for kind in OptimizerKinds.All do if kind.Default().UpdatesByRange then kind.Name ])

let private kindNamed name = nonNull (OptimizerKinds.Find name)

let private train = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0 .. 199 |])
let private start = Network.Create<float32>(Architecture.Input(64).Dense(10, Activation.Relu).Dense(10, Activation.Softmax), Initializer.He, 5UL)
let private options = TrainingOptions(Epochs = 4, BatchSize = 20, Seed = 9UL)

[<Fact>]
let ``every public rule in the library is registered, once, under its own name`` () =
    let rules =
        typeof<Optimizer>.Assembly.GetExportedTypes()
        |> Array.filter (fun t -> t.IsSubclassOf typeof<Optimizer> && not t.IsAbstract)
    let registered = [| for kind in OptimizerKinds.All -> kind.Default().GetType() |]
    Assert.Equal<Type seq>(rules |> Array.sortBy _.Name, registered |> Array.sortBy _.Name)
    Assert.Equal(OptimizerKinds.All.Length, (OptimizerKinds.All |> Seq.distinctBy _.Name |> Seq.length))

[<Theory; MemberData(nameof kinds)>]
let ``a registered rule is made from its defaults and from values, and names its hyperparameters as the registry does`` (name: string) =
    let kind = kindNamed name
    let rule = kind.Default()
    Assert.Equal(name, rule.Name)
    Assert.Equal<string seq>([ for spec in kind.Hyperparameters -> spec.Name ], [ for h in rule.Hyperparameters -> h.Name ])
    Assert.Equal<float seq>([ for spec in kind.Hyperparameters -> spec.Default ], [ for h in rule.Hyperparameters -> h.Value ])
    let values = [| for h in rule.Hyperparameters -> h.Value |]
    values[0] <- values[0] / 2.0
    let halved = kind.Make values
    Assert.Equal(values[0], halved.Hyperparameters[0].Value)
    Assert.NotEqual(rule, halved)
    Assert.Contains($"{name} takes {kind.Hyperparameters.Length} hyperparameters", (Assert.Throws<ArgumentException>(fun () -> kind.Make [| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0 |] |> ignore)).Message)

[<Theory; MemberData(nameof kinds)>]
let ``a registered rule prints as its name, and with a schedule as its name and the schedule`` (name: string) =
    let rule = (kindNamed name).Default()
    Assert.Equal(name, string rule)
    Assert.Equal($"{name} with cosine over 900 steps to 0", string (rule.WithSchedule(LearningRateSchedule.Cosine 900L)))

[<Theory; MemberData(nameof kinds)>]
let ``a registered rule with a schedule trains, checkpoints to a file, loads by name and resumes mid-schedule bit for bit`` (name: string) =
    let values = [| for h in (kindNamed name).Default().Hyperparameters -> h.Value |]
    values[0] <- min values[0] 0.05
    let rule = (kindNamed name).Make(values).WithSchedule(LearningRateSchedule.Warmup(7L, LearningRateSchedule.Cosine 33L))
    let uninterrupted = Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, options)
    Assert.Equal(StopReason.Completed, uninterrupted.Reason)
    let directory = Directory.CreateTempSubdirectory("nn-kinds-").FullName
    try
        let path = Path.Combine(directory, "run.nnck")
        let data = DataFingerprint.Of train
        Trainer.Train(start, Loss.SoftmaxCrossEntropy, rule, train, TrainingOptions(Epochs = 2, BatchSize = 20, Seed = 9UL),
                      onEpoch = CheckpointFile.SaveEvery(2, path, data, rule, Loss.SoftmaxCrossEntropy, options))
        |> ignore
        let checkpoint = CheckpointFile.Load<float32> path
        Assert.Equal(rule, checkpoint.Optimizer)
        Assert.Equal(20L, checkpoint.State.OptimizerState.Step)
        checkpoint.EnsureResumableWith(data, rule, Loss.SoftmaxCrossEntropy, options)
        let resumed = Trainer.Continue(checkpoint.State, checkpoint.Loss, checkpoint.Optimizer, train, checkpoint.Options)
        Assert.Equal(uninterrupted.State, resumed.State)
    finally
        Directory.Delete(directory, true)

/// The options each built-in rule takes, in its constructor's order: the command-line contract README.md states
/// (one option per quantity, shared by the rules that have it).
let private documentedOptions =
    dict
        [ "sgd", [ "lr" ]
          "momentum", [ "lr"; "momentum" ]
          "nesterov", [ "lr"; "momentum" ]
          "adagrad", [ "lr"; "eps" ]
          "rmsprop", [ "lr"; "rho"; "eps" ]
          "adam", [ "lr"; "beta1"; "beta2"; "eps" ]
          "adamw", [ "lr"; "weight-decay"; "beta1"; "beta2"; "eps" ] ]

[<Theory; MemberData(nameof kinds)>]
let ``a registered rule takes the command-line options README documents for it, each hyperparameter named, with a symbol its description or name shows`` (name: string) =
    let kind = kindNamed name
    Assert.Equal<string seq>(documentedOptions[name], [ for spec in kind.Hyperparameters -> spec.Option ])
    Assert.False(String.IsNullOrWhiteSpace kind.Description, $"{name} has no description")
    for spec in kind.Hyperparameters do
        Assert.False(String.IsNullOrWhiteSpace spec.Name, $"{name}'s --{spec.Option} has no name")
        Assert.False(String.IsNullOrWhiteSpace spec.Symbol, $"{name}'s --{spec.Option} has no symbol")
        Assert.Contains(spec.Symbol, spec.Name)
    Assert.Equal(kind.Hyperparameters.Length, (kind.Hyperparameters |> Seq.distinctBy _.Name |> Seq.length))

[<Fact>]
let ``the documented options cover every registered rule and no other`` () =
    Assert.Equal<string seq>(documentedOptions.Keys |> Seq.sort, [ for kind in OptimizerKinds.All -> kind.Name ] |> Seq.sort)

/// The moments each built-in keeps as a sum or mean of squares, by index, with the words a checkpoint holding a
/// negative value there is refused with; every other moment may take any sign.
let private squaresMoments =
    dict
        [ "sgd", []
          "momentum", []
          "nesterov", []
          "adagrad", [ 0, "AdaGrad's sum of squares G of 0 or more" ]
          "rmsprop", [ 0, "RMSProp's mean of squares E of 0 or more" ]
          "adam", [ 1, "Adam's second moment v of 0 or more (a mean of squares)" ]
          "adamw", [ 1, "AdamW's second moment v of 0 or more (a mean of squares)" ] ]

[<Theory; MemberData(nameof kinds)>]
let ``a registered rule describes for checkpoint checks exactly those of its moments that are sums or means of squares, with or without a schedule`` (name: string) =
    let rule = (kindNamed name).Default()
    for form in [ rule; rule.WithSchedule(LearningRateSchedule.Cosine 900L) ] do
        let described = [ for i in 0 .. form.MomentCount - 1 do match form.SquaresMoment i with null -> () | text -> i, text ]
        Assert.Equal<(int * string) list>(squaresMoments[name], described)

[<Theory; MemberData(nameof kinds)>]
let ``SGD, Adam and AdamW say their update may be split into ranges of theta, and the other built-ins refuse a range`` (name: string) =
    // The flag is what sends a long θ's update to several threads and shards it between ranks; the split update's
    // numbers equal the whole one's (ParallelUpdateTests), so only this flag shows whether the split is offered.
    let rule = (kindNamed name).Default()
    let byRange = List.contains name [ "sgd"; "adam"; "adamw" ]
    Assert.Equal(byRange, rule.UpdatesByRange)
    Assert.Equal(byRange, rule.WithSchedule(LearningRateSchedule.Cosine 900L).UpdatesByRange)
    if not byRange then
        let moments () = Array.init rule.MomentCount (fun _ -> [| 0.0; 0.0 |])
        let refusal =
            messageOf<NotSupportedException> (fun () ->
                rule.UpdateRangeInto<float>(UpdateStep(1L), 0, 1, ReadOnlySpan [| 1.0; 2.0 |], ReadOnlySpan [| 0.5; 0.5 |], moments (), moments (), Span [| 0.0; 0.0 |])
                |> ignore)
        Assert.Equal($"{name} updates θ as a whole.", refusal)

[<Theory; MemberData(nameof rangeKinds)>]
let ``a rule that updates by range gives a block the whole update's bits from moments kept for that block alone, as a rank keeps them`` (name: string) =
    let rule = (kindNamed name).Default()
    let architecture = start.Architecture
    let count = architecture.ParameterCount
    let random = Random 4
    let vector scale = Array.init count (fun _ -> (random.NextDouble() - 0.3) * scale)
    let theta, gradient = vector 1.0, vector 0.2
    let moments = Array.init rule.MomentCount (fun _ -> vector 0.01 |> Array.map abs)
    // From inside the first layer's weights, across its biases, into the second layer's weights: AdamW decays weights only.
    let first, length = 130, 517
    for form in [ rule; rule.WithSchedule(LearningRateSchedule.Cosine 900L) ] do
        let step = UpdateStep(3L, architecture)
        let wholeNext = Array.zeroCreate<float> count
        let wholeMoments = Array.init form.MomentCount (fun _ -> Array.zeroCreate<float> count)
        form.UpdateRangeInto<float>(step, 0, count, ReadOnlySpan theta, ReadOnlySpan gradient, moments, wholeMoments, Span wholeNext) |> ignore
        let kept = moments |> Array.map (fun m -> Array.sub m first length)
        let keptNext = Array.init form.MomentCount (fun _ -> Array.zeroCreate<float> length)
        let next = Array.zeroCreate<float> count
        Assert.True(form.UpdateRangeInto<float>(step, first, first + length, ReadOnlySpan theta, ReadOnlySpan gradient, kept, keptNext, Span next, first))
        let bits (values: float[]) = values |> Array.map BitConverter.DoubleToInt64Bits
        Assert.Equal<int64>(bits (Array.sub wholeNext first length), bits (Array.sub next first length))
        for i in 0 .. form.MomentCount - 1 do
            Assert.Equal<int64>(bits (Array.sub wholeMoments[i] first length), bits keptNext[i])
        // Only the block of θ' is written.
        Assert.All(Array.append (Array.sub next 0 first) (Array.sub next (first + length) (count - first - length)), fun v -> Assert.Equal(0.0, v))

[<Fact>]
let ``a kind refuses a null list of values naming it, and a list of the wrong length listing its hyperparameters' names`` () =
    let adam = kindNamed "adam"
    Assert.Equal("values", (Assert.Throws<ArgumentNullException>(fun () -> adam.Make(Unchecked.defaultof<Collections.Generic.IReadOnlyList<float>>) |> ignore)).ParamName)
    Assert.StartsWith(
        "adam takes 4 hyperparameters (learning rate η, Adam β₁, Adam β₂, Adam ε), but 2 were given.",
        messageOf<ArgumentException> (fun () -> adam.Make [| 0.1; 0.9 |] |> ignore))
    Assert.Equal("name", (Assert.Throws<ArgumentNullException>(fun () -> OptimizerKinds.Find(Unchecked.defaultof<string>) |> ignore)).ParamName)

[<Fact>]
let ``Make refuses a default ImmutableArray of values naming values`` () =
    let e = Assert.ThrowsAny<ArgumentException>(fun () -> (kindNamed "sgd").Make(Unchecked.defaultof<Collections.Immutable.ImmutableArray<double>>) |> ignore)
    Assert.Equal("values is a default ImmutableArray, which holds no items. (Parameter 'values')", e.Message)

[<Fact>]
let ``a kind refuses a default array of hyperparameters, when made and in C#'s with`` () =
    let unset = Collections.Immutable.ImmutableArray<HyperparameterSpec>()
    let sgd = kindNamed "sgd"
    let e = Assert.Throws<ArgumentException>(fun () -> OptimizerKind("mine", "a rule", unset, sgd.Create) |> ignore)
    Assert.Equal("a rule's hyperparameters must be an array (empty for a rule without any), not a default ImmutableArray. (Parameter 'Hyperparameters')", e.Message)
    let missing = Assert.Throws<ArgumentException>(fun () -> OptimizerKind("mine", "a rule", sgd.Hyperparameters.SetItem(0, Unchecked.defaultof<HyperparameterSpec>), sgd.Create) |> ignore)
    Assert.Equal("hyperparameter 0 is null. (Parameter 'Hyperparameters')", missing.Message)
    let mine = OptimizerKind("mine", "a rule", sgd.Hyperparameters, sgd.Create)
    let set = Assert.Throws<Reflection.TargetInvocationException>(fun () -> (nonNull (typeof<OptimizerKind>.GetProperty "Hyperparameters")).SetValue(mine, box unset))
    Assert.Equal("Hyperparameters", (Assert.IsType<ArgumentException>(set.InnerException)).ParamName)
    Assert.Equal(1, mine.Hyperparameters.Length)

[<Fact>]
let ``a kind refuses a null function to make its rule, when made and in C#'s with`` () =
    let sgd = kindNamed "sgd"
    let none = Unchecked.defaultof<Func<Collections.Generic.IReadOnlyList<float>, Optimizer>>
    Assert.Equal("Create", (Assert.Throws<ArgumentNullException>(fun () -> OptimizerKind("mine", "a rule", sgd.Hyperparameters, none) |> ignore)).ParamName)
    let mine = OptimizerKind("mine", "a rule", sgd.Hyperparameters, sgd.Create)
    let set = Assert.Throws<Reflection.TargetInvocationException>(fun () -> (nonNull (typeof<OptimizerKind>.GetProperty "Create")).SetValue(mine, null))
    Assert.Equal("Create", (Assert.IsType<ArgumentNullException>(set.InnerException)).ParamName)
    Assert.Equal(sgd.Default(), mine.Default())
