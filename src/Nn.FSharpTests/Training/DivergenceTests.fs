/// Runs that blow up without a NaN: a cost grown past the divergence factor, or a network left worse than it began,
/// stop as Diverged with the reason and a finite network, while a run that learns still completes.
module Nn.Tests.Training.DivergenceTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private digits = lazy (Digits.Load<float32>().Train)

let private networkWith (output: Activation) =
    Network.Create<float32>(Architecture.Input(64).Dense(32, Activation.Relu).Dense(10, output), Initializer.He, 1UL)

let private trainWith (output: Activation) (rate: float) (options: TrainingOptions) =
    let network = networkWith output
    network, Trainer.Train(network, Loss.Quadratic, Adam(rate), digits.Value, options)

let private isFinite (network: Network<float32>) = network.Parameters.ToArray() |> Array.forall Single.IsFinite

[<Fact>]
let ``a learning rate of 1e6 on a quadratic loss diverges in its first epoch and hands back the network from before it`` () =
    let start, result = trainWith Activation.Identity 1e6 (TrainingOptions(3, 32, 1UL))
    Assert.Equal(StopReason.Diverged, result.Reason)
    Assert.Contains("training diverged: the training cost grew from ", result.Message)
    Assert.Contains("more than 100 times in epoch 1", result.Message)
    Assert.Equal(0, result.State.EpochsCompleted)
    Assert.Equal(start, result.Network)

[<Fact>]
let ``a blown-up cost prints in scientific notation`` () =
    let _, result = trainWith Activation.Identity 1e6 (TrainingOptions(3, 32, 1UL))
    Assert.Matches(@"to \d\.\d{1,4}E\+\d+,", result.Message)

[<Fact>]
let ``a saturated network whose bounded cost ends above where it began diverges although it never grew a hundredfold`` () =
    let _, result = trainWith Activation.Softmax 1e6 (TrainingOptions(3, 32, 1UL))
    Assert.Equal(StopReason.Diverged, result.Reason)
    Assert.Contains("the training cost rose from ", result.Message)
    Assert.Equal(3, result.State.EpochsCompleted)
    Assert.True(isFinite result.Network)

[<Fact>]
let ``with the growth rule turned off a blown-up run still ends as diverged, because its last network is worse than its first`` () =
    let _, result = trainWith Activation.Identity 1e6 (TrainingOptions(2, 32, 1UL, DivergenceFactor = infinity))
    Assert.Equal(StopReason.Diverged, result.Reason)
    Assert.Contains("rose from ", result.Message)
    Assert.True(isFinite result.Network)

[<Fact>]
let ``a run whose cost starts negative and falls completes instead of counting as grown a hundredfold`` () =
    // Binary cross-entropy on targets of 5.5 is negative and falls without bound: compared with 100 × the start, any
    // cost below a start of −6.6 had "grown more than 100 times", and the first epoch, which lowered it, diverged.
    let inputs = Matrix<float32>.FromRows([| for i in 0 .. 31 -> [| float32 i / 32.0f |] |])
    let data = Dataset.FromTargets(inputs, Matrix<float32>.FromRows([| for _ in 0 .. 31 -> [| 5.5f |] |]))
    let network = Network.Create<float32>(Architecture.Input(1).Dense(8, Activation.Relu).Dense(1, Activation.Sigmoid), Initializer.He, 1UL)
    let result = Trainer.Train(network, Loss.BinaryCrossEntropy, Adam(0.005), data, TrainingOptions(3, 32, 1UL))
    Assert.Equal(StopReason.Completed, result.Reason)
    // Rising by more than 99 times the start's size is blowing up, as growing past 100 times is for a positive start.
    Assert.Null(Divergence.BlownUp(-2.0, -1000.0, 100.0))
    Assert.Null(Divergence.BlownUp(-2.0, 196.0, 100.0))
    Assert.Equal("the training cost rose from -2 to 197, by more than 99 times the size of where it began", Divergence.BlownUp(-2.0, 197.0, 100.0))
    Assert.Null(Divergence.BlownUp(-2.0, 1e300, infinity))
    Assert.Equal("the training cost grew from 2 to 201, more than 100 times", Divergence.BlownUp(2.0, 201.0, 100.0))

