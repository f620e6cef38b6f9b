/// The deflate decoder at the edges the zlib-written files rarely reach: the buffer's slide, stored blocks that run past
/// its end, codes longer than the one-lookup table read a byte at a time, and a member cut inside its codes,
/// which must end as a truncation however the missing bits would decode.
module Nn.Tests.Data.Gzip.DecoderEdgeTests

open System
open System.IO.Compression
open Xunit
open Nn
open Nn.Tests.IdxFiles
open Nn.Tests.Data.Streams
open Nn.Tests.Data.Gzip.GzipFiles

[<Fact>]
let ``a member that begins deep in the buffer cannot reach back into the member before it once the window slides`` () =
    // The first member leaves 100,000 bytes in the decoder's 128 KiB buffer; the second's first decoding slides the
    // last 32 KiB to the front. Its first symbol is a match 2 back, whose bytes would be the first member's last two:
    // the trailer says so, so only the distance check can refuse it.
    let random = Random 23
    let first = Array.init 100_000 (fun _ -> byte (random.Next 256))
    let echo = [| first[99_998]; first[99_999]; first[99_998] |]
    let second = memberOf (fixedBlock [ Choice2Of2(257, 1) ]) echo
    let file = Array.append (gzipAt CompressionLevel.Optimal first) second
    Assert.Equal(Fault(GzipFault.Damaged, "a distance reaching back before the start of the data"), read file)

/// A stored block of the bytes (at most 65,535), after a byte-aligned start.
let private storedBlock (final: bool) (data: byte[]) =
    let w = BitWriter()
    w.Block(final, 0)
    let n = data.Length
    Array.append (w.ToArray()) (Array.append [| byte n; byte (n >>> 8); byte ~~~n; byte (~~~n >>> 8) |] data)

[<Fact>]
let ``stored blocks that run past the end of the decoder's buffer read back, from a file and from a pipe`` () =
    // After 100 bytes, a block of 65,535 fills the 131,072-byte buffer to 65,635 and the next has room for 65,437
    // of its bytes only: the rest must wait for the window to slide.
    let random = Random 41
    let blocks = [ 100; 65_535; 65_535; 65_535 ] |> List.map (fun n -> Array.init n (fun _ -> byte (random.Next 256)))
    let deflate = blocks |> List.mapi (fun i block -> storedBlock (i = blocks.Length - 1) block) |> Array.concat
    let data = Array.concat blocks
    let file = memberOf deflate data
    Assert.Equal(Some data, zlibRead file)
    Assert.Equal(Bytes data, read file)
    Assert.Equal(Bytes data, readWith 65_536 (pipeLike 4_096 file))

[<Fact>]
let ``codes of 13 to 15 bits read back when the source hands over one byte at a time`` () =
    // Literals 0–13 have codes of 1–14 bits, literal 14 and end of block 15; the distance code is empty. A byte at a
    // time, the decoder holds as few as 12 bits when it meets a 15-bit code, and must ask for more.
    let literalLengths = Array.init 257 (fun s -> if s < 14 then s + 1 elif s = 14 || s = 256 then 15 else 0)
    let codes = canonical literalLengths
    let w = BitWriter()
    w.Block(true, 2)
    w.Bits(0, 5)
    w.Bits(0, 5)
    // The code-length code: symbols 0–15 of 4 bits each (complete), 16–18 unused; all 19 are listed.
    w.Bits(19 - 4, 4)
    for symbol in [ 16; 17; 18; 0; 8; 7; 9; 6; 10; 5; 11; 4; 12; 3; 13; 2; 14; 1; 15 ] do
        w.Bits((if symbol < 16 then 4 else 0), 3)
    for length in Array.append literalLengths [| 0 |] do
        w.Code(length, 4)
    let random = Random 43
    let data = Array.init 3_000 (fun _ -> byte (random.Next 15))
    for b in data do
        w.Code(codes[int b], literalLengths[int b])
    w.Code(codes[256], 15)
    let file = memberOf (w.ToArray()) data
    Assert.Equal(Some data, zlibRead file)
    Assert.Equal(Bytes data, readWith 1 (pipeLike 1 file))

[<Fact>]
let ``a member cut inside its codes is truncated, though the missing bits would decode as zeros forever`` () =
    // A dynamic code of 1-bit 'A' (code 0) and end of block (code 1): 1,000 'A's cut halfway. Bits past the end read
    // as zeros, which are all 'A's; the decoder must stop at the bits it has instead of decoding them.
    let w = BitWriter()
    w.Block(true, 2)
    w.Bits(0, 5)
    w.Bits(0, 5)
    // The code-length code: 1 and 18 of 1 bit each (18 first in the order, 1 at position 18 of 19).
    w.Bits(18 - 4, 4)
    for symbol in [ 16; 17; 18; 0; 8; 7; 9; 6; 10; 5; 11; 4; 12; 3; 13; 2; 14; 1 ] do
        w.Bits((if symbol = 1 || symbol = 18 then 1 else 0), 3)
    // 65 zeros, 'A' 1, 190 zeros, end of block 1, the one distance code 1: symbol 1 is code 0, 18 is code 1.
    let put18 count = w.Code(1, 1); w.Bits(count - 11, 7)
    put18 65; w.Code(0, 1); put18 138; put18 52; w.Code(0, 1); w.Code(0, 1)
    for _ in 1..1_000 do
        w.Code(0, 1)
    w.Code(1, 1)
    let data = Array.create 1_000 65uy
    let whole = memberOf (w.ToArray()) data
    Assert.Equal(Bytes data, read whole)
    for cut in [ 40; 80; 120 ] do
        Assert.Equal(GzipFault.Truncated, fst (faultOf (read whole[.. 10 + cut - 1])))
