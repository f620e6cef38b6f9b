/// The timed choice between splitting a run's blocks over its threads and keeping them on the calling thread.
module Nn.Tests.Training.SplitChooserTests

open Nn
open Xunit

let private trial = 2 * SplitChooser.TrialBlocks
let private cycle = trial + SplitChooser.ChosenBlocks

/// The decisions for `blocks` blocks when a split block takes `splitTime` ticks and one alone `aloneTime` (block i's
/// time given its index and decision).
let private decisions blocks (time: int -> bool -> int64) =
    let chooser = SplitChooser()
    Nn.Tests.Helpers.splitDecisions chooser blocks time, (chooser.Trials, chooser.SplitTrials)

[<Fact>]
let ``a trial runs its blocks split first and then alone, and then keeps splitting when splitting is faster`` () =
    let made, (trials, split) = decisions cycle (fun _ split -> if split then 100L else 160L)
    Assert.Equal<bool list>(List.replicate SplitChooser.TrialBlocks true @ List.replicate SplitChooser.TrialBlocks false, List.take trial made)
    Assert.All(List.skip trial made, fun decision -> Assert.True decision)
    Assert.Equal((1, 1), (trials, split))

[<Fact>]
let ``when the blocks run faster alone they stay on the calling thread until the next trial, which tries splitting again`` () =
    let made, (trials, split) = decisions (cycle + 1) (fun _ split -> if split then 120L else 100L)
    Assert.All(made[trial .. cycle - 1], fun decision -> Assert.False decision)
    Assert.True(made[cycle], "the next trial did not begin by splitting")
    Assert.Equal((1, 0), (trials, split))

[<Fact>]
let ``the chooser follows the machine when splitting stops paying between two trials`` () =
    // Splitting is faster during the first cycle and slower from then on.
    let made, (trials, split) = decisions (2 * cycle) (fun i split -> if split = (i < cycle) then 100L else 150L)
    Assert.True(made[trial], "the first trial did not choose splitting")
    Assert.False(made[cycle + trial], "the second trial did not choose staying alone")
    Assert.Equal((2, 1), (trials, split))

[<Fact>]
let ``the first block of each kind in a trial is left out, so a slow hand-over alone does not decide`` () =
    // Each mode's first block pays for moving the data between the cores: a slow first split block and fast later
    // ones must still choose splitting, and a fast first alone block must not.
    let time i split =
        match i, split with
        | 0, true -> 10_000L
        | _, true -> 100L
        | i, false when i = SplitChooser.TrialBlocks -> 1L
        | _ -> 150L
    let made, _ = decisions (trial + 1) time
    Assert.True(made[trial])

[<Fact>]
let ``splitting must be faster by the margin to be chosen: equal times and a smaller gain keep the blocks alone`` () =
    for split in [ 100L; 98L ] do
        let made, counts = decisions (trial + 1) (fun _ isSplit -> if isSplit then split else 100L)
        Assert.False(made[trial], $"split blocks of {split} against 100 alone were chosen")
        Assert.Equal((1, 0), counts)
    let made, counts = decisions (trial + 1) (fun _ isSplit -> if isSplit then 96L else 100L)
    Assert.True(made[trial])
    Assert.Equal((1, 1), counts)

[<Fact>]
let ``a block that is not recorded is asked about again with the same answer`` () =
    let chooser = SplitChooser()
    for _ in 1 .. SplitChooser.TrialBlocks do
        chooser.Record 100L
    Assert.False(chooser.Next())
    Assert.False(chooser.Next())
    Assert.Equal((0, 0), (chooser.Trials, chooser.SplitTrials))
