/// Finding columns by name or number through one map of the names' positions, so that naming every column of a wide
/// table costs its width, not its width squared.
module Nn.Tests.Data.ColumnLookupTests

open System
open System.Collections
open System.Collections.Generic
open Nn
open Xunit

/// Column names that count how often a name is read, the way a search of them would read them.
type private CountedNames(names: string[]) =
    member val Reads = 0L with get, set

    interface IReadOnlyList<string> with
        member this.Item
            with get index =
                this.Reads <- this.Reads + 1L
                names[index]

        member _.Count = names.Length

        member this.GetEnumerator() : IEnumerator<string> =
            (Seq.init names.Length (fun i -> (this :> IReadOnlyList<string>)[i])).GetEnumerator()

        member this.GetEnumerator() : IEnumerator =
            ((this :> IEnumerable<string>).GetEnumerator()) :> IEnumerator

[<Fact>]
let ``looking up every one of 5,000 columns by name reads each name once, when the lookup is made`` () =
    let width = 5000
    let names = CountedNames [| for c in 1..width -> $"c{c}" |]
    let lookup = ColumnLookup(names)
    for c in 1..width do
        Assert.Equal(c - 1, lookup.Index $"c{c}")
    // A search of the names for each lookup read about width² / 2 = 12.5 million of them.
    Assert.Equal(int64 width, names.Reads)

[<Fact>]
let ``a name matches before a number, names are trimmed, and numbers count from 1`` () =
    let lookup = ColumnLookup([| "x"; "2"; "y" |])
    Assert.Equal(1, lookup.Index "2")
    Assert.Equal(2, lookup.Index "3")
    Assert.Equal(2, lookup.Index " y ")
    let e = Assert.Throws<ArgumentException>(fun () -> lookup.Index "4" |> ignore)
    Assert.Contains("no column is named or numbered '4'; the columns are x, 2, y (or 1..3 by position)", e.Message)

[<Fact>]
let ``a preprocessing fitted on 20,000 listed features, half of them categorical, takes each from its own column`` () =
    let width = 20_000
    let names = [| for c in 1..width -> $"c{c}" |]
    let table = Table.Create(names, [ for r in 0..1 -> [| for c in 1..width -> string ((r + c) % 2) |] :> IReadOnlyList<string> ])
    let features = names[1..]
    let categorical = [| for c in 2..2..width -> $"c{c}" |]
    let preprocessing = Preprocessing.Fit(table, PreprocessingOptions([ "c1" ], features, categorical))
    Assert.Equal<string>(features, preprocessing.Features |> Seq.map _.Name)
    for feature in preprocessing.Features do
        Assert.Equal(feature.Name.Substring 1 |> int |> (fun c -> c % 2 = 0), feature.IsCategorical)
