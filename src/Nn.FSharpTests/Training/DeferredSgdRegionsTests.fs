/// A deferred SGD block's products and first-layer update in two regions: bit for bit the one-thread block.
module Nn.Tests.Training.DeferredSgdRegionsTests

open System
open Nn
open Nn.Kernels
open Xunit

let private paths = KernelSelection.Supported() |> List.ofArray

/// Network A's first layer, an odd input width (W¹'s rows are not whole vectors, so each part holds 64 rows) with
/// more hidden units than a tile, and a short block; inputs, hidden units, samples in the block.
let private shapes = [ (784, 100, 32); (97, 130, 32); (300, 121, 9) ]

/// θ', the costs, the predictions and whether the block stayed finite, on one thread or on `pool`.
let private block (pool: WorkerPool option) inputs hidden count (toT: float -> 'T) =
    let architecture = Architecture.Input(inputs).Dense(hidden, Activation.Sigmoid).Dense(10, Activation.Sigmoid)
    let theta = Network.Create<'T>(architecture, Initializer.Xavier, 7UL).Parameters.ToArray()
    let random = Random 3
    let x = Array.init (count * inputs) (fun _ -> toT (random.NextDouble()))
    let y = Array.init (count * 10) (fun i -> if i % 10 = (i / 10) % 10 then toT 1.0 else toT 0.0)
    let deferred = DeferredSgd<'T>(architecture, Loss.Quadratic, toT 0.5, 32)
    let workspace = Workspace<'T>(architecture, 32, pool |> Option.map (fun pool -> GemmTeam<'T>(pool)) |> Option.toObj)
    let next = Array.zeroCreate<'T> theta.Length
    let costs = Array.zeroCreate<float> count
    let predictions = Array.zeroCreate<int> count
    let finite =
        deferred.TryRun(ReadOnlySpan theta, ReadOnlySpan x, ReadOnlySpan y, count, Span next, Span costs, Span predictions, workspace, Span(Array.zeroCreate<'T> theta.Length))
    finite, next, costs, predictions

[<Fact>]
let ``every shape of these tests takes the two regions on two and three threads, and a block under the small-batch size or one thread does not`` () =
    for threads in [ 2; 3 ] do
        use pool = new WorkerPool(threads)
        let regions = DeferredSgdRegions<float32>(pool)
        for inputs, hidden, count in shapes do
            Assert.True(regions.Applies(count, inputs, hidden), $"{inputs}-{hidden}, {count} samples, {threads} threads")
        Assert.False(regions.Applies(3, 784, 100))
    use one = new WorkerPool(1)
    Assert.False(DeferredSgdRegions<float32>(one).Applies(32, 784, 100))

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``a deferred block in two regions gives the one-thread parameters, costs and predictions bit for bit, on every path, in float and double`` (threads: int) =
    use pool = new WorkerPool(threads)
    for path in paths do
        use _ = KernelSelection.Enter path
        for inputs, hidden, count in shapes do
            let expected = block None inputs hidden count float32
            let (finite, _, _, _) = expected
            Assert.True(finite)
            Assert.Equal(expected, block (Some pool) inputs hidden count float32)
            Assert.Equal(block None inputs hidden count id, block (Some pool) inputs hidden count id)