[<Fact>]
let ``a run that learns with a quadratic loss completes`` () =
    let _, result = trainWith Activation.Softmax 0.005 (TrainingOptions(2, 32, 1UL))
    Assert.Equal(StopReason.Completed, result.Reason)

[<Fact>]
let ``a resumed run whose cost ends a little above where it resumed completes, because only an untrained start must be beaten`` () =
    let network = networkWith Activation.Softmax
    let first = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.005), digits.Value, TrainingOptions(10, 32, 1UL))
    Assert.Equal(StopReason.Completed, first.Reason)
    // A larger step for one more epoch lifts the trained network's cost (0.070 to 0.082 when this test was written).
    let more = Trainer.Continue(first.State, Loss.SoftmaxCrossEntropy, Adam(0.02), digits.Value, TrainingOptions(11, 32, 1UL))
    Assert.Equal(StopReason.Completed, more.Reason)
    Assert.Equal(11, more.State.EpochsCompleted)

[<Fact>]
let ``the divergence factor defaults to 100`` () =
    Assert.Equal(100.0, TrainingOptions(1).DivergenceFactor)
    Assert.Equal(TrainingOptions.DefaultDivergenceFactor, TrainingOptions(1).DivergenceFactor)

[<Theory>]
[<InlineData("NaN")>]
[<InlineData("1.0")>]
[<InlineData("0.5")>]
[<InlineData("0.0")>]
[<InlineData("-100.0")>]
[<InlineData("-Infinity")>]
let ``a divergence factor that is not above 1 is refused when the options are made`` (text: string) =
    let bad = inv text
    Assert.Contains("DivergenceFactor", messageOf<ArgumentException> (fun () -> TrainingOptions(1, DivergenceFactor = bad) |> ignore))

[<Fact>]
let ``heavy L2 that trades training cost for smaller weights completes, because divergence is judged on the objective with its L2 term`` () =
    let fitted = Trainer.Train(networkWith Activation.Softmax, Loss.SoftmaxCrossEntropy, Adam(0.005), digits.Value, TrainingOptions(5, 32, 1UL)).Network
    let shrunk = Trainer.Train(fitted, Loss.SoftmaxCrossEntropy, Adam(0.005), digits.Value, TrainingOptions(3, 32, 1UL, L2 = 1000.0))
    let cost (network: Network<float32>) = float (Backprop.Cost(network, Loss.SoftmaxCrossEntropy, digits.Value.Inputs, digits.Value.Targets))
    Assert.True(cost shrunk.Network > cost fitted, sprintf "the cost without L2 went from %g to %g" (cost fitted) (cost shrunk.Network))
    Assert.Equal(StopReason.Completed, shrunk.Reason)

[<Fact>]
let ``a last step that leaves outputs of NaN diverges, although the step's own cost was finite and nothing compares above NaN`` () =
    // One sample of 1e20: the step's cost is finite, but the weights it leaves (about 1e20) overflow float's outputs.
    let train = Dataset.FromLabels(Matrix<float32>.FromRows [| [| 1e20f |] |], [| 1 |], 2)
    let network = Network.FromParameters<float32>(Architecture.Input(1).Dense(2, Activation.Softmax, false), ReadOnlySpan [| 0.5f; -0.3f |])
    let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd(1.0), train, TrainingOptions(1, 1, 1UL))
    Assert.Equal(StopReason.Diverged, result.Reason)
    Assert.Contains("to NaN (the network's outputs for some training samples are no longer finite) in epoch 1", result.Message)
    Assert.Equal(network, result.Network)
    Assert.True(result.Network.Forward(train.Inputs).AsSpan().ToArray() |> Array.forall Single.IsFinite)
