/// Validation on a held-out share of the training data and early stopping on its cost.
module Nn.Tests.Training.EarlyStoppingTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private digits = lazy (Digits.Load<float32>().Train)

let private architecture = Architecture.Input(64).Dense(32, Activation.Relu).Dense(10, Activation.Softmax)

let private start = lazy (Network.Create<float32>(architecture, Initializer.He, 1UL))

let private trainWith (options: TrainingOptions) =
    Trainer.Train(start.Value, Loss.SoftmaxCrossEntropy, Adam(0.005), digits.Value, options)

[<Fact>]
let ``each epoch records the cost and accuracy of its network on the held-out share`` () =
    let options = TrainingOptions(2, 32, 4UL, ValidationFraction = 0.2)
    let result = trainWith options
    let held = (Dataset.HoldOut(digits.Value, 0.2, 4UL)).Test
    let record = result.History[1]
    Assert.Equal(Some(Evaluation.Accuracy(result.Network, held)), Option.ofNullable record.ValidationAccuracy)
    assertClose 1e-5 (float (Backprop.Cost(result.Network, Loss.SoftmaxCrossEntropy, held.Inputs, held.Targets))) record.ValidationCost.Value

[<Fact>]
let ``the held-out samples are never trained on: the run equals one on the rest of the data`` () =
    let options = TrainingOptions(2, 32, 4UL, ValidationFraction = 0.2)
    let rest = (Dataset.HoldOut(digits.Value, 0.2, 4UL)).Train
    let onRest = Trainer.Train(start.Value, Loss.SoftmaxCrossEntropy, Adam(0.005), rest, TrainingOptions(2, 32, 4UL))
    Assert.Equal(onRest.Network, (trainWith options).Network)

[<Fact>]
let ``without validation the records hold no validation figures`` () =
    let record = (trainWith (TrainingOptions(1, 32, 4UL))).History[0]
    Assert.Null(record.ValidationCost)
    Assert.Null(record.ValidationAccuracy)

[<Fact>]
let ``a run that overfits stops when the validation cost has not improved for the patience and returns the best epoch's network`` () =
    // A large step on a small share of the digits overfits within a few epochs; patience 2 stops it early.
    let few = digits.Value.Select(ReadOnlySpan [| 0 .. 299 |])
    let states = Collections.Generic.List<TrainingState<float32>>()
    let options = TrainingOptions(60, 8, 4UL, ValidationFraction = 0.5, Patience = 2)
    let result = Trainer.Train(start.Value, Loss.SoftmaxCrossEntropy, Adam(0.02), few, options, onEpoch = Action<_>(states.Add))
    Assert.Equal(StopReason.EarlyStopped, result.Reason)
    let best = nonNull result.State.Best
    let costs = result.History |> Seq.map (fun r -> r.ValidationCost.Value) |> Array.ofSeq
    Assert.Equal(Array.IndexOf(costs, Array.min costs) + 1, best.Epoch)
    Assert.Equal(best.Epoch + 2, result.State.EpochsCompleted)
    Assert.Equal(states[best.Epoch - 1].Network, result.Network)
    Assert.NotEqual(result.State.Network, result.Network)
    Assert.Contains(sprintf "returning the network of the best epoch, %d (validation cost " best.Epoch, result.Message)

[<Fact>]
let ``a patience of one epoch is said in the singular when the run stops on it`` () =
    let few = digits.Value.Select(ReadOnlySpan [| 0 .. 299 |])
    let options = TrainingOptions(60, 8, 4UL, ValidationFraction = 0.5, Patience = 1)
    let result = Trainer.Train(start.Value, Loss.SoftmaxCrossEntropy, Adam(0.02), few, options)
    Assert.Equal(StopReason.EarlyStopped, result.Reason)
    Assert.Contains("the validation cost has not improved for 1 epoch; returning", result.Message)

[<Fact>]
let ``resuming from an epoch's state of a run with patience gives the uninterrupted run`` () =
    let few = digits.Value.Select(ReadOnlySpan [| 0 .. 299 |])
    let options = TrainingOptions(60, 8, 4UL, ValidationFraction = 0.5, Patience = 2)
    let states = Collections.Generic.List<TrainingState<float32>>()
    let full = Trainer.Train(start.Value, Loss.SoftmaxCrossEntropy, Adam(0.02), few, options, onEpoch = Action<_>(states.Add))
    let resumed = Trainer.Continue(states[2], Loss.SoftmaxCrossEntropy, Adam(0.02), few, options)
    Assert.Equal(full.State, resumed.State)
    Assert.Equal(full.Reason, resumed.Reason)

[<Fact>]
let ``a completed run with patience names its best epoch and returns that epoch's network`` () =
    let options = TrainingOptions(3, 32, 4UL, ValidationFraction = 0.2, Patience = 5)
    let result = trainWith options
    Assert.Equal(StopReason.Completed, result.Reason)
    let best = nonNull result.State.Best
    Assert.Contains(sprintf "The best epoch was %d (validation cost " best.Epoch, result.Message)
    Assert.Equal(best.Network, result.Network)

