/// How the table options describe a wide table (the lists of column names a person reads are bounded, the lists a
/// program reads are not) and which rows they fit the preprocessing on.
module Nn.Cli.Tests.TableOptionsTests

open System
open System.IO
open Xunit
open Nn
open Nn.Cli.Tests.Process

/// A CSV of 20 rows whose header names `names`, every field a small whole number (column c of row r is (r + c) mod 2).
let private writeTable (path: string) (names: string list) =
    let row (r: int) = String.Join(",", names |> List.mapi (fun c _ -> string ((r + c) % 2)))
    File.WriteAllLines(path, String.Join(",", names) :: [ for r in 0..19 -> row r ])

/// prefix1, prefix2, …, prefix50 and a count of the rest, as nn lists more than 50 names.
let private firstFifty (prefix: string) (total: int) =
    String.Join(", ", [ for i in 1..50 -> $"{prefix}{i}" ]) + $", … and {total - 50} more"

/// Fails unless every line of the run's output is short enough to read: a column list of thousands was one line.
let private assertShortLines (run: Run) =
    for line in run.Output.Split('\n') do
        Assert.True(line.Length < 1000, sprintf "a line of %d characters: %s…" line.Length (line.Substring(0, min 200 line.Length)))

[<Fact>]
let ``a table of 5,000 columns is listed by its first 50 names and a count of the rest in train, eval, info and export`` () =
    use dir = new TempDirectory()
    writeTable (dir.File "w.csv") ([ for i in 1..4999 -> $"x{i}" ] @ [ "y" ])
    let train = dir.Run [ "train"; "--train"; "w.csv"; "--target"; "y"; "--test-split"; "0.2"; "--epochs"; "1"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let columns, features = firstFifty "x" 5000, firstFifty "x" 4999
    let header = $"w.csv: 20 rows; header detected (the first row is not all numbers): {columns}\n"
    let inputs = $"\ninputs (4999): {features}\n"
    Assert.StartsWith(header, train.Output)
    Assert.Contains(inputs, train.Output)
    assertShortLines train
    let info = dir.Run [ "info"; "m.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains($"\ncolumns     {columns}\n", info.Output)
    Assert.Contains(inputs, info.Output)
    assertShortLines info
    let eval = dir.Run [ "eval"; "m.nnm"; "--test"; "w.csv" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.StartsWith("m.nnm: 4999-32(relu)-2(softmax) on " + header, eval.Output)
    let export = dir.Run [ "export"; "m.nnm"; "--onnx"; "m.onnx" ]
    Assert.True((export.ExitCode = 0), string export)
    Assert.Contains($" (raw columns {features}, preprocessed in the graph)", export.Output)
    assertShortLines export

[<Fact>]
let ``a regression of 60 targets lists 50 of them in its task and description lines, and predict's CSV header names all 60`` () =
    use dir = new TempDirectory()
    let targets = [ for i in 1..60 -> $"t{i}" ]
    writeTable (dir.File "r.csv") ([ "a"; "b" ] @ targets)
    let train =
        dir.Run [ "train"; "--train"; "r.csv"; "--target"; String.Join(",", targets); "--test-split"; "0.2"; "--epochs"; "1"; "--save"; "r.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let listed = firstFifty "t" 60
    Assert.Contains($"\ntask: regression, because {listed} names several columns (--task classification for class labels)\n", train.Output)
    Assert.Contains($"\nregression of {listed}\n", train.Output)
    // Each target still has its own line of measures.
    Assert.Contains("\ntest t60: RMSE ", train.Output)
    let predict = dir.Run [ "predict"; "r.nnm"; "--data"; "r.csv"; "--out"; "p.csv" ]
    Assert.True((predict.ExitCode = 0), string predict)
    Assert.StartsWith(String.Join(",", targets) + "\n", File.ReadAllText(dir.File "p.csv"))

[<Fact>]
let ``--test-split fits the standardisation on the training part only, so the held-out rows stay unseen`` () =
    use dir = new TempDirectory()
    // x grows with the square of the row, so the held-out rows move its mean and deviation.
    File.WriteAllLines(dir.File "s.csv", "x,y" :: [ for r in 0..39 -> $"{r * r},{r % 2}" ])
    let train = dir.Run [ "train"; "--train"; "s.csv"; "--target"; "y"; "--standardize"; "--test-split"; "0.25"; "--epochs"; "1"; "--save"; "s.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let table = Table.Load(dir.File "s.csv", Nullable())
    let parts = TableSplit.Split(table, 0.25, 1UL, "y")
    let options = PreprocessingOptions([ "y" ], Standardize = true)
    let saved = (ModelFile.LoadModel<float32>(dir.File "s.nnm")).Preprocessing |> nonNull
    Assert.Equal(Preprocessing.Fit(parts.Train, options).Features[0], saved.Features[0])
    Assert.NotEqual(Preprocessing.Fit(table, options).Features[0], saved.Features[0])

[<Fact>]
let ``a column list naming two columns whose names differ only in case takes both`` () =
    // Column names are matched exactly, so x and X are two columns, not one named twice.
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "cases.csv", [| "x,X,label"; "1,2,0"; "2,1,1"; "3,3,0"; "1,1,1" |])
    let run = dir.Run [ "train"; "--train"; "cases.csv"; "--test"; "cases.csv"; "--target"; "label"; "--features"; "x,X"; "--epochs"; "1" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("inputs (2): x, X\n", run.Output)
