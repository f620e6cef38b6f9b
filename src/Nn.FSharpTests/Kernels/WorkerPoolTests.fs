/// The worker pool's life cycle: hot between regions, parked (no polling) between runs, gone after Dispose, and no
/// region lost while a worker is on its way to park; never more threads than the process may use processors. The
/// tests of the workers' life give the pool as many processors as threads, so that it starts every worker on any machine.
module Nn.Tests.Kernels.WorkerPoolTests

open System
open System.Diagnostics
open System.Threading
open Nn.Kernels
open Nn.Tests.Helpers
open Xunit

type private Nothing() =
    interface IPartitionedWork with
        member _.Execute(_, _) = ()

[<Fact>]
let ``idle workers park soon after the last region and then stop polling`` () =
    use pool = new WorkerPool(3, processors = 3)
    pool.Run(Nothing(), 2)
    Assert.True(eventually (fun () -> pool.ParkedWorkers = 2), $"parked: {pool.ParkedWorkers}")
    let polls = pool.Polls
    Thread.Sleep(20 * int WorkerPool.HotTime.TotalMilliseconds)
    Assert.Equal(polls, pool.Polls)
    Assert.Equal(2, pool.ParkedWorkers)

[<Fact>]
let ``a worker stays hot between regions closer together than the hot time`` () =
    // A hot time of a second: a caller descheduled on a busy machine (CI runs test projects side by side) leaves
    // gaps of milliseconds, which must not let the worker park and turn this into a timing test.
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 1.0, 2)
    Assert.True(eventually (fun () -> pool.ParkedWorkers = 1))
    let work = Rendezvous()
    for _ in 1 .. 200 do
        work.Run pool
    Assert.Equal(0, work.Missed)
    // The first region wakes the parked worker; the back-to-back regions after it find it polling.
    Assert.InRange(pool.Wakes, 1L, 2L)
    Assert.True(pool.Polls > 0L)

[<Fact>]
let ``a parked worker wakes for the next region`` () =
    use pool = new WorkerPool(2, processors = 2)
    Assert.True(eventually (fun () -> pool.ParkedWorkers = 1))
    let work = Rendezvous()
    work.Run pool
    Assert.Equal(0, work.Missed)

[<Fact>]
let ``no region is lost when it is published while a worker is going to park`` () =
    use pool = new WorkerPool(2, processors = 2)
    let work = Rendezvous()
    let random = Random(7)
    let hot = WorkerPool.HotTime.TotalMilliseconds
    for _ in 1 .. 300 do
        // Gaps around the hot time, so some regions arrive just as the worker gives up polling.
        let gap = Stopwatch.StartNew()
        let wait = hot * (0.8 + 0.4 * random.NextDouble())
        while gap.Elapsed.TotalMilliseconds < wait do
            Thread.SpinWait 10
        work.Run pool
    Assert.Equal(0, work.Missed)

[<Fact>]
let ``disposing a pool ends its workers, hot or parked`` () =
    let hotPool = new WorkerPool(3, processors = 3)
    hotPool.Run(Nothing(), 3)
    hotPool.Dispose()
    Assert.Equal(0, hotPool.LiveWorkers)
    let parkedPool = new WorkerPool(3, processors = 3)
    Assert.True(eventually (fun () -> parkedPool.ParkedWorkers = 2))
    parkedPool.Dispose()
    Assert.Equal(0, parkedPool.LiveWorkers)
    Assert.Throws<ObjectDisposedException>(fun () -> parkedPool.Run(Nothing(), 2)) |> ignore

/// Records which thread ran each part of the last region.
type private PartThreads(parts: int) =
    member val Threads = Array.zeroCreate<int> parts
    interface IPartitionedWork with
        member this.Execute(part, _) =
            this.Threads[part] <- Environment.CurrentManagedThreadId
            // Long enough for a hot worker to be claiming while the caller still runs its own part.
            Thread.SpinWait 2_000