[<Fact>]
let ``patience without a validation share is refused`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> trainWith (TrainingOptions(2, 32, 4UL, Patience = 3)) |> ignore)
    Assert.Contains("options.Patience of 3 needs a ValidationFraction above 0", e.Message)

[<Theory>]
[<InlineData(1.0)>]
[<InlineData(-0.1)>]
[<InlineData(Double.NaN)>]
let ``a validation fraction outside [0, 1) is refused when the options are made`` (fraction: float) =
    let message = messageOf<ArgumentOutOfRangeException> (fun () -> TrainingOptions(1, ValidationFraction = fraction) |> ignore)
    Assert.Contains("ValidationFraction must be in [0, 1), but is " + fraction.ToString(Globalization.CultureInfo.InvariantCulture), message)

[<Fact>]
let ``a negative patience is refused when the options are made`` () =
    Assert.Contains("Patience", messageOf<ArgumentException> (fun () -> TrainingOptions(1, Patience = -1) |> ignore))

[<Fact>]
let ``an epoch whose validation cost is not finite is never the best, so patience does not hand its network back`` () =
    // The held-out rows are those HoldOut picks for the run's seed; giving exactly them float32's largest value makes the
    // hidden sums overflow there and nowhere else, so every validation cost is NaN while training stays finite.
    let rows = 40
    let inputs values = Matrix<float32>.Create(rows, 1, ReadOnlySpan(values: float32[]))
    let labels = Array.init rows (fun i -> i % 2)
    let marked = Dataset.FromLabels(inputs (Array.init rows float32), labels, 2)
    let held = Dataset.HoldOut(marked, 0.25, 9UL).Test.Inputs.AsSpan().ToArray() |> Set.ofArray
    let values = Array.init rows (fun i -> if held.Contains(float32 i) then Single.MaxValue else float32 (i % 4) * 0.25f)
    let data = Dataset.FromLabels(inputs values, labels, 2)
    let network = Network.Create<float32>(Architecture.Input(1).Dense(8, Activation.Identity).Dense(2, Activation.Softmax), Initializer.He, 1UL)
    let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd 0.01, data, TrainingOptions(3, 5, 9UL, ValidationFraction = 0.25, Patience = 1))
    Assert.All(result.History, fun record -> Assert.True(Double.IsNaN record.ValidationCost.Value, string record))
    Assert.Equal(StopReason.Completed, result.Reason)
    Assert.Null(result.State.Best)
    Assert.Equal(result.State.Network, result.Network)

[<Fact>]
let ``a validation cost that only equals the best is no improvement, so patience runs out on a plateau`` () =
    // Without biases a zero input is zero at every layer and the softmax is uniform, so held-out rows of zeros cost
    // exactly ln 2 after every epoch while the training rows, ±1 by class, go on changing the weights. HoldOut picks
    // its rows by label alone: the rows it holds out of the marked set are the ones it holds out here.
    let rows = 40
    let inputs values = Matrix<float32>.Create(rows, 1, ReadOnlySpan(values: float32[]))
    let labels = Array.init rows (fun i -> i % 2)
    let marked = Dataset.FromLabels(inputs (Array.init rows float32), labels, 2)
    let held = Dataset.HoldOut(marked, 0.25, 9UL).Test.Inputs.AsSpan().ToArray() |> Set.ofArray
    let values = Array.init rows (fun i -> if held.Contains(float32 i) then 0.0f elif labels[i] = 0 then -1.0f else 1.0f)
    let data = Dataset.FromLabels(inputs values, labels, 2)
    let layers = Architecture.Input(1).Dense(4, Activation.Tanh, hasBias = false).Dense(2, Activation.Softmax, hasBias = false)
    let network = Network.Create<float32>(layers, Initializer.Xavier, 1UL)
    let states = Collections.Generic.List<TrainingState<float32>>()
    let options = TrainingOptions(5, 5, 9UL, ValidationFraction = 0.25, Patience = 1)
    let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd 0.1, data, options, onEpoch = Action<_>(states.Add))
    Assert.All(result.History, fun record -> Assert.Equal(log 2.0, record.ValidationCost.Value, 6))
    Assert.Equal(result.History[0].ValidationCost, result.History[1].ValidationCost)
    Assert.Equal(StopReason.EarlyStopped, result.Reason)
    Assert.Equal(2, result.State.EpochsCompleted)
    Assert.Equal(1, (nonNull result.State.Best).Epoch)
    Assert.Equal(states[0].Network, result.Network)
    Assert.NotEqual(result.State.Network, result.Network)

[<Fact>]
let ``a run that diverges after its best epoch returns its last finite network, not the best epoch's`` () =
    // The overfitting run stops two epochs after its best; going on from there with a step a thousand times too large
    // diverges in the first epoch, and the result is the network that run was given, as TrainingResult.Network says.
    let few = digits.Value.Select(ReadOnlySpan [| 0 .. 299 |])
    let options = TrainingOptions(60, 8, 4UL, ValidationFraction = 0.5, Patience = 2)
    let stopped = Trainer.Train(start.Value, Loss.SoftmaxCrossEntropy, Adam(0.02), few, options)
    let best = nonNull stopped.State.Best
    Assert.NotEqual(best.Network, stopped.State.Network)
    let diverged = Trainer.Continue(stopped.State, Loss.SoftmaxCrossEntropy, Adam(20.0), few, options)
    Assert.Equal(StopReason.Diverged, diverged.Reason)
    Assert.Equal(Some best, Option.ofObj diverged.State.Best)
    Assert.Equal(diverged.State.Network, diverged.Network)
    Assert.NotEqual(best.Network, diverged.Network)
