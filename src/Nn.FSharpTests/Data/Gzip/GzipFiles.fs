/// Gzip data for the gzip reader's tests: members written by .NET's GZipStream, members built by hand from deflate
/// bits (for the faults no encoder writes), and what reading them gives.
module internal Nn.Tests.Data.Gzip.GzipFiles

open System
open System.Buffers.Binary
open System.IO
open System.IO.Compression
open Nn
open Nn.Tests.IdxFiles

/// What reading gzip data to its end gives: its bytes, the reader's fault, or anything else (a bug).
type Outcome =
    | Bytes of byte[]
    | Fault of GzipFault * string
    | Other of string

/// More bytes than any test's data holds: a reader that gives more never ends (a decoder reading bits the source never
/// had, say), and is stopped there as `Other` rather than left to fill the memory.
let private mostBytes = 1 <<< 26

/// Reads the source to its end through GzipReader, in reads of `readSize` bytes, or to `mostBytes` as `Other`.
let readWith (readSize: int) (source: Stream) =
    try
        use reader = new GzipReader(source)
        use copy = new MemoryStream()
        let buffer = Array.zeroCreate<byte> readSize
        let mutable n = reader.Read(buffer, 0, buffer.Length)
        while n > 0 && copy.Length <= int64 mostBytes do
            copy.Write(buffer, 0, n)
            n <- reader.Read(buffer, 0, buffer.Length)
        if copy.Length > int64 mostBytes then Other(sprintf "more than %d bytes" mostBytes) else Bytes(copy.ToArray())
    with
    | :? GzipDataException as e -> Fault(e.Fault, e.Detail)
    | e -> Other(e.GetType().Name + ": " + e.Message)

/// Reads the bytes as one file.
let read (bytes: byte[]) = readWith 65536 (new MemoryStream(bytes))

/// The fault a read must give, or fails the test with what it gave instead.
let faultOf (outcome: Outcome) =
    match outcome with
    | Fault(fault, detail) -> fault, detail
    | other -> failwithf "expected a gzip fault, got %A" other

/// What .NET's GZipStream gives for the bytes: their data, or None when it throws.
let zlibRead (bytes: byte[]) =
    try
        use zip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)
        use copy = new MemoryStream()
        zip.CopyTo copy
        Some(copy.ToArray())
    with :? InvalidDataException -> None

/// The CRC-32 of the bytes, as a gzip trailer holds it.
let crc32 (bytes: byte[]) = System.IO.Hashing.Crc32.HashToUInt32(ReadOnlySpan bytes)

/// A gzip member with the minimal header around raw deflate bytes, its trailer describing `data`.
let memberOf (deflate: byte[]) (data: byte[]) =
    let trailer = Array.zeroCreate<byte> 8
    BinaryPrimitives.WriteUInt32LittleEndian(Span(trailer, 0, 4), crc32 data)
    BinaryPrimitives.WriteUInt32LittleEndian(Span(trailer, 4, 4), uint32 data.Length)
    Array.concat [ [| 0x1fuy; 0x8buy; 8uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0xffuy |]; deflate; trailer ]

/// Deflate bits written least significant first, and Huffman codes most significant first, as RFC 1951 packs them.
type BitWriter() =
    let bytes = ResizeArray<byte>()
    let mutable held = 0UL
    let mutable count = 0
    member _.Bits(value: int, width: int) =
        held <- held ||| (uint64 value <<< count)
        count <- count + width
        while count >= 8 do
            bytes.Add(byte held)
            held <- held >>> 8
            count <- count - 8
    member this.Code(code: int, length: int) =
        for i in length - 1 .. -1 .. 0 do
            this.Bits((code >>> i) &&& 1, 1)
    /// A block header: whether it is the last, and its type (0 stored, 1 fixed, 2 dynamic, 3 reserved).
    member this.Block(final: bool, kind: int) =
        this.Bits((if final then 1 else 0), 1)
        this.Bits(kind, 2)
    /// A symbol of the fixed literal/length code.
    member this.FixedLiteral(symbol: int) =
        if symbol < 144 then this.Code(0x30 + symbol, 8)
        elif symbol < 256 then this.Code(0x190 + symbol - 144, 9)
        elif symbol < 280 then this.Code(symbol - 256, 7)
        else this.Code(0xC0 + symbol - 280, 8)
    /// A symbol of the fixed distance code.
    member this.FixedDistance(symbol: int) = this.Code(symbol, 5)
    /// The bytes so far, the last one padded with zero bits.
    member _.ToArray() =
        let all = ResizeArray bytes
        if count > 0 then all.Add(byte held)
        all.ToArray()

/// A final fixed-code block of the given literals and (length symbol, distance symbol) matches, then end of block.
let fixedBlock (symbols: Choice<byte, int * int> list) =
    let w = BitWriter()
    w.Block(true, 1)
    for s in symbols do
        match s with
        | Choice1Of2 literal -> w.FixedLiteral(int literal)
        | Choice2Of2(length, distance) ->
            w.FixedLiteral length
            w.FixedDistance distance
    w.FixedLiteral 256
    w.ToArray()

/// Each symbol's canonical code (RFC 1951, 3.2.2) from the code lengths: by length, then by symbol.
let canonical (lengths: int[]) =
    let codes = Array.zeroCreate<int> lengths.Length
    let mutable code = 0
    for length in 1..15 do
        for symbol in 0 .. lengths.Length - 1 do
            if lengths[symbol] = length then
                codes[symbol] <- code
                code <- code + 1
        code <- code <<< 1
    codes
