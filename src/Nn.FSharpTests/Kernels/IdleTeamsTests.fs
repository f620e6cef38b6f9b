/// Teams of workers kept between calls: lent to one caller at a time, parked while idle, and no more kept than the
/// limit. The tests use team sizes no other test uses, since the kept teams are shared by the whole process.
module Nn.Tests.Kernels.IdleTeamsTests

open System
open Nn
open Nn.Kernels
open Nn.Tests.Helpers
open Xunit

[<Fact>]
let ``a team given back is the one the next caller of its size takes, with its workers parked meanwhile`` () =
    let team = IdleTeams.Rent 7
    let workers = WorkerPool.WorkersFor(7, System.Environment.ProcessorCount)
    IdleTeams.Return team
    Assert.True(eventually (fun () -> team.ParkedWorkers = workers), $"parked: {team.ParkedWorkers}")
    let again = IdleTeams.Rent 7
    Assert.Same(team, again)
    Assert.Equal(workers, again.LiveWorkers)
    IdleTeams.Return again

[<Fact>]
let ``teams taken at the same time are different teams`` () =
    let first = IdleTeams.Rent 9
    let second = IdleTeams.Rent 9
    Assert.NotSame(first, second)
    IdleTeams.Return first
    IdleTeams.Return second

[<Fact>]
let ``a team given back beyond the kept number is stopped`` () =
    let teams = [ for _ in 1 .. IdleTeams.KeptPerSize + 1 -> IdleTeams.Rent 11 ]
    for team in teams do
        IdleTeams.Return team
    Assert.Equal(IdleTeams.KeptPerSize, IdleTeams.Count 11)
    let stopped = List.last teams
    Assert.True(stopped.IsDisposed)
    Assert.True(eventually (fun () -> stopped.LiveWorkers = 0))
    Assert.All(List.take IdleTeams.KeptPerSize teams, fun team -> Assert.False team.IsDisposed)

[<Fact>]
let ``a stopped team given back is not kept`` () =
    let team = IdleTeams.Rent 13
    team.Dispose()
    IdleTeams.Return team
    Assert.Equal(0, IdleTeams.Count 13)

[<Fact>]
let ``threaded forward passes one after another reuse one team and give the one-thread outputs`` () =
    let architecture = Architecture.Input(20).Dense(64, Activation.Tanh).Dense(3, Activation.Softmax)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 3UL)
    let inputs = Matrix<float>.FromArray(Array2D.init 400 20 (fun i j -> sin (float (i * 20 + j))))
    let expected = Network.Forward(network, inputs)
    for _ in 1 .. 3 do
        Assert.Equal<float>(expected.AsSpan().ToArray(), Network.Forward(network, inputs, 15).AsSpan().ToArray())
    Assert.Equal(1, IdleTeams.Count 15)

[<Fact>]
let ``a caller that may use one processor is not lent a kept team of the same size with workers`` () =
    let team = IdleTeams.Rent(17, System.Environment.ProcessorCount)
    IdleTeams.Return team
    let alone = IdleTeams.Rent(17, 1)
    Assert.Equal(0, alone.Workers)
    if team.Workers > 0 then Assert.NotSame(team, alone)
    IdleTeams.Return alone

[<Fact>]
let ``a team given back twice is refused the second time, so that two callers are never lent the same team`` () =
    let team = IdleTeams.Rent 19
    IdleTeams.Return team
    Assert.Throws<InvalidOperationException>(fun () -> IdleTeams.Return team) |> ignore
    let first = IdleTeams.Rent 19
    let second = IdleTeams.Rent 19
    Assert.NotSame(first, second)
    IdleTeams.Return first
    IdleTeams.Return second
