/// The table reader: header given, detected or absent, columns by name or number, and malformed rows refused.
module Nn.Tests.Data.TableTests

open System.IO
open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private read (header: bool option) (text: string) =
    Table.Read(new StringReader(text), "t.csv", Option.toNullable header)

[<Fact>]
let ``binary.csv's header is detected because its first row is not numeric`` () =
    let table = Table.Load(testData "binary.csv", System.Nullable())
    Assert.Equal(TableHeader.Detected, table.Header)
    Assert.Equal<string list>([ "admit"; "gre"; "gpa"; "rank" ], List.ofSeq table.Columns)
    Assert.Equal(400, table.Count)
    Assert.Equal<string list>([ "0"; "380"; "3.61"; "3" ], List.ofSeq table.Rows[0])

[<Fact>]
let ``an all-numeric first row is data and the columns are named by their 1-based position`` () =
    let table = read None "1,2\n3,4\n"
    Assert.Equal(TableHeader.Absent, table.Header)
    Assert.Equal<string list>([ "1"; "2" ], List.ofSeq table.Columns)
    Assert.Equal(2, table.Count)

[<Fact>]
let ``a header said to be there is taken even when it is numeric`` () =
    let table = read (Some true) "10,20\n3,4\n"
    Assert.Equal(TableHeader.Given, table.Header)
    Assert.Equal<string list>([ "10"; "20" ], List.ofSeq table.Columns)
    Assert.Equal(1, table.Count)

[<Fact>]
let ``a first row said to be data stays data even when it is words`` () =
    let table = read (Some false) "a,b\nc,d\n"
    Assert.Equal(2, table.Count)
    Assert.Equal<string list>([ "1"; "2" ], List.ofSeq table.Columns)

[<Fact>]
let ``a column is found by name first and by 1-based number otherwise`` () =
    let table = read None "x,2,y\n1,2,3\n"
    Assert.Equal(0, table.ColumnIndex "x")
    Assert.Equal(1, table.ColumnIndex "2")
    Assert.Equal(2, table.ColumnIndex "3")
    let e = Assert.Throws<System.ArgumentException>(fun () -> table.ColumnIndex "z" |> ignore)
    Assert.Contains("no column is named or numbered 'z'; the columns are x, 2, y (or 1..3 by position)", e.Message)

[<Fact>]
let ``a row of another width is refused naming its line`` () =
    let e = Assert.Throws<DataFormatException>(fun () -> read None "a,b\n1,2\n\n1,2,3\n" |> ignore)
    Assert.Equal("t.csv, line 4: expected 2 fields (as on the first line), but found 3.", e.Message)

[<Fact>]
let ``a repeated or empty column name is refused`` () =
    Assert.Contains("distinct column names, but found 'a' twice", Assert.Throws<DataFormatException>(fun () -> read None "a,a\n1,2\n" |> ignore).Message)
    Assert.Contains("field 2: expected a column name", Assert.Throws<DataFormatException>(fun () -> read (Some true) "a,\n1,2\n" |> ignore).Message)

[<Fact>]
let ``a quoted column name of only white space is refused, as Table.Create refuses it`` () =
    // Unquoted, such a name is trimmed to an empty field; quoted, it was kept, and a column named " " was trained on.
    let e = Assert.Throws<DataFormatException>(fun () -> read None "\"a\",\" \",\"\t\"\n1,2,3\n" |> ignore)
    Assert.Equal("t.csv, line 1, field 2: expected a column name, but found only white space.", e.Message)

[<Fact>]
let ``a header without data rows is refused`` () =
    let e = Assert.Throws<DataFormatException>(fun () -> read None "a,b\n" |> ignore)
    Assert.Contains("expected at least one row of data, but found no data rows", e.Message)

[<Fact>]
let ``a table made in memory keeps its names and rows and selects rows in the order asked`` () =
    let table = Table.Create([ "a"; "b" ], [ [ "1"; "x" ]; [ "2"; "y" ]; [ "3"; "z" ] ] |> Seq.map (fun r -> r :> System.Collections.Generic.IReadOnlyList<string>))
    let picked = table.Select [ 2; 0 ]
    Assert.Equal<string list>([ "3"; "1" ], picked.Rows |> Seq.map (fun r -> r[0]) |> List.ofSeq)
    Assert.Equal<string list>([ "a"; "b" ], List.ofSeq picked.Columns)
    Assert.Equal<int list>([ 3; 1 ], [ picked.DataRow 0; picked.DataRow 1 ])
    Assert.Equal(1, (picked.Select [ 1 ]).DataRow 0)
    Assert.Equal(2, table.DataRow 1)
    for outside in [ -1; 3; Int32.MaxValue ] do
        let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> table.DataRow outside |> ignore)
        Assert.StartsWith(sprintf "row must be in 0..2, but is %d." outside, e.Message)

