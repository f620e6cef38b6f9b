/// The deflate decoder on streams built bit by bit: what it reads back, and every structure RFC 1951 forbids refused
/// as damaged with its own words, never read as bytes.
module Nn.Tests.Data.Gzip.InflaterTests

open Xunit
open Nn
open Nn.Tests.Data.Gzip.GzipFiles

let private lit (b: byte) = Choice1Of2 b
let private matchOf lengthSymbol distanceSymbol = Choice2Of2(lengthSymbol, distanceSymbol)

let private damagedWith (detail: string) (bytes: byte[]) =
    let fault, found = faultOf (read bytes)
    Assert.Equal(GzipFault.Damaged, fault)
    Assert.Equal(detail, found)

[<Fact>]
let ``a fixed block's literals and an overlapping match read back as the repeated bytes`` () =
    // Length symbol 257 is 3 bytes and distance symbol 1 is 2 back: "ab" then "aba".
    let deflate = fixedBlock [ lit 97uy; lit 98uy; matchOf 257 1 ]
    Assert.Equal(Bytes "ababa"B, read (memberOf deflate "ababa"B))

[<Fact>]
let ``a match of 258 bytes one back repeats a byte 258 times`` () =
    // Length symbol 285 is 258 with no extra bits: the longest match, copied by doubling spans.
    let deflate = fixedBlock [ lit 7uy; matchOf 285 0 ]
    let expected = Array.create 259 7uy
    Assert.Equal(Bytes expected, read (memberOf deflate expected))

[<Fact>]
let ``a distance reaching before the stream's first byte is refused`` () =
    damagedWith "a distance reaching back before the start of the data" (memberOf (fixedBlock [ lit 97uy; matchOf 257 1 ]) "aaaa"B)

[<Fact>]
let ``a member's distance cannot reach into the member before it`` () =
    let first = memberOf (fixedBlock [ lit 97uy; lit 98uy ]) "ab"B
    let second = memberOf (fixedBlock [ matchOf 257 1 ]) "aba"B
    Assert.Equal(Bytes "ab"B, read first)
    damagedWith "a distance reaching back before the start of the data" (Array.append first second)

[<Fact>]
let ``length symbols 286 and 287 and distance symbols 30 and 31 are refused`` () =
    for symbol in [ 286; 287 ] do
        damagedWith "a length symbol out of range" (memberOf (fixedBlock [ lit 1uy; matchOf symbol 0 ]) [| 1uy |])
    for symbol in [ 30; 31 ] do
        damagedWith "a distance symbol out of range" (memberOf (fixedBlock [ lit 1uy; matchOf 257 symbol ]) [| 1uy |])
    // Far from the end of the bytes, where the decoder's fast loop, not its general path, meets them.
    let around bad = List.replicate 40 (lit 1uy) @ [ bad ] @ List.replicate 80 (lit 1uy)
    for symbol in [ 286; 287 ] do
        damagedWith "a length symbol out of range" (memberOf (fixedBlock (around (matchOf symbol 0))) [| 1uy |])
    for symbol in [ 30; 31 ] do
        damagedWith "a distance symbol out of range" (memberOf (fixedBlock (around (matchOf 257 symbol))) [| 1uy |])

[<Fact>]
let ``a block of the reserved type 3 is refused`` () =
    let w = BitWriter()
    w.Block(true, 3)
    w.Bits(0, 16)
    damagedWith "a block of the reserved type 3" (memberOf (w.ToArray()) [||])

[<Fact>]
let ``stored blocks read back, an empty one included, and one whose length's complement is wrong is refused`` () =
    let stored (final: bool) (data: byte[]) (complement: int) =
        let w = BitWriter()
        w.Block(final, 0)
        Array.append (w.ToArray()) (Array.append [| byte data.Length; byte (data.Length >>> 8); byte complement; byte (complement >>> 8) |] data)
    let hello = "hello"B
    let deflate = Array.concat [ stored false [||] 0xFFFF; stored false hello (~~~5 &&& 0xFFFF); fixedBlock [ lit 33uy ] ]
    Assert.Equal(Bytes "hello!"B, read (memberOf deflate "hello!"B))
    damagedWith "a stored block whose length does not match its complement" (memberOf (stored true hello (~~~4 &&& 0xFFFF)) hello)

