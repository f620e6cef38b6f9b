/// Where a two-thread region of independent units is cut: evenly at first, then in proportion to the speeds each
/// side showed, never leaving a side without a unit, and never changing what a unit computes.
module Nn.Tests.Kernels.TwoWayBalanceTests

open System
open System.Diagnostics
open Xunit
open FsCheck
open FsCheck.Xunit
open Nn
open Nn.Kernels

/// Stopwatch ticks in `n` microseconds.
let private µs (n: float) = int64 (n * float Stopwatch.Frequency / 1e6)

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
        balance.Learn(0.5, µs 100.0, µs 200.0)
    Assert.InRange(balance.Share, 0.66, 0.67)
    Assert.Equal(80, balance.Cut 120)

[<Fact>]
let ``the measured speeds count the share each side had, so a cut that already matches them stays`` () =
    let balance = TwoWayBalance()
    // The caller had two thirds and took as long as the worker with its third: the speeds are 2 to 1.
    for _ in 1 .. 80 do
        balance.Learn(2.0 / 3.0, µs 100.0, µs 100.0)
    Assert.InRange(balance.Share, 0.66, 0.67)

[<Fact>]
let ``a region whose parts take 100 µs moves the share an eighth of the way, a region of 10 µs a tenth of that`` () =
    // Speeds 4 to 1: the measurement is a 20/80 cut.
    let balance = TwoWayBalance()
    balance.Learn(0.5, µs 40.0, µs 160.0)
    Assert.Equal(0.5 + (0.8 - 0.5) * TwoWayBalance.Step, balance.Share, 3)
    let short = TwoWayBalance()
    short.Learn(0.5, µs 4.0, µs 16.0)
    Assert.Equal(0.5 + (0.8 - 0.5) * TwoWayBalance.Step / 10.0, short.Share, 4)

[<Fact>]
let ``a part the operating system paused counts for no more than a 20 to 80 cut, half the way to it`` () =
    let balance = TwoWayBalance()
    balance.Learn(0.5, µs 100.0, µs 1e6)
    Assert.Equal(0.5 + (0.8 - 0.5) * TwoWayBalance.LargestStep, balance.Share, 12)
    for _ in 1 .. 50 do
        balance.Learn(0.5, µs 100.0, µs 1e6)
    Assert.InRange(balance.Share, 0.79, 0.8)

[<Fact>]
let ``a region that tells nothing, or any region while learning is off, leaves the share as it is`` () =
    let balance = TwoWayBalance()
    balance.Learn(0.0, µs 100.0, µs 200.0)
    balance.Learn(0.5, 0L, µs 200.0)
    balance.Learn(0.5, µs 100.0, 0L)
    balance.Learn(1.0, µs 100.0, µs 200.0)
    Assert.Equal(0.5, balance.Share)
    balance.Learn(0.5, µs 100.0, µs 300.0)
    let learned = balance.Share
    Assert.True(learned > 0.5)
    balance.Learning <- false
    balance.Learn(0.5, µs 300.0, µs 100.0)
    Assert.Equal(learned, balance.Share)
    balance.Even()
    Assert.Equal(0.5, balance.Share)

[<Property>]
let ``whatever it has learned, the cut leaves each side at least one unit of two or more`` (count: PositiveInt) (slowerCaller: bool) =
    let count = 2 + count.Get % 5_000
    let balance = TwoWayBalance()
    for _ in 1 .. 200 do
        if slowerCaller then balance.Learn(0.5, 1_000_000L, 1L) else balance.Learn(0.5, 1L, 1_000_000L)
    let cut = balance.Cut count
    1 <= cut && cut <= count - 1

[<Fact>]
let ``after a region whose two parts ran on both sides the pool gives each side's time, and not after a region of three parts`` () =
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 1.0, 2)
    let work = Nn.Tests.Helpers.Rendezvous()
    work.Run pool
    let mutable callerTicks = 0L
    let mutable workerTicks = 0L
    Assert.True(pool.LastTwoParts(&callerTicks, &workerTicks))
    Assert.True(callerTicks > 0L && workerTicks >= 0L)
    pool.Run(work, 3)
    Assert.False(pool.LastTwoParts(&callerTicks, &workerTicks))

let private skew = Nn.Tests.Helpers.skewBalance

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

