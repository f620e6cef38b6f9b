/// Names a table brings with it on the command line: quoted CSV names, names holding commas, quotes, line breaks or
/// control characters, wide category lists, and the columns nn predict writes, all printed so they read back and keep
/// every message on one line.
module Nn.Cli.Tests.TableNamesTests

open System
open System.IO
open Xunit
open Nn
open Nn.Cli.Tests.Process

[<Fact>]
let ``a table quoted as R's write.csv writes it trains by its names, quotes a name that holds a comma where it lists names, and predict quotes it in its header`` () =
    use dir = new TempDirectory()
    let rows =
        [ for i in 0..59 ->
              let city = if i % 2 = 0 then "\"New York, NY\"" else "\"Oslo\""
              let verdict = if i % 10 >= 5 then 1 else 0
              String.Format(Globalization.CultureInfo.InvariantCulture, "{0},{1},{2}", city, i % 10, verdict) ]
    File.WriteAllLines(dir.File "quoted.csv", "\"city\",\"size\",\"verdict, final\"" :: rows)
    let train = dir.Run [ "train"; "--train"; "quoted.csv"; "--target"; "3"; "--categorical"; "city"; "--test-split"; "0.2"; "--standardize"; "--epochs"; "30"; "--save"; "q.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    Assert.Contains("header detected (the first row is not all numbers): city, size, \"verdict, final\"\n", train.Output)
    Assert.Contains("task: classification, because \"verdict, final\" holds whole numbers", train.Output)
    Assert.Contains("stratified by \"verdict, final\")", train.Output)
    Assert.Contains("city (one-hot: \"New York, NY\" Oslo)", train.Output)
    let predict = dir.Run [ "predict"; "q.nnm"; "--data"; "quoted.csv" ]
    Assert.True((predict.ExitCode = 0), string predict)
    Assert.StartsWith("\"verdict, final\",p0,p1\n", predict.Output)
    // The output is a table of its own: three fields a row, the name intact, the class first.
    let printed = Table.Read(new StringReader(predict.Output), "predictions", Nullable true)
    Assert.Equal(60, printed.Count)
    Assert.Equal<string list>([ "verdict, final"; "p0"; "p1" ], List.ofSeq printed.Columns)
    let predicted = printed.Rows |> Seq.map (fun row -> row[0]) |> List.ofSeq
    Assert.Equal<string list>([ for i in 0..59 -> if i % 10 >= 5 then "1" else "0" ], predicted)

[<Fact>]
let ``predict --out counts the rows it wrote when the target's name holds a line break`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "t.csv", "x,\"verdict\nfinal\"" :: [ for i in 0..39 -> sprintf "%d,%d" (i % 10) (if i % 10 >= 5 then 1 else 0) ])
    let train = dir.Run [ "train"; "--train"; "t.csv"; "--target"; "2"; "--test-split"; "0.2"; "--epochs"; "2"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let predict = dir.Run [ "predict"; "m.nnm"; "--data"; "t.csv"; "--out"; "p.csv" ]
    Assert.True((predict.ExitCode = 0), string predict)
    Assert.Equal("wrote 40 predictions to p.csv\n", predict.Output)
    Assert.Equal(40, Table.Load(dir.File "p.csv", Nullable true).Count)

[<Fact>]
let ``predict names the label column apart from the class columns when the target is named like one, so that its output reads back as a table`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "n2.csv", [ "a,p0"; "1,0"; "3,1"; "1,0"; "3,1" ])
    let train = dir.Run [ "train"; "--train"; "n2.csv"; "--test"; "n2.csv"; "--target"; "p0"; "--epochs"; "1"; "--save"; "n2.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let predict = dir.Run [ "predict"; "n2.nnm"; "--data"; "n2.csv"; "--out"; "o.csv" ]
    Assert.True((predict.ExitCode = 0), string predict)
    Assert.StartsWith("p0_label,p0,p1\n", File.ReadAllText(dir.File "o.csv"))
    Assert.Equal<string list>([ "p0_label"; "p0"; "p1" ], List.ofSeq (Table.Load(dir.File "o.csv", Nullable true).Columns))

[<Fact>]
let ``a one-hot column of more than 20 categories is listed by its first 20 and a count of the rest, in train's inputs line and in info`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "many.csv", "y,city" :: [ for i in 0..99 -> sprintf "%d,c%02d" (i % 2) (i % 50) ])
    let train = dir.Run [ "train"; "--train"; "many.csv"; "--test"; "many.csv"; "--target"; "y"; "--categorical"; "city"; "--epochs"; "1"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let line = "inputs (50): city (one-hot: c00 c01 c02 c03 c04 c05 c06 c07 c08 c09 c10 c11 c12 c13 c14 c15 c16 c17 c18 c19 … and 30 more)\n"
    Assert.Contains("\n" + line, train.Output)
    let info = dir.Run [ "info"; "m.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains("\n" + line, info.Output)
    // The model keeps every category: rows of the last one are still told apart from unseen ones.
    Assert.Equal(50, (ModelFile.LoadModel<float32>(dir.File "m.nnm").Preprocessing |> nonNull).Features[0].Categories.Length)

/// 20 rows whose column names hold a tab and a line break and whose categories a quote, a line break and a control character.

let private controlCsv (path: string) =
    let cities = [| "\"Lyon \"\"a\"\"\""; "\"Par\nis\""; "\"Ro\u0001me\"" |]
    File.WriteAllLines(path, "\"x\ty\",\"ci\nty\",y" :: [ for i in 0..19 -> sprintf "%d,%s,%d" i cities[i % 3] (i % 2) ])

[<Fact>]
let ``names and categories holding a quote, a line break or a control character are quoted and escaped in train's lines and in info`` () =
    use dir = new TempDirectory()
    controlCsv (dir.File "c.csv")
    let train = dir.Run [ "train"; "--train"; "c.csv"; "--target"; "y"; "--categorical"; "2"; "--test-split"; "0.2"; "--epochs"; "1"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let header = "c.csv: 20 rows; header detected (the first row is not all numbers): \"x\\ty\", \"ci\\nty\", y\n"
    let inputs = "\ninputs (4): \"x\\ty\", \"ci\\nty\" (one-hot: \"Lyon \\\"a\\\"\" \"Par\\nis\" \"Ro\\u0001me\")\n"
    Assert.StartsWith(header, train.Output)
    Assert.Contains(inputs, train.Output)
    let info = dir.Run [ "info"; "m.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains("\ncolumns     \"x\\ty\", \"ci\\nty\", y\n", info.Output)
    Assert.Contains(inputs, info.Output)
    let eval = dir.Run [ "eval"; "m.nnm"; "--test"; "c.csv" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.StartsWith("m.nnm: 4-32(relu)-2(softmax) on " + header, eval.Output)

[<Fact>]
let ``a target named with a line break is quoted in the task line and a refusal naming it stays one line`` () =
    use dir = new TempDirectory()
    controlCsv (dir.File "c.csv")
    let run = dir.Run [ "train"; "--train"; "c.csv"; "--target"; "2"; "--test-split"; "0.2"; "--epochs"; "1" ]
    Assert.True((run.ExitCode = 3), string run)
    Assert.Contains(
        "\ntask: regression, because \"ci\\nty\" holds 'Lyon \"a\"' (data row 1), which is not a finite number (--task classification for class labels)\n",
        run.Output)
    Assert.Contains("\nregression of \"ci\\nty\"\n", run.Output)
    Assert.Equal("nn: c.csv, data row 1, column 'ci\\nty': expected a finite number, but found 'Lyon \"a\"'.\n", run.Error)