[<Fact>]
let ``part 0 of every region runs on the calling thread, however quickly the workers claim`` () =
    for threads in [ 2; 3 ] do
        use pool = new WorkerPool(threads, TimeSpan.FromSeconds 5.0, threads)
        let caller = Environment.CurrentManagedThreadId
        let work = PartThreads(threads)
        // Regions until the workers have run parts of 200 of them (a loaded machine may leave them unscheduled for a
        // while), so that they were there to claim part 0 had they been allowed to.
        let mutable workerRan = 0
        let clock = Stopwatch.StartNew()
        while workerRan < 200 && clock.Elapsed < TimeSpan.FromSeconds 20.0 do
            pool.Run(work, threads)
            Assert.Equal(caller, work.Threads[0])
            if Array.exists (fun id -> id <> caller) work.Threads then workerRan <- workerRan + 1
        Assert.True(workerRan >= 200, $"the workers ran a part of only {workerRan} regions in 20 s")

[<Theory>]
[<InlineData(1, 4, 0)>]
[<InlineData(2, 1, 0)>]
[<InlineData(2, 2, 1)>]
[<InlineData(3, 2, 1)>]
[<InlineData(8, 4, 3)>]
[<InlineData(256, 1, 0)>]
let ``a team starts no more threads, its caller's included, than the process may use processors`` (threads, processors, workers) =
    Assert.Equal(workers, WorkerPool.WorkersFor(threads, processors))
    use pool = new WorkerPool(threads, processors = processors)
    Assert.Equal(workers, pool.Workers)
    Assert.Equal(workers, pool.LiveWorkers)
    Assert.Equal(threads, pool.Threads)

[<Fact>]
let ``a team with fewer workers than parts still runs every part once, the caller taking those no worker is there for`` () =
    use pool = new WorkerPool(3, processors = 1)
    let work = PartThreads(3)
    pool.Run(work, 3)
    Assert.Equal<int[]>(Array.create 3 Environment.CurrentManagedThreadId, work.Threads)

[<Fact>]
let ``a team made without a processor count starts as many workers as this process may use processors allow`` () =
    use pool = new WorkerPool(2)
    Assert.Equal(WorkerPool.WorkersFor(2, Environment.ProcessorCount), pool.Workers)

[<Fact>]
let ``a team told to stay alone runs every part of its regions on the calling thread and wakes no worker, until told otherwise`` () =
    use pool = new WorkerPool(3, TimeSpan.FromSeconds 5.0, 3)
    let work = PartThreads(3)
    let caller = Environment.CurrentManagedThreadId
    pool.Alone <- true
    let wakes = pool.Wakes
    for _ in 1 .. 50 do
        pool.Run(work, 3)
        Assert.Equal<int[]>(Array.create 3 caller, work.Threads)
    Assert.Equal(wakes, pool.Wakes)
    Assert.Equal(50L, pool.AloneRegions)
    Assert.False(pool.LastTwoParts(ref 0L, ref 0L))
    pool.Alone <- false
    // Back on the team: within a few seconds a worker takes a part again.
    let clock = Stopwatch.StartNew()
    let mutable workerRan = false
    while not workerRan && clock.Elapsed < TimeSpan.FromSeconds 20.0 do
        pool.Run(work, 3)
        workerRan <- Array.exists (fun id -> id <> caller) work.Threads
    Assert.True(workerRan, "no worker ran a part after the team was told to use its workers again")

[<Fact>]
let ``a team told to stay alone counts the regions of more than one part it ran alone, not those of one part`` () =
    use pool = new WorkerPool(2, processors = 2)
    pool.Alone <- true
    pool.Run(Nothing(), 1)
    pool.Run(Nothing(), 0)
    Assert.Equal(0L, pool.AloneRegions)
    pool.Run(Nothing(), 2)
    Assert.Equal(1L, pool.AloneRegions)
