/// The CSV reader: both label layouts, the scalings, and a specific error for every malformed line.
module Nn.Tests.Data.CsvDataTests

open System
open System.Reflection
open System.IO
open Nn
open Nn.Tests.Helpers
open Xunit

let private read (options: CsvOptions) (text: string) =
    CsvData.Read<float>(new StringReader(text), "test.csv", options)

let private failure (options: CsvOptions) (text: string) =
    Assert.Throws<DataFormatException>(fun () -> read options text |> ignore)

[<Fact>]
let ``the first 100 MNIST digits load with their labels and pixels scaled by 1/255`` () =
    let data = CsvData.Load<float>(testData "mnist_train_100.csv", CsvOptions.Mnist)
    Assert.Equal((100, 784, 10), (data.Count, data.Inputs.Columns, data.ClassCount))
    Assert.Equal<int list>([ 5; 0; 4; 1; 9 ], data.Labels |> Seq.take 5 |> List.ofSeq)
    let pixels = data.Inputs.AsSpan().ToArray()
    Assert.True(pixels |> Array.forall (fun v -> v >= 0.0 && v <= 1.0))
    Assert.Contains(1.0, pixels)

[<Fact>]
let ``the textbook scaling maps 0 to 0.01 and 255 to 1 with targets 0.01 and 0.99`` () =
    let data = read (CsvOptions(LabelColumn.First, 3, PixelScaling.Textbook)) "2,0,255\n0,51,102\n"
    Assert.Equal<float[]>([| 0.01; 1.0 |], data.Inputs.RowArray 0)
    assertAllClose 1e-15 [| 0.01 + 0.99 * 0.2; 0.01 + 0.99 * 0.4 |] (data.Inputs.RowArray 1)
    Assert.Equal<float[]>([| 0.01; 0.01; 0.99 |], data.Targets.RowArray 0)

[<Fact>]
let ``a label in the last column is read as in digits.csv`` () =
    let data = read (CsvOptions(LabelColumn.Last, 10, PixelScaling.Digits)) "0,8,16,7\n16,0,4,2\n"
    Assert.Equal<int list>([ 7; 2 ], List.ofSeq data.Labels)
    Assert.Equal<float[]>([| 0.0; 0.5; 1.0 |], data.Inputs.RowArray 0)

[<Fact>]
let ``a general maximum divides every value`` () =
    let data = read (CsvOptions(LabelColumn.First, 2, PixelScaling.Divide 4.0)) "1,2,4\n"
    Assert.Equal<float[]>([| 0.5; 1.0 |], data.Inputs.RowArray 0)

[<Fact>]
let ``blank lines are skipped but still counted in line numbers`` () =
    let e = failure CsvOptions.Mnist "1,2,3\n\n1,2\n"
    Assert.Equal("line 3", e.Location)

[<Fact>]
let ``a line with the wrong number of fields names the file, the line, the expected and the actual count`` () =
    let e = failure CsvOptions.Mnist "1,2,3\n1,2,3\n1,2\n"
    Assert.Equal("test.csv, line 3: expected 3 fields (as on the first line), but found 2.", e.Message)

[<Fact>]
let ``a field that is not a number names its line and field`` () =
    let e = failure CsvOptions.Mnist "1,2,3\n1,x7,3\n"
    Assert.Equal("test.csv, line 2, field 2: expected a finite number, but found 'x7'.", e.Message)

[<Fact>]
let ``a number followed by NUL bytes is refused, not read as the number`` () =
    // .NET's parser ignores trailing NULs, so "5\0\0" read as 5: binary data passed for digits.
    let e = failure CsvOptions.Mnist "1,2,3\n1,5\000\000,3\n"
    Assert.Equal("test.csv, line 2, field 2: expected a finite number, but found '5\000\000'.", e.Message)

[<Fact>]
let ``a label out of range names the range and the value`` () =
    let e = failure CsvOptions.Mnist "1,2,3\n12,2,3\n"
    Assert.Equal("test.csv, line 2, field 1: expected a label in 0..9, but found 12.", e.Message)
    // The class count itself is the first label out of range.
    Assert.Equal("test.csv, line 1, field 1: expected a label in 0..9, but found 10.", (failure CsvOptions.Mnist "10,2,3\n").Message)

