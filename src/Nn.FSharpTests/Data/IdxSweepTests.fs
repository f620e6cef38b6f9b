/// A systematic sweep of the IDX reader: an image file and a label file, each cut at every length and with every
/// byte replaced by 0, 0xFF, 0x7F and 0x80 (so every count and dimension of the header also claims up to 2³¹ − 1, or
/// a size that reads as negative). The law: the pair reads as data or throws DataFormatException, never anything
/// else. ReaderFuzzTests damages random bytes; this walks them all.
module Nn.Tests.Data.IdxSweepTests

open System
open System.IO
open Nn
open Nn.Tests.Helpers
open Nn.Tests.IdxFiles
open Xunit

let private images = idxBytes [ 3; 2; 2 ] [| 0uy .. 11uy |]
let private labels = idxBytes [ 3 ] [| 0uy; 1uy; 9uy |]

let private variants (file: byte[]) =
    seq {
        for length in 0 .. file.Length - 1 -> sprintf "cut to %d bytes" length, Array.truncate length file
        for offset in 0 .. file.Length - 1 do
            for value in [ 0uy; 0xFFuy; 0x7Fuy; 0x80uy ] |> List.filter ((<>) file[offset]) do
                let damaged = Array.copy file
                damaged[offset] <- value
                yield sprintf "byte %d set to 0x%02X" offset value, damaged
    }

let private escapes (read: byte[] -> unit) (file: byte[]) =
    escapesOf<DataFormatException> read (variants file) |> List.map (fun (damage, e) -> damage, e.GetType().Name, e.Message)

[<Fact>]
let ``an IDX image file cut anywhere or with any byte replaced reads or throws DataFormatException`` () =
    let found = escapes (fun bytes -> IdxData.Read<float32>(new MemoryStream(bytes), "images", new MemoryStream(labels), "labels") |> ignore) images
    Assert.True(List.isEmpty found, sprintf "%A" found)

[<Fact>]
let ``an IDX label file cut anywhere or with any byte replaced reads or throws DataFormatException`` () =
    let found = escapes (fun bytes -> IdxData.Read<float32>(new MemoryStream(images), "images", new MemoryStream(bytes), "labels") |> ignore) labels
    Assert.True(List.isEmpty found, sprintf "%A" found)
