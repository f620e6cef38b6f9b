/// The worker pool's counters, the evidence the loop profile (bench/Nn.Benchmarks loop-profile) reads: regions,
/// parts on each side and the time inside them, the caller's time inside regions and waiting at their ends, the worker's
/// claim delay.
module Nn.Tests.Kernels.WorkerPoolCountersTests

open System
open System.Threading
open Nn.Kernels
open Xunit

/// Two parts: the worker's part sleeps for ten milliseconds after raising a flag; the caller's part waits for that flag.
/// So in every region the worker runs one part and the caller the other, and the caller is left waiting at the end.
type private SlowWorker() =
    let caller = Environment.CurrentManagedThreadId
    let mutable started = 0
    member _.Reset() = Volatile.Write(&started, 0)
    interface IPartitionedWork with
        member _.Execute(_, _) =
            if Environment.CurrentManagedThreadId <> caller then
                Volatile.Write(&started, 1)
                Thread.Sleep 10
            else
                while Volatile.Read(&started) = 0 do
                    Thread.SpinWait 1

/// What the pool's counters add up to over `regions` runs of `work` cut into `parts`, each run after `reset`.
let private countedOver (pool: WorkerPool) (work: IPartitionedWork) (reset: unit -> unit) (regions: int) (parts: int) =
    let before = pool.Counters
    for _ in 1 .. regions do
        reset ()
        pool.Run(work, parts)
    pool.Counters.Since before

type private Nothing() =
    interface IPartitionedWork with
        member _.Execute(_, _) = ()

[<Fact>]
let ``the counters give each region's parts to the thread that ran them and time the caller's wait for the worker`` () =
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 1.0)
    let work = SlowWorker()
    let counted = countedOver pool work work.Reset 5 2
    Assert.Equal(5L, counted.Regions)
    Assert.Equal(5L, counted.CallerParts)
    Assert.Equal(5L, counted.WorkerParts)
    Assert.Equal(5L, counted.JoinedRegions)
    // Every region lasts at least the worker's sleep, which the caller spends mostly waiting with no part left.
    Assert.True(counted.RegionTime >= TimeSpan.FromMilliseconds 50.0, $"region time {counted.RegionTime}")
    Assert.True(counted.TailTime > TimeSpan.Zero && counted.TailTime <= counted.RegionTime, $"tail {counted.TailTime} of {counted.RegionTime}")
    Assert.True(counted.ClaimDelay > TimeSpan.Zero && counted.ClaimDelay <= counted.RegionTime, $"claim delay {counted.ClaimDelay}")
    // The worker's parts are its ten-millisecond sleeps; the caller's end as soon as the worker has begun, inside the region.
    Assert.True(counted.WorkerBusy >= TimeSpan.FromMilliseconds 50.0, $"worker busy {counted.WorkerBusy}")
    Assert.True(counted.CallerBusy > TimeSpan.Zero && counted.CallerBusy + counted.TailTime <= counted.RegionTime, $"caller busy {counted.CallerBusy}")

[<Fact>]
let ``a region run inline is not counted`` () =
    use single = new WorkerPool(1)
    single.Run(Nothing(), 3)
    Assert.Equal(WorkerPoolCounters(), single.Counters)
    use pair = new WorkerPool(2)
    pair.Run(Nothing(), 1)
    Assert.Equal(0L, pair.Counters.Regions)
    pair.Run(Nothing(), 2)
    Assert.Equal(1L, pair.Counters.Regions)
    Assert.Equal(2L, pair.Counters.CallerParts + pair.Counters.WorkerParts)

[<Fact>]
let ``Since subtracts an earlier reading figure by figure`` () =
    let ms (x: float) = TimeSpan.FromMilliseconds x
    let later = WorkerPoolCounters(10L, 4L, 12L, 8L, 7L, ms 9.0, ms 3.0, ms 0.5, ms 6.0, ms 5.5)
    let earlier = WorkerPoolCounters(4L, 1L, 5L, 3L, 2L, ms 4.0, ms 1.0, ms 0.25, ms 2.5, ms 2.0)
    Assert.Equal(WorkerPoolCounters(6L, 3L, 7L, 5L, 5L, ms 5.0, ms 2.0, ms 0.25, ms 3.5, ms 3.5), later.Since earlier)

/// Three parts on a two-thread pool: the caller's part 0 waits until the worker has run parts 1 and 2.
type private TwoWorkerParts() =
    let mutable finished = 0
    member _.Reset() = Volatile.Write(&finished, 0)
    interface IPartitionedWork with
        member _.Execute(part, _) =
            if part > 0 then
                Interlocked.Increment(&finished) |> ignore
            else
                let clock = Diagnostics.Stopwatch.StartNew()
                while Volatile.Read(&finished) < 2 && clock.Elapsed < TimeSpan.FromSeconds 10.0 do
                    Thread.SpinWait 10

[<Fact>]
let ``a worker that runs two parts of a region counts two parts and one region joined`` () =
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 1.0, 2)
    let work = TwoWorkerParts()
    let counted = countedOver pool work work.Reset 4 3
    Assert.Equal(4L, counted.CallerParts)
    Assert.Equal(8L, counted.WorkerParts)
    Assert.Equal(4L, counted.JoinedRegions)

/// Two parts: part 0 sleeps on the calling thread for twenty milliseconds; part 1 does nothing, on whichever thread.
type private SlowCaller() =
    let caller = Environment.CurrentManagedThreadId
    interface IPartitionedWork with
        member _.Execute(part, _) = if part = 0 && Environment.CurrentManagedThreadId = caller then Thread.Sleep 20

[<Fact>]
let ``a caller whose own part is the long one counts its part as busy time and not as waiting at the end`` () =
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 1.0, 2)
    let before = pool.Counters
    for _ in 1 .. 5 do
        pool.Run(SlowCaller(), 2)
    let counted = pool.Counters.Since before
    Assert.True(counted.CallerBusy >= TimeSpan.FromMilliseconds 100.0, $"caller busy {counted.CallerBusy}")
    // The caller's part and its wait at the end are separate stretches of the region, so they sum to no more than it.
    Assert.True(counted.CallerBusy + counted.TailTime <= counted.RegionTime, $"busy {counted.CallerBusy}, tail {counted.TailTime}, region {counted.RegionTime}")
