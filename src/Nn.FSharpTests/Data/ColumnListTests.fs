/// How messages list column names: every one up to ColumnList.Listed, then the first ones and a count of the rest, so
/// that a table of thousands of columns does not make a message of thousands of names.
module Nn.Tests.Data.ColumnListTests

open System
open System.IO
open Nn
open Xunit
open FsCheck.Xunit

/// `width` columns named prefix1..prefixN, and two rows of 0s and 1s.
let private wideCsv (prefix: string) (width: int) =
    let row (r: int) = String.Join(",", [ for c in 1..width -> string ((r + c) % 2) ])
    String.Join("\n", [ String.Join(",", [ for c in 1..width -> $"{prefix}{c}" ]); row 0; row 1 ])

let private wide (prefix: string) (width: int) =
    Table.Read(new StringReader(wideCsv prefix width), "wide.csv", Nullable true)

/// What a message shows of prefix1..prefixN: the first 50 names and a count of the other N − 50.
let private shown (prefix: string) (width: int) =
    String.Join(", ", [ for c in 1..50 -> $"{prefix}{c}" ]) + $", … and {width - 50} more"

[<Property>]
let ``a list of at most Listed names shows every name, and a longer one the first Listed and a count of the rest`` (count: byte) =
    let names = [ for i in 1 .. int count -> $"n{i}" ]
    let listed = ColumnList.Of(names, fun name -> $"<{name}>")
    let expected =
        if int count <= ColumnList.Listed then String.Join(", ", names |> List.map (fun n -> $"<{n}>"))
        else String.Join(", ", names |> List.take ColumnList.Listed |> List.map (fun n -> $"<{n}>")) + $", … and {int count - ColumnList.Listed} more"
    Assert.Equal(expected, listed)

[<Fact>]
let ``a wide table's refusal of an unknown column names its first 50 columns and counts the rest`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> (wide "c" 5000).ColumnIndex "zz" |> ignore)
    let columns = shown "c" 5000
    Assert.Contains($"no column is named or numbered 'zz'; the columns are {columns} (or 1..5000 by position).", e.Message)
    Assert.True(e.Message.Length < 1000, e.Message)

[<Fact>]
let ``rows whose header lacks a wide model's column are refused listing the first 50 names of each header`` () =
    let preprocessing = Preprocessing.Fit(wide "c" 3000, PreprocessingOptions([ "c3000" ]))
    let e = Assert.Throws<DataFormatException>(fun () -> preprocessing.Inputs<float32>(wide "d" 3000) |> ignore)
    let columns = shown "c" 3000
    Assert.Contains($"(the model's columns are {columns})", e.Message)
    Assert.Contains(shown "d" 3000, e.Message)
    Assert.True(e.Message.Length < 1500, e.Message)

/// Every step that looks a column up by name does it once per column, so it must not search the list each time: a
/// 12 MB CSV of a million named columns spent hours in those searches before training started.
[<Fact>]
let ``a table of 50,000 named columns is read, fitted, turned into inputs and saved in a moment, not in the square of its width`` () =
    let clock = Diagnostics.Stopwatch.StartNew()
    let table = wide "c" 50_000
    let preprocessing = Preprocessing.Fit(table, PreprocessingOptions([ "c1" ]))
    let inputs = preprocessing.Inputs<float32>(table)
    let network = Network.Create<float32>(Architecture.Input(preprocessing.InputWidth).Dense(preprocessing.OutputWidth, Activation.Softmax), Initializer.Xavier, 1UL)
    let bytes = ModelFile.ToBytes(Model<float32>(network, preprocessing))
    clock.Stop()
    Assert.Equal((2, 49_999), (inputs.Rows, inputs.Columns))
    Assert.True(bytes.Length > 0)
    Assert.True(clock.Elapsed.TotalSeconds < 5.0, sprintf "took %O" clock.Elapsed)
