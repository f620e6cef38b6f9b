/// Training as a fold: learning the embedded digits, reproducibility, resuming, and stopping on divergence.
module Nn.Tests.Training.TrainerTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private digits = lazy (let split = Digits.Load<float32>() in split.Train, split.Test)

let private architecture = Architecture.Input(64).Dense(32, Activation.Relu).Dense(10, Activation.Softmax)

let private train epochs seed =
    let trainSet, testSet = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, TrainingOptions(epochs, 32, seed), testSet)

[<Fact>]
let ``a small network trained on the embedded digits reaches 95 percent test accuracy`` () =
    let result = train 20 7UL
    let _, testSet = digits.Value
    let accuracy = Evaluation.Accuracy(result.Network, testSet)
    Assert.Equal(StopReason.Completed, result.Reason)
    Assert.Equal(20, result.History.Length)
    Assert.True(accuracy >= 0.95, sprintf "test accuracy %.4f" accuracy)
    Assert.Equal(Some accuracy, Option.ofNullable result.History[19].TestAccuracy)
    Assert.True(result.History[19].TrainCost < result.History[0].TrainCost)

[<Fact>]
let ``a completed run counts its epochs in the number the count takes`` () =
    Assert.Equal("completed 1 epoch.", (train 1 7UL).Message)
    Assert.Equal("completed 2 epochs.", (train 2 7UL).Message)

[<Theory>]
[<InlineData(1)>]
[<InlineData(2)>]
let ``with exact training metrics an epoch's record holds the accuracies Evaluation reports and the test cost Backprop reports for the epoch's network`` (threads: int) =
    let trainSet, testSet = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let options = TrainingOptions(1, 32, 3UL, Threads = threads, ExactTrainMetrics = true)
    let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, options, testSet)
    let record = result.History[0]
    Assert.Equal(Evaluation.Accuracy(result.Network, trainSet), record.TrainAccuracy)
    Assert.Equal(Some(Evaluation.Accuracy(result.Network, testSet)), Option.ofNullable record.TestAccuracy)
    // The record sums the cost over chunks of rows, Backprop.Cost over the whole set at once: float rounding apart.
    assertClose 1e-5 (float (Backprop.Cost(result.Network, Loss.SoftmaxCrossEntropy, testSet.Inputs, testSet.Targets))) record.TestCost.Value
    assertClose 1e-5 (float (Backprop.Cost(result.Network, Loss.SoftmaxCrossEntropy, trainSet.Inputs, trainSet.Targets))) record.TrainCost

[<Fact>]
let ``the same seed gives bit-for-bit the same run`` () =
    Assert.Equal(train 3 5UL, train 3 5UL)
    Assert.NotEqual((train 3 5UL).Network, (train 3 6UL).Network)

[<Fact>]
let ``a fresh start's moments, known to be zeros, and the same zeros given by value train to the same bits`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let rule = Adam 0.005
    let options = TrainingOptions(2, 32, 3UL)
    let fresh = Trainer.Start(network, rule, options.Seed)
    Assert.All(fresh.OptimizerState.Moments, fun m -> Assert.True m.IsZeros)
    let byValue = Collections.Immutable.ImmutableArray.CreateRange [ for m in fresh.OptimizerState.Moments -> ParameterVector<float32>.Create(m.AsSpan()) ]
    let given = TrainingState<float32>(fresh.Network, OptimizerState<float32>(0L, byValue), fresh.Random, 0, fresh.History)
    Assert.All(given.OptimizerState.Moments, fun m -> Assert.False m.IsZeros)
    let fromFresh = Trainer.Continue(fresh, Loss.SoftmaxCrossEntropy, rule, trainSet, options)
    let fromGiven = Trainer.Continue(given, Loss.SoftmaxCrossEntropy, rule, trainSet, options)
    Assert.Equal<float32>(fromFresh.Network.Parameters.ToArray(), fromGiven.Network.Parameters.ToArray())
    Assert.Equal<ParameterVector<float32>>(fromFresh.State.OptimizerState.Moments, fromGiven.State.OptimizerState.Moments)

