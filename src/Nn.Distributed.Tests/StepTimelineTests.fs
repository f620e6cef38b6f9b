module Nn.Distributed.Tests.StepTimelineTests

open System
open System.Diagnostics
open System.Runtime.InteropServices
open System.Threading
open Nn
open Nn.Distributed
open Nn.Distributed.Tests.FreshMemory
open Nn.Distributed.Tests.Mpi
open Xunit

[<Fact>]
let ``each mark closes the time since the last one into its phase, and a sum outside a step is the loop's time`` () =
    let timeline = StepTimeline()
    let clock = Stopwatch()
    timeline.Reached StepPhase.Started
    clock.Start()
    Thread.Sleep 30
    timeline.Reached StepPhase.Gathered
    timeline.Enter(TimedPhase.ReduceScatterWait, TimedPhase.ReduceScatter)
    Thread.Sleep 30
    timeline.Waited()
    timeline.Moved()
    timeline.Reached StepPhase.Finished
    // An epoch's end: its sums belong to no step's phases.
    timeline.Enter(TimedPhase.SumWait, TimedPhase.Sum)
    Thread.Sleep 30
    timeline.Waited()
    timeline.Moved()
    timeline.Reached StepPhase.Started
    clock.Stop()
    Assert.Equal(1, timeline.Steps.Count)
    let step = timeline.Steps[0]
    let phase (p: TimedPhase) = step[int p]
    Assert.InRange(phase TimedPhase.Gather, 0.03, infinity)
    Assert.InRange(phase TimedPhase.ReduceScatterWait, 0.03, infinity)
    Assert.InRange(phase TimedPhase.Loop, 0.03, infinity)
    Assert.Equal(0.0, phase TimedPhase.SumWait)
    Assert.Equal(0.0, phase TimedPhase.Sum)
    Assert.Equal(0.0, phase TimedPhase.Propagate)
    // The phases tile the step: together they are the time between its start and the next one's.
    Assert.InRange(Array.sum step, 0.09, clock.Elapsed.TotalSeconds)

[<Fact>]
let ``each step records the CPU it started on, the forward and backward pass's processor time, its preemptions and its page faults`` () =
    let timeline = StepTimeline()
    timeline.Reached StepPhase.Started
    timeline.Reached StepPhase.Gathered
    // Computing for 50 ms of processor time, then waiting 50 ms off the CPU: only the first counts as on it.
    let computing = ThreadClock.OnCpuSeconds()
    while ThreadClock.OnCpuSeconds() - computing < 0.05 do
        Thread.SpinWait 1000
    Thread.Sleep 50
    timeline.Reached StepPhase.Propagated
    // Touching 4,096 fresh pages of 4 KB faults each one in.
    touchFreshPages 4096
    timeline.Reached StepPhase.Finished
    // A rank with no rows of a batch marks no gathering: it propagated nothing.
    timeline.Reached StepPhase.Started
    timeline.Reached StepPhase.Propagated
    timeline.Reached StepPhase.Finished
    timeline.Reached StepPhase.Started
    Assert.Equal(2, timeline.Placements.Count)
    let computed = timeline.Placements[0]
    Assert.InRange(computed.PropagationOnCpu, 0.05, timeline.Steps[0][int TimedPhase.Propagate] - 0.045)
    Assert.InRange(computed.Cpu, 0, Environment.ProcessorCount - 1)
    Assert.InRange(computed.Preemptions, 0L, Int64.MaxValue)
    Assert.InRange(computed.PageFaults, 4096L, Int64.MaxValue)
    Assert.Equal(0.0, timeline.Placements[1].PropagationOnCpu)

[<Fact>]
let ``a rank alone spends its reduce-scatter weighting and moving the gradient, not waiting for others`` () =
    use dir = new TempDirectory()
    let results = ranks 1 "timed-block-sums" dir.Path
    Assert.Contains("timed steps 6", results[0])
    Assert.Contains("reduce-scatter waits under a tenth of its moving true", results[0])

let private stepLines (lines: string list) = lines |> List.filter (fun l -> l.StartsWith "step ")

