/// A region one of whose parts throws: Run rethrows the failure only once every part that started has ended, and the
/// pool's next region neither loses a part nor rethrows the old failure. A part still running after Run returned
/// would run after its caller's `fixed` statements had ended (GemmTeam, DenseRowPasses and the splits hand the parts
/// pointers into pinned arrays and stack structs), writing where the collector may since have moved other objects.
module Nn.Tests.Kernels.WorkerPoolFailureTests

open System
open System.Diagnostics
open System.Threading
open Nn.Kernels
open Xunit

/// Part 0, the caller's, throws once another part has started or `wait` has passed; every other part holds until
/// the test says Run has returned, or for `hold` at most, and counts itself late if it was told: Run waits for
/// every part it let start, so such a part ends before it is told.
type private Failing(wait: TimeSpan, hold: TimeSpan) =
    let mutable started = 0
    let mutable late = 0
    let mutable returned = 0
    member _.Late = Volatile.Read(&late)
    /// Called by the test once Run has rethrown.
    member _.Returned() = Volatile.Write(&returned, 1)
    interface IPartitionedWork with
        member _.Execute(part, _) =
            if part = 0 then
                let clock = Stopwatch.StartNew()
                while Volatile.Read(&started) = 0 && clock.Elapsed < wait do
                    Thread.SpinWait 8
                raise (InvalidOperationException "part 0 fails")
            Interlocked.Increment(&started) |> ignore
            let clock = Stopwatch.StartNew()
            while Volatile.Read(&returned) = 0 && clock.Elapsed < hold do
                Thread.SpinWait 8
            if Volatile.Read(&returned) = 1 then
                Interlocked.Increment(&late) |> ignore

/// Part 1 throws, on whichever thread claims it.
type private FailingWorkerPart() =
    interface IPartitionedWork with
        member _.Execute(part, _) =
            if part = 1 then
                raise (InvalidOperationException "part 1 fails")

/// Counts the runs of each part.
type private Counting(parts: int) =
    let runs = Array.zeroCreate<int> parts
    member _.Runs = Array.init parts (fun part -> Volatile.Read(&runs[part]))
    interface IPartitionedWork with
        member _.Execute(part, _) = Interlocked.Increment(&runs[part]) |> ignore

/// Runs `regions` regions of `Failing(wait, hold)` in three parts on `pool`, each expected to rethrow part 0's
/// failure: the parts that were still running once Run had rethrown, and the runs of each part of a region after them.
let private failingRegions (pool: WorkerPool) regions wait hold =
    let mutable late = 0
    for _ in 1 .. regions do
        let job = Failing(wait, hold)
        let error = Assert.Throws<InvalidOperationException>(fun () -> pool.Run(job, 3))
        job.Returned()
        Assert.Equal("part 0 fails", error.Message)
        late <- late + job.Late
    // Every part holds for at most `hold` after it starts, so a late one has ended well within this.
    Thread.Sleep(hold * 10.0 + TimeSpan.FromMilliseconds 20.0)
    let counting = Counting(3)
    pool.Run(counting, 3)
    late, counting.Runs

[<Fact>]
let ``a failure in the caller's part is rethrown only once the parts the workers are running have ended`` () =
    // The caller's part throws while a worker runs its own (the caller waits for it to start, as long as a loaded
    // machine takes to schedule it), and that part would hold a millisecond more.
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 5.0, 2)
    let late, runs = failingRegions pool 100 (TimeSpan.FromSeconds 10.0) (TimeSpan.FromMilliseconds 1.0)
    Assert.Equal(0, late)
    Assert.Equal<int[]>([| 1; 1; 1 |], runs)

[<Fact>]
let ``a failure in the caller's part ends its region for workers still arriving, which then run none of its parts`` () =
    // The caller's part throws at once, so its Run reaches the region's end while the workers are still arriving (of
    // 50,000 such regions the hot workers joined 91 on the 2-vCPU test VM): a worker that has seen the region but
    // not yet counted itself active could then claim a part the caller no longer waits for, unless the region is
    // closed before the wait. Workers that park at once (no hot time) are woken for every region and come later.
    for hotTime in [ TimeSpan.FromSeconds 5.0; TimeSpan.Zero ] do
        use pool = new WorkerPool(3, hotTime, 3)
        let late, runs = failingRegions pool 2_000 TimeSpan.Zero (TimeSpan.FromMilliseconds 0.1)
        Assert.Equal(0, late)
        Assert.Equal<int[]>([| 1; 1; 1 |], runs)

[<Fact>]
let ``a failure in a worker's part is rethrown by Run, and the next region neither rethrows it nor loses a part`` () =
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 5.0, 2)
    for _ in 1 .. 200 do
        // Part 1 fails on whichever thread claims it: the worker, or the caller when the worker comes late.
        let error = Assert.Throws<InvalidOperationException>(fun () -> pool.Run(FailingWorkerPart(), 2))
        Assert.Equal("part 1 fails", error.Message)
        let counting = Counting(2)
        pool.Run(counting, 2)
        Assert.Equal<int[]>([| 1; 1 |], counting.Runs)
