/// The gzip reader against .NET's GZipStream: the same bytes for everything zlib writes, read however the source hands
/// them over; members, header fields, and a file cut anywhere or followed by stray bytes refused, never read short.
module Nn.Tests.Data.Gzip.GzipReaderTests

open System
open System.IO.Compression
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.IdxFiles
open Nn.Tests.Data.Streams
open Nn.Tests.Data.Gzip.GzipFiles

/// Data of the shapes compressors treat differently: random bytes (stored blocks), runs, a small alphabet, and text
/// that repeats at distances from 1 byte to beyond the 32 KiB window.
let private dataGen =
    let random = Gen.choose (0, 255) |> Gen.map byte |> Gen.arrayOf
    let runs =
        gen {
            let! pieces = Gen.listOf (Gen.zip (Gen.choose (0, 255)) (Gen.choose (1, 600)))
            return [| for value, count in pieces do yield! Array.create count (byte value) |]
        }
    let alphabet = Gen.choose (0, 3) |> Gen.map (fun i -> byte (97 + i)) |> Gen.arrayOf
    let repeated =
        gen {
            let! period = Gen.elements [ 1; 3; 257; 4_000; 40_000 ]
            let! seed = Gen.arrayOfLength period (Gen.choose (0, 255) |> Gen.map byte)
            let! copies = Gen.choose (1, 5)
            return Array.init (period * copies) (fun i -> seed[i % period])
        }
    Gen.frequency [ 2, random; 2, runs; 2, alphabet; 1, repeated; 1, Gen.constant [||] ]

let private levels = [ CompressionLevel.NoCompression; CompressionLevel.Fastest; CompressionLevel.Optimal; CompressionLevel.SmallestSize ]

[<Property(MaxTest = 60)>]
let ``everything GZipStream writes at any level reads back the same, members concatenated, from a pipe in any chunks`` () =
    let case =
        gen {
            let! count = Gen.choose (1, 3)
            let! parts = Gen.listOfLength count (Gen.zip dataGen (Gen.elements levels))
            let! chunk = Gen.elements [ 1; 7; 4_096; 100_000 ]
            let! readSize = Gen.elements [ 1; 13; 65_536 ]
            return parts, chunk, readSize
        }
    Prop.forAll (Arb.fromGen case) (fun (parts, chunk, readSize) ->
        let file = parts |> List.map (fun (data, level) -> gzipAt level data) |> Array.concat
        let expected = parts |> List.map fst |> Array.concat
        let viaPipe = readWith readSize (pipeLike chunk file)
        viaPipe = Bytes expected && zlibRead file = Some expected)

[<Fact>]
let ``a large file of several dynamic blocks reads back the same as zlib gives it`` () =
    // Fashion-MNIST-like bytes: long zero runs and noisy strokes, several hundred KiB, so the window slides often.
    let random = Random 17
    let data = Array.init 600_000 (fun i -> if (i / 28) % 3 = 0 then 0uy else byte (random.Next(0, 256) &&& (if i % 5 = 0 then 255 else 15)))
    let file = gzipAt CompressionLevel.Optimal data
    Assert.Equal(Bytes data, read file)

[<Fact>]
let ``a member that begins deep in the decoder's buffer reaches back over the window it keeps when the buffer wraps`` () =
    // The first member leaves 100,000 bytes in the decoder's 128 KiB buffer, so the second member's first decoding
    // moves the last 32 KiB to the front before its matches, which must still count the member's bytes behind them.
    let random = Random 19
    let first = Array.init 100_000 (fun _ -> byte (random.Next 256))
    let second = Array.init 60_000 (fun i -> "abcdefgh"B[i % 8])
    let file = Array.append (gzipAt CompressionLevel.Optimal first) (gzipAt CompressionLevel.Optimal second)
    Assert.Equal(Bytes(Array.append first second), read file)

/// A member of `data` whose header carries the optional fields the flags name, with a header CRC when asked.
let private withFields (flags: byte) (headerCrc: uint16 option) (data: byte[]) =
    let written = gzipAt CompressionLevel.Optimal data
    let fields =
        Array.concat
            [ (if flags &&& 4uy <> 0uy then [| 3uy; 0uy; 9uy; 8uy; 7uy |] else [||])
              (if flags &&& 8uy <> 0uy then Array.append "name.idx"B [| 0uy |] else [||])
              (if flags &&& 16uy <> 0uy then Array.append "a comment"B [| 0uy |] else [||]) ]
    let header = Array.append [| 0x1fuy; 0x8buy; 8uy; flags; 1uy; 2uy; 3uy; 4uy; 0uy; 3uy |] fields
    let crcField =
        match headerCrc with
        | Some value -> [| byte value; byte (value >>> 8) |]
        | None when flags &&& 2uy <> 0uy -> let c = crc32 header in [| byte c; byte (c >>> 8) |]
        | None -> [||]
    Array.concat [ header; crcField; written[10..] ]