[<Fact>]
let ``timed two-rank steps spend time in every phase of their path and take the untimed steps to the bit`` () =
    use plain = new TempDirectory()
    let untimed = ranks 2 "steps-float" plain.Path
    // Through shared memory the cost and verdict travel with the all-gather, so that sum never waits on its own.
    for environment, merged in [ [], [ TimedPhase.SumWait; TimedPhase.Sum ]; collectives, [] ] do
        use dir = new TempDirectory()
        let results = ranksWith environment 2 "timed-steps" dir.Path
        for lines in results do
            Assert.Equal<string list>(stepLines untimed[0], stepLines lines)
            // The last step's time between steps is still open when the run ends.
            Assert.Contains("timed steps 11", lines)
            Assert.Contains("placed steps 11", lines)
            Assert.Contains("propagated on a CPU in every step true", lines)
            for phase in System.Enum.GetValues<TimedPhase>() do
                if List.contains phase merged then
                    Assert.Contains(sprintf "%O in no step true" phase, lines)
                else
                    Assert.Contains(sprintf "%O in every step true" phase, lines)

[<Fact>]
let ``the time between the last mark and a sum's start is the sum's moving, and a sum that never waited has no waiting`` () =
    let timeline = StepTimeline()
    timeline.Reached StepPhase.Started
    timeline.Reached StepPhase.Gathered
    timeline.Reached StepPhase.Propagated
    Thread.Sleep 30
    timeline.Enter(TimedPhase.ReduceScatterWait, TimedPhase.ReduceScatter)
    timeline.Moved()
    timeline.Reached StepPhase.Finished
    timeline.Reached StepPhase.Started
    let step = timeline.Steps[0]
    Assert.Equal(0.0, step[int TimedPhase.ReduceScatterWait])
    Assert.InRange(step[int TimedPhase.ReduceScatter], 0.03, infinity)

[<Fact>]
let ``the time from a step's last mark to its end is the loop's, not the update's`` () =
    let timeline = StepTimeline()
    timeline.Reached StepPhase.Started
    timeline.Reached StepPhase.Gathered
    timeline.Reached StepPhase.Propagated
    // No update is marked: the 30 ms before the step's end belong to the loop's bookkeeping.
    Thread.Sleep 30
    timeline.Reached StepPhase.Finished
    timeline.Reached StepPhase.Started
    let step = timeline.Steps[0]
    Assert.Equal(0.0, step[int TimedPhase.Update])
    Assert.InRange(step[int TimedPhase.Loop], 0.03, infinity)

[<DllImport("libc")>]
extern int sched_getaffinity(int pid, unativeint size, uint64[] mask)

[<DllImport("libc")>]
extern int sched_setaffinity(int pid, unativeint size, uint64[] mask)

[<Fact>]
let ``each step's placement is the CPU that step started on, not the CPU of the step after it`` () =
    // The calling thread is pinned to one CPU, then another, then the first, at each step's start (pid 0: this thread).
    let words = 16
    let size = unativeint (words * 8)
    let original = Array.zeroCreate<uint64> words
    Assert.Equal(0, sched_getaffinity (0, size, original))
    let allowed = [ for cpu in 0 .. words * 64 - 1 do if original[cpu / 64] &&& (1UL <<< (cpu % 64)) <> 0UL then yield cpu ]
    let first, second = List.head allowed, List.last allowed
    let pin (cpu: int) =
        let mask = Array.zeroCreate<uint64> words
        mask[cpu / 64] <- 1UL <<< (cpu % 64)
        Assert.Equal(0, sched_setaffinity (0, size, mask))
    let timeline = StepTimeline()
    try
        pin first
        timeline.Reached StepPhase.Started
        pin second
        timeline.Reached StepPhase.Started
        pin first
        timeline.Reached StepPhase.Started
    finally
        sched_setaffinity (0, size, original) |> ignore
    Assert.Equal<int list>([ first; second ], timeline.Placements |> Seq.map (fun p -> p.Cpu) |> List.ofSeq)
