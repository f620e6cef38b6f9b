/// Propagation's passes given a thread team for a step too small for two regions: the team's row passes (bias and
/// activation forward, bias gradient and σ' backward) take the place of the plain loops, with the same numbers.
module Nn.Tests.Networks.PropagationTests

open System
open Nn
open Nn.Kernels
open Xunit

/// Two hidden layers, the second without bias, and 96 rows: below the size at which a step pays for two regions.
let private architecture = Architecture.Input(20).Dense(16, Activation.Tanh).Dense(12, Activation.Relu, false).Dense(4, Activation.Softmax)

let private rows = 96

let private data () =
    let random = Random(17)
    let x = Array.init (rows * 20) (fun _ -> random.NextDouble() * 2.0 - 1.0)
    let y = Array.init (rows * 4) (fun i -> if i % 4 = (i / 4) % 4 then 1.0 else 0.0)
    x, y

let private theta = Network.Create<float>(architecture, Initializer.Xavier, 5UL).Parameters.ToArray()

/// Cost, gradient and every layer's z, a and δ of one LossAndGradient, with or without a team on `pool`.
let private step (pool: WorkerPool option) =
    let x, y = data ()
    let workspace = Workspace<float>(architecture, rows, pool |> Option.map (fun pool -> GemmTeam<float>(pool)) |> Option.toObj)
    let gradient = Array.zeroCreate<float> theta.Length
    let cost = Propagation.LossAndGradient<float>(architecture, ReadOnlySpan theta, Loss.SoftmaxCrossEntropy, ReadOnlySpan x, ReadOnlySpan y, rows, 0.0, rows, workspace, Span gradient, true)
    cost, gradient, Array.map Array.copy workspace.Z, Array.map Array.copy workspace.A, Array.map Array.copy workspace.Delta

[<Fact>]
let ``a dense step too small for two regions, given a thread team, computes the numbers of a step without one, bit for bit`` () =
    use pool = new WorkerPool(2)
    let workspace = Workspace<float>(architecture, rows, GemmTeam<float>(pool))
    Assert.NotNull(workspace.RowPasses)
    match workspace.StepRegions with
    | null -> ()
    | regions -> Assert.True(fst (regions.Parts rows) < 2, "the step would run in two regions")
    Assert.Equal(step None, step (Some pool))
