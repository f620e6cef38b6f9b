/// When nn train saves a checkpoint without --checkpoint-every: after epochs, no sooner than a second after the last
/// save (or four times that save's duration), and always the last epoch when the run ends.
module Nn.Cli.Tests.CheckpointPacingTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn.Cli

/// A pacing over states named by strings, on a clock the test moves; each save takes `saveTakes` of it.
type private Paced(saveTakes: TimeSpan) =
    let mutable now = TimeSpan.Zero
    let saved = ResizeArray<string * TimeSpan>()
    let pacing =
        CheckpointPacing<string>(
            (fun state ->
                saved.Add((state, now))
                now <- now + saveTakes),
            fun () -> now)
    member _.At(time: TimeSpan) = now <- time
    member _.Now = now
    member _.Offer(state: string) = pacing.Offer state
    member _.Flush() = pacing.Flush()
    member _.Saved = [ for state, _ in saved -> state ]
    member _.SavedAt = List.ofSeq saved

let private seconds (s: float) = TimeSpan.FromSeconds s

[<Fact>]
let ``nothing is saved in the first second, and the first epoch offered after it is`` () =
    let paced = Paced(TimeSpan.Zero)
    for epoch, at in [ "1", 0.1; "2", 0.5; "3", 0.999; "4", 1.0; "5", 1.2 ] do
        paced.At(seconds at)
        paced.Offer epoch
    Assert.Equal<string list>([ "4" ], paced.Saved)

[<Fact>]
let ``the next save is due a second after the last one ended, or four times as long as it took when that is longer`` () =
    let quick = Paced(seconds 0.1)
    for epoch, at in [ "1", 1.0; "2", 2.05; "3", 2.1; "4", 3.1; "5", 3.2 ] do
        quick.At(seconds at)
        quick.Offer epoch
    // Epoch 1's save ended at 1.1 s, so 2 is early and 3 is due; 3's ended at 2.2 s, so 4 is early and 5 is due.
    Assert.Equal<string list>([ "1"; "3"; "5" ], quick.Saved)
    let slow = Paced(seconds 0.5)
    for epoch, at in [ "1", 1.0; "2", 3.4; "3", 3.5 ] do
        slow.At(seconds at)
        slow.Offer epoch
    // Epoch 1's save took 0.5 s and ended at 1.5 s: the next is due at 3.5 s, not 2.5 s.
    Assert.Equal<string list>([ "1"; "3" ], slow.Saved)

[<Fact>]
let ``flush saves the last epoch offered once, and nothing when that epoch was saved or none was offered`` () =
    let paced = Paced(TimeSpan.Zero)
    paced.Flush()
    Assert.Empty(paced.Saved)
    paced.Offer "1"
    paced.Offer "2"
    paced.Flush()
    paced.Flush()
    Assert.Equal<string list>([ "2" ], paced.Saved)
    paced.At(seconds 5.0)
    paced.Offer "3"
    paced.Flush()
    Assert.Equal<string list>([ "2"; "3" ], paced.Saved)

/// The time from one epoch's end (and its save, if any) to the next's, 0 to 3 s each, and what a save takes, 0 to 2 s.
let private runs = Gen.zip (Gen.listOf (Gen.choose (0, 3000))) (Gen.choose (0, 2000))

[<Property(MaxTest = 300)>]
let ``however epochs and saves are timed, saves keep their gap and their order, and a flush leaves the last epoch saved`` () =
    Prop.forAll (Arb.fromGen runs) (fun (gaps, saveMilliseconds) ->
        let takes = TimeSpan.FromMilliseconds(float saveMilliseconds)
        let paced = Paced(takes)
        for epoch, gap in List.indexed gaps do
            paced.At(paced.Now + TimeSpan.FromMilliseconds(float gap))
            paced.Offer(string epoch)
        let byOffer = paced.SavedAt
        paced.Flush()
        let starts = [ for _, started in byOffer -> started ]
        let gapsKept =
            (starts.IsEmpty || starts.Head >= seconds 1.0)
            && starts |> List.pairwise |> List.forall (fun (first, next) -> next - (first + takes) >= max (seconds 1.0) (takes * 4.0))
        let epochs = paced.Saved |> List.map int
        gapsKept
        && epochs = List.distinct (List.sort epochs)
        && (if gaps.IsEmpty then epochs.IsEmpty else List.last epochs = gaps.Length - 1))
