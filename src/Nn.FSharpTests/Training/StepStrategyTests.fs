/// The step strategy a training run chooses once, when it is made, for each kind of run.
module Nn.Tests.Training.StepStrategyTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private dense = Architecture.Input(6).Dense(5, Activation.Sigmoid).Dense(3, Activation.Softmax)

let private data =
    let random = Random 4
    let x = Array.init 20 (fun _ -> Array.init 6 (fun _ -> random.NextDouble()))
    let y = Array.init 20 (fun i -> Array.init 3 (fun k -> if k = i % 3 then 1.0 else 0.0))
    Dataset.FromTargets(matrix x, matrix y)

/// The strategy of a run of the dense network with this rule, batch size, L2 and deferred block size.
let private strategyFor (rule: Optimizer) (batch: int) (l2: float) (block: Nullable<int>) =
    let network = Network.Create<float>(dense, Initializer.Xavier, 1UL)
    use run = new TrainingRun<float>(Trainer.Start(network, rule, 1UL), Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, batch, 1UL, L2 = l2), block)
    run.Strategy

[<Fact>]
let ``per-sample SGD without L2 on a dense network takes deferred blocks`` () =
    let strategy = strategyFor (Sgd 0.1) 1 0.0 (Nullable 8)
    Assert.IsType<DeferredSgdSteps<float>>(strategy) |> ignore
    Assert.Equal(8, strategy.SamplesPerAdvance)

[<Fact>]
let ``per-sample SGD with blocks turned off takes fused one-sample steps`` () =
    let strategy = strategyFor (Sgd 0.1) 1 0.0 (Nullable 0)
    Assert.IsType<FusedSgdSteps<float>>(strategy) |> ignore
    Assert.Equal(1, strategy.SamplesPerAdvance)

[<Fact>]
let ``mini-batches, L2 or a rule other than SGD take the rule's steps`` () =
    for rule, batch, l2 in [ (Sgd 0.1 :> Optimizer), 4, 0.0; (Sgd 0.1 :> Optimizer), 1, 0.5; (Adam 1e-3 :> Optimizer), 1, 0.0; (Momentum(0.1, 0.9) :> Optimizer), 5, 0.0 ] do
        let strategy = strategyFor rule batch l2 (Nullable())
        Assert.IsType<OptimizerSteps<float>>(strategy) |> ignore
        Assert.Equal(batch, strategy.SamplesPerAdvance)

[<Fact>]
let ``a mini-batch SGD run's lone trailing sample takes the same step as a per-sample run's`` () =
    // 20 samples in batches of 19 end each epoch with one sample; plain SGD fuses it into backpropagation.
    let network = Network.Create<float>(dense, Initializer.Xavier, 1UL)
    let rule = Sgd 0.1
    use batched = new TrainingRun<float>(Trainer.Start(network, rule, 1UL), Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 19, 1UL, Shuffle = false))
    use single = new TrainingRun<float>(Trainer.Start(network, rule, 1UL), Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 1, 1UL, Shuffle = false), Nullable 0)
    batched.Load(Trainer.Start(network, rule, 1UL))
    single.Load(Trainer.Start(network, rule, 1UL))
    let struct (batchedCost, batchedFailure) = batched.Step(1L, 19, 1)
    let struct (singleCost, singleFailure) = single.Step(1L, 19, 1)
    Assert.Null batchedFailure
    Assert.Null singleFailure
    Assert.Equal(singleCost, batchedCost)
    Assert.Equal<float>(single.Parameters.ToArray(), batched.Parameters.ToArray())
