/// A training run's life: the team of threads it takes from the idle teams goes back exactly once, however often
/// the run is disposed, and also when making the run fails after it took the team; a team given back twice would be
/// lent to two callers at once, whose regions would then run each other's parts through pointers pinned by the other
/// call, and a team never given back parks for good.
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

/// A group whose size cannot be read: the run's set-up fails after it has taken its team.
type private BrokenGroup() =
    interface IDataParallelGroup with
        member _.Rank = 0
        member _.Size = raise (InvalidOperationException "no size")
        member _.Sum(_: Span<float32>) = ()
        member _.Sum(_: Span<float>) = ()
        member _.Sum(_: Span<int>) = ()

[<Fact>]
let ``a run whose set-up fails after taking its team gives the team back`` () =
    // 22 threads: a size no other test takes.
    let rule = Sgd 0.1
    let network = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
    let start = Trainer.Start(network, rule, 1UL)
    let failure =
        Assert.Throws<InvalidOperationException>(fun () ->
            new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 4, 1UL, Threads = 22), group = BrokenGroup())
            |> ignore)
    Assert.Equal("no size", failure.Message)
    if WorkerPool.WorkersFor(22, Environment.ProcessorCount) > 0 then
        Assert.Equal(1, IdleTeams.Count 22)
        let team = IdleTeams.Rent 22
        Assert.Equal(0, IdleTeams.Count 22)
        IdleTeams.Return team
