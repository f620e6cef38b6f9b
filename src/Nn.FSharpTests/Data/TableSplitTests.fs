/// Holding out test rows of one table: seeded, stratified by a column, both parts non-empty and disjoint.
module Nn.Tests.Data.TableSplitTests

open Nn
open Nn.Tests.Helpers
open Xunit

let private binary () = Table.Load(testData "binary.csv", System.Nullable true)

let private count (value: string) (table: Table) = table.Rows |> Seq.filter (fun r -> r[0] = value) |> Seq.length

[<Fact>]
let ``a stratified tenth of binary.csv keeps the admitted share in both parts`` () =
    let parts = TableSplit.Split(binary (), 0.1, 1UL, "admit")
    // 127 admitted and 273 not: round(12.7) = 13 and round(27.3) = 27 test rows.
    Assert.Equal((13, 27), (count "1" parts.Test, count "0" parts.Test))
    Assert.Equal((114, 246), (count "1" parts.Train, count "0" parts.Train))

[<Fact>]
let ``the parts hold every row exactly once, each in file order`` () =
    let table = Table.Create([ "i"; "class" ], [ for i in 0..19 -> [ string i; string (i % 3) ] :> System.Collections.Generic.IReadOnlyList<string> ])
    let parts = TableSplit.Split(table, 0.25, 7UL, "class")
    let numbers (part: Table) = part.Rows |> Seq.map (fun r -> int r[0]) |> List.ofSeq
    Assert.Equal<int list>([ 0..19 ], numbers parts.Train @ numbers parts.Test |> List.sort)
    Assert.Equal<int list>(List.sort (numbers parts.Train), numbers parts.Train)
    Assert.Equal<int list>(List.sort (numbers parts.Test), numbers parts.Test)
    // Classes of 7, 7 and 6 rows: round(1.75) + round(1.75) + round(1.5) = 2 + 2 + 2 test rows.
    Assert.Equal(6, parts.Test.Count)

[<Fact>]
let ``a stratified split never holds out the whole of a class, so every class is trained on`` () =
    // Classes of 1, 2 and 5 rows at 0.6: round(0.6) = 1, round(1.2) = 1 and round(3) = 3 test rows, but the class of
    // one row keeps it for training.
    let labels = [ "a"; "b"; "b"; "c"; "c"; "c"; "c"; "c" ]
    let table = Table.Create([ "i"; "class" ], [ for i, label in List.indexed labels -> [ string i; label ] :> System.Collections.Generic.IReadOnlyList<string> ])
    let parts = TableSplit.Split(table, 0.6, 3UL, "class")
    let classes (part: Table) = part.Rows |> Seq.map (fun r -> r[1]) |> Seq.countBy id |> Map.ofSeq
    Assert.Equal<Map<string, int>>(Map [ "a", 1; "b", 1; "c", 2 ], classes parts.Train)
    Assert.Equal<Map<string, int>>(Map [ "b", 1; "c", 3 ], classes parts.Test)

[<Fact>]
let ``the same seed gives the same split and another seed another`` () =
    let rows seed = (TableSplit.Split(binary (), 0.1, seed, "admit")).Test.Rows |> Seq.map (fun r -> System.String.Join(",", r)) |> List.ofSeq
    Assert.Equal<string list>(rows 3UL, rows 3UL)
    Assert.NotEqual<string list>(rows 3UL, rows 4UL)

[<Fact>]
let ``a fraction that leaves a part empty or lies outside 0 to 1 is refused`` () =
    let small = Table.Create([ "y" ], [ [ "1" ] :> System.Collections.Generic.IReadOnlyList<string>; [ "2" ] ])
    Assert.Contains("leaves no test rows", Assert.Throws<System.ArgumentException>(fun () -> TableSplit.Split(small, 0.1, 1UL, null) |> ignore).Message)
    Assert.Throws<System.ArgumentOutOfRangeException>(fun () -> TableSplit.Split(small, 1.0, 1UL, null) |> ignore) |> ignore
