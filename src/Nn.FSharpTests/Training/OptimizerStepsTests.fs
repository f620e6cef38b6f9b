/// Mini-batch steps with a rule (and the fused step they hand a lone trailing sample to): how many steps an advance
/// reports, when a step is refused, and the predictions an epoch's accuracy is counted from.
module Nn.Tests.Training.OptimizerStepsTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

/// y = w x + b, one input and one output, so the cost and the gradient can be set by hand.
let private line = Architecture.Input(1).Dense(1, Activation.Identity)

/// Two samples with x = 1 and y = 0: a batch of both has cost ½ a² and gradient (a, a) for w and b.
let private ones = Dataset.FromTargets(matrix [| [| 1.0 |]; [| 1.0 |] |], matrix [| [| 0.0 |]; [| 0.0 |] |])

let private lineWith (w: float) (b: float) =
    Network.Create<float>(line, Initializer.Xavier, 1UL).WithParameters(ParameterVector<float>.Create(ReadOnlySpan [| w; b |]))

/// A run of plain SGD in batches of two, loaded with the network's state.
let private runOf (network: Network<float>) (rate: float) =
    let rule = Sgd rate
    let state = Trainer.Start(network, rule, 1UL)
    let run = new TrainingRun<float>(state, Loss.Quadratic, rule, ones, TrainingOptions(1, 2, 1UL, Shuffle = false))
    run.Load state
    run

[<Fact>]
let ``an advance over a mini-batch whose step is taken counts one step and moves theta by the rule`` () =
    use run = runOf (lineWith 0.5 0.25) 0.1
    let struct (done', failure) = run.Advance(1L, 0, 2)
    Assert.Null failure
    Assert.Equal(1, done')
    // a = 0.75 for both samples: the mean gradient is (0.75, 0.75), and SGD moves each parameter by 0.1 of it.
    Assert.Equal<float>([| 0.5 - 0.075; 0.25 - 0.075 |], run.Parameters.ToArray())

[<Fact>]
let ``a mini-batch whose cost overflows while its gradient stays finite takes no step, counts none, names the cost in the invariant culture and keeps theta`` () =
    // a = 3e154: the cost ½ a² is past double's range, but the gradient (a, a) and θ − 1e-160 (a, a) are finite, so
    // only the cost's own check can refuse the step.
    use run = runOf (lineWith 1.5e154 1.5e154) 1e-160
    // Under a culture that writes infinity as ∞ the message still names it as the invariant culture does.
    let struct (done', failure) = underCulture "de-DE" (fun () -> run.Advance(1L, 0, 2))
    Assert.Equal(0, done')
    Assert.Equal("the cost became Infinity", failure)
    Assert.Equal<float>([| 1.5e154; 1.5e154 |], run.Parameters.ToArray())

[<Fact>]
let ``a mini-batch whose update carries theta past double's range takes no step, counts none and says a parameter became infinite`` () =
    // a = 5e153: the cost ½ a² is finite (and so is a² summed over the batch), but a rate of 1e160 times the
    // gradient (a, a) is not.
    use run = runOf (lineWith 2.5e153 2.5e153) 1e160
    let struct (done', failure) = run.Advance(1L, 0, 2)
    Assert.Equal(0, done')
    Assert.Equal("a parameter became NaN or infinite", failure)
    Assert.Equal<float>([| 2.5e153; 2.5e153 |], run.Parameters.ToArray())

[<Fact>]
let ``a lone trailing sample whose update carries theta past double's range is refused by the fused step the same way`` () =
    // Plain SGD fuses a batch of one sample into backpropagation; a = 5e153 keeps its cost finite.
    use run = runOf (lineWith 2.5e153 2.5e153) 1e160
    let struct (_, failure) = run.Step(1L, 1, 1)
    Assert.Equal("a parameter became NaN or infinite", failure)
    Assert.Equal<float>([| 2.5e153; 2.5e153 |], run.Parameters.ToArray())

[<Fact>]
let ``a lone trailing sample whose cost overflows is refused by the fused step naming the cost in the invariant culture`` () =
    use run = runOf (lineWith 1.5e154 1.5e154) 1e-160
    let struct (_, failure) = underCulture "fr-FR" (fun () -> run.Step(1L, 1, 1))
    Assert.Equal("the cost became Infinity", failure)
    Assert.Equal<float>([| 1.5e154; 1.5e154 |], run.Parameters.ToArray())

[<Fact>]
let ``a one-step epoch of mini-batch steps reports the accuracy of the predictions its forward pass made`` () =
    // Three classes; the predictions are counted before the step, so the accuracy is the starting network's.
    let random = Random 4
    let x = Array.init 20 (fun _ -> Array.init 6 (fun _ -> random.NextDouble()))
    let y = Array.init 20 (fun i -> Array.init 3 (fun k -> if k = (if x[i][0] > 0.5 then 1 else 2) then 1.0 else 0.0))
    let data = Dataset.FromTargets(matrix x, matrix y)
    let network = Network.Create<float>(Architecture.Input(6).Dense(3, Activation.Softmax), Initializer.Xavier, 3UL)
    let rule = Adam 0.01
    let state = Trainer.Start(network, rule, 1UL)
    use run = new TrainingRun<float>(state, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 20, 1UL))
    let struct (after, failure, _) = run.Epoch(state, null, null)
    Assert.Null failure
    let accuracy = Evaluation.Accuracy(network, data)
    // No sample is of class 0, so predictions left at their initial 0 would score nothing.
    Assert.True(accuracy > 0.0, $"the starting network's accuracy is {accuracy}")
    Assert.Equal(accuracy, after.History[0].TrainAccuracy)