[<Fact>]
let ``an epoch takes up the moments its state holds, and zeros in their place make another run`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let rule = Adam 0.005
    let options = TrainingOptions(2, 32, 3UL)
    let states = Collections.Generic.List<TrainingState<float32>>()
    let full = Trainer.Train(network, Loss.SoftmaxCrossEntropy, rule, trainSet, options, onEpoch = Action<_>(states.Add))
    let first = states[0]
    let zeros = Collections.Immutable.ImmutableArray.CreateRange [ for m in first.OptimizerState.Moments -> ParameterVector<float32>.Zeros m.Length ]
    let forgotten = TrainingState<float32>(first.Network, OptimizerState<float32>(first.OptimizerState.Step, zeros), first.Random, first.EpochsCompleted, first.History)
    let resumed = Trainer.Continue(first, Loss.SoftmaxCrossEntropy, rule, trainSet, options)
    Assert.Equal(full.State, resumed.State)
    Assert.NotEqual(resumed.Network, (Trainer.Continue(forgotten, Loss.SoftmaxCrossEntropy, rule, trainSet, options)).Network)

[<Fact>]
let ``a state whose moments do not fit the network is refused, naming the moment and both lengths`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let count = network.Parameters.Length
    for length in [ count - 1; count + 1; 0 ] do
        let moments = Collections.Immutable.ImmutableArray.CreateRange [ ParameterVector<float32>.Zeros count; ParameterVector<float32>.Zeros length ]
        let state = TrainingState<float32>(network, OptimizerState<float32>(3L, moments), Trainer.Start(network, Adam 0.01, 1UL).Random, 0, Collections.Immutable.ImmutableArray.Empty)
        let e = Assert.Throws<ArgumentException>(fun () -> Trainer.Continue(state, Loss.SoftmaxCrossEntropy, Adam 0.01, trainSet, TrainingOptions(1, 32, 1UL)) |> ignore)
        Assert.Equal(sprintf "state.OptimizerState.Moments[1] must have length %d, but has length %d. (Parameter 'state.OptimizerState.Moments[1]')" count length, e.Message)

[<Fact>]
let ``a state whose step count the run could carry past 2^53 is refused before training, and one just below runs`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let fresh = Trainer.Start(network, Sgd 0.01, 1UL)
    let at step = TrainingState<float32>(network, OptimizerState<float32>(step, fresh.OptimizerState.Moments), fresh.Random, 0, fresh.History)
    let limit = OptimizerState<float32>.MaxStep - 2L * int64 trainSet.Count
    let e = Assert.Throws<ArgumentException>(fun () -> Trainer.Continue(at (limit + 1L), Loss.SoftmaxCrossEntropy, Sgd 0.01, trainSet, TrainingOptions(2, 32, 1UL)) |> ignore)
    Assert.StartsWith(sprintf "the optimiser state has taken %d steps, and 2 more epochs of up to %d steps each could count past 9007199254740992" (limit + 1L) trainSet.Count, e.Message)
    let ran = Trainer.Continue(at limit, Loss.SoftmaxCrossEntropy, Sgd 0.01, trainSet, TrainingOptions(2, 32, 1UL))
    Assert.Equal(StopReason.Completed, ran.Reason)
    Assert.True(ran.State.OptimizerState.Step <= OptimizerState<float32>.MaxStep)

[<Fact>]
let ``a state whose history is not one record per completed epoch is refused before the first step`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let fresh = Trainer.Start(network, Sgd 0.01, 1UL)
    let record = EpochRecord(1, 0.5, 0.5, Nullable(), Nullable())
    let withHistory epochs records = TrainingState<float32>(network, fresh.OptimizerState, fresh.Random, epochs, Collections.Immutable.ImmutableArray.CreateRange records)
    for epochs, records in [ 1, []; 0, [ record ]; 2, [ record ] ] do
        let e = Assert.Throws<ArgumentException>(fun () -> Trainer.Continue(withHistory epochs records, Loss.SoftmaxCrossEntropy, Sgd 0.01, trainSet, TrainingOptions(3, 32, 1UL)) |> ignore)
        Assert.StartsWith(sprintf "the state has completed %d epochs but holds %d history records" epochs records.Length, e.Message)
    Assert.Equal(StopReason.Completed, (Trainer.Continue(withHistory 1 [ record ], Loss.SoftmaxCrossEntropy, Sgd 0.01, trainSet, TrainingOptions(2, 32, 1UL))).Reason)

