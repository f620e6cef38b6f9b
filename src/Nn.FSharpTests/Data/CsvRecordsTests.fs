/// Quoted CSV fields as R's write.csv, Excel and pandas write them: read into tables, refused when malformed, and
/// written by CsvRecords.Field so that they read back unchanged.
module Nn.Tests.Data.CsvRecordsTests

open System
open Nn
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit

let private read (header: bool option) (text: string) =
    Table.Read(new System.IO.StringReader(text), "t.csv", Option.toNullable header)

let private rowsOf (table: Table) = table.Rows |> Seq.map List.ofSeq |> List.ofSeq

let private formatError (text: string) =
    (Assert.Throws<DataFormatException>(fun () -> read None text |> ignore)).Message

[<Fact>]
let ``a header and fields quoted as R's write.csv writes them are read without their quotes, commas inside kept`` () =
    let table = read None "\"name\",\"age\",\"city\"\n\"Ann\",31,\"New York, NY\"\n\"Bo\",4,\"Oslo\"\n"
    Assert.Equal(TableHeader.Detected, table.Header)
    Assert.Equal<string list>([ "name"; "age"; "city" ], List.ofSeq table.Columns)
    Assert.Equal<string list list>([ [ "Ann"; "31"; "New York, NY" ]; [ "Bo"; "4"; "Oslo" ] ], rowsOf table)
    Assert.Equal(2, table.ColumnIndex "city")

[<Fact>]
let ``a quoted first row of numbers is still data, as unquoted numbers are`` () =
    let table = read None "\"1\",\"2\"\n3,4\n"
    Assert.Equal(TableHeader.Absent, table.Header)
    Assert.Equal<string list list>([ [ "1"; "2" ]; [ "3"; "4" ] ], rowsOf table)

[<Fact>]
let ``doubled quotes are one quote and a quoted line break joins the next line into the record`` () =
    let table = read None "a,b\n\"say \"\"hi\"\"\",\"two\r\nlines\"\n3,4\n"
    Assert.Equal<string list list>([ [ "say \"hi\""; "two\nlines" ]; [ "3"; "4" ] ], rowsOf table)
    Assert.Equal<int list>([ 1; 2 ], [ table.DataRow 0; table.DataRow 1 ])

[<Fact>]
let ``a row after a record spanning lines is named by its own line in messages`` () =
    // Lines 2-4 are one record (its quoted field holds a blank line); the wide row is line 5.
    Assert.Equal("t.csv, line 5: expected 2 fields (as on the first line), but found 3.", formatError "a,b\n\"x\n\ny\",1\n1,2,3\n")

[<Fact>]
let ``a quote inside an unquoted field is an ordinary character, and spaces around a quoted field are dropped while spaces inside are kept`` () =
    let table = read (Some true) "size,kind\n12\" pipe,  \" a \"  \n"
    Assert.Equal<string list list>([ [ "12\" pipe"; " a " ] ], rowsOf table)

[<Fact>]
let ``a quoted field left open at the end of the text is refused naming the line and field where it opened`` () =
    Assert.Equal("t.csv, line 2, field 2: expected a closing quote (\") for the field opened there, but found the end of the text.", formatError "a,b\n1,\"open\n2,3\n")

[<Fact>]
let ``text after a closing quote is refused naming the line, the field and the character`` () =
    Assert.Equal("t.csv, line 2, field 1: expected a comma or the end of the line after a closing quote, but found 'b'.", formatError "a,b\n\"a\"b,c\n")

[<Fact>]
let ``a quoted row of another width is refused as an unquoted one is`` () =
    Assert.Equal("t.csv, line 2: expected 2 fields (as on the first line), but found 3.", formatError "a,b\n\"1\",\"2,\",3\n")

[<Fact>]
let ``a quoted field is written in quotes only when reading it bare would change it`` () =
    let cases =
        [ "plain", "plain"; "", "\"\""; "a,b", "\"a,b\""; "say \"hi\"", "\"say \"\"hi\"\"\""
          "two\nlines", "\"two\nlines\""; " padded", "\" padded\""; "12.5", "12.5" ]
    for text, written in cases do
        Assert.Equal(written, CsvRecords.Field text)

/// Fields of any characters but a carriage return (which, as a line break, reads back as "\n").
let private fieldGen =
    Gen.elements [ 'a'; 'Z'; '0'; ' '; ','; '"'; '\n'; '\t'; 'é'; '.' ]
    |> Gen.listOf
    |> Gen.map (fun chars -> String(Array.ofList chars))

[<Property(MaxTest = 300)>]
let ``any rows of fields written by CsvRecords.Field read back unchanged`` () =
    let case =
        gen {
            let! width = Gen.choose (1, 4)
            let! count = Gen.choose (1, 4)
            return! Gen.listOfLength count (Gen.listOfLength width fieldGen)
        }
    Prop.forAll (Arb.fromGen case) (fun rows ->
        let text = rows |> List.map (fun row -> String.Join(",", row |> List.map CsvRecords.Field)) |> String.concat "\r\n"
        rowsOf (read (Some false) text) = rows)

[<Property(MaxTest = 500)>]
let ``any text of quotes, commas and line breaks reads as a table or throws DataFormatException, never anything else`` () =
    let text = Gen.elements [ '"'; ','; '\n'; '\r'; ' '; 'a'; '1' ] |> Gen.listOf |> Gen.map (fun chars -> String(Array.ofList chars))
    Prop.forAll (Arb.fromGen text) (fun text ->
        try
            let table = read None text
            table.Rows |> Seq.forall (fun row -> row.Length = table.Columns.Length)
        with :? DataFormatException -> true)

[<Fact>]
let ``R's row-name column, an empty quoted header first, is refused with the way to write the file without it`` () =
    Assert.Equal(
        "t.csv, line 1, field 1: expected a column name, but found an empty field (as R's write.csv writes above row names: write with row.names = FALSE, or name the column).",
        formatError "\"\",\"x\",\"y\"\n\"1\",0.5,1\n")
