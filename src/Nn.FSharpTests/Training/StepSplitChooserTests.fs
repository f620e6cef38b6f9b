/// The timed choice between splitting a run's mini-batch steps over its threads and running them on the calling
/// thread alone: the current mode timed all the time, the other in short trials.
module Nn.Tests.Training.StepSplitChooserTests

open Nn
open Xunit

/// The decisions for `steps` steps, step i taking `time i split` ticks, and the chooser after them.
let private decisions steps (time: int -> bool -> int64) =
    let chooser = StepSplitChooser()
    Nn.Tests.Helpers.splitDecisions chooser steps time, chooser

let private firstTrial = StepSplitChooser.Recent
let private secondTrial = firstTrial + StepSplitChooser.Interval

[<Fact>]
let ``a run starts split, tries a few steps alone once the recent steps are timed, and keeps splitting when that is faster`` () =
    let made, chooser = decisions (secondTrial + StepSplitChooser.TrialSteps + 1) (fun _ split -> if split then 100L else 180L)
    Assert.All(made[.. firstTrial - 1], fun split -> Assert.True split)
    Assert.All(made[firstTrial .. firstTrial + StepSplitChooser.TrialSteps - 1], fun split -> Assert.False split)
    Assert.All(made[firstTrial + StepSplitChooser.TrialSteps .. secondTrial - 1], fun split -> Assert.True split)
    Assert.All(made[secondTrial .. secondTrial + StepSplitChooser.TrialSteps - 1], fun split -> Assert.False split)
    Assert.True(made[secondTrial + StepSplitChooser.TrialSteps])
    Assert.Equal((2, 0), (chooser.Trials, chooser.Changes))

[<Fact>]
let ``only a trial step in every interval runs the other way, so splitting that pays costs little`` () =
    let steps = 10 * StepSplitChooser.Interval
    let made, _ = decisions steps (fun _ split -> if split then 100L else 180L)
    let alone = made |> List.filter not |> List.length
    Assert.True(alone <= 10 * StepSplitChooser.TrialSteps + StepSplitChooser.TrialSteps, $"{alone} of {steps} steps ran alone")

[<Fact>]
let ``when two threads are no faster the steps stay alone, and a later trial goes back to splitting when it pays again`` () =
    // Splitting gains nothing until step 1000, then halves the time.
    let made, chooser = decisions 3000 (fun i split -> if split && i >= 1000 then 55L else 100L)
    let aloneBefore = made[firstTrial + StepSplitChooser.TrialSteps .. 999] |> List.filter not |> List.length
    Assert.True(aloneBefore >= 900, $"only {aloneBefore} of the steps before step 1000 ran alone")
    // Once the trial after step 1000 has split, only the trials run alone.
    let aloneAfter = made[1000 + StepSplitChooser.Interval ..] |> List.filter not |> List.length
    Assert.True(aloneAfter <= 4 * StepSplitChooser.TrialSteps, $"{aloneAfter} of the steps after splitting paid again ran alone")
    Assert.True(chooser.Splitting)
    Assert.Equal(2, chooser.Changes)

[<Fact>]
let ``a trial that changes the mode is checked again once the new mode's recent steps are timed, so one misleading trial costs a few steps, not an interval`` () =
    // Splitting pays, but the first trial's steps alone read as fast (the host slowed the split steps' measure, say).
    let trialEnd = firstTrial + StepSplitChooser.TrialSteps
    let time i split =
        if split then 100L
        elif i < trialEnd then 50L
        else 180L
    let confirmation = trialEnd + StepSplitChooser.Recent
    let made, chooser = decisions StepSplitChooser.Interval time
    Assert.All(made[trialEnd .. confirmation - 1], fun split -> Assert.False split)
    Assert.All(made[confirmation .. confirmation + StepSplitChooser.TrialSteps - 1], fun split -> Assert.True split)
    // Back to splitting; that change is confirmed in turn by one more short trial alone, then the steps stay split.
    let back = confirmation + StepSplitChooser.TrialSteps
    Assert.All(made[back .. back + StepSplitChooser.Recent - 1], fun split -> Assert.True split)
    Assert.All(made[back + StepSplitChooser.Recent .. back + StepSplitChooser.Recent + StepSplitChooser.TrialSteps - 1], fun split -> Assert.False split)
    Assert.All(made[back + StepSplitChooser.Recent + StepSplitChooser.TrialSteps ..], fun split -> Assert.True split)
    Assert.Equal((3, 2), (chooser.Trials, chooser.Changes))
    Assert.True(chooser.Splitting)

[<Fact>]
let ``splitting must be faster by the margin: equal times and a smaller gain leave the steps alone`` () =
    for split, chosen in [ 100L, false; 98L, false; 96L, true ] do
        let made, chooser = decisions (firstTrial + StepSplitChooser.TrialSteps + 1) (fun _ isSplit -> if isSplit then split else 100L)
        Assert.Equal(chosen, made[firstTrial + StepSplitChooser.TrialSteps])
        Assert.Equal(chosen, chooser.Splitting)

[<Fact>]
let ``one slow step in a trial does not decide it, since the trial's median stands for the other mode`` () =
    let time i split =
        if not split && i = firstTrial then 1L
        elif split then 100L
        else 180L
    let made, _ = decisions (firstTrial + StepSplitChooser.TrialSteps + 1) time
    Assert.True(made[firstTrial + StepSplitChooser.TrialSteps])

[<Fact>]
let ``a step that is not recorded is asked about again with the same answer`` () =
    let chooser = StepSplitChooser()
    for _ in 1 .. firstTrial do
        chooser.Record 100L
    Assert.False(chooser.Next())
    Assert.False(chooser.Next())
    Assert.Equal(0, chooser.Trials)
