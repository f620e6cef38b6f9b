/// The model reader under the checkpoint sweep's law (CheckpointFileSweepTests): a model file of every version, cut
/// or with any bit flipped and resealed, loads or throws ModelFormatException, allocating at most the bound and
/// within a second per load.
module Nn.Tests.Serialization.ModelFileSweepTests

open System
open Nn
open Nn.Tests.Serialization.CheckpointFileSweepTests
open Nn.Tests.Serialization.FileSweepTests
open Xunit

[<Theory; InlineData 1; InlineData 2; InlineData 3; InlineData 4; InlineData 5>]
let ``a model file of every version, cut or with any bit flipped and resealed, loads or throws ModelFormatException, in bounded memory and time`` (version: int) =
    let file = modelFile version
    let loads =
        [ "as a float32 model", formatError, (fun (b: byte[]) -> ModelFile.ModelFromBytes<float32>(b, "m.nnm") |> ignore)
          "as float64", formatError, (fun (b: byte[]) -> ModelFile.FromBytes<float>(b, "m.nnm") |> ignore)
          "its info", formatError, (fun (b: byte[]) -> ModelFile.ReadInfo(b, "m.nnm") |> ignore) ]
    let found = faults (allocationBound file) (Seq.append (resealedCuts file) (bitFlips file)) loads
    Assert.True(List.isEmpty found, sprintf "%A" found)

/// model_v4.nnm's preprocessing (binary.csv's: columns admit, gre, gpa, rank; rank one-hot over 1..4) holds its column
/// count at byte 112 and rank's category count at byte 206.
[<Fact>]
let ``a count of columns or categories the file has no room for is refused before room is made for them`` () =
    let file = IO.File.ReadAllBytes(Nn.Tests.Helpers.testData "model_v4.nnm")
    let refusal (at: int) (expected: int) =
        let body = bodyOf file
        Assert.Equal(expected, BitConverter.ToInt32(body, at))
        Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan at, 10_000_000)
        let crafted = reseal body
        let before = GC.GetAllocatedBytesForCurrentThread()
        let e = Assert.Throws<ModelFormatException>(fun () -> ModelFile.ModelFromBytes<float32>(crafted, "m.nnm") |> ignore)
        let allocated = GC.GetAllocatedBytesForCurrentThread() - before
        Assert.True(allocated < 1_000_000L, sprintf "allocated %d bytes" allocated)
        e.Message, body.Length - at - 4
    let columns, left = refusal 112 4
    Assert.Equal(sprintf "m.nnm, byte 112: expected the column count of at most %d (5 or more bytes each), but found 10000000." (left / 5), columns)
    let categories, left = refusal 206 4
    Assert.Equal(sprintf "m.nnm, byte 206: expected feature 2's category count of at most %d (4 or more bytes each), but found 10000000." (left / 4), categories)
