/// The checkpoint reader swept further than FileSweepTests goes: every cut of a file of every version resealed with a
/// valid checksum (so the reader, not the checksum, meets the early end inside each field) and every single bit
/// flipped and resealed (a count or flag off by one bit, which replacing whole bytes does not try), loaded as float32
/// and float64, given the run's rule, and from a path. The law: the file loads or throws ModelFormatException (given a
/// rule, also CheckpointMismatchException), and no load allocates more than a bound or takes longer than a second.
module Nn.Tests.Serialization.CheckpointFileSweepTests

open System
open System.Buffers.Binary
open System.Diagnostics
open System.IO
open System.Security.Cryptography
open Nn
open Nn.Tests.Helpers
open Nn.Tests.Serialization.FileSweepTests
open Xunit

let reseal (body: byte[]) = Array.append body (SHA256.HashData body)

let bodyOf (file: byte[]) = Array.truncate (file.Length - SHA256.HashSizeInBytes) file

/// Every prefix of the body, resealed.
let resealedCuts (file: byte[]) =
    let body = bodyOf file
    seq { for length in 0 .. body.Length - 1 -> sprintf "cut to %d bytes and resealed" length, reseal (Array.truncate length body) }

/// Every bit of the body flipped, one at a time, resealed.
let bitFlips (file: byte[]) =
    let body = bodyOf file
    seq {
        for offset in 0 .. body.Length - 1 do
            for bit in 0 .. 7 do
                let damaged = Array.copy body
                damaged[offset] <- damaged[offset] ^^^ (1uy <<< bit)
                yield sprintf "byte %d, bit %d flipped and resealed" offset bit, reseal damaged
    }

/// The most one load may allocate: a megabyte beyond 64 bytes per byte of the file, far below the room a count read
/// from a damaged field would ask for (a history of ten million records is 80 MB of references).
let allocationBound (file: byte[]) = 1_000_000L + 64L * int64 file.Length

/// What went wrong with one load, if anything: an exception <paramref name="documented"/> does not take, an allocation
/// beyond <paramref name="bound"/>, or a load slower than five seconds. A load takes milliseconds; the bound is there
/// to catch a damaged length that sets a reader looping for billions of steps, and is wide because a shared machine
/// can leave a test thread waiting for a core for over a second (1.4 s once, at a load average of 35).
let fault (documented: exn -> bool) (bound: int64) (load: unit -> unit) =
    let before = GC.GetAllocatedBytesForCurrentThread()
    let clock = Stopwatch.StartNew()
    let escaped =
        try
            load ()
            None
        with e when documented e -> None
             | e -> Some e
    let allocated = GC.GetAllocatedBytesForCurrentThread() - before
    match escaped with
    | Some e -> Some(sprintf "%s: %s" (e.GetType().Name) e.Message)
    | None when allocated > bound -> Some(sprintf "allocated %d bytes (the bound is %d)" allocated bound)
    | None when clock.Elapsed > TimeSpan.FromSeconds 5.0 -> Some(sprintf "took %O" clock.Elapsed)
    | None -> None

let formatError (e: exn) = e :? ModelFormatException

let private formatErrorOrMismatch (e: exn) = e :? ModelFormatException || e :? CheckpointMismatchException

/// The faults of loading each damaged file every way given; at most five, for the message.
let faults (bound: int64) (damaged: seq<string * byte[]>) (loads: (string * (exn -> bool) * (byte[] -> unit)) list) =
    damaged
    |> Seq.collect (fun (damage, bytes) ->
        loads |> Seq.choose (fun (how, documented, load) -> fault documented bound (fun () -> load bytes) |> Option.map (fun f -> damage, how, f)))
    |> Seq.truncate 5
    |> List.ofSeq

[<Theory; InlineData 1; InlineData 2; InlineData 3; InlineData 4; InlineData 5; InlineData 6>]
let ``a checkpoint of every version, cut or with any bit flipped and resealed, loads or throws only documented exceptions, in bounded memory and time`` (version: int) =
    let file = checkpointFile version
    let bound = allocationBound file
    let rule = (CheckpointFile.FromBytes<float32>(file, "c.nnck")).Optimizer
    let float32 = "as float32", formatError, (fun (b: byte[]) -> CheckpointFile.FromBytes<float32>(b, "c.nnck") |> ignore)
    let float64 = "as float64", formatError, (fun (b: byte[]) -> CheckpointFile.FromBytes<float>(b, "c.nnck") |> ignore)
    let withRule = "given the rule", formatErrorOrMismatch, (fun (b: byte[]) -> CheckpointFile.FromBytes<float32>(b, "c.nnck", rule) |> ignore)
    let found = faults bound (resealedCuts file) [ float32; float64; withRule ] @ faults bound (bitFlips file) [ float32; float64 ]
    Assert.True(List.isEmpty found, sprintf "%A" found)

