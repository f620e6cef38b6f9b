/// The stream that refuses CSV text once holding it would need more memory than is left, tested in the process.
module Nn.Cli.Tests.BudgetedStreamTests

open System
open System.IO
open System.Text
open Xunit
open Nn.Cli

/// The text's bytes behind a budgeted stream of labelled float32 samples of 10 classes.
let private budgeted (available: int64) (text: string) =
    new BudgetedStream(new MemoryStream(Encoding.UTF8.GetBytes text), TextCost.Samples(4, 10), available, "--train", "data.csv")

[<Theory>]
[<InlineData("\n")>]
[<InlineData("\r\n")>]
[<InlineData("\r")>]
let ``text within the budget reads unchanged, each line break counted once`` (lineBreak: string) =
    let text = String.Join(lineBreak, [ "0,1,2"; "1,3,4"; "2,5,6" ]) + lineBreak
    use stream = budgeted (1L <<< 20) text
    use reader = new StreamReader(stream)
    Assert.Equal(text, reader.ReadToEnd())
    Assert.Equal(3L, stream.Lines)

[<Fact>]
let ``text past the budget is refused before the reader gets the bytes that pass it`` () =
    // "1,2\n" is a value and a line: (12 + 56) × 1.25 = 85 bytes of memory, so 85,000 bytes hold 1000 lines.
    use stream = budgeted 85_000L (String.replicate 100_000 "1,2\n")
    let buffer = Array.zeroCreate<byte> 1000
    let mutable passed = 0
    let refusal =
        Assert.Throws<BadInputException>(fun () ->
            while true do
                passed <- passed + stream.Read(buffer, 0, buffer.Length))
    Assert.True(passed <= 4000, sprintf "%d bytes reached the reader, more than the 1000 lines the budget holds" passed)
    Assert.StartsWith("--train data.csv: the data read so far (0.0 MiB of text in 1250 lines) would need about 0.1 MiB of memory as samples (", refusal.Message)
    Assert.Contains("12 bytes a value and 56 a line, its label and 10 one-hot targets, and a quarter more for the runtime), more than the 0.1 MiB available;", refusal.Message)

[<Fact>]
let ``an endless run of blank lines is refused, not waited on for ever`` () =
    // The readers skip blank lines without keeping anything, so only the count of line breaks can end such a stream.
    use stream = budgeted 1_000_000L (String.replicate 100_000 "\n")
    use reader = new StreamReader(stream)
    Assert.Throws<BadInputException>(fun () -> reader.ReadToEnd() |> ignore) |> ignore

[<Fact>]
let ``a table costs its characters, its fields and its rows, a sample its values and its one-hot targets`` () =
    // "1,2\n" as a table: 4 bytes × 2, 2 fields × 45 and a row's 72, then a quarter more.
    Assert.Equal(1.25 * (8.0 + 90.0 + 72.0), TextCost.Table().Need(4L, 1L, 1L))
    // As float64 samples of 3 classes: the value at 3 × 8 bytes, the line's label at 16 and targets at 3 × 8.
    Assert.Equal(1.25 * (24.0 + 16.0 + 24.0), TextCost.Samples(8, 3).Need(4L, 1L, 1L))