[<Fact>]
let ``selecting no rows or a row beyond the table is refused, since a table holds at least one row`` () =
    let table = Table.Create([ "a" ], [ [ "1" ]; [ "2" ] ] |> Seq.map (fun r -> r :> System.Collections.Generic.IReadOnlyList<string>))
    Assert.StartsWith("a table holds at least 1 row, but no row was selected.", (Assert.Throws<System.ArgumentException>(fun () -> table.Select [] |> ignore)).Message)
    for index in [ -1; 2; System.Int32.MaxValue ] do
        let e = Assert.Throws<System.ArgumentOutOfRangeException>(fun () -> table.Select [ 0; index ] |> ignore)
        Assert.StartsWith(sprintf "row indices must be in 0..1, but %d is not." index, e.Message)

[<Fact>]
let ``a first row wider than Limits.MaxWidth is refused from its count of commas, without its fields being made`` () =
    let text = String(',', Limits.MaxWidth) + "\n"
    let before = GC.GetAllocatedBytesForCurrentThread()
    let e = Assert.Throws<DataFormatException>(fun () -> Table.Read(new StringReader(text), "wide.csv", Nullable()) |> ignore)
    let allocated = GC.GetAllocatedBytesForCurrentThread() - before
    Assert.Equal("wide.csv, line 1: expected at most 16777216 columns (Limits.MaxWidth), but found 16777217.", e.Message)
    // The line itself, read through a builder, takes about 4 bytes a field; a string[] of the fields would take 8 more.
    Assert.True(allocated < 8L * int64 Limits.MaxWidth, $"{allocated} bytes allocated")

[<Fact>]
let ``Create refuses a table without columns instead of asking each row for no fields`` () =
    let message = messageOf<ArgumentException> (fun () -> Table.Create([], [ [ "1" ] :> System.Collections.Generic.IReadOnlyList<string> ]) |> ignore)
    Assert.Contains("a table must have at least 1 column, but none is named", message)

[<Fact>]
let ``Create refuses a null row, a null field and default arrays, naming where, instead of failing later`` () =
    let row (fields: string[]) = fields :> System.Collections.Generic.IReadOnlyList<string>
    let refusal (columns: System.Collections.Generic.IReadOnlyList<string>) rows =
        let e = Assert.ThrowsAny<ArgumentException>(fun () -> Table.Create(columns, rows) |> ignore)
        Assert.IsNotType<ArgumentNullException>(e) |> ignore
        e.Message
    // A null field was kept, and then read as a missing category by Preprocessing.Fit, or failed inside it naming 'chars'.
    Assert.Equal("row 1's field 0 (column 'x') is null; an empty field is \"\". (Parameter 'rows')", refusal [| "x"; "y" |] [ row [| "1"; "0" |]; row [| Unchecked.defaultof<string>; "1" |] ])
    Assert.Equal("row 1 is null. (Parameter 'rows')", refusal [| "x" |] [ row [| "1" |]; Unchecked.defaultof<System.Collections.Generic.IReadOnlyList<string>> ])
    // A default ImmutableArray, as a row or as the columns, failed with a NullReferenceException.
    Assert.Equal(
        "row 0 is a default ImmutableArray, which holds no fields. (Parameter 'rows')",
        refusal [| "x" |] [ Unchecked.defaultof<System.Collections.Immutable.ImmutableArray<string>> :> System.Collections.Generic.IReadOnlyList<string> ])
    Assert.Equal(
        "columns is a default ImmutableArray, which names no columns. (Parameter 'columns')",
        refusal (Unchecked.defaultof<System.Collections.Immutable.ImmutableArray<string>>) [ row [| "1" |] ])

[<Fact>]
let ``selecting a default ImmutableArray of rows is refused naming indices`` () =
    let table = Table.Create([ "a" ], [ [ "1" ]; [ "2" ] ] |> Seq.map (fun r -> r :> System.Collections.Generic.IReadOnlyList<string>))
    let e = Assert.ThrowsAny<System.ArgumentException>(fun () -> table.Select(Unchecked.defaultof<System.Collections.Immutable.ImmutableArray<int>>) |> ignore)
    Assert.Equal("indices is a default ImmutableArray, which holds no items. (Parameter 'indices')", e.Message)