[<Fact>]
let ``resuming from an epoch's state gives the same result as an uninterrupted run`` () =
    let trainSet, testSet = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let optimizer = Momentum(0.05)
    let states = Collections.Generic.List<TrainingState<float32>>()
    let full = Trainer.Train(network, Loss.SoftmaxCrossEntropy, optimizer, trainSet, TrainingOptions(4, 16, 9UL), testSet, onEpoch = Action<_>(states.Add))
    let resumed = Trainer.Continue(states[1], Loss.SoftmaxCrossEntropy, optimizer, trainSet, TrainingOptions(4, 16, 9UL), testSet)
    Assert.Equal(full.State, resumed.State)

[<Fact>]
let ``per-sample SGD is a batch size of one`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let progress = Collections.Generic.List<TrainingProgress>()
    let reporter = { new IProgress<TrainingProgress> with member _.Report p = progress.Add p }
    let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd 0.01, trainSet, TrainingOptions(1, 1, 3UL), progress = reporter)
    Assert.Equal(trainSet.Count, progress.Count)
    Assert.Equal(trainSet.Count, progress[progress.Count - 1].Batches)
    Assert.Equal(1L, result.State.OptimizerState.Step / int64 trainSet.Count)

[<Theory>]
[<InlineData(0.0)>]
[<InlineData(0.5)>]
let ``a batch larger than the samples trained on takes them all in one step an epoch, the run a batch of exactly that many makes`` (validation: float) =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let fitted = trainSet.Count - (if validation = 0.0 then 0 else Dataset.HeldOutCount(trainSet.Count, validation))
    let progress = Collections.Generic.List<TrainingProgress>()
    let reporter = { new IProgress<TrainingProgress> with member _.Report p = progress.Add p }
    let run batch (reporter: IProgress<TrainingProgress>) =
        let options = TrainingOptions(2, batch, 3UL, ValidationFraction = validation)
        Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, options, progress = reporter)
    let larger = run (trainSet.Count + 1000) reporter
    Assert.Equal(2, progress.Count)
    Assert.All(progress, fun p -> Assert.Equal(1, p.Batches))
    Assert.Equal(2L, larger.State.OptimizerState.Step)
    Assert.Equal(larger.State, (run fitted { new IProgress<TrainingProgress> with member _.Report _ = () }).State)

[<Fact>]
let ``a run that diverges stops and hands back the last finite network`` () =
    let inputs = matrix [| [| 1.0; 2.0 |]; [| -3.0; 0.5 |] |]
    let data = Dataset.FromTargets(inputs, matrix [| [| 1e6 |]; [| -1e6 |] |])
    let network = Network.Create<float>(Architecture.Input(2).Dense(1, Activation.Identity), Initializer.Xavier, 1UL)
    let result = Trainer.Train(network, Loss.Quadratic, Sgd 10.0, data, TrainingOptions(1000, 2, 1UL))
    Assert.Equal(StopReason.Diverged, result.Reason)
    Assert.Contains("diverged", result.Message)
    Assert.True(result.Network.Parameters.IsFinite())

[<Fact>]
let ``a run whose gradient overflows hands back the optimiser moments of its last finite step`` () =
    let rows (values: float32[][]) = Matrix<float32>.FromRows(values |> Array.map (fun r -> r :> Collections.Generic.IReadOnlyList<float32>))
    let architecture = Architecture.Input(1).Dense(1, Activation.Identity)
    let network = Network.FromParameters<float32>(architecture, ReadOnlySpan [| 1e-20f; 0.0f |])
    // The first sample moves only the bias (x = 0). The second has z ≈ 1e-20 · 1e30 = 1e10, a finite cost, and a
    // weight gradient z · x ≈ 1e40 that overflows float, so its Adam moments would be infinite.
    let data = Dataset.FromTargets(rows [| [| 0.0f |]; [| 1e30f |] |], rows [| [| 1.0f |]; [| 0.0f |] |])
    let options = TrainingOptions(1, 1, 1UL, Shuffle = false)
    let result = Trainer.Train(network, Loss.Quadratic, Adam(0.001), data, options)
    let firstOnly = Trainer.Train(network, Loss.Quadratic, Adam(0.001), Dataset.FromTargets(rows [| [| 0.0f |] |], rows [| [| 1.0f |] |]), options)
    Assert.Equal(StopReason.Diverged, result.Reason)
    Assert.Contains("batch 2 of 2", result.Message)
    Assert.Equal(1L, result.State.OptimizerState.Step)
    Assert.Equal(firstOnly.State.OptimizerState, result.State.OptimizerState)
    Assert.Equal(firstOnly.Network, result.Network)

[<Fact>]
let ``training data that does not fit the network is refused`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(Architecture.Input(10).Dense(10, Activation.Softmax), Initializer.He, 1UL)
    let message = messageOf<ArgumentException> (fun () -> Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd 0.1, trainSet, TrainingOptions(1)) |> ignore)
    Assert.Contains("10 columns", message)
    Assert.Contains("64", message)