/// Records the units each part of a region takes, for three counts cut in the same region.
type private Cuts(pool: WorkerPool, counts: int[]) =
    member val Ranges = Array.init 3 (fun _ -> Array.zeroCreate<int * int> counts.Length)
    interface IPartitionedWork with
        member this.Execute(part, parts) =
            for c in 0 .. counts.Length - 1 do
                this.Ranges[part][c] <- (pool.Start(counts[c], part, parts), pool.Start(counts[c], part + 1, parts))

[<Fact>]
let ``a region run cut on two threads gives every count's units once, cut at the balance's share, and other regions split evenly`` () =
    use pool = new WorkerPool(2)
    skew pool false
    let counts = [| 2; 49; 3_675 |]
    let work = Cuts(pool, counts)
    pool.RunCut(work, 2)
    for c in 0 .. counts.Length - 1 do
        let cut = TwoWayBalance.CutAt(counts[c], pool.Balance.Share)
        Assert.Equal((0, cut), work.Ranges[0][c])
        Assert.Equal((cut, counts[c]), work.Ranges[1][c])
    Assert.Equal((0, 2_940), work.Ranges[0][2])
    pool.Run(work, 2)
    Assert.Equal((0, 1_837), work.Ranges[0][2])
    Assert.Equal((1_837, 3_675), work.Ranges[1][2])
    use three = new WorkerPool(3)
    let evenly = Cuts(three, counts)
    three.RunCut(evenly, 3)
    Assert.Equal((1_225, 2_450), evenly.Ranges[1][2])

/// Two parts: the caller's part waits until the worker has begun part 1, which then sleeps for `sleep` milliseconds.
type private SlowWorkerPart(sleep: int) =
    let caller = Environment.CurrentManagedThreadId
    let mutable started = 0
    member _.Reset() = Threading.Volatile.Write(&started, 0)
    interface IPartitionedWork with
        member _.Execute(part, _) =
            if part = 1 then
                Threading.Volatile.Write(&started, 1)
                if Environment.CurrentManagedThreadId <> caller then Threading.Thread.Sleep sleep
            else
                let clock = Stopwatch.StartNew()
                while Threading.Volatile.Read(&started) = 0 && clock.Elapsed < TimeSpan.FromSeconds 10.0 do
                    Threading.Thread.SpinWait 10

[<Fact>]
let ``a region run cut whose worker takes far longer for its part moves the caller's share above one half`` () =
    // The worker's 100 ms dwarf the caller's wait for it to begin, even where a loaded machine is slow to wake it.
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 1.0, 2)
    let work = SlowWorkerPart(100)
    for _ in 1 .. 3 do
        work.Reset()
        pool.RunCut(work, 2)
    Assert.True(pool.Balance.Share > 0.5, $"share {pool.Balance.Share}")

/// Two parts that do nothing but record which thread ran part 1.
type private QuickParts() =
    member val PartOneThread = 0 with get, set
    interface IPartitionedWork with
        member this.Execute(part, _) = if part = 1 then this.PartOneThread <- Environment.CurrentManagedThreadId

[<Fact>]
let ``after a region whose caller ran both parts the pool gives no times, though the worker ran part 1 of an earlier one`` () =
    // A hot time of zero: the worker parks at once, so the caller usually claims part 1 before the worker wakes.
    use pool = new WorkerPool(2, TimeSpan.Zero, 2)
    let caller = Environment.CurrentManagedThreadId
    let work = SlowWorkerPart(0)
    let mutable callerRanBoth = 0
    for _ in 1 .. 40 do
        work.Reset()
        pool.Run(work, 2)
        Assert.True(pool.LastTwoParts(ref 0L, ref 0L))
        Assert.True(Nn.Tests.Helpers.eventually (fun () -> pool.ParkedWorkers = 1))
        let quick = QuickParts()
        pool.Run(quick, 2)
        let workerRan = quick.PartOneThread <> caller
        if not workerRan then callerRanBoth <- callerRanBoth + 1
        Assert.Equal(workerRan, pool.LastTwoParts(ref 0L, ref 0L))
    Assert.True(callerRanBoth > 0, "the worker won part 1 of every quick region")

[<Fact>]
let ``a region run cut in two parts on a team of three threads is cut evenly, whatever the balance has learned`` () =
    use three = new WorkerPool(3, processors = 3)
    skew three false
    let counts = [| 2; 49; 3_675 |]
    let work = Cuts(three, counts)
    three.RunCut(work, 2)
    Assert.Equal((0, 1_837), work.Ranges[0][2])
    Assert.Equal((1_837, 3_675), work.Ranges[1][2])
    Assert.Equal((0, 24), work.Ranges[0][1])