/// A dynamic block's header: 257 + `literalsExtra` literal/length lengths and 1 + `distancesExtra` distance lengths,
/// written with the code-length code given by (code-length symbol, its length) pairs, then the code-length symbols with
/// their extra bits.
let private dynamicHeaderOf (w: BitWriter) (literalsExtra: int) (distancesExtra: int) (codeLengthCode: (int * int) list) (writeLengths: (int -> unit) -> unit) =
    let order = [| 16; 17; 18; 0; 8; 7; 9; 6; 10; 5; 11; 4; 12; 3; 13; 2; 14; 1; 15 |]
    let lengthOf symbol = codeLengthCode |> List.tryFind (fst >> (=) symbol) |> Option.map snd |> Option.defaultValue 0
    let listed = 1 + (order |> Array.findIndexBack (fun s -> lengthOf s > 0))
    let listed = max 4 listed
    w.Block(true, 2)
    w.Bits(literalsExtra, 5)
    w.Bits(distancesExtra, 5)
    w.Bits(listed - 4, 4)
    for i in 0 .. listed - 1 do
        w.Bits(lengthOf order[i], 3)
    // Canonical codes of the code-length code: by length, then by symbol.
    let sorted = codeLengthCode |> List.filter (snd >> (<) 0) |> List.sortBy (fun (s, l) -> l, s)
    let mutable code = 0
    let mutable previous = 0
    let codes = System.Collections.Generic.Dictionary<int, int * int>()
    for symbol, length in sorted do
        code <- code <<< (length - previous)
        codes[symbol] <- (code, length)
        code <- code + 1
        previous <- length
    writeLengths (fun symbol -> let c, l = codes[symbol] in w.Code(c, l))

/// A dynamic block's header with one distance length (see `dynamicHeaderOf`).
let private dynamicHeader (w: BitWriter) literalsExtra codeLengthCode writeLengths = dynamicHeaderOf w literalsExtra 0 codeLengthCode writeLengths

/// The lengths of a code with only 'A' (65) and end of block, both of `length` bits, and one distance length the
/// same: 65 zeros, `length`, 190 zeros, `length`, `length`, written with the code-length symbols `length` and 18.
let private onlyAAndEnd (w: BitWriter) (length: int) (put: int -> unit) =
    put 18; w.Bits(65 - 11, 7)
    put length
    put 18; w.Bits(138 - 11, 7)
    put 18; w.Bits(52 - 11, 7)
    put length
    put length

[<Fact>]
let ``a dynamic block built by hand reads back, with a single 1-bit distance code allowed`` () =
    let w = BitWriter()
    dynamicHeader w 0 [ 1, 1; 18, 1 ] (onlyAAndEnd w 1)
    for _ in 1 .. 3 do w.Code(0, 1)
    w.Code(1, 1)
    Assert.Equal(Bytes "AAA"B, read (memberOf (w.ToArray()) "AAA"B))

[<Fact>]
let ``a fixed-code member after a dynamic-code one reads with the fixed code`` () =
    // The decoder keeps its codes from block to block, and member to member; a fixed block must not decode with the
    // codes of the dynamic block before it.
    let w = BitWriter()
    dynamicHeader w 0 [ 1, 1; 18, 1 ] (onlyAAndEnd w 1)
    for _ in 1..3 do w.Code(0, 1)
    w.Code(1, 1)
    let dynamic = memberOf (w.ToArray()) "AAA"B
    let fixedCode = memberOf (fixedBlock [ lit 98uy; lit 99uy ]) "bc"B
    Assert.Equal(Bytes "AAAbc"B, read (Array.append dynamic fixedCode))