[<Fact>]
let ``a fractional or negative label is refused`` () =
    Assert.Contains("found 1.5", (failure CsvOptions.Mnist "1.5,2,3\n").Message)
    Assert.Contains("found -1", (failure CsvOptions.Mnist "-1,2,3\n").Message)

[<Fact>]
let ``an empty file is refused rather than giving an empty data set`` () =
    Assert.Contains("no data lines", (failure CsvOptions.Mnist "\n\n").Message)

[<Fact>]
let ``a line with only a label is refused`` () =
    Assert.Contains("expected a label and at least 1 value", (failure CsvOptions.Mnist "3\n").Message)

[<Fact>]
let ``a missing file throws FileNotFoundException with its path`` () =
    let path = Path.Combine(Path.GetTempPath(), "nn-no-such-file.csv")
    let e = Assert.Throws<FileNotFoundException>(fun () -> CsvData.Load<float>(path, CsvOptions.Mnist) |> ignore)
    Assert.Contains(path, e.Message)

[<Fact>]
let ``pixel scaling rejects a maximum that is not positive`` () =
    Assert.Throws<ArgumentOutOfRangeException>(fun () -> PixelScaling.Divide 0.0 |> ignore) |> ignore
    Assert.Equal(1.0, PixelScaling.Bytes.Scale 255.0)
    Assert.Equal(0.5, PixelScaling.Digits.Scale 8.0)

[<Fact>]
let ``the digits read through the CSV reader keep their documented layout`` () =
    Assert.Equal(LabelColumn.Last, Digits.CsvOptions.Label)
    let all = Digits.LoadAll<float>()
    Assert.Equal<float[]>([| 0.0; 0.0; 5.0 / 16.0; 13.0 / 16.0 |], all.Inputs.RowArray 0 |> Array.take 4)
    Assert.Equal(0, all.Labels[0])

[<Fact>]
let ``a first line wider than the width limit is refused naming the line`` () =
    let wide = "1" + String.replicate (Limits.MaxWidth + 1) ",0"
    let e = failure CsvOptions.Mnist wide
    Assert.Equal("line 1", e.Location)
    Assert.Contains("at most 16777216 values per sample (Limits.MaxWidth)", e.Message)
    Assert.Contains("16777217", e.Message)

[<Fact>]
let ``a line of exactly the width limit's values loads as one sample that wide`` () =
    // The limit counts values, not fields: a label and 2^24 values are within it (float32 keeps the sample to 64 MB).
    let widest = "1" + String.replicate Limits.MaxWidth ",0"
    let data = CsvData.Read<float32>(new StringReader(widest), "wide.csv", CsvOptions.Mnist)
    Assert.Equal((1, Limits.MaxWidth), (data.Count, data.Inputs.Columns))
    Assert.Equal(1, data.Labels[0])

[<Fact>]
let ``a class count past the class limit is refused when the options are made, before any line is read`` () =
    let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> CsvOptions(LabelColumn.First, 100000000) |> ignore)
    Assert.Contains("ClassCount must be in 1..16384 (Limits.MaxClasses), but is 100000000", e.Message)
    Assert.Contains("but is 0", (Assert.Throws<ArgumentOutOfRangeException>(fun () -> CsvOptions(LabelColumn.First, 0) |> ignore)).Message)

[<Fact>]
let ``a label column that is not First or Last is refused when the options are made and when changed`` () =
    let made = Assert.Throws<ArgumentOutOfRangeException>(fun () -> CsvOptions(enum<LabelColumn> 7, 10) |> ignore)
    Assert.Equal("Label", made.ParamName)
    Assert.Contains("Label must be First or Last, but is 7", made.Message)
    // C#'s `with` goes through the init setters, so they check too.
    let options = CsvOptions(LabelColumn.First, 10)
    let set name (value: objnull) =
        let e = Assert.Throws<TargetInvocationException>(fun () -> (nonNull (typeof<CsvOptions>.GetProperty name)).SetValue(options, value))
        Assert.Contains("but is -1", (Assert.IsType<ArgumentOutOfRangeException>(e.InnerException)).Message)
    set "Label" (box (enum<LabelColumn> -1))
    set "ClassCount" (box -1)
    Assert.Equal(CsvOptions(LabelColumn.First, 10), options)
