/// Fuzzing the data readers: random bytes, truncations, bit flips and insertions fed to the IDX reader (plain and
/// gzip) and the CSV reader. The law: a reader returns a data set (the original one when the bytes are unchanged)
/// or throws DataFormatException — never anything else — and a pipe gives the same outcome as a seekable file.
module Nn.Tests.Data.ReaderFuzzTests

open System
open System.IO
open System.Text
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.IdxFiles
open Nn.Tests.Data.Streams

/// A property's verdict, with the explanation built only when it fails (%A formatting is slow, and most cases pass).
let explain (ok: bool) (why: unit -> string) = if ok then Prop.ofTestable true else Prop.label (why ()) false

/// What reading gave: the data, a format error's message, or any other exception (always a failure).
type Outcome =
    | Read of inputs: float32[] * labels: int list * classes: int
    | FormatError of message: string
    | Crashed of exn

let private outcome (read: unit -> Dataset<float32>) =
    try
        let data = read ()
        Read(data.Inputs.AsSpan().ToArray(), List.ofSeq data.Labels, data.ClassCount)
    with
    | :? DataFormatException as e -> FormatError e.Message
    | e -> Crashed e

/// One way bytes can be damaged on disk or in transit.
type Damage =
    | Truncate of length: int
    | Flip of position: int * mask: byte
    | Insert of position: int * bytes: byte[]
    | Replace of bytes: byte[]

let damageGen (length: int) =
    let position = Gen.choose (0, max 0 (length - 1))
    Gen.frequency
        [ 3, Gen.choose (0, length) |> Gen.map Truncate
          4, Gen.map2 (fun p m -> Flip(p, byte m)) position (Gen.choose (1, 255))
          2, Gen.map2 (fun p b -> Insert(p, b)) (Gen.choose (0, length)) (Gen.arrayOfLength 3 (Gen.choose (0, 255) |> Gen.map byte))
          1, Gen.choose (0, 64) |> Gen.bind (fun n -> Gen.arrayOfLength n (Gen.choose (0, 255) |> Gen.map byte)) |> Gen.map Replace ]

let apply (bytes: byte[]) damage =
    match damage with
    | Truncate length -> Array.truncate length bytes
    | Flip(position, mask) when position < bytes.Length ->
        let copy = Array.copy bytes
        copy[position] <- copy[position] ^^^ mask
        copy
    | Flip _ -> bytes
    | Insert(position, extra) -> Array.concat [ Array.truncate position bytes; extra; Array.skip (min position bytes.Length) bytes ]
    | Replace garbage -> garbage

/// A chain of damages, each drawn for the length the previous one left.
let rec private damageChain (bytes: byte[]) (count: int) =
    if count = 0 then
        Gen.constant (bytes, [])
    else
        gen {
            let! damage = damageGen bytes.Length
            let! damaged, rest = damageChain (apply bytes damage) (count - 1)
            return damaged, damage :: rest
        }

/// Up to three damages in a row, or none (then the reader must give back the original).
let damagedGen (bytes: byte[]) = Gen.choose (0, 3) |> Gen.bind (damageChain bytes)

/// A small valid IDX pair: images (count, rows, columns) and labels in 0..9.
let private idxPairGen =
    gen {
        let! count = Gen.choose (1, 5)
        let! rows = Gen.choose (1, 3)
        let! columns = Gen.choose (1, 3)
        let! pixels = Gen.arrayOfLength (count * rows * columns) (Gen.choose (0, 255) |> Gen.map byte)
        let! labels = Gen.arrayOfLength count (Gen.choose (0, 9) |> Gen.map byte)
        return idxBytes [ count; rows; columns ] pixels, idxBytes [ count ] labels
    }

let private readIdx (images: byte[]) (labels: byte[]) (source: byte[] -> Stream) =
    outcome (fun () -> IdxData.Read<float32>(source images, "images", source labels, "labels"))

/// The law for one damaged input: no crash; unchanged bytes read back the original; a pipe gives what a file gives,
/// the same data or the same error at the same offset. That holds for gzip too: its reader decodes the same bytes the
/// same way however many a read hands over.
let private holds (original: Outcome) (unchanged: bool) (asFile: Outcome) (asPipe: Outcome) =
    let noCrash = match asFile, asPipe with | Crashed _, _ | _, Crashed _ -> false | _ -> true
    noCrash && asFile = asPipe && (not unchanged || asFile = original)

