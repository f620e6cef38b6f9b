/// A feature column as a value: a finite mean and a positive deviation, or distinct categories a model file can hold.
module Nn.Tests.Data.FeatureColumnTests

open System
open System.Collections.Immutable
open System.Reflection
open Nn
open Xunit

let private refused<'e when 'e :> ArgumentException> (paramName: string) (start: string) (make: unit -> FeatureColumn) =
    let e = Assert.Throws<'e>(fun () -> make () |> ignore)
    Assert.Equal(paramName, e.ParamName)
    Assert.StartsWith(start, e.Message)

[<Fact>]
let ``a numeric column takes a finite mean and a positive finite deviation, however it is made`` () =
    Assert.Equal(1, (FeatureColumn.Numeric("a", -3.5, 0.25)).Width)
    for mean in [ nan; infinity; -infinity ] do
        refused<ArgumentOutOfRangeException> "Mean" "a feature column's mean must be finite, but is" (fun () -> FeatureColumn("a", mean, 1.0, ImmutableArray.Empty))
    for deviation in [ 0.0; -1.0; nan; infinity ] do
        refused<ArgumentOutOfRangeException> "Deviation" "a feature column's deviation must be positive and finite, but is" (fun () -> FeatureColumn.Numeric("a", 0.0, deviation))

[<Fact>]
let ``a name is 1 to 4096 UTF-8 bytes and never null`` () =
    Assert.Equal(4096, FeatureColumn.MaxTextBytes)
    Assert.Equal("é", (FeatureColumn.Numeric "é").Name)
    refused<ArgumentNullException> "Name" "Value cannot be null." (fun () -> FeatureColumn.Numeric(Unchecked.defaultof<string>))
    refused<ArgumentException> "Name" "a feature column's name must be 1..4096 UTF-8 bytes (what a model file stores), but '' is 0." (fun () -> FeatureColumn.Numeric "")
    // 2,049 two-byte letters are 4,098 bytes: the limit counts bytes, not characters.
    refused<ArgumentException> "Name" "a feature column's name must be 1..4096 UTF-8 bytes" (fun () -> FeatureColumn.Numeric(String('é', 2049)))

[<Fact>]
let ``categories are distinct and not null, and an empty one is a category of its own`` () =
    let column = FeatureColumn.OneHot("colour", [| "red"; ""; "blue" |])
    Assert.Equal((true, 3), (column.IsCategorical, column.Width))
    refused<ArgumentException> "Categories" "column 'colour' lists the category 'red' twice" (fun () -> FeatureColumn.OneHot("colour", [| "red"; "blue"; "red" |]))
    refused<ArgumentException> "Categories" "category 1 of column 'colour' is null." (fun () -> FeatureColumn.OneHot("colour", [| "red"; Unchecked.defaultof<string> |]))
    refused<ArgumentException> "Categories" "category 0 of column 'colour' must be 0..4096 UTF-8 bytes" (fun () -> FeatureColumn.OneHot("colour", [| String('x', 4097) |]))
    Assert.Throws<ArgumentNullException>(fun () -> FeatureColumn.OneHot("colour", Unchecked.defaultof<Collections.Generic.IReadOnlyList<string>>) |> ignore) |> ignore

[<Fact>]
let ``a one-hot column takes no mean or deviation, since a model file stores none for it`` () =
    refused<ArgumentException> "Mean" "the one-hot column 'colour' takes no mean or deviation (0 and 1), but has 2 and 3." (fun () ->
        FeatureColumn("colour", 2.0, 3.0, ImmutableArray.Create "red"))

[<Fact>]
let ``each field is checked when set after construction too, as C#'s with sets them`` () =
    let column = FeatureColumn.Numeric("a", 1.0, 2.0)
    let set name (value: objnull) =
        let e = Assert.Throws<TargetInvocationException>(fun () -> (nonNull (typeof<FeatureColumn>.GetProperty name)).SetValue(column, value))
        Assert.IsAssignableFrom<ArgumentException>(e.InnerException) |> ignore
    set "Name" null
    set "Mean" (box nan)
    set "Deviation" (box 0.0)
    set "Categories" (box (ImmutableArray.Create("x", "x")))
    Assert.Equal(FeatureColumn.Numeric("a", 1.0, 2.0), column)

[<Fact>]
let ``a one-hot column without categories is refused naming them, not made a numeric column`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> FeatureColumn.OneHot("colour", Array.empty<string>) |> ignore)
    Assert.Equal("categories", e.ParamName)
    Assert.Contains("'colour' has none", e.Message)
    Assert.True(FeatureColumn.OneHot("colour", [| "red" |]).IsCategorical)

[<Fact>]
let ``a one-hot column refuses a default ImmutableArray of categories naming categories`` () =
    let e = Assert.ThrowsAny<ArgumentException>(fun () -> FeatureColumn.OneHot("colour", Unchecked.defaultof<ImmutableArray<string>>) |> ignore)
    Assert.Equal("categories is a default ImmutableArray, which holds no items. (Parameter 'categories')", e.Message)
