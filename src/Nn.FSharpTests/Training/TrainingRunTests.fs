/// A training run's life: the team of threads it takes from the idle teams goes back exactly once, however often
/// the run is disposed; a team given back twice would be lent to two callers at once, whose regions would then
/// run each other's parts through pointers pinned by the other call.
module Nn.Tests.Training.TrainingRunTests

open System
open Nn
open Nn.Kernels
open Nn.Tests.Helpers
open Xunit

let private architecture = Architecture.Input(4).Dense(3, Activation.Softmax)

let private data =
    let x = Array.init 8 (fun i -> Array.init 4 (fun j -> float (i + j) / 10.0))
    let y = Array.init 8 (fun i -> Array.init 3 (fun k -> if k = i % 3 then 1.0 else 0.0))
    Dataset.FromTargets(matrix x, matrix y)

[<Fact>]
let ``a run disposed twice gives its team back once`` () =
    // 21 threads: a size no other test takes, since the idle teams are shared by the whole process.
    let rule = Sgd 0.1
    let network = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
    let run = new TrainingRun<float>(Trainer.Start(network, rule, 1UL), Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 4, 1UL, Threads = 21))
    run.Dispose()
    run.Dispose()
    if WorkerPool.WorkersFor(21, Environment.ProcessorCount) = 0 then
        // One processor: the run takes no team, and there is nothing to give back.
        Assert.Null run.Pool
    else
        Assert.Equal(1, IdleTeams.Count 21)
        let first = IdleTeams.Rent 21
        let second = IdleTeams.Rent 21
        Assert.Same(run.Pool, first)
        Assert.NotSame(first, second)
        IdleTeams.Return first
        IdleTeams.Return second