[<Fact>]
let ``a dynamic block without an end-of-block code is refused`` () =
    let w = BitWriter()
    dynamicHeader w 0 [ 1, 1; 18, 1 ] (fun put ->
        put 1; put 1
        put 18; w.Bits(138 - 11, 7)
        put 18; w.Bits(117 - 11, 7)
        put 1)
    w.Bits(0, 32)
    damagedWith "a dynamic block with no end-of-block code" (memberOf (w.ToArray()) [||])

[<Fact>]
let ``code lengths that repeat at the start or past the list's end are refused`` () =
    let w = BitWriter()
    dynamicHeader w 0 [ 16, 1; 18, 1 ] (fun put -> put 16; w.Bits(0, 2))
    w.Bits(0, 32)
    damagedWith "a repeat of the previous code length at the first one" (memberOf (w.ToArray()) [||])
    let w = BitWriter()
    dynamicHeader w 0 [ 1, 1; 18, 1 ] (fun put -> put 18; w.Bits(127, 7); put 18; w.Bits(127, 7))
    w.Bits(0, 32)
    damagedWith "code lengths repeated past the end of the list" (memberOf (w.ToArray()) [||])

[<Fact>]
let ``more than 286 literal/length codes are refused`` () =
    let w = BitWriter()
    w.Block(true, 2)
    w.Bits(30, 5)
    w.Bits(0, 5)
    w.Bits(0, 4)
    w.Bits(0, 32)
    damagedWith "a dynamic block with more than 286 literal/length or 30 distance codes" (memberOf (w.ToArray()) [||])

[<Fact>]
let ``a list of 31 distance code lengths is refused, though the codes it gives would decode`` () =
    // 'A' and end of block of 1 bit, distance symbol 0 of 1 bit and symbols 1–30 of none. The header's 5 bits allow
    // 32 distance lengths, deflate has 30 (zlib refuses more); read anyway, the block would give "AAA".
    let w = BitWriter()
    dynamicHeaderOf w 0 30 [ 1, 1; 18, 1 ] (fun put ->
        onlyAAndEnd w 1 put
        put 18; w.Bits(30 - 11, 7))
    for _ in 1..3 do w.Code(0, 1)
    w.Code(1, 1)
    damagedWith "a dynamic block with more than 286 literal/length or 30 distance codes" (memberOf (w.ToArray()) "AAA"B)

[<Fact>]
let ``over-subscribed and incomplete codes are refused, as zlib refuses them`` () =
    let w = BitWriter()
    dynamicHeader w 0 [ 1, 1; 18, 1; 0, 1 ] (fun _ -> ())
    w.Bits(0, 32)
    damagedWith "an over-subscribed code-length code" (memberOf (w.ToArray()) [||])
    let w = BitWriter()
    dynamicHeader w 0 [ 18, 1 ] (fun _ -> ())
    w.Bits(0, 32)
    damagedWith "an incomplete code-length code" (memberOf (w.ToArray()) [||])
    // Two literal/length codes of 2 bits leave half the code space unused.
    let w = BitWriter()
    dynamicHeader w 0 [ 2, 1; 18, 1 ] (onlyAAndEnd w 2)
    w.Bits(0, 32)
    damagedWith "an incomplete literal/length code" (memberOf (w.ToArray()) [||])

[<Fact>]
let ``bits that are no code of an incomplete code are refused`` () =
    // The only literal/length code is end of block, as 0; the distance code is empty. A 1 is no code.
    let w = BitWriter()
    dynamicHeader w 0 [ 18, 1; 0, 2; 1, 2 ] (fun put ->
        put 18; w.Bits(138 - 11, 7)
        put 18; w.Bits(118 - 11, 7)
        put 1
        put 0)
    w.Code(1, 1)
    w.Bits(0, 32)
    damagedWith "a code that is not in the block's Huffman code" (memberOf (w.ToArray()) [||])

