/// A run's history as its states hold it: extended in constant time, shared between states, and never changed by
/// extending any history, however the states branch.
module Nn.Tests.Training.EpochHistoryTests

open System
open System.Collections.Immutable
open System.Threading
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn

let private record epoch = EpochRecord(epoch, float epoch / 8.0, 0.5, Nullable(), Nullable())

let private recordsOf (history: EpochHistory) = history.Records.ToArray() |> List.ofArray

/// Each step extends one of the histories made so far (chosen by the index, modulo their number) by one record.
let private extensions = Gen.listOf (Gen.zip (Gen.choose (0, 1000)) (Gen.choose (1, 1_000_000)))

[<Property(MaxTest = 300)>]
let ``histories extended from any earlier ones, in any order, each hold exactly the records of their own path`` () =
    Prop.forAll (Arb.fromGen extensions) (fun steps ->
        let made = ResizeArray [ EpochHistory.Empty, [] ]
        for index, epoch in steps do
            let parent, expected = made[index % made.Count]
            made.Add(parent.Add(record epoch), expected @ [ record epoch ])
        made
        |> Seq.forall (fun (history, expected) ->
            recordsOf history = expected
            && List.ofSeq (history.ToImmutableArray()) = expected
            && history.Count = expected.Length
            && Option.ofObj history.Last = List.tryLast expected))

[<Fact>]
let ``two threads extending the same histories at once each keep their own records`` () =
    // Both threads meet at each of 50,000 histories, each with room for more records in its store, and extend it
    // together, so both ask for its next slot at nearly the same moment.
    let bases = Array.init 50_000 (fun _ -> EpochHistory.Empty.Add(record 1))
    let arrived = Array.zeroCreate<int> bases.Length
    let extended = Array.init 2 (fun _ -> Array.zeroCreate<EpochHistory> bases.Length)
    let extend (thread: int) () =
        for i in 0 .. bases.Length - 1 do
            Interlocked.Increment(&arrived[i]) |> ignore
            // SpinWait yields after a while, so a machine with one processor still gets through.
            let mutable spinner = SpinWait()
            while Volatile.Read(&arrived[i]) < 2 do
                spinner.SpinOnce()
            extended[thread][i] <- bases[i].Add(record (thread + 2))
    let threads = [| for t in 0..1 -> Thread(extend t) |]
    for thread in threads do
        thread.Start()
    for thread in threads do
        thread.Join()
    for thread in 0..1 do
        for history in extended[thread] do
            Assert.Equal<EpochRecord list>([ record 1; record (thread + 2) ], recordsOf history)
    for history in bases do
        Assert.Equal<EpochRecord list>([ record 1 ], recordsOf history)

[<Fact>]
let ``a history made from an array shares it, and extending the history leaves the array as it was`` () =
    let array = ImmutableArray.Create(record 1, record 2)
    let history = EpochHistory.From array
    Assert.True(array.Equals(history.ToImmutableArray()), "the history made its own copy of the array")
    let longer = history.Add(record 3)
    Assert.Equal<EpochRecord list>([ record 1; record 2 ], List.ofSeq array)
    Assert.Equal<EpochRecord list>([ record 1; record 2; record 3 ], List.ofSeq (longer.ToImmutableArray()))
    Assert.True(longer.ToImmutableArray().Equals(longer.ToImmutableArray()), "the array was built twice")

[<Fact>]
let ``extending a history twenty thousand times allocates in proportion to the count, not to its square`` () =
    let records = Array.init 20_000 (fun i -> record (i + 1))
    let before = GC.GetAllocatedBytesForCurrentThread()
    let mutable history = EpochHistory.Empty
    for r in records do
        history <- history.Add r
    let bytes = GC.GetAllocatedBytesForCurrentThread() - before
    Assert.Equal(20_000, history.Count)
    // A 40-byte history a step and stores doubling from 8: 1.3 MB. Copying every earlier record at each step, as
    // ImmutableArray.Add does, would allocate 1.6 GB.
    Assert.True(bytes < 20_000L * 128L, $"{bytes} bytes for 20,000 extensions")
