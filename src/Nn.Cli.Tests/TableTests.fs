/// Tables from the command line: train with named columns, eval and predict through the stored preprocessing.
module Nn.Cli.Tests.TableTests

open System
open System.Globalization
open System.IO
open Xunit
open Nn
open Nn.Cli.Tests.Process

let private binaryCsv = Path.Combine(AppContext.BaseDirectory, "TestData", "binary.csv")

/// y = 3·x1 − 0.5·x2 + 1 plus a small deterministic wiggle, on a 20 × 10 grid.
let private regressionCsv (path: string) =
    let rows =
        [ for i in 0..199 ->
              let x1 = float (i % 20) / 10.0 - 1.0
              let x2 = float (i / 20) / 2.0
              String.Format(CultureInfo.InvariantCulture, "{0:F4},{1:F2},{2:F4}", x1, x2, 3.0 * x1 - 0.5 * x2 + 1.0 + 0.1 * sin (7.0 * float i)) ]
    File.WriteAllLines(path, "x1,x2,y" :: rows)

let private readCsv (text: string) =
    text.Split('\n', StringSplitOptions.RemoveEmptyEntries) |> Array.skip 1 |> Array.map (fun line -> line.Split(','))

[<Fact>]
let ``the issue's binary.csv command states its choices, prints its accuracy, and eval and predict agree with it`` () =
    use dir = new TempDirectory()
    File.Copy(binaryCsv, dir.File "binary.csv")
    let train =
        dir.Run [ "train"; "--train"; "binary.csv"; "--header"; "--target"; "admit"; "--categorical"; "rank"; "--standardize"; "--test-split"; "0.1"; "--save"; "admit.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    Assert.Contains("binary.csv: 400 rows; header (--header): admit, gre, gpa, rank", train.Output)
    Assert.Contains("task: classification, because admit holds whole numbers", train.Output)
    Assert.Contains("held out 40 of 400 rows as test rows (--test-split 0.1, seed 1, stratified by admit)", train.Output)
    Assert.Contains("inputs (6): gre (standardised: mean ", train.Output)
    Assert.Contains("rank (one-hot: 1 2 3 4)", train.Output)
    Assert.Contains("6-32(relu)-2(softmax)", train.Output)
    let accuracy, _ = accuracyOf train
    Assert.InRange(accuracy, 0.5, 1.0)
    Assert.Matches(@"test accuracy \d\.\d{4} \(\d+/40\)", train.Output)

    let info = dir.Run [ "info"; "admit.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains("model file, format version 3, float32", info.Output)
    Assert.Contains("columns     admit, gre, gpa, rank", info.Output)
    Assert.Contains("rank (one-hot: 1 2 3 4)", info.Output)

    let eval = dir.Run [ "eval"; "admit.nnm"; "--test"; "binary.csv" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.Matches(@"test accuracy \d\.\d{4} \(\d+/400\)", eval.Output)

    // Predict reads the same raw rows (its target column ignored) and prints what the library's model computes.
    let predict = dir.Run [ "predict"; "admit.nnm"; "--data"; "binary.csv" ]
    Assert.True((predict.ExitCode = 0), string predict)
    Assert.StartsWith("admit,p0,p1\n", predict.Output)
    let model = ModelFile.LoadModel<float32>(dir.File "admit.nnm")
    let expected = model.Predict(Table.Load(dir.File "binary.csv", Nullable()))
    let printed = readCsv predict.Output
    Assert.Equal(400, printed.Length)
    for r in 0 .. printed.Length - 1 do
        Assert.Equal<float32[]>(expected.RowArray r, printed[r] |> Array.skip 1 |> Array.map (fun v -> Single.Parse(v, CultureInfo.InvariantCulture)))
        Assert.Equal((if expected[r, 1] > expected[r, 0] then "1" else "0"), printed[r][0])
    let labels = File.ReadAllLines(dir.File "binary.csv") |> Array.skip 1 |> Array.map (fun line -> line.Split(',')[0])
    let correct = Array.map2 (fun (row: string[]) label -> if row[0] = label then 1 else 0) printed labels |> Array.sum
    Assert.Contains(sprintf "(%d/400)" correct, eval.Output)

    // The ONNX export holds the preprocessing: ONNX Runtime on the raw gre, gpa and rank gives the same outputs.
    let export = dir.Run [ "export"; "admit.nnm"; "--onnx"; "admit.onnx" ]
    Assert.True((export.ExitCode = 0), string export)
    Assert.Contains("input \"input\" (raw columns gre, gpa, rank, preprocessed in the graph)", export.Output)
    let raw = File.ReadAllLines(dir.File "binary.csv") |> Array.skip 1 |> Array.collect (fun line -> line.Split(',') |> Array.skip 1 |> Array.map (fun v -> Single.Parse(v, CultureInfo.InvariantCulture)))
    use options = new Microsoft.ML.OnnxRuntime.SessionOptions(IntraOpNumThreads = 1)
    use session = new Microsoft.ML.OnnxRuntime.InferenceSession(dir.File "admit.onnx", options)
    use input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory<float32>(raw, [| 400L; 3L |])
    use runOptions = new Microsoft.ML.OnnxRuntime.RunOptions()
    use outputs = session.Run(runOptions, [| "input" |], [| input |], [| "output" |])
    let onnx = outputs[0].GetTensorDataAsSpan<float32>().ToArray()
    let library = expected.AsSpan().ToArray()
    let largest = Array.map2 (fun (o: float32) (l: float32) -> abs (o - l)) onnx library |> Array.max
    Assert.True(largest < 1e-5f, sprintf "largest difference %g" largest)

[<Fact>]
let ``nn export of a float32 model with a timestamp column takes float64 raw columns, says so, and gives the library's outputs`` () =
    // Seconds from 1.7e9, half a second apart: float32's spacing there is 128, so a float32 ONNX input made every
    // timestamp 1.7e9, and ONNX Runtime's predictions were not nn predict's.
    use dir = new TempDirectory()
    let rows =
        [ for i in 0..59 ->
              String.Format(CultureInfo.InvariantCulture, "{0:R},{1:R},{2}", 1_700_000_000.0 + 0.5 * float i, 3.0 + 0.1 * float (i % 7), i % 2) ]
    File.WriteAllLines(dir.File "events.csv", "timestamp,gpa,y" :: rows)
    let train = dir.Run [ "train"; "--train"; "events.csv"; "--target"; "y"; "--standardize"; "--test"; "events.csv"; "--epochs"; "3"; "--save"; "events.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let export = dir.Run [ "export"; "events.nnm"; "--onnx"; "events.onnx" ]
    Assert.True((export.ExitCode = 0), string export)
    Assert.Contains("(float32), input \"input\" (raw columns timestamp, gpa, preprocessed in the graph; as float64, since float32 would round timestamp too coarsely)", export.Output)
    let raw = rows |> List.toArray |> Array.collect (fun line -> line.Split(',') |> Array.take 2 |> Array.map (fun v -> Double.Parse(v, CultureInfo.InvariantCulture)))
    use options = new Microsoft.ML.OnnxRuntime.SessionOptions(IntraOpNumThreads = 1)
    use session = new Microsoft.ML.OnnxRuntime.InferenceSession(dir.File "events.onnx", options)
    use input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory<float>(raw, [| 60L; 2L |])
    use runOptions = new Microsoft.ML.OnnxRuntime.RunOptions()
    use outputs = session.Run(runOptions, [| "input" |], [| input |], [| "output" |])
    let onnx = outputs[0].GetTensorDataAsSpan<float32>().ToArray()
    let library = ModelFile.LoadModel<float32>(dir.File "events.nnm").Predict(Table.Load(dir.File "events.csv", Nullable())).AsSpan().ToArray()
    let largest = Array.map2 (fun (o: float32) (l: float32) -> abs (o - l)) onnx library |> Array.max
    Assert.True(largest < 1e-5f, sprintf "largest difference %g" largest)

[<Fact>]
let ``a regression run prints RMSE, MAE and R squared in train and eval, and predict writes the values to a file`` () =
    use dir = new TempDirectory()
    regressionCsv (dir.File "grid.csv")
    let train = dir.Run [ "train"; "--train"; "grid.csv"; "--target"; "y"; "--standardize"; "--test-split"; "0.2"; "--epochs"; "40"; "--save"; "grid.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    Assert.Contains("header detected (the first row is not all numbers): x1, x2, y", train.Output)
    Assert.Contains("task: regression, because y holds fractions or more than 20 values", train.Output)
    Assert.Contains("2-32(relu)-1(identity), quadratic", train.Output)
    Assert.DoesNotContain("accuracy", train.Output)
    let r2 = Text.RegularExpressions.Regex.Match(train.Output, @"test y: RMSE [\d.]+  MAE [\d.]+  R² ([\d.]+) \(40 rows\)")
    Assert.True(r2.Success, string train)
    Assert.InRange(Double.Parse(r2.Groups[1].Value, CultureInfo.InvariantCulture), 0.9, 1.0)
    Assert.Matches(@"train y: RMSE [\d.]+  MAE [\d.]+  R² [\d.]+ \(160 rows\)", train.Output)

    let eval = dir.Run [ "eval"; "grid.nnm"; "--test"; "grid.csv" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.Matches(@"test y: RMSE [\d.]+  MAE [\d.]+  R² [\d.]+ \(200 rows\)", eval.Output)

    // Rows without the target column and without a header are matched to the features by position.
    File.WriteAllLines(dir.File "rows.csv", [ "0.5000,1.00"; "-1.0000,4.50" ])
    let predict = dir.Run [ "predict"; "grid.nnm"; "--data"; "rows.csv"; "--out"; "predictions.csv" ]
    Assert.True((predict.ExitCode = 0), string predict)
    Assert.Contains("wrote 2 predictions to predictions.csv", predict.Output)
    let values = readCsv (File.ReadAllText(dir.File "predictions.csv")) |> Array.map (fun row -> float row[0])
    // The truth is 3·0.5 − 0.5 + 1 = 2 and −3 − 2.25 + 1 = −4.25; a fit with R² ≥ 0.9 is within 1 of both.
    Assert.InRange(values[0], 1.0, 3.0)
    Assert.InRange(values[1], -5.25, -3.25)

[<Fact>]
let ``predict with a model trained on pixels reads IDX images without labels`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--epochs"; "2"; "--save"; "digits.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let pixels = Array.init (3 * 64) (fun i -> byte (i % 17))
    File.WriteAllBytes(dir.File "three-images-idx3-ubyte", Nn.Tests.IdxFiles.idxBytes [ 3; 8; 8 ] pixels)
    let predict = dir.Run [ "predict"; "digits.nnm"; "--data"; "three-images-idx3-ubyte"; "--scale"; "16" ]
    Assert.True((predict.ExitCode = 0), string predict)
    let rows = readCsv predict.Output
    Assert.Equal(3, rows.Length)
    let network = ModelFile.Load<float32>(dir.File "digits.nnm")
    let inputs = Matrix<float32>.Create(3, 64, ReadOnlySpan(pixels |> Array.map (fun p -> float32 (float p / 16.0))))
    Assert.Equal<string[]>(Network.Classify(network, inputs) |> Array.map string, rows |> Array.map (fun row -> row[0]))

[<Fact>]
let ``table options are refused where they cannot apply`` () =
    use dir = new TempDirectory()
    File.Copy(binaryCsv, dir.File "binary.csv")
    let cases =
        [ [ "train"; "--train"; "binary.csv"; "--test"; "binary.csv"; "--standardize" ], "--standardize only applies with --target, which is not given."
          [ "train"; "--train"; "binary.csv"; "--target"; "admit" ], "a table needs test rows: give --test FILE, or --test-split FRACTION"
          [ "train"; "--train"; "binary.csv"; "--target"; "admit"; "--test-split"; "0.1"; "--scale"; "16" ], "--scale cannot be used with --target"
          [ "train"; "--train"; "binary.csv"; "--target"; "admitted"; "--test-split"; "0.1" ], "no column is named or numbered 'admitted'; the columns are admit, gre, gpa, rank"
          [ "train"; "--train"; "binary.csv"; "--target"; "admit"; "--test-split"; "1.5" ], "--test-split must be a fraction in (0, 1), but is 1.5."
          [ "train"; "--train"; "binary.csv"; "--test"; "binary.csv"; "--target"; "admit"; "--test-split"; "0.1" ], "--test-split cannot be used with --test"
          [ "train"; "--train"; "binary.csv"; "--target"; "gpa"; "--test-split"; "0.1"; "--label-offset"; "1" ], "this is a regression, which has no classes"
          [ "train"; "--train"; "binary.csv"; "--target"; "admit"; "--test-split"; "0.1"; "--categorical"; "admit" ], "categorical column 'admit' is not a feature" ]
    for args, message in cases do
        let run = dir.Run args
        Assert.True((run.ExitCode = 2), string run)
        Assert.Contains(message, run.Error)

[<Fact>]
let ``a table option given to a model that was not trained on a table is refused`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--epochs"; "1"; "--save"; "digits.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    File.WriteAllLines(dir.File "rows.csv", [ String.Join(",", Array.create 64 "0") ])
    let predict = dir.Run [ "predict"; "digits.nnm"; "--data"; "rows.csv"; "--header" ]
    Assert.True((predict.ExitCode = 2), string predict)
    Assert.Contains("--header does not apply: the model digits.nnm was not trained on a table", predict.Error)
    let plain = dir.Run [ "predict"; "digits.nnm"; "--data"; "rows.csv" ]
    Assert.True((plain.ExitCode = 0), string plain)
    Assert.StartsWith("class,p0,p1,", plain.Output)

[<Fact>]
let ``a categorical column with empty fields trains, saves as version 5, and eval and predict read it back`` () =
    use dir = new TempDirectory()
    let rows = [ for i in 0..119 -> String.Format(CultureInfo.InvariantCulture, "{0:F2},{1},{2}", float (i % 7) / 7.0, [| "red"; ""; "blue" |][i % 3], i % 2) ]
    File.WriteAllLines(dir.File "missing.csv", "x,colour,y" :: rows)
    let train = dir.Run [ "train"; "--train"; "missing.csv"; "--target"; "y"; "--categorical"; "colour"; "--test-split"; "0.25"; "--epochs"; "2"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    Assert.Contains("colour (one-hot: (empty) blue red)", train.Output)
    let info = dir.Run [ "info"; "m.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains("model file, format version 5, float32", info.Output)
    let eval = dir.Run [ "eval"; "m.nnm"; "--test"; "missing.csv" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.Matches(@"test accuracy \d\.\d{4} \(\d+/120\)", eval.Output)
    let predict = dir.Run [ "predict"; "m.nnm"; "--data"; "missing.csv" ]
    Assert.True((predict.ExitCode = 0), string predict)
    Assert.Equal(121, predict.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length)
    // ONNX compares categories as numbers, so the empty one cannot go into the graph: refused as the words are.
    let export = dir.Run [ "export"; "m.nnm"; "--onnx"; "m.onnx" ]
    Assert.True((export.ExitCode = 3), string export)
    Assert.Contains("nn: the categorical column 'colour' has the category '', which is not a number", export.Error)
    Assert.DoesNotContain("unexpected error", export.Error)

[<Fact>]
let ``a category longer than a model file holds is refused before training, naming its row`` () =
    use dir = new TempDirectory()
    let rows = [ for i in 0..19 -> sprintf "%d,%s,%d" i (if i = 5 then String('x', 5000) else "short") (i % 2) ]
    File.WriteAllLines(dir.File "long.csv", "x,c,y" :: rows)
    let train = dir.Run [ "train"; "--train"; "long.csv"; "--test"; "long.csv"; "--target"; "y"; "--categorical"; "c"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 3), string train)
    Assert.Contains("data row 6, column 'c': expected a category of at most 4096 UTF-8 bytes (what a model file stores), but found 5000 bytes.", train.Error)
    Assert.DoesNotContain("epoch", train.Output)

[<Fact>]
let ``a regression with --validation measures its train line on the rows it was fitted to, not on the held-out ones too`` () =
    use dir = new TempDirectory()
    regressionCsv (dir.File "grid.csv")
    // 160 training rows, 40 of them held out for validation: the train line counted all 160, the 40 never trained on among them.
    let train = dir.Run [ "train"; "--train"; "grid.csv"; "--target"; "y"; "--test-split"; "0.2"; "--validation"; "0.25"; "--epochs"; "3" ]
    Assert.True((train.ExitCode = 0), string train)
    Assert.Matches(@"train y: RMSE [\d.]+  MAE [\d.]+  R² -?[\d.]+ \(120 rows\)", train.Output)
    Assert.Matches(@"test y: RMSE [\d.]+  MAE [\d.]+  R² -?[\d.]+ \(40 rows\)", train.Output)

[<Fact>]
let ``info on a regression's checkpoint shows its last epoch's costs and no accuracy, which a network of one output does not have`` () =
    use dir = new TempDirectory()
    regressionCsv (dir.File "r.csv")
    let train = dir.Run [ "train"; "--train"; "r.csv"; "--target"; "y"; "--test-split"; "0.2"; "--epochs"; "2"; "--checkpoint"; "r.nnck" ]
    Assert.True((train.ExitCode = 0), string train)
    let info = dir.Run [ "info"; "r.nnck" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Matches(@"last epoch  2: train cost \d+\.\d{4}, test cost \d+\.\d{4}\n", info.Output)
    Assert.DoesNotContain("accuracy", info.Output)

[<Fact>]
let ``a target of no name is refused before a task is chosen for it`` () =
    use dir = new TempDirectory()
    regressionCsv (dir.File "r.csv")
    for target in [ ""; " , " ] do
        let run = dir.Run [ "train"; "--train"; "r.csv"; "--target"; target; "--test-split"; "0.2" ]
        Assert.True((run.ExitCode = 2), string run)
        Assert.Contains("--target must name at least one column", run.Error)
        Assert.DoesNotContain("task:", run.Output)

[<Fact>]
let ``gradcheck checks a table model on rows of its columns through its own preprocessing, and refuses the options that do not apply`` () =
    use dir = new TempDirectory()
    File.Copy(binaryCsv, dir.File "binary.csv")
    regressionCsv (dir.File "grid.csv")
    let classes = dir.Run [ "train"; "--train"; "binary.csv"; "--target"; "admit"; "--categorical"; "rank"; "--standardize"; "--test-split"; "0.1"; "--epochs"; "2"; "--save"; "admit.nnm" ]
    Assert.True((classes.ExitCode = 0), string classes)
    let values = dir.Run [ "train"; "--train"; "grid.csv"; "--target"; "y"; "--standardize"; "--test-split"; "0.2"; "--epochs"; "2"; "--save"; "grid.nnm" ]
    Assert.True((values.ExitCode = 0), string values)
    // The first two read as tables: before, the header row and named columns failed as label-first samples.
    for arguments, code, text in
        [ [ "gradcheck"; "admit.nnm"; "--data"; "binary.csv"; "--samples"; "5" ], 0, "softmax-cross-entropy, 5 samples"
          [ "gradcheck"; "grid.nnm"; "--data"; "grid.csv" ], 0, "1(identity), quadratic, 3 samples"
          [ "gradcheck"; "grid.nnm" ], 2, "the model grid.nnm was trained on a table; give rows to check it on with --data FILE."
          [ "gradcheck"; "grid.nnm"; "--data"; "grid.csv"; "--scale"; "16" ], 2, "--scale does not apply: the model grid.nnm was trained on a table and reads its columns, scaling and classes from its own preprocessing."
          [ "gradcheck"; "--data"; "grid.csv"; "--header"; "--layers"; "2-4-3" ], 2, "--header does not apply" ] do
        let run = dir.Run arguments
        Assert.True((run.ExitCode = code), string run)
        Assert.Contains(text, run.Output + run.Error)
        Assert.Equal((code = 0), run.Output.Contains "gradient check passed")

[<Fact>]
let ``gradcheck refuses rows on which the model's cost is not finite, exit code 3, instead of failing the gradient on NaN`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "train.csv", "x,y" :: [ for i in 0..39 -> sprintf "%d,%d" (i % 10) (if i % 10 >= 5 then 1 else 0) ])
    let train = dir.Run [ "train"; "--train"; "train.csv"; "--target"; "y"; "--test-split"; "0.2"; "--epochs"; "2"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    // 1e308 is a finite double, so the rows read, but the first layer's sums overflow and the cost is NaN.
    File.WriteAllLines(dir.File "huge.csv", [ "x,y"; "1e308,0"; "-1e308,1"; "1e308,1" ])
    let run = dir.Run [ "gradcheck"; "m.nnm"; "--data"; "huge.csv" ]
    Assert.True((run.ExitCode = 3), string run)
    Assert.Equal(
        "nn: the model m.nnm has a cost that is not finite (NaN or ∞) on the 3 samples of huge.csv checked: its weights or these samples overflow float64, so there is no gradient to check.\n",
        run.Error)
    Assert.DoesNotContain("gradient check", run.Output)

[<Fact>]
let ``a target of words is said to hold a field that is not a finite number, not fractions or more than 20 values`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "t.csv", "x,city" :: [ for i in 0..9 -> sprintf "%d,%s" i (if i % 2 = 0 then "\"New York, NY\"" else "Oslo") ])
    let run = dir.Run [ "train"; "--train"; "t.csv"; "--target"; "city"; "--test-split"; "0.2" ]
    Assert.True((run.ExitCode = 3), string run)
    Assert.Contains("task: regression, because city holds 'New York, NY' (data row 1), which is not a finite number (--task classification for class labels)\n", run.Output)
    Assert.DoesNotContain("fractions", run.Output)
    Assert.Equal("nn: t.csv, data row 1, column 'city': expected a finite number, but found 'New York, NY'.\n", run.Error)

[<Fact>]
let ``a column list with an empty entry or a column named twice is refused before anything is printed, naming the option and the entry`` () =
    use dir = new TempDirectory()
    regressionCsv (dir.File "r.csv")
    for option, list, message in
        [ "--target", "y,", "--target 'y,' has an empty entry; name each column once, separated by commas."
          "--target", "y,y", "--target 'y,y' names 'y' twice; name each column once, separated by commas."
          "--features", "x1,,x2", "--features 'x1,,x2' has an empty entry; name each column once, separated by commas."
          "--features", "x1, x2,x1", "--features 'x1, x2,x1' names 'x1' twice; name each column once, separated by commas."
          "--categorical", "x1,", "--categorical 'x1,' has an empty entry; name each column once, separated by commas."
          "--categorical", "x2,x2", "--categorical 'x2,x2' names 'x2' twice; name each column once, separated by commas." ] do
        let target = if option = "--target" then [] else [ "--target"; "y" ]
        let run = dir.Run([ "train"; "--train"; "r.csv"; "--test-split"; "0.2"; "--epochs"; "1"; option; list ] @ target)
        Assert.True((run.ExitCode = 2), string run)
        Assert.StartsWith($"nn: {message}\n", run.Error)
        Assert.Equal("", run.Output)

[<Fact>]
let ``gradcheck refuses rows whose cost is too large for a central difference of epsilon to measure, exit code 3, instead of failing a correct gradient`` () =
    use dir = new TempDirectory()
    regressionCsv (dir.File "grid.csv")
    let train = dir.Run [ "train"; "--train"; "grid.csv"; "--target"; "y"; "--standardize"; "--test-split"; "0.2"; "--epochs"; "2"; "--save"; "grid.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    // Targets of ±3e38 make the cost about 1e77, whose rounding (about 1e61) a step of 2ε = 2e-5 cannot get past:
    // every central difference was 0, and a correct backpropagation was reported FAILED with exit code 1.
    File.WriteAllLines(dir.File "b.csv", [ "x1,x2,y"; "1,1,3e38"; "-1,1,-3e38" ])
    let run = dir.Run [ "gradcheck"; "grid.nnm"; "--data"; "b.csv"; "--samples"; "2" ]
    Assert.True((run.ExitCode = 3), string run)
    Assert.Matches(
        @"^nn: the model grid\.nnm has a cost of \d\.\d{3}E\+076 on the 2 samples of b\.csv checked, too large for a central difference of ε = 1E-05 to measure: its rounding over a step of 2ε, \d\.\d{3}E\+0\d\d, is not below the largest derivative backpropagation gives, \d\.\d{3}E\+0\d\d; scale the targets down \(or the inputs\) and check again\.\n$",
        run.Error)
    Assert.DoesNotContain("gradient check", run.Output)
    // Ordinary rows of the same model are still checked.
    let fine = dir.Run [ "gradcheck"; "grid.nnm"; "--data"; "grid.csv" ]
    Assert.True((fine.ExitCode = 0), string fine)
