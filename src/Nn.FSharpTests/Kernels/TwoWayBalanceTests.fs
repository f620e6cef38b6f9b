/// Where a two-thread region of independent units is cut: evenly at first, then in proportion to the speeds each
/// side showed, never leaving a side without a unit, and never changing what a unit computes.
module Nn.Tests.Kernels.TwoWayBalanceTests

open System
open System.Diagnostics
open System.Threading
open Xunit
open FsCheck
open FsCheck.Xunit
open Nn
open Nn.Kernels

[<Fact>]
let ``a new balance cuts a region evenly`` () =
    let balance = TwoWayBalance()
    Assert.Equal(0.5, balance.Share)
    Assert.Equal(64, balance.Cut 128)
    Assert.Equal(1, balance.Cut 2)
    Assert.Equal(1, balance.Cut 1)
    Assert.Equal(0, balance.Cut 0)

[<Fact>]
let ``a worker half as fast as the caller moves the caller's share towards two thirds`` () =
    let balance = TwoWayBalance()
    for _ in 1 .. 80 do
        balance.Learn(64, 100L, 64, 200L)
    Assert.InRange(balance.Share, 0.66, 0.67)
    Assert.Equal(80, balance.Cut 120)

[<Fact>]
let ``one region moves the share an eighth of the way, and a paused part counts for no more than a 20 to 80 cut`` () =
    let balance = TwoWayBalance()
    balance.Learn(64, 100L, 64, 1_000_000L)
    Assert.Equal(0.5 + (0.8 - 0.5) * TwoWayBalance.Step, balance.Share, 12)
    for _ in 1 .. 500 do
        balance.Learn(64, 100L, 64, 1_000_000L)
    Assert.InRange(balance.Share, 0.79, 0.8)

[<Fact>]
let ``a region that tells nothing, or any region while learning is off, leaves the share as it is`` () =
    let balance = TwoWayBalance()
    balance.Learn(0, 100L, 64, 200L)
    balance.Learn(64, 0L, 64, 200L)
    balance.Learn(64, 100L, 64, 0L)
    Assert.Equal(0.5, balance.Share)
    balance.Learn(64, 100L, 64, 300L)
    let learned = balance.Share
    Assert.True(learned > 0.5)
    balance.Learning <- false
    balance.Learn(64, 300L, 64, 100L)
    Assert.Equal(learned, balance.Share)
    balance.Even()
    Assert.Equal(0.5, balance.Share)

[<Property>]
let ``whatever it has learned, the cut leaves each side at least one unit of two or more`` (count: PositiveInt) (slowerCaller: bool) =
    let count = 2 + count.Get % 5_000
    let balance = TwoWayBalance()
    for _ in 1 .. 200 do
        if slowerCaller then balance.Learn(1, 1_000_000L, 1, 1L) else balance.Learn(1, 1L, 1, 1_000_000L)
    let cut = balance.Cut count
    1 <= cut && cut <= count - 1

/// Two parts; the caller's waits until the worker has run part 1, so both sides run one part of every region.
type private BothSides() =
    let caller = Environment.CurrentManagedThreadId
    let mutable region = 0
    let mutable workerRegion = 0
    member this.Run(pool: WorkerPool) =
        region <- region + 1
        pool.Run(this, 2)
    interface IPartitionedWork with
        member _.Execute(_, _) =
            if Environment.CurrentManagedThreadId <> caller then
                Volatile.Write(&workerRegion, region)
            else
                let clock = Stopwatch.StartNew()
                while Volatile.Read(&workerRegion) <> region && clock.Elapsed < TimeSpan.FromSeconds 10.0 do
                    Thread.SpinWait 1

[<Fact>]
let ``after a region whose two parts ran on both sides the pool gives each side's time, and not after a region of three parts`` () =
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 1.0)
    let work = BothSides()
    work.Run pool
    let mutable callerTicks = 0L
    let mutable workerTicks = 0L
    Assert.True(pool.LastTwoParts(&callerTicks, &workerTicks))
    Assert.True(callerTicks > 0L && workerTicks >= 0L)
    pool.Run(work, 3)
    Assert.False(pool.LastTwoParts(&callerTicks, &workerTicks))

/// Pushes a pool's balance to the given side's limit, as a run on a machine with one slow vCPU would.
let private skew (pool: WorkerPool) (slowerCaller: bool) =
    for _ in 1 .. 200 do
        if slowerCaller then pool.Balance.Learn(1, 1_000_000L, 1, 1L) else pool.Balance.Learn(1, 1L, 1, 1_000_000L)
    pool.Balance.Learning <- false

[<Theory>]
[<InlineData(false)>]
[<InlineData(true)>]
let ``max-pooling a batch cut far from even between two threads gives the one-thread bits`` (slowerCaller: bool) =
    let input = Shape.Image(3, 6, 6)
    let output = Shape.Image(3, 3, 3)
    let random = Random(5)
    for rows in [ 2; 3; 7; 40 ] do
        let x = Array.init (rows * input.Size) (fun _ -> random.NextDouble() - 0.5)
        let run (pool: WorkerPool | null) =
            let maxima = Array.zeroCreate<float> (rows * output.Size)
            let argmax = Array.zeroCreate<int> (rows * output.Size)
            PoolingKernels.MaxPool<float>(ReadOnlySpan x, rows, input, 2, 2, output, Span maxima, Span<float>.Empty, Span argmax, pool)
            maxima, argmax
        let alone = run null
        use pool = new WorkerPool(2)
        skew pool slowerCaller
        if rows = 40 then Assert.Equal((if slowerCaller then 8 else 32), pool.Balance.Cut rows)
        let maxima, argmax = run pool
        Assert.Equal<float[]>(fst alone, maxima)
        Assert.Equal<int[]>(snd alone, argmax)
