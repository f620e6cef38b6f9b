/// Paths and file names nn prints but did not write: on Linux a file name may hold a line break, which printed raw
/// starts a line of its own that can read like a result.
module Nn.Cli.Tests.PrintableTests

open System.IO
open System.Text.RegularExpressions
open Xunit
open Nn.Cli.Tests.Process

/// A model file name whose line break, printed raw, made a second accuracy line under eval's and train's real one.
let private forged = "m.nnm\ntest accuracy 1.0000 (359 of 359)"

let private forgedEscaped = "m.nnm\\ntest accuracy 1.0000 (359 of 359)"

/// The lines of standard output that start as an accuracy line does.
let private accuracyLines (output: string) = Regex.Matches(output, "^test accuracy", RegexOptions.Multiline).Count

[<Fact>]
let ``a model path holding a line break is escaped in train's saved line and in eval's and info's first lines, which add no line`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--epochs"; "1"; "--save"; forged; "--plot"; "curves\n.png" ]
    Assert.True((train.ExitCode = 0), string train)
    Assert.Contains($"\nsaved the model to {forgedEscaped}\n", train.Output)
    Assert.Contains("\nplotted the curves to curves\\n.png\n", train.Output)
    Assert.Equal(1, accuracyLines train.Output)
    // The same model under a plain name prints the same lines but the name.
    File.Copy(dir.File forged, dir.File "plain.nnm")
    for command in [ "eval"; "info" ] do
        let plain = dir.Run [ command; "plain.nnm" ]
        let run = dir.Run [ command; forged ]
        Assert.True((run.ExitCode = 0), string run)
        Assert.Equal(plain.Output.Replace("plain.nnm: ", forgedEscaped + ": "), run.Output)
        Assert.Equal(plain.Output.Split('\n').Length, run.Output.Split('\n').Length)
    Assert.Equal(1, accuracyLines (dir.Run [ "eval"; forged ]).Output)

[<Fact>]
let ``info escapes a checkpoint path holding a tab or a control character`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--epochs"; "1"; "--checkpoint"; "run\t1\u0001.ckpt" ]
    Assert.True((train.ExitCode = 0), string train)
    let info = dir.Run [ "info"; "run\t1\u0001.ckpt" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.StartsWith("run\\t1\\u0001.ckpt: checkpoint file, format version ", info.Output)

/// 20 rows of a table with one feature x and a class y.
let private tableRows = "x,y" :: [ for i in 0..19 -> sprintf "%d,%d" i (i % 2) ]

[<Fact>]
let ``a table file whose name holds a line break is named escaped in train's header and first lines and in eval's first line`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "t\nx.csv", tableRows)
    let train = dir.Run [ "train"; "--train"; "t\nx.csv"; "--target"; "y"; "--test-split"; "0.2"; "--epochs"; "1"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let header = "t\\nx.csv: 20 rows; header detected (the first row is not all numbers): x, y\n"
    Assert.StartsWith(header, train.Output)
    Assert.Contains("\nt\\nx.csv: 1-32(relu)-2(softmax), softmax-cross-entropy, ", train.Output)
    Assert.DoesNotContain("\nx.csv", train.Output)
    let eval = dir.Run [ "eval"; "m.nnm"; "--test"; "t\nx.csv" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.StartsWith("m.nnm: 1-32(relu)-2(softmax) on " + header, eval.Output)
    Assert.Equal(1, accuracyLines eval.Output)

[<Fact>]
let ``a data file whose name holds a tab is named escaped in train's and eval's first lines`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "d\tata.csv", [ for i in 0..19 -> sprintf "%d,%d,%d,%d" (i % 2) i (i * 2) (i * 3) ])
    let train = dir.Run [ "train"; "--train"; "d\tata.csv"; "--test"; "d\tata.csv"; "--classes"; "2"; "--epochs"; "1"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    Assert.StartsWith("d\\tata.csv: 3-32(relu)-2(softmax), ", train.Output)
    let eval = dir.Run [ "eval"; "m.nnm"; "--test"; "d\tata.csv"; "--classes"; "2" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.StartsWith("m.nnm: 3-32(relu)-2(softmax) on d\\tata.csv, 20 samples\n", eval.Output)

[<Fact>]
let ``predict and export name an output path holding a line break escaped in the line that reports it`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "t.csv", tableRows)
    let train = dir.Run [ "train"; "--train"; "t.csv"; "--target"; "y"; "--test-split"; "0.2"; "--epochs"; "1"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let predict = dir.Run [ "predict"; "m.nnm"; "--data"; "t.csv"; "--out"; "p\n.csv" ]
    Assert.True((predict.ExitCode = 0), string predict)
    Assert.Equal("wrote 20 predictions to p\\n.csv\n", predict.Output)
    let export = dir.Run [ "export"; "m.nnm"; "--onnx"; "o\n.onnx" ]
    Assert.True((export.ExitCode = 0), string export)
    Assert.StartsWith("o\\n.onnx: ONNX model of 1-32(relu)-2(softmax) (float32), ", export.Output)
    Assert.Equal(1, export.Output.Split('\n', System.StringSplitOptions.RemoveEmptyEntries).Length)