/// 32,768 literals, then 400 matches of 227–257 bytes from 24,577–32,768 back, each after 0–7 literals: `literal`
/// writes one (adding its byte to `data`), `writeMatch length distance` writes a match, whose bytes this adds.
let private farMatches (random: System.Random) (data: ResizeArray<byte>) (literal: unit -> unit) (writeMatch: int -> int -> unit) =
    for _ in 1..32_768 do
        literal ()
    for _ in 1..400 do
        for _ in 1 .. random.Next 8 do
            literal ()
        let length = random.Next(227, 258)
        let distance = random.Next(24_577, 32_769)
        writeMatch length distance
        let from = data.Count - distance
        for i in 0 .. length - 1 do
            data.Add data[from + i]

[<Fact>]
let ``matches with the widest extra fields, 5 bits of length and 13 of distance, read back wherever they fall in the bits`` () =
    // A fixed-code match of length 227–257 reaching 24,577–32,768 back takes 8 + 5 + 5 + 13 = 31 bits, the most a
    // fixed block's symbol takes. Literals of 8 and 9 bits between them put the matches at every offset of the bits
    // the decoder holds, near its refills too.
    let random = System.Random 29
    let w = BitWriter()
    w.Block(true, 1)
    let data = ResizeArray<byte>()
    let literal () =
        let b = byte (random.Next 256)
        w.FixedLiteral(int b)
        data.Add b
    farMatches random data literal (fun length distance ->
        w.FixedLiteral 284
        w.Bits(length - 227, 5)
        w.FixedDistance 29
        w.Bits(distance - 24_577, 13))
    w.FixedLiteral 256
    let expected = data.ToArray()
    let file = memberOf (w.ToArray()) expected
    Assert.Equal(Some expected, zlibRead file)
    Assert.Equal(Bytes expected, read file)

[<Fact>]
let ``a dynamic block whose matches take 42 bits, 12-bit codes and the widest extra fields, reads back`` () =
    // Literals 0–9 have codes of 1–10 bits, end of block 11, length symbols 284 and 285 and distance symbols 28 and 29
    // 12 bits each (distance symbols 0–10 have 1–11): a match of 227–257 bytes from 24,577–32,768 back then takes
    // 12 + 5 + 12 + 13 = 42 bits, the most any symbol the one-lookup tables decode can take.
    let literalLengths = Array.init 286 (fun s -> if s < 10 then s + 1 elif s = 256 then 11 elif s >= 284 then 12 else 0)
    let distanceLengths = Array.init 30 (fun s -> if s <= 10 then s + 1 elif s >= 28 then 12 else 0)
    let literalCodes, distanceCodes = canonical literalLengths, canonical distanceLengths
    let w = BitWriter()
    w.Block(true, 2)
    w.Bits(286 - 257, 5)
    w.Bits(30 - 1, 5)
    // The code-length code: symbols 0–15 of 4 bits each (complete), 16–18 unused; all 19 are listed.
    w.Bits(19 - 4, 4)
    for symbol in [ 16; 17; 18; 0; 8; 7; 9; 6; 10; 5; 11; 4; 12; 3; 13; 2; 14; 1; 15 ] do
        w.Bits((if symbol < 16 then 4 else 0), 3)
    for length in Array.append literalLengths distanceLengths do
        w.Code(length, 4)
    let random = System.Random 31
    let data = ResizeArray<byte>()
    let literal () =
        let b = random.Next 10
        w.Code(literalCodes[b], literalLengths[b])
        data.Add(byte b)
    farMatches random data literal (fun length distance ->
        w.Code(literalCodes[284], 12)
        w.Bits(length - 227, 5)
        w.Code(distanceCodes[29], 12)
        w.Bits(distance - 24_577, 13))
    w.Code(literalCodes[256], 11)
    let expected = data.ToArray()
    let file = memberOf (w.ToArray()) expected
    Assert.Equal(Some expected, zlibRead file)
    Assert.Equal(Bytes expected, read file)
