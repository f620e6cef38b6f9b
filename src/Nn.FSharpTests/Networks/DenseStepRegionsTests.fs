/// A dense step's forward and backward passes in two regions (rows, then weight-gradient panels): bit for bit one thread.
module Nn.Tests.Networks.DenseStepRegionsTests

open System
open Nn
open Nn.Kernels
open Xunit

let private paths = KernelSelection.Supported() |> List.ofArray

/// Network B's shape, odd widths (rows that are not whole vectors, so the row blocks follow 64-element units), a
/// hidden softmax, and batch sizes that leave rows after the last whole unit.
let private cases =
    [ Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax), Loss.SoftmaxCrossEntropy, 128
      Architecture.Input(300).Dense(100, Activation.Sigmoid).Dense(37, Activation.Tanh).Dense(10, Activation.Softmax), Loss.SoftmaxCrossEntropy, 150
      Architecture.Input(97).Dense(65, Activation.Tanh).Dense(33, Activation.Softmax).Dense(3, Activation.Sigmoid), Loss.BinaryCrossEntropy, 203
      Architecture.Input(200).Dense(128, Activation.Identity).Dense(64, Activation.Relu).Dense(16, Activation.Identity), Loss.Quadratic, 77 ]

let private inputs (architecture: Architecture) rows (toT: float -> 'T) =
    let random = Random(5)
    let x = Array.init (rows * architecture.InputSize) (fun _ -> toT (random.NextDouble() * 2.0 - 1.0))
    let outputs = architecture.OutputSize
    let y = Array.init (rows * outputs) (fun i -> if i % outputs = (i / outputs) % outputs then toT 1.0 else toT 0.0)
    x, y

/// Cost, gradient and every layer's z, a and δ of one LossAndGradient, on one thread or on `pool`.
let private step (pool: WorkerPool option) (architecture: Architecture) loss rows overwrite (l2: 'T) (toT: float -> 'T) =
    let theta = Network.Create<'T>(architecture, Initializer.Xavier, 11UL).Parameters.ToArray()
    let x, y = inputs architecture rows toT
    let workspace = Workspace<'T>(architecture, rows, pool |> Option.map (fun pool -> GemmTeam<'T>(pool)) |> Option.toObj)
    let gradient = Array.init theta.Length (fun i -> toT (float (i % 7) * 0.125))
    let cost = Propagation.LossAndGradient<'T>(architecture, ReadOnlySpan theta, loss, ReadOnlySpan x, ReadOnlySpan y, rows, l2, 1000, workspace, Span gradient, overwrite)
    cost, gradient, Array.map Array.copy workspace.Z, Array.map Array.copy workspace.A, Array.map Array.copy workspace.Delta

let private forward (pool: WorkerPool option) (architecture: Architecture) rows (toT: float -> 'T) =
    let theta = Network.Create<'T>(architecture, Initializer.Xavier, 11UL).Parameters.ToArray()
    let x, _ = inputs architecture rows toT
    let workspace = Workspace<'T>(architecture, rows, pool |> Option.map (fun pool -> GemmTeam<'T>(pool)) |> Option.toObj)
    Propagation.Forward<'T>(architecture, ReadOnlySpan theta, ReadOnlySpan x, rows, workspace)
    Array.map Array.copy workspace.Z, Array.map Array.copy workspace.A

/// The row blocks a batch of `rows` is split into on `pool` (0: the per-product split; -1: no regions at all).
let private partsOf (pool: WorkerPool) (architecture: Architecture) rows =
    match Workspace<float32>(architecture, rows, GemmTeam<float32>(pool)).StepRegions with
    | null -> -1
    | regions -> regions.Parts(rows) |> fst

[<Fact>]
let ``every case of these tests runs in two regions on two and three threads`` () =
    for threads in [ 2; 3 ] do
        use pool = new WorkerPool(threads)
        for architecture, _, rows in cases do
            Assert.True(partsOf pool architecture rows >= 2, $"{architecture} with {rows} rows on {threads} threads")

[<Fact>]
let ``a step too small to pay for a region, or a batch under the small-batch size, keeps the per-product split`` () =
    use pool = new WorkerPool(2)
    let small = Architecture.Input(20).Dense(16, Activation.Relu).Dense(4, Activation.Softmax)
    Assert.Equal(0, partsOf pool small 128)
    let networkB = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax)
    Assert.Equal(0, partsOf pool networkB 3)
    Assert.Equal(2, partsOf pool networkB 128)

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``cost, gradient, activations and deltas of a step in two regions equal one thread's bit for bit, on every path, in float and double`` (threads: int) =
    use pool = new WorkerPool(threads)
    for path in paths do
        use _ = KernelSelection.Enter path
        for architecture, loss, rows in cases do
            for overwrite in [ true; false ] do
                Assert.Equal(step None architecture loss rows overwrite 0.0f float32, step (Some pool) architecture loss rows overwrite 0.0f float32)
                Assert.Equal(step None architecture loss rows overwrite 0.0 id, step (Some pool) architecture loss rows overwrite 0.0 id)

[<Theory>]
[<InlineData(false)>]
[<InlineData(true)>]
let ``a step whose weight-gradient panels are cut 20 to 80 between two threads equals one thread's bit for bit`` (slowerCaller: bool) =
    use pool = new WorkerPool(2)
    Nn.Tests.Helpers.skewBalance pool slowerCaller
    for architecture, loss, rows in cases do
        Assert.Equal(step None architecture loss rows true 0.0f float32, step (Some pool) architecture loss rows true 0.0f float32)
        Assert.Equal(step None architecture loss rows false 0.0 id, step (Some pool) architecture loss rows false 0.0 id)

[<Fact>]
let ``a step in two regions with an L2 term equals one thread's bit for bit`` () =
    use pool = new WorkerPool(2)
    for architecture, loss, rows in cases do
        Assert.Equal(step None architecture loss rows true 0.5f float32, step (Some pool) architecture loss rows true 0.5f float32)

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``a forward pass split by rows through every layer equals one thread's bit for bit, on every path`` (threads: int) =
    use pool = new WorkerPool(threads)
    for path in paths do
        use _ = KernelSelection.Enter path
        for architecture, _, rows in cases do
            Assert.Equal(forward None architecture rows float32, forward (Some pool) architecture rows float32)
            Assert.Equal(forward None architecture rows id, forward (Some pool) architecture rows id)