[<Theory; InlineData 1; InlineData 6>]
let ``a checkpoint file cut short, as it is or resealed, is refused by Load with ModelFormatException`` (version: int) =
    let file = checkpointFile version
    let path = Path.Combine(Path.GetTempPath(), sprintf "nn-cut-%d-%s.nnck" version (Guid.NewGuid().ToString "N"))
    try
        let lengths = [ 0 .. 12 ] @ [ 13 .. 97 .. file.Length - 1 ]
        let cuts =
            lengths |> List.collect (fun length ->
                [ sprintf "cut to %d bytes" length, Array.truncate length file
                  sprintf "cut to %d bytes and resealed" length, reseal (Array.truncate (min length (file.Length - SHA256.HashSizeInBytes)) (bodyOf file)) ])
        let load (b: byte[]) =
            File.WriteAllBytes(path, b)
            CheckpointFile.Load<float32>(path) |> ignore
            CheckpointFile.Load<float>(path) |> ignore
        let found = faults (allocationBound file) cuts [ "loaded from a path", formatError, load ]
        Assert.True(List.isEmpty found, sprintf "%A" found)
    finally
        File.Delete path

/// Version 1 has no fingerprint, so nothing ties the optimiser step to a sample count; the fields are found from the
/// end of the file, where the history's 37-byte records follow the epochs completed and the history length.
[<Fact>]
let ``a history length the file has no room for is refused before room is made for its records`` () =
    let file = File.ReadAllBytes(testData "checkpoint_v1.nnck")
    let checkpoint = CheckpointFile.FromBytes<float>(file, "c.nnck")
    let body = bodyOf file
    let historyAt = body.Length - 37 * checkpoint.State.History.Length - 4
    let completedAt = historyAt - 4
    let epochsAt = completedAt - 32 - 1 - 8 - 8 - 4 - 4
    let lossAt = epochsAt - 1 - checkpoint.Loss.Name.Length
    let stepAt = lossAt - (checkpoint.Optimizer.MomentCount * checkpoint.State.Network.Parameters.Length * int file[6]) - 4 - 8
    Assert.Equal(checkpoint.State.OptimizerState.Step, BitConverter.ToInt64(body, stepAt))
    Assert.Equal(checkpoint.Options.Epochs, BitConverter.ToInt32(body, epochsAt))
    Assert.Equal(checkpoint.State.EpochsCompleted, BitConverter.ToInt32(body, completedAt))
    // Ten million epochs, each with its step, as a file from a run that long would say; its records are not there.
    BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan stepAt, 10_000_000L)
    BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan epochsAt, Int32.MaxValue)
    BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan completedAt, 10_000_000)
    BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan historyAt, 10_000_000)
    let crafted = reseal body
    let before = GC.GetAllocatedBytesForCurrentThread()
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float>(crafted, "c.nnck") |> ignore)
    let allocated = GC.GetAllocatedBytesForCurrentThread() - before
    Assert.True(allocated < 1_000_000L, sprintf "allocated %d bytes" allocated)
    Assert.Equal(
        sprintf "c.nnck, byte %d: expected the history length (one record per completed epoch) of at most %d records (37 bytes each), but found 10000000." historyAt ((body.Length - historyAt - 4) / 37),
        e.Message)

/// From version 4 on a record also holds its validation figures (54 bytes, not 37), and the file ends with the best
/// epoch's presence byte (this file has none); the other fields before the history are version 1's, with the
/// validation fraction, the patience and the fingerprint between the shuffle flag and the random state.
[<Fact>]
let ``a history length a version 6 file has no room for is refused counting 54 bytes a record`` () =
    let file = checkpointFile 6
    let checkpoint = CheckpointFile.FromBytes<float>(file, "c.nnck")
    let body = bodyOf file
    let historyAt = body.Length - 1 - 54 * checkpoint.State.History.Length - 4
    let completedAt = historyAt - 4
    let epochsAt = completedAt - 32 - 44 - 4 - 8 - 1 - 8 - 8 - 4 - 4
    let lossAt = epochsAt - 1 - checkpoint.Loss.Name.Length
    let stepAt = lossAt - (checkpoint.Optimizer.MomentCount * checkpoint.State.Network.Parameters.Length * int file[6]) - 4 - 8
    Assert.Equal(0uy, body[body.Length - 1])
    Assert.Equal(checkpoint.State.OptimizerState.Step, BitConverter.ToInt64(body, stepAt))
    Assert.Equal(checkpoint.Options.Epochs, BitConverter.ToInt32(body, epochsAt))
    Assert.Equal(checkpoint.State.EpochsCompleted, BitConverter.ToInt32(body, completedAt))
    Assert.Equal(checkpoint.State.History.Length, BitConverter.ToInt32(body, historyAt))
    BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan stepAt, 10_000_000L)
    BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan epochsAt, Int32.MaxValue)
    BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan completedAt, 10_000_000)
    BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan historyAt, 10_000_000)
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float>(reseal body, "c.nnck") |> ignore)
    Assert.Equal(
        sprintf "c.nnck, byte %d: expected the history length (one record per completed epoch) of at most %d records (54 bytes each), but found 10000000." historyAt ((body.Length - historyAt - 4) / 54),
        e.Message)
