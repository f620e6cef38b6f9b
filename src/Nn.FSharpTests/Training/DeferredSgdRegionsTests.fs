/// A deferred SGD block's products in one region, then its per-sample loop beside the Gram matrix's later rows and its
/// first-layer update in another: bit for bit the one-thread block.
module Nn.Tests.Training.DeferredSgdRegionsTests

open System
open Nn
open Nn.Kernels
open Xunit

let private paths = KernelSelection.Supported() |> List.ofArray

/// Network A's first layer, an odd input width (W¹'s rows are not whole vectors, so each part holds 64 rows) with
/// more hidden units than a tile, a short block, and a block shorter than a Gram sliver on every path (the loop's
/// part then has all the rows it reads from the first region); inputs, hidden units, samples in the block.
let private shapes = [ (784, 100, 32); (97, 130, 32); (300, 121, 9); (784, 100, 5) ]

/// θ', the costs, the predictions and whether the block stayed finite, on one thread or on `pool` (which the block
/// may use only with `useThreads`).
let private blockWith useThreads (architecture: Architecture) (pool: WorkerPool option) count (toT: float -> 'T) =
    let inputs = architecture.InputSize
    let outputs = architecture.OutputSize
    let theta = Network.Create<'T>(architecture, Initializer.Xavier, 7UL).Parameters.ToArray()
    let random = Random 3
    let x = Array.init (count * inputs) (fun _ -> toT (random.NextDouble()))
    let y = Array.init (count * outputs) (fun i -> if i % outputs = (i / outputs) % outputs then toT 1.0 else toT 0.0)
    let deferred = DeferredSgd<'T>(architecture, Loss.Quadratic, toT 0.5, 32)
    let workspace = Workspace<'T>(architecture, 32, pool |> Option.map (fun pool -> GemmTeam<'T>(pool)) |> Option.toObj)
    let next = Array.zeroCreate<'T> theta.Length
    let costs = Array.zeroCreate<float> count
    let predictions = Array.zeroCreate<int> count
    let finite =
        deferred.TryRun(ReadOnlySpan theta, ReadOnlySpan x, ReadOnlySpan y, count, Span next, Span costs, Span predictions, workspace, Span(Array.zeroCreate<'T> theta.Length), useThreads)
    finite, next, costs, predictions

let private blockOf architecture pool count toT = blockWith true architecture pool count toT

/// The same as blockOf for blocks of each of `counts` samples in turn through one DeferredSgd and workspace, each from
/// the θ' of the one before.
let private blocksOf (architecture: Architecture) (pool: WorkerPool option) (counts: int list) (toT: float -> 'T) =
    let inputs = architecture.InputSize
    let outputs = architecture.OutputSize
    let deferred = DeferredSgd<'T>(architecture, Loss.Quadratic, toT 0.5, 32)
    let workspace = Workspace<'T>(architecture, 32, pool |> Option.map (fun pool -> GemmTeam<'T>(pool)) |> Option.toObj)
    let random = Random 5
    let mutable theta = Network.Create<'T>(architecture, Initializer.Xavier, 11UL).Parameters.ToArray()
    [ for count in counts do
        let x = Array.init (count * inputs) (fun _ -> toT (random.NextDouble()))
        let y = Array.init (count * outputs) (fun i -> if i % outputs = (i / outputs) % outputs then toT 1.0 else toT 0.0)
        let next = Array.zeroCreate<'T> theta.Length
        let costs = Array.zeroCreate<float> count
        let predictions = Array.zeroCreate<int> count
        let finite =
            deferred.TryRun(ReadOnlySpan theta, ReadOnlySpan x, ReadOnlySpan y, count, Span next, Span costs, Span predictions, workspace, Span(Array.zeroCreate<'T> theta.Length))
        theta <- next
        yield finite, next, costs, predictions ]

let private block pool inputs hidden count toT =
    blockOf (Architecture.Input(inputs).Dense(hidden, Activation.Sigmoid).Dense(10, Activation.Sigmoid)) pool count toT

/// A second layer of 100 × 2,700 weights, above the threshold (2^18) from which a team splits even a one-row product.
let private wideSecondLayer = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(2700, Activation.Sigmoid).Dense(10, Activation.Sigmoid)

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

[<Fact>]
let ``a block told to stay on the calling thread opens no region on two threads and gives the one-thread bits`` () =
    let architecture = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid)
    use pool = new WorkerPool(2)
    let before = pool.Counters
    let alone = blockWith false architecture (Some pool) 32 float32
    Assert.Equal(0L, (pool.Counters.Since before).Regions)
    let split = blockOf architecture (Some pool) 32 float32
    Assert.True((pool.Counters.Since before).Regions >= 2L, "the block allowed to split did not open its regions")
    let finite, _, _, _ = alone
    Assert.True(finite)
    Assert.Equal(blockOf architecture None 32 float32, alone)
    Assert.Equal(alone, split)

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

[<Fact>]
let ``a Network A block on two threads runs two regions: the products, then the loop beside the Gram matrix's later rows followed by the update`` () =
    use pool = new WorkerPool(2)
    let before = pool.Counters
    let (finite, _, _, _) = block (Some pool) 784 100 32 float32
    Assert.True(finite)
    Assert.Equal(2L, (pool.Counters.Since before).Regions)

/// The regions a 32-sample block of `architecture` runs on `pool`, once it is seen finite and giving the one-thread bits.
let private regionsOfSplitBlock (architecture: Architecture) (pool: WorkerPool) =
    let before = pool.Counters
    let split = blockOf architecture (Some pool) 32 float32
    let regions = (pool.Counters.Since before).Regions
    let (finite, _, _, _) = split
    Assert.True(finite)
    Assert.Equal(blockOf architecture None 32 float32, split)
    regions

[<Fact>]
let ``a block whose upper layer would split its one-sample products keeps its loop out of the regions, and still gives the one-thread bits on every path`` () =
    use pool = new WorkerPool(2)
    for path in paths do
        use _ = KernelSelection.Enter path
        let regions = regionsOfSplitBlock wideSecondLayer pool
        // The products and the update; on the portable path each sample's 2,700-wide product adds a region of its own.
        if path = KernelPath.Portable then Assert.True(regions > 2L, $"{regions} regions") else Assert.Equal(2L, regions)

[<Fact>]
let ``blocks of 5, 32 and 9 samples in turn through one run's regions give the one-thread blocks bit for bit`` () =
    // The buffers the Gram part packs X into grow at the longer block and are reused, partly, by the shorter.
    let architecture = Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid)
    use pool = new WorkerPool(2)
    for path in paths do
        use _ = KernelSelection.Enter path
        let expected = blocksOf architecture None [ 5; 32; 9 ] float32
        Assert.All(expected, fun (finite, _, _, _) -> Assert.True(finite))
        Assert.Equal<(bool * float32[] * float[] * int[]) list>(expected, blocksOf architecture (Some pool) [ 5; 32; 9 ] float32)

[<Fact>]
let ``a block whose one upper layer has the weights from which a team splits a one-row product, or more, keeps its loop out of the regions`` () =
    // 128 × 2,048 = 2^18 weights, and 100 × 2,700: GemmTeam splits each sample's product on the portable path, and a
    // pool runs one region at a time, so the loop must run between the regions. One upper layer each, so that no small
    // layer above it makes up for a test of the layers' sizes that is wrong.
    use pool = new WorkerPool(2)
    use _ = KernelSelection.Enter KernelPath.Portable
    for hidden, outputs in [ 128, 2048; 100, 2700 ] do
        let architecture = Architecture.Input(784).Dense(hidden, Activation.Sigmoid).Dense(outputs, Activation.Sigmoid)
        Assert.True(int64 architecture.Layers[1].WeightCount >= GemmTeam<float32>.MinimumParallelWork)
        let regions = regionsOfSplitBlock architecture pool
        Assert.True(regions > 2L, $"{hidden}-{outputs}: {regions} regions")

/// A first layer of 300 × 121 weights, wide enough for the regions (7 parts of 16 rows), in per-sample SGD.
let private regionsArchitecture = Architecture.Input(300).Dense(121, Activation.Sigmoid).Dense(10, Activation.Sigmoid)

/// `samples` rows of random inputs in [0, 1) and one-hot targets; the rows from `huge` on ±1,000 instead.
let private regionsData (samples: int) (huge: int) (toT: float -> 'T) =
    let random = Random 9
    let inputs =
        Array2D.init samples 300 (fun i _ -> if i >= huge then (if random.NextDouble() < 0.5 then -1e3 else 1e3) else random.NextDouble())
    let targets = Array2D.init samples 10 (fun i k -> if k = i % 10 then 1.0 else 0.0)
    Dataset.FromTargets(Matrix<'T>.FromArray(Array2D.map toT inputs), Matrix<'T>.FromArray(Array2D.map toT targets))

let private trainOn (architecture: Architecture) shuffle (data: Dataset<'T>) (rate: float) epochs threads =
    let network = Network.Create<'T>(architecture, Initializer.Xavier, 7UL)
    let states = Collections.Generic.List<TrainingState<'T>>()
    let result = Trainer.Train(network, Loss.Quadratic, Sgd rate, data, TrainingOptions(epochs, 1, 3UL, Threads = threads, Shuffle = shuffle), onEpoch = Action<_>(states.Add))
    result, List.ofSeq states

let private trainThreads data rate epochs threads = trainOn regionsArchitecture true data rate epochs threads

[<Fact>]
let ``Trainer.Train in deferred blocks ends bit for bit the same on one, two and three threads, in float and double, with a last block shorter than the rest`` () =
    // 70 samples: two blocks of 32 and one of 6 an epoch.
    let single = regionsData 70 70 float32
    let double = regionsData 70 70 id
    let expected = fst (trainThreads single 0.5 2 1)
    let expectedDouble = fst (trainThreads double 0.5 2 1)
    Assert.Equal(StopReason.Completed, expected.Reason)
    for threads in [ 2; 3 ] do
        Assert.Equal(expected, fst (trainThreads single 0.5 2 threads))
        Assert.Equal(expectedDouble, fst (trainThreads double 0.5 2 threads))

[<Fact>]
let ``a two-thread run long enough for a split-or-alone trial, so with blocks of both kinds, ends bit for bit where the one-thread run ends`` () =
    // 450 samples: fourteen whole blocks an epoch, more than a trial's twelve, and a short one of 2.
    let data = regionsData 450 450 float32
    Assert.True(450 / 32 > 2 * SplitChooser.TrialBlocks)
    Assert.Equal((fst (trainThreads data 0.5 2 1)).State, (fst (trainThreads data 0.5 2 2)).State)

[<Fact>]
let ``a deferred run resumed on two threads from its first epoch's state ends bit for bit where the one-thread run ends`` () =
    let data = regionsData 70 70 float32
    let whole, states = trainThreads data 0.5 3 1
    let resumed = Trainer.Continue(states[0], Loss.Quadratic, Sgd 0.5, data, TrainingOptions(3, 1, 3UL, Threads = 2))
    Assert.Equal(whole.State, resumed.State)

[<Fact>]
let ``a deferred run that diverges in the middle of an epoch stops at the same sample with the same network on one, two and three threads`` () =
    // In order, the first block trains; from sample 40 on, in the second block, the inputs are ±1,000, and a linear
    // network's steps grow each time until the float cost overflows and the block is replayed one sample at a time.
    let architecture = Architecture.Input(300).Dense(121, Activation.Identity).Dense(10, Activation.Identity)
    let data = regionsData 70 40 float32
    let expected = fst (trainOn architecture false data 0.004 2 1)
    Assert.True((expected.Reason = StopReason.Diverged), $"{expected.Reason} after step {expected.State.OptimizerState.Step}: {expected.Message}")
    Assert.InRange(expected.State.OptimizerState.Step, 40L, 63L)
    for threads in [ 2; 3 ] do
        Assert.Equal(expected, fst (trainOn architecture false data 0.004 2 threads))

[<Fact>]
let ``a deferred run on two threads splits its first six whole blocks, runs the next six alone, and then has one trial; a single-threaded run has no chooser`` () =
    // 12 blocks of 32 and a last one of 6, too small to split (6 × 300 × 121 multiply-adds), which is not timed.
    let data = regionsData 390 390 float32
    let rule = Sgd 0.5
    let start = Trainer.Start(Network.Create<float32>(regionsArchitecture, Initializer.Xavier, 7UL), rule, 3UL)
    let runOn threads = new TrainingRun<float32>(start, Loss.Quadratic, rule, data, TrainingOptions(1, 1, 3UL, Threads = threads, Shuffle = false))
    use single = runOn 1
    Assert.Null((single.Strategy :?> DeferredSgdSteps<float32>).Chooser)
    use two = runOn 2
    // A machine with one processor gives the two-thread run no worker, hence no chooser; the CI machine has two.
    if Environment.ProcessorCount >= 2 then
        let steps = two.Strategy :?> DeferredSgdSteps<float32>
        match steps.Chooser, two.Pool with
        | null, _ | _, null -> Assert.Fail "a two-thread deferred run has no split-or-alone chooser or no pool"
        | chooser, pool ->
            let regions =
                [ for block in 0 .. 12 do
                    let before = pool.Counters
                    let struct (_, failure) = steps.Advance(int64 (32 * block + 1), 32 * block, min 32 (390 - 32 * block))
                    Assert.Null failure
                    yield (pool.Counters.Since before).Regions ]
            Assert.All(regions[0..5], fun count -> Assert.True(count > 0L, $"a trial's split block opened {count} regions"))
            Assert.Equal<int64 list>(List.replicate 7 0L, regions[6..])
            Assert.Equal(1, chooser.Trials)
