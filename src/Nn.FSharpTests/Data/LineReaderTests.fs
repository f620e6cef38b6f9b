/// The CSV readers' line splitting: the lines TextReader.ReadLine gives, with a bound on a line's length that an
/// endless line meets as a DataFormatException naming it, not as the runtime's failure to grow a string.
module Nn.Tests.Data.LineReaderTests

open System
open System.IO
open Nn
open Xunit

let private allLines (next: unit -> string | null) =
    let rec go acc =
        match next () with
        | null -> List.rev acc
        | line -> go (line :: acc)
    go []

[<Fact>]
let ``lines split at LF, CR and CR LF exactly as ReadLine splits them, across the reader's blocks`` () =
    let r = Random 5
    let pieces = [| "a"; "7,"; "\n"; "\r"; "\r\n"; " "; String('x', 5000) |]
    for case in 1 .. 300 do
        // Long texts cross the reader's 16,384-character blocks, with a CR at a block's end now and then.
        let text = String.Join("", Array.init (r.Next(0, if case % 10 = 0 then 40 else 12)) (fun _ -> pieces[r.Next pieces.Length]))
        let expected =
            use plain = new StringReader(text)
            allLines plain.ReadLine
        let bounded = LineReader(new StringReader(text), "t.csv")
        Assert.Equal<string list>(expected, allLines bounded.Next)
    let edge = String('y', 16383) + "\r\nz"
    Assert.Equal<string list>([ String('y', 16383); "z" ], allLines (LineReader(new StringReader(edge), "t.csv")).Next)

[<Fact>]
let ``a line longer than the bound is refused with its number, and a line at the bound is read`` () =
    let lines = LineReader(new StringReader("1,2\n123456789,\n12345678901\n"), "t.csv", 10)
    Assert.Equal<string list>([ "1,2"; "123456789," ], [ nonNull (lines.Next()); nonNull (lines.Next()) ])
    Assert.Equal(2, lines.Number)
    let e = Assert.Throws<DataFormatException>(fun () -> lines.Next() |> ignore)
    Assert.Equal("t.csv, line 3: expected at most 10 characters per line (Limits.MaxLineLength), but found a longer line.", e.Message)

/// Text of "1," repeated without end, as a file with no line breaks or an endless pipe gives it.
type private EndlessLine() =
    inherit TextReader()
    override _.Read(buffer: char[], index: int, count: int) =
        for i in index .. index + count - 1 do
            buffer[i] <- if i % 2 = 0 then '1' else ','
        count

[<Fact>]
let ``an endless line is refused by the CSV and table readers once it passes Limits.MaxLineLength`` () =
    let csv = Assert.Throws<DataFormatException>(fun () -> CsvData.Read<float32>(new EndlessLine(), "endless.csv", CsvOptions.Mnist) |> ignore)
    Assert.Equal(("line 1", "a longer line"), (csv.Location, csv.Actual))
    Assert.Contains(string Limits.MaxLineLength, csv.Expected)
    let table = Assert.Throws<DataFormatException>(fun () -> Table.Read(new EndlessLine(), "endless.csv", Nullable()) |> ignore)
    Assert.Equal(("line 1", "a longer line"), (table.Location, table.Actual))
