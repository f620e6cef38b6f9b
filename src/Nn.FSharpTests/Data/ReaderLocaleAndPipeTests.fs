/// The data readers give the same numbers whatever the culture of the thread, the same data from a pipe as from a
/// file, and refuse values a float32 cannot hold instead of turning them into ∞.
module Nn.Tests.Data.ReaderLocaleAndPipeTests

open System
open System.Globalization
open System.IO
open Nn
open Nn.Tests.Helpers
open Nn.Tests.IdxFiles
open Nn.Tests.Data.Streams
open Nn.Tests.Data.IdxDataTests
open Xunit

let private under = underCulture

let private csv = "1,0.5,1.5e-3\n0,2,0.25\n"

let private options = CsvOptions(LabelColumn.First, 2, PixelScaling.Divide 1.0)
let private readCsv (text: string) = CsvData.Read<float>(new StringReader(text), "data.csv", options)
let private readCsv32 (text: string) = CsvData.Read<float32>(new StringReader(text), "data.csv", options)

[<Theory>]
[<InlineData "de-DE">]
[<InlineData "fr-FR">]
let ``CSV numbers read the same under a culture with a decimal comma`` (culture: string) =
    // The culture data must be real, or this test would prove nothing: German writes one and a half as "1,5".
    Assert.Equal("1,5", under culture (fun () -> (1.5).ToString()))
    let invariant = readCsv csv
    let local = under culture (fun () -> readCsv csv)
    Assert.Equal<float[]>(invariant.Inputs.AsSpan().ToArray(), local.Inputs.AsSpan().ToArray())
    Assert.Equal<float[]>([| 0.5; 1.5e-3; 2.0; 0.25 |], local.Inputs.AsSpan().ToArray())

[<Fact>]
let ``weight initialisers parse their number the same under German settings`` () =
    Assert.Equal(Initializer.Parse "normal:0.05", under "de-DE" (fun () -> Initializer.Parse "normal:0.05"))
    Assert.Equal("normal:0.05", under "de-DE" (fun () -> (Initializer.Parse "normal:0.05").Name))

[<Fact>]
let ``a CSV value too large for float32 is a data error naming the line and field`` () =
    let e = Assert.Throws<DataFormatException>(fun () -> readCsv32 "1,0.5,2\n0,1e39,1\n" |> ignore)
    Assert.Equal("data.csv, line 2, field 2: expected a value that stays finite as float32 once scaled, but found '1e39'.", e.Message)
    Assert.Equal(1e39, (readCsv "1,0.5,2\n0,1e39,1\n").Inputs[1, 0])

[<Fact>]
let ``a scaling that takes IDX pixels beyond float32 is refused before reading`` () =
    let e =
        Assert.ThrowsAny<ArgumentException>(fun () ->
            IdxData.Read<float32>(new MemoryStream(images), "i", new MemoryStream(labels), "l", PixelScaling.Divide 1e-300) |> ignore)
    Assert.Contains("beyond the range of float32", e.Message)

[<Theory>]
[<InlineData(false, 1)>]
[<InlineData(false, 5)>]
[<InlineData(true, 1)>]
[<InlineData(true, 5)>]
let ``IDX data through a pipe reads exactly as from a file`` (compressed: bool) (chunk: int) =
    let wrap bytes = if compressed then gzip bytes else bytes
    let fromFile = IdxData.Read<float32>(new MemoryStream(wrap images), "i", new MemoryStream(wrap labels), "l")
    let fromPipe = IdxData.Read<float32>(pipeLike chunk (wrap images), "i", pipeLike chunk (wrap labels), "l")
    Assert.Equal<float32[]>(fromFile.Inputs.AsSpan().ToArray(), fromPipe.Inputs.AsSpan().ToArray())
    Assert.Equal<int list>(List.ofSeq fromFile.Labels, List.ofSeq fromPipe.Labels)

[<Fact>]
let ``CSV through a pipe reads exactly as from a file, a label of 100 included`` () =
    let text = "100,1,2\n7,3,4\n"B
    let read (stream: Stream) =
        use reader = new StreamReader(stream)
        CsvData.Read<float>(reader, "d", CsvOptions(LabelColumn.First, 101, PixelScaling.Divide 1.0))
    let fromFile, fromPipe = read (new MemoryStream(text)), read (pipeLike 1 text)
    Assert.Equal<int list>([ 100; 7 ], List.ofSeq fromPipe.Labels)
    Assert.Equal<float[]>(fromFile.Inputs.AsSpan().ToArray(), fromPipe.Inputs.AsSpan().ToArray())

[<Fact>]
let ``IsGzip recognises the gzip magic and nothing else`` () =
    Assert.True(IdxData.IsGzip(ReadOnlySpan(gzip [| 1uy |])))
    Assert.False(IdxData.IsGzip(ReadOnlySpan [| 0x1fuy |]))
    Assert.False(IdxData.IsGzip(ReadOnlySpan [| 0uy; 0uy; 8uy; 1uy |]))
    // gzip's first byte with another second one is not gzip: both bytes are the magic.
    Assert.False(IdxData.IsGzip(ReadOnlySpan [| 0x1fuy; 0x8auy |]))
