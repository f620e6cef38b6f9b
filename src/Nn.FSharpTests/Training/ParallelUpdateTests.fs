/// The optimiser step split over threads: the same θ', moments and finiteness as the unsplit step, bit for bit.
module Nn.Tests.Training.ParallelUpdateTests

open System
open Nn
open Nn.Kernels
open Xunit

/// Longer than the split threshold and not a multiple of the 64-element alignment, so the last range has a tail.
let private length = 100_003

let private vectorOf (length: int) (seed: int) =
    let random = Random(seed)
    Array.init length (fun _ -> float32 (random.NextDouble() * 2.0 - 1.0))

let private vector = vectorOf length

/// The unsplit update and the update split over a pool of `threads` (its balance skewed, the caller the slower side
/// when `skew` is Some true), from the same inputs, with the layout of θ when known (AdamW decays weights but not biases).
let private bothOnSkewed (skew: bool option) (architecture: Architecture option) (rule: Optimizer) (threads: int) (gradient: float32[]) =
    let length = gradient.Length
    let theta = vectorOf length 1
    let moments () = Array.init rule.MomentCount (fun i -> vectorOf length (10 + i) |> Array.map abs)
    let run (update: float32[] -> float32[][] -> float32[][] -> float32[] -> bool) =
        let before = moments ()
        let after = Array.init rule.MomentCount (fun _ -> Array.zeroCreate<float32> length)
        let next = Array.zeroCreate<float32> length
        let finite = update theta before after next
        finite, next, after
    let step = UpdateStep(7L, Option.toObj architecture)
    let whole = run (fun theta m m' next -> rule.UpdateInto<float32>(step, ReadOnlySpan theta, ReadOnlySpan gradient, m, m', Span next))
    use pool = new WorkerPool(threads)
    skew |> Option.iter (Nn.Tests.Helpers.skewBalance pool)
    let split = ParallelUpdate<float32>(pool)
    let parted = run (fun theta m m' next -> split.UpdateInto(rule, step, theta, gradient, m, m', next))
    whole, parted

/// As `bothOnSkewed`, with the pool's balance as a new pool has it.
let private bothOn architecture rule threads gradient = bothOnSkewed None architecture rule threads gradient

/// As `bothOn`, with no layout: every entry a weight.
let private both rule threads gradient = bothOn None rule threads gradient

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``a split Adam or SGD step gives the unsplit step's parameters and moments bit for bit`` (threads: int) =
    for rule in [ Adam(0.01) :> Optimizer; Sgd(0.1); Momentum(0.1, 0.9) ] do
        let (finite, next, moments), (finite', next', moments') = both rule threads (vector 2)
        Assert.True(finite && finite')
        Assert.Equal<float32[]>(next, next')
        Assert.Equal<float32[][]>(moments, moments')

[<Theory>]
[<InlineData(false)>]
[<InlineData(true)>]
let ``an Adam or SGD step cut 20 to 80 between two threads gives the unsplit step's parameters and moments bit for bit`` (slowerCaller: bool) =
    for rule in [ Adam(0.01) :> Optimizer; Sgd(0.1) ] do
        let (finite, next, moments), (finite', next', moments') = bothOnSkewed (Some slowerCaller) None rule 2 (vector 2)
        Assert.True(finite && finite')
        Assert.Equal<float32[]>(next, next')
        Assert.Equal<float32[][]>(moments, moments')

[<Fact>]
let ``a split SGD step over more than a million parameters gives the unsplit step's parameters bit for bit`` () =
    // 1,100,003 parameters, about a 784-1400-10 network: the ranges' bounds, counted in 64-element blocks, stay exact.
    let (finite, next, _), (finite', next', _) = both (Sgd 0.1) 2 (vectorOf 1_100_003 2)
    Assert.True(finite && finite')
    Assert.Equal<float32[]>(next, next')

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``a split AdamW step, with or without a schedule, gives the unsplit step's numbers with the ranges cutting through layers`` (threads: int) =
    // 100_002 weights and 1 bias: the split ranges end inside the weights, and the last holds the bias.
    let architecture = Architecture.Input(100_002).Dense(1, Activation.Identity)
    let decayed = AdamW(0.01, 0.5)
    for rule in [ decayed :> Optimizer; decayed.WithSchedule(LearningRateSchedule.Cosine 10L) ] do
        let (finite, next, moments), (finite', next', moments') = bothOn (Some architecture) rule threads (vector 2)
        Assert.True(finite && finite')
        Assert.Equal<float32[]>(next, next')
        Assert.Equal<float32[][]>(moments, moments')

[<Theory>]
[<InlineData(0)>]
[<InlineData(50_000)>]
[<InlineData(100_002)>]
let ``a non-finite parameter in any range makes the split step report it`` (position: int) =
    for rule in [ Adam(0.01) :> Optimizer; Sgd(0.1) ] do
        let gradient = vector 2
        gradient[position] <- Single.PositiveInfinity
        let (finite, _, _), (finite', _, _) = both rule 3 gradient
        Assert.False finite
        Assert.False finite'

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``a split step written over its own inputs updates every element exactly once`` (threads: int) =
    // With θ' over θ and the moments over themselves, an element that two ranges both covered would be updated twice
    // (whichever thread came second reads the first one's result), and one no range covered would keep its old value:
    // unlike a split into separate buffers, where overlapping ranges write the same bits, either slip shows here.
    for rule in [ Adam(0.01) :> Optimizer; Sgd(0.1) ] do
        let gradient = vector 2
        let theta = vectorOf length 1
        let moments () = Array.init rule.MomentCount (fun i -> vectorOf length (10 + i) |> Array.map abs)
        let step = UpdateStep(7L, null)
        let expected = Array.zeroCreate<float32> length
        let expectedMoments = Array.init rule.MomentCount (fun _ -> Array.zeroCreate<float32> length)
        Assert.True(rule.UpdateInto<float32>(step, ReadOnlySpan theta, ReadOnlySpan gradient, moments (), expectedMoments, Span expected))
        let inPlace = Array.copy theta
        let inPlaceMoments = moments ()
        use pool = new WorkerPool(threads)
        Assert.True(ParallelUpdate<float32>(pool).UpdateInto(rule, step, inPlace, gradient, inPlaceMoments, inPlaceMoments, inPlace))
        Assert.Equal<float32[]>(expected, inPlace)
        Assert.Equal<float32[][]>(expectedMoments, inPlaceMoments)