[<Fact>]
let ``evaluation reports accuracy, per-class accuracy and a confusion matrix that agree`` () =
    let result = train 2 1UL
    let _, testSet = digits.Value
    let report = Evaluation.Evaluate(result.Network, testSet)
    Assert.Equal(testSet.Count, report.Confusion.Total)
    let diagonal = Seq.sum (seq { for c in 0 .. 9 -> report.Confusion[c, c] })
    assertClose doubleRounding (float diagonal / float testSet.Count) report.Accuracy
    for c in 0 .. 9 do
        let total = Seq.sum (seq { for p in 0 .. 9 -> report.Confusion[c, p] })
        assertClose doubleRounding (float report.Confusion[c, c] / float total) report.PerClassAccuracy[c]

[<Fact>]
let ``options refuse a thread count below one and keep the values they are given`` () =
    Assert.Contains("Threads must be in 1..256 (Limits.MaxThreads), but is 0", messageOf<ArgumentOutOfRangeException> (fun () -> TrainingOptions(1, Threads = 0) |> ignore))
    // Each thread is an operating-system thread started for the run: 100,000 of them once hung `nn train`.
    Assert.Contains("Threads must be in 1..256 (Limits.MaxThreads), but is 100000", messageOf<ArgumentOutOfRangeException> (fun () -> TrainingOptions(1, Threads = 100000) |> ignore))
    let options = TrainingOptions(5, 16, 1UL, 0.1, true, 2)
    Assert.Equal((5, 16, 0.1, 2), (options.Epochs, options.BatchSize, options.L2, options.Threads))

[<Fact>]
let ``a state whose optimiser moments hold a negative mean of squares is refused naming the moment, not reported as diverged`` () =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let count = architecture.ParameterCount
    let m = ParameterVector<float32>.Zeros count
    let v = ParameterVector<float32>.Create(ReadOnlySpan(Array.init count (fun i -> if i = 5 then -1.0f else 0.0f)))
    let fresh = Trainer.Start(network, Adam(0.005), 1UL)
    let state = TrainingState<float32>(network, OptimizerState<float32>(1L, Collections.Immutable.ImmutableArray.Create(m, v)), fresh.Random, 0, Collections.Immutable.ImmutableArray<EpochRecord>.Empty)
    let e = Assert.Throws<ArgumentException>(fun () -> Trainer.Continue(state, Loss.SoftmaxCrossEntropy, Adam(0.005), trainSet, TrainingOptions(1)) |> ignore)
    Assert.Equal("state.OptimizerState.Moments[1]", e.ParamName)
    Assert.StartsWith("state.OptimizerState.Moments[1] must hold Adam's second moment v of 0 or more (a mean of squares), but element 5 is -1.", e.Message)
