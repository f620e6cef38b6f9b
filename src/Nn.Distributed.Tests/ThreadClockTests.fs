module Nn.Distributed.Tests.ThreadClockTests

open System
open System.IO
open System.Threading
open Nn.Distributed
open Nn.Distributed.Tests.FreshMemory
open Xunit

[<Fact>]
let ``a thread's processor time leaves out what the process's other threads spend`` () =
    let before = ThreadClock.OnCpuSeconds()
    // Another thread computes for 0.2 s of processor time while this one waits for it, off the CPU.
    let busy =
        Thread(fun () ->
            let start = ThreadClock.OnCpuSeconds()
            while ThreadClock.OnCpuSeconds() - start < 0.2 do
                Thread.SpinWait 1000)
    busy.Start()
    busy.Join()
    let after = ThreadClock.OnCpuSeconds()
    Assert.InRange(after - before, 0.0, 0.1)

/// This thread's involuntary context switches and its page faults (minor and major), as /proc counts them for it.
let private procCounts () =
    let line = File.ReadAllLines "/proc/thread-self/status" |> Array.find (fun l -> l.StartsWith "nonvoluntary_ctxt_switches:")
    let switches = Int64.Parse(line.Substring("nonvoluntary_ctxt_switches:".Length).Trim())
    // After the command's closing parenthesis: state, ppid, pgrp, session, tty_nr, tpgid, flags, minflt, cminflt, majflt.
    let stat = File.ReadAllText "/proc/thread-self/stat"
    let fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ')
    switches, int64 fields[7] + int64 fields[9]

[<Fact>]
let ``a thread's preemptions and page faults are its own involuntary switches and faults, as Linux counts them for it`` () =
    let mutable readings = None
    let worker =
        Thread(fun () ->
            // A hundred sleeps are a hundred voluntary switches, and touching 1,024 pages faults in those not yet
            // backed (the allocator may hand back memory already touched): neither may be counted as the other, and
            // nothing of the process's other threads may be counted at all.
            for _ in 1..100 do
                Thread.Sleep 1
            touchFreshPages 1024
            let before = procCounts ()
            let usage = ThreadClock.Usage()
            let after = procCounts ()
            readings <- Some(before, usage, after))
    worker.Start()
    worker.Join()
    let (switchesBefore, faultsBefore), struct (preemptions, faults), (switchesAfter, faultsAfter) = readings.Value
    Assert.InRange(preemptions, switchesBefore, switchesAfter)
    Assert.InRange(faults, faultsBefore, faultsAfter)