let private fileLike (bytes: byte[]) : Stream = new MemoryStream(bytes)

let private idxProperty (compress: bool) =
    let case =
        gen {
            let! images, labels = idxPairGen
            let images = if compress then gzip images else images
            let! damageImages = Gen.elements [ true; false ]
            let! damaged, damages = damagedGen (if damageImages then images else labels)
            let! chunk = Gen.choose (1, 7)
            return images, labels, damageImages, damaged, damages, chunk
        }
    Prop.forAll (Arb.fromGen case) (fun (images, labels, damageImages, damaged, damages, chunk) ->
        let damagedImages, damagedLabels = if damageImages then damaged, labels else images, damaged
        let original = readIdx images labels fileLike
        let asFile = readIdx damagedImages damagedLabels fileLike
        let asPipe = readIdx damagedImages damagedLabels (pipeLike chunk)
        explain (holds original (List.isEmpty damages) asFile asPipe) (fun () ->
            sprintf "%s %A: file %A, pipe %A" (if damageImages then "images" else "labels") damages asFile asPipe))

[<Property(MaxTest = 400)>]
let ``damaged plain IDX files read as data or throw DataFormatException, alike from a file and a pipe`` () = idxProperty false

[<Property(MaxTest = 300)>]
let ``damaged gzip IDX files read as data or throw DataFormatException, alike from a file and a pipe`` () = idxProperty true

[<Property(MaxTest = 200)>]
let ``random bytes as an IDX file throw DataFormatException`` (garbage: byte[]) =
    let labels = idxBytes [ 1 ] [| 0uy |]
    match readIdx garbage labels fileLike, readIdx garbage labels (pipeLike 3) with
    | FormatError a, FormatError b -> a = b
    | Read _ as a, b -> a = b
    | _ -> false

/// Lines of CSV built from the characters that matter to the reader, including numbers too large for float32.
let private csvTextGen =
    let field = Gen.elements [ "0"; "1"; "9"; "10"; "255"; "-3"; "0.5"; "1e39"; "-1e39"; "1e400"; "NaN"; "∞"; ""; " 7 "; "0,5"; "x"; "1.5e-3" ]
    let line = Gen.choose (1, 4) |> Gen.bind (fun n -> Gen.listOfLength n field) |> Gen.map (String.concat ",")
    Gen.choose (0, 4) |> Gen.bind (fun n -> Gen.listOfLength n line) |> Gen.bind (fun lines ->
        Gen.elements [ "\n"; "\r\n" ] |> Gen.map (fun newline -> String.concat newline lines))

let private csvOptions = CsvOptions(LabelColumn.First, 10, PixelScaling.Divide 1.0)

let private readCsv (bytes: byte[]) (source: byte[] -> Stream) =
    outcome (fun () ->
        use reader = new StreamReader(source bytes)
        CsvData.Read<float32>(reader, "data.csv", csvOptions))

[<Property(MaxTest = 400)>]
let ``generated and damaged CSV reads as data or throws DataFormatException, alike from a file and a pipe`` () =
    let case =
        gen {
            let! text = csvTextGen
            let bytes = Encoding.UTF8.GetBytes text
            let! damaged, damages = damagedGen bytes
            let! chunk = Gen.choose (1, 7)
            return bytes, damaged, damages, chunk
        }
    Prop.forAll (Arb.fromGen case) (fun (bytes, damaged, damages, chunk) ->
        let original = readCsv bytes fileLike
        let asFile = readCsv damaged fileLike
        let asPipe = readCsv damaged (pipeLike chunk)
        explain (holds original (List.isEmpty damages) asFile asPipe) (fun () ->
            sprintf "%A %A: file %A, pipe %A" (Encoding.UTF8.GetString bytes) damages asFile asPipe))

[<Property(MaxTest = 300)>]
let ``every value the CSV reader returns as float32 is finite`` () =
    Prop.forAll (Arb.fromGen csvTextGen) (fun text ->
        match readCsv (Encoding.UTF8.GetBytes text) fileLike with
        | Read(inputs, _, _) -> inputs |> Array.forall Single.IsFinite
        | FormatError _ -> true
        | Crashed _ -> false)
