/// One rule for reading a text field as a number, shared by the CSV reader, tables and their preprocessing.
module Nn.Tests.Data.FieldNumberTests

open System
open System.Globalization
open Nn
open Xunit
open FsCheck
open FsCheck.Xunit

let private read (text: string) =
    let mutable value = 0.0
    let ok = FieldNumber.TryRead(text.AsSpan(), &value)
    ok, value

[<Property>]
let ``every finite double reads back from its round-trip text, white space around it allowed`` (NormalFloat x) =
    let text = x.ToString("R", CultureInfo.InvariantCulture)
    read text = (true, x) && read $" {text}\t" = (true, x)

[<Property>]
let ``a NUL anywhere in a field makes it not a number, where .NET's parser would ignore trailing ones`` (NormalFloat x) (place: NonNegativeInt) (count: PositiveInt) =
    let text = x.ToString("R", CultureInfo.InvariantCulture)
    let at = place.Get % (text.Length + 1)
    let withNuls = text.Insert(at, String('\000', 1 + count.Get % 4))
    // The premise: without the rule, trailing NULs pass .NET's own parser.
    Double.TryParse(text + "\000\000", NumberStyles.Float, CultureInfo.InvariantCulture) |> fst
    && read withNuls = (false, 0.0)

[<Fact>]
let ``words, missing-value marks and numbers beyond double's range are not numbers`` () =
    for text in [ "admit"; ""; " "; "NaN"; "Infinity"; "-Infinity"; "1e999"; "5x"; "0x10" ] do
        Assert.False(fst (read text), text)