[<Fact>]
let ``a header's extra field, name, comment and header CRC are read past, in every combination`` () =
    let data = "fields"B
    for flags in 0uy .. 31uy do
        Assert.Equal(Bytes data, read (withFields flags None data))

[<Fact>]
let ``an extra field of more than 255 bytes is read past whole, its length's high byte counted`` () =
    // XLEN = 600 = 0x0258: read as its low byte alone it is 88, and the rest of the field is taken for the header CRC.
    let data = "fields"B
    let written = gzipAt CompressionLevel.Optimal data
    let header = Array.concat [ [| 0x1fuy; 0x8buy; 8uy; 6uy; 0uy; 0uy; 0uy; 0uy; 0uy; 3uy; 0x58uy; 0x02uy |]; Array.init 600 byte ]
    let c = crc32 header
    let file = Array.concat [ header; [| byte c; byte (c >>> 8) |]; written[10..] ]
    Assert.Equal(Some data, zlibRead file)
    Assert.Equal(Bytes data, read file)

[<Fact>]
let ``a header CRC that does not match, reserved flags and another compression method are refused`` () =
    let data = "fields"B
    let fault, detail = faultOf (read (withFields 2uy (Some 0x1234us) data))
    Assert.Equal((GzipFault.Damaged, "a gzip member header whose checksum does not match it"), (fault, detail))
    for flag in [ 32uy; 64uy; 128uy ] do
        Assert.Equal(Fault(GzipFault.Damaged, "a gzip member header with reserved flags set"), read (withFields flag None data))
    let other = gzipAt CompressionLevel.Optimal data
    other[2] <- 7uy
    Assert.Equal(Fault(GzipFault.Damaged, "a gzip member with compression method 7, not deflate (8)"), read other)
    Assert.Equal(Fault(GzipFault.Damaged, "data that does not start with gzip's magic number 0x1f 0x8b"), read "plain"B)

[<Fact>]
let ``a file cut at any byte but a member's end is refused as truncated, never read short`` () =
    // Two members, the first with a name, the second in stored blocks: every structure a cut can fall in.
    let firstData = Array.init 300 (fun i -> byte (i % 7))
    let first = withFields 8uy None firstData
    let twoMembers = Array.append first (gzipAt CompressionLevel.NoCompression "stored data"B)
    for length in 1 .. twoMembers.Length - 1 do
        match read twoMembers[.. length - 1] with
        | Bytes bytes when length = first.Length -> Assert.Equal<byte[]>(firstData, bytes)
        | outcome -> Assert.True((fst (faultOf outcome) = GzipFault.Truncated), sprintf "cut to %d bytes: %A" length outcome)

[<Fact>]
let ``bytes after the last member that do not start another are trailing bytes, and a started member is truncated`` () =
    let whole = gzipAt CompressionLevel.Optimal "data"B
    for junk in [ [| 0uy |]; [| 0x1fuy; 0x42uy |]; "junk"B; Array.create 100_000 0x8buy ] do
        Assert.Equal(Fault(GzipFault.TrailingBytes, "trailing bytes that are not gzip data"), read (Array.append whole junk))
    for junk in [ [| 0x1fuy |]; [| 0x1fuy; 0x8buy |]; [| 0x1fuy; 0x8buy; 8uy |]; whole[.. whole.Length - 2] ] do
        Assert.Equal(GzipFault.Truncated, fst (faultOf (read (Array.append whole junk))))

[<Fact>]
let ``every single-bit flip of a member gives its bytes or a fault, never other bytes`` () =
    let data = "a line of text that repeats, a line of text that repeats, and ends"B
    for level in levels do
        let file = gzipAt level data
        for bit in 0 .. file.Length * 8 - 1 do
            let flipped = Array.copy file
            flipped[bit / 8] <- flipped[bit / 8] ^^^ (1uy <<< (bit % 8))
            match read flipped with
            | Bytes bytes -> Assert.Equal<byte[]>(data, bytes)
            | Fault _ -> ()
            | Other other -> failwithf "bit %d at %A: %s" bit level other

[<Property(MaxTest = 300)>]
let ``damaged gzip reads back only what zlib also reads back`` () =
    let case =
        gen {
            let! data = dataGen
            let! level = Gen.elements levels
            let file = gzipAt level data
            let! at = Gen.choose (0, file.Length - 1)
            let! value = Gen.choose (0, 255)
            let! cut = Gen.choose (0, 2)
            return file, at, byte value, cut
        }
    Prop.forAll (Arb.fromGen case) (fun (file, at, value, cut) ->
        let damaged = Array.copy file
        damaged[at] <- value
        let damaged = if cut = 0 then damaged else damaged[.. damaged.Length - 1 - cut]
        match read damaged with
        | Bytes bytes -> zlibRead damaged = Some bytes
        | Fault _ -> true
        | Other _ -> false)
