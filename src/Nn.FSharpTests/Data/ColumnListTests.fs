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

/// Every step that looks a column up by name does it once per column, through ColumnList.Positions rather than a
/// search of the list each time (a 12 MB CSV of a million named columns spent hours in those searches; the speed is in
/// docs/benchmarks.md, "Wide tables"). The positions must be the first occurrences, as the searches gave.
[<Property>]
let ``every name's position is where the name first appears in the list`` (codes: byte list) =
    let names = codes |> List.map (fun b -> $"n{b % 16uy}")
    let positions = ColumnList.Positions(names)
    Assert.Equal(List.length (List.distinct names), positions.Count)
    for name in List.distinct names do
        Assert.Equal(List.findIndex ((=) name) names, positions[name])

[<Fact>]
let ``a table of 20,000 named columns is read, fitted, turned into inputs and saved with every feature in its place`` () =
    let width = 20_000
    let table = wide "c" width
    let preprocessing = Preprocessing.Fit(table, PreprocessingOptions([ "c1" ]))
    let inputs = preprocessing.Inputs<float>(table)
    Assert.Equal((2, width - 1), (inputs.Rows, inputs.Columns))
    // Row r of column c holds (r + c) mod 2; the features are c2..cN in the table's order.
    for r in 0..1 do
        Assert.Equal<float[]>([| for c in 2..width -> float ((r + c) % 2) |], [| for j in 0 .. width - 2 -> inputs[r, j] |])
    let network = Network.Create<float>(Architecture.Input(preprocessing.InputWidth).Dense(preprocessing.OutputWidth, Activation.Softmax), Initializer.Xavier, 1UL)
    let loaded = ModelFile.ModelFromBytes<float>(ModelFile.ToBytes(Model<float>(network, preprocessing)), "wide.nnm")
    match loaded.Preprocessing with
    | null -> Assert.Fail "the model file lost its preprocessing"
    | kept -> Assert.Equal<float[]>(inputs.AsSpan().ToArray(), kept.Inputs<float>(table).AsSpan().ToArray())
