/// Preprocessing: fitted on training rows only (means, sample deviations, categories, classes) and applied to any rows.
module Nn.Tests.Data.PreprocessingTests

open System
open System.Collections.Generic
open System.IO
open Nn
open Nn.Tests.Helpers
open Xunit

let private binary () = Table.Load(testData "binary.csv", Nullable true)

let private table (text: string) = Table.Read(new StringReader(text), "t.csv", Nullable())

let private admitOptions = PreprocessingOptions([ "admit" ], Categorical = [ "rank" ], Standardize = true)

/// The mean and the n − 1 standard deviation, computed here from the file's text.
let private meanAndDeviation (column: int) =
    let values = File.ReadAllLines(testData "binary.csv") |> Array.skip 1 |> Array.map (fun l -> inv (l.Split(',')[column]))
    let mean = Array.average values
    mean, sqrt ((values |> Array.sumBy (fun v -> (v - mean) ** 2.0)) / float (values.Length - 1))

[<Fact>]
let ``binary.csv gives standardised gre and gpa and rank as four 0-1 inputs`` () =
    let p = Preprocessing.Fit(binary (), admitOptions)
    let greMean, greDeviation = meanAndDeviation 1
    let gpaMean, gpaDeviation = meanAndDeviation 2
    Assert.Equal<string list>([ "gre"; "gpa"; "rank=1"; "rank=2"; "rank=3"; "rank=4" ], List.ofSeq p.InputNames)
    assertClose 1e-12 greMean p.Features[0].Mean
    assertClose 1e-12 greDeviation p.Features[0].Deviation
    assertClose 1e-12 gpaMean p.Features[1].Mean
    assertClose 1e-12 gpaDeviation p.Features[1].Deviation
    Assert.Equal((TableTask.Classification, 0, 2, 6, 2), (p.Task, p.LabelOffset, p.ClassCount, p.InputWidth, p.OutputWidth))
    let data = p.Dataset<float>(binary ())
    // Row 1 of the file: admit 0, gre 380, gpa 3.61, rank 3.
    assertAllClose 1e-12 [| (380.0 - greMean) / greDeviation; (3.61 - gpaMean) / gpaDeviation; 0.0; 0.0; 1.0; 0.0 |] (data.Inputs.RowArray 0)
    Assert.Equal(0, data.Labels[0])
    Assert.Equal(127, data.Labels |> Seq.sum)

[<Fact>]
let ``the standardisation comes from the rows it is fitted on, not from the rows it is applied to`` () =
    let train = table "x,y\n1,0\n3,1\n"
    let p = Preprocessing.Fit(train, PreprocessingOptions([ "y" ], Standardize = true))
    Assert.Equal((2.0, sqrt 2.0), (p.Features[0].Mean, p.Features[0].Deviation))
    let applied = p.Inputs<float>(table "x,y\n10,0\n")
    assertClose 1e-15 (8.0 / sqrt 2.0) applied[0, 0]

[<Fact>]
let ``without standardisation numbers pass through unchanged`` () =
    let p = Preprocessing.Fit(table "x,y\n380,0\n660,1\n", PreprocessingOptions([ "y" ]))
    Assert.Equal<float[]>([| 380.0; 660.0 |], (p.Inputs<float>(table "x,y\n380,0\n660,1\n")).AsSpan().ToArray())

[<Fact>]
let ``labels starting at 1 are detected as 1-based and an offset given is kept`` () =
    let rows = table "x,y\n0.5,1\n0.1,3\n0.2,2\n"
    let detected = Preprocessing.Fit(rows, PreprocessingOptions([ "y" ]))
    Assert.Equal((1, 3), (detected.LabelOffset, detected.ClassCount))
    Assert.Equal<int list>([ 0; 2; 1 ], List.ofSeq (detected.Dataset<float> rows).Labels)
    Assert.Equal(3, detected.ClassLabel 2)
    // A class index the network cannot give has no label: -5 was "label -4", 3 "label 4", a class never seen.
    Assert.Contains("classIndex must be in 0..2, but is 3", messageOf<ArgumentOutOfRangeException> (fun () -> detected.ClassLabel 3 |> ignore))
    Assert.Contains("classIndex must be in 0..2, but is -5", messageOf<ArgumentOutOfRangeException> (fun () -> detected.ClassLabel -5 |> ignore))
    let given = Preprocessing.Fit(rows, PreprocessingOptions([ "y" ], LabelOffset = Nullable 0))
    Assert.Equal((0, 4), (given.LabelOffset, given.ClassCount))

[<Fact>]
let ``labels starting above 1 are read as 0-based, so a class index is its label and the missing ones are classes too`` () =
    // Only a smallest label of 1 means 1-based: labels 2..4 are classes 2..4 of 0..4, not classes 0..2 offset by 2.
    let rows = table "x,y\n0.5,2\n0.1,4\n0.2,3\n"
    let p = Preprocessing.Fit(rows, PreprocessingOptions([ "y" ]))
    Assert.Equal((0, 5), (p.LabelOffset, p.ClassCount))
    Assert.Equal<int list>([ 2; 4; 3 ], List.ofSeq (p.Dataset<float> rows).Labels)
    Assert.Equal(4, p.ClassLabel 4)

[<Fact>]
let ``the task is classification for a few whole-number values and regression otherwise`` () =
    Assert.Equal(TableTask.Classification, Preprocessing.ChooseTask(table "x,y\n1,0\n2,1\n", [ "y" ]))
    Assert.Equal(TableTask.Regression, Preprocessing.ChooseTask(table "x,y\n1,0.5\n2,1\n", [ "y" ]))
    Assert.Equal(TableTask.Regression, Preprocessing.ChooseTask(table "x,y,z\n1,0,1\n2,1,0\n", [ "y"; "z" ]))
    // One whole number throughout is still a class label (a training set of one class), not a regression target.
    Assert.Equal(TableTask.Classification, Preprocessing.ChooseTask(table "x,y\n1,4\n2,4\n", [ "y" ]))
    let many = table ("x,y\n" + String.Join("\n", [ for i in 0..20 -> $"{i},{i}" ]))
    Assert.Equal(TableTask.Regression, Preprocessing.ChooseTask(many, [ "y" ]))

[<Fact>]
let ``a target of exactly MaxDefaultClasses distinct whole numbers is still taken for classes`` () =
    // "At most MaxDefaultClasses distinct": 20 values are classes, the 21 above are regression.
    Assert.Equal(20, Preprocessing.MaxDefaultClasses)
    let twenty = table ("x,y\n" + String.Join("\n", [ for i in 1..20 -> $"{i},{i}" ]))
    Assert.Equal(TableTask.Classification, Preprocessing.ChooseTask(twenty, [ "y" ]))

[<Fact>]
let ``regression keeps every target as a number, one output each`` () =
    let rows = table "a,t1,b,t2\n1,0.5,2,-3\n4,1.5,5,7\n"
    let p = Preprocessing.Fit(rows, PreprocessingOptions([ "t1"; "t2" ]))
    Assert.Equal((TableTask.Regression, 2, 2), (p.Task, p.InputWidth, p.OutputWidth))
    let data = p.Dataset<float> rows
    Assert.Equal<float[]>([| 0.5; -3.0; 1.5; 7.0 |], data.Targets.AsSpan().ToArray())
    Assert.Equal<float[]>([| 1.0; 2.0; 4.0; 5.0 |], data.Inputs.AsSpan().ToArray())

[<Fact>]
let ``rows are matched by name with a header and by position without, targets optional`` () =
    let p = Preprocessing.Fit(binary (), admitOptions)
    let expected = (p.Inputs<float>(table "admit,gre,gpa,rank\n0,380,3.61,3\n")).AsSpan().ToArray()
    let reordered = p.Inputs<float>(table "rank,gpa,gre\n3,3.61,380\n")
    let positional = p.Inputs<float>(Table.Read(new StringReader("0,380,3.61,3\n"), "t", Nullable false))
    let withoutTarget = p.Inputs<float>(Table.Read(new StringReader("380,3.61,3\n"), "t", Nullable false))
    Assert.Equal<float[]>(expected, reordered.AsSpan().ToArray())
    Assert.Equal<float[]>(expected, positional.AsSpan().ToArray())
    Assert.Equal<float[]>(expected, withoutTarget.AsSpan().ToArray())

[<Fact>]
let ``a category not seen in training gives all zeros`` () =
    let p = Preprocessing.Fit(table "c,y\nred,0\nblue,1\n", PreprocessingOptions([ "y" ], Categorical = [ "c" ]))
    Assert.Equal<string list>([ "blue"; "red" ], List.ofSeq p.Features[0].Categories)
    Assert.Equal<float[]>([| 0.0; 0.0 |], (p.Inputs<float>(table "c,y\ngreen,0\n")).AsSpan().ToArray())

[<Fact>]
let ``numeric categories are ordered as numbers`` () =
    let p = Preprocessing.Fit(table "c,y\n10,0\n2,1\n1,0\n", PreprocessingOptions([ "y" ], Categorical = [ "c" ]))
    Assert.Equal<string list>([ "1"; "2"; "10" ], List.ofSeq p.Features[0].Categories)

[<Fact>]
let ``numeric categories that are one number written two ways are ordered by their text, whatever the rows' order`` () =
    // "1" and "1.0" are equal as numbers; the tie goes by ordinal text, so a split that meets them in the other order
    // still gives the same inputs.
    let options = PreprocessingOptions([ "y" ], Categorical = [ "c" ])
    for text in [ "c,y\n1.0,0\n2,1\n1,0\n"; "c,y\n1,0\n2,1\n1.0,0\n" ] do
        let p = Preprocessing.Fit(table text, options)
        Assert.Equal<string list>([ "1"; "1.0"; "2" ], List.ofSeq p.Features[0].Categories)

[<Fact>]
let ``contradictory column choices are refused naming the column`` () =
    let rows = binary ()
    let refused (options: PreprocessingOptions) = Assert.Throws<ArgumentException>(fun () -> Preprocessing.Fit(rows, options) |> ignore).Message
    Assert.Contains("column 'gre' is both a target and a feature", refused (PreprocessingOptions([ "admit"; "gre" ], Features = [ "gre"; "gpa" ])))
    Assert.Contains("categorical column 'rank' is not a feature", refused (PreprocessingOptions([ "admit" ], Features = [ "gre" ], Categorical = [ "rank" ])))
    Assert.Contains("classification takes one target column, but 2 are named", refused (PreprocessingOptions([ "admit"; "rank" ], Task = Nullable TableTask.Classification)))
    Assert.Contains("no column is named or numbered 'rnak'", refused (PreprocessingOptions([ "rnak" ])))

[<Fact>]
let ``a field that is not a number is refused naming its row and column`` () =
    let e = Assert.Throws<DataFormatException>(fun () -> Preprocessing.Fit(table "x,y\n1,0\nabc,1\n", PreprocessingOptions([ "y" ])) |> ignore)
    Assert.Equal("t.csv, data row 2, column 'x': expected a finite number (a feature column of words is read when named categorical, one-hot encoded), but found 'abc'.", e.Message)

[<Fact>]
let ``a number followed by a NUL in a numeric column is refused naming its row and column`` () =
    let e = Assert.Throws<DataFormatException>(fun () -> Preprocessing.Fit(table "x,y\n1,0\n2\000,1\n", PreprocessingOptions([ "y" ])) |> ignore)
    Assert.Equal("t.csv, data row 2, column 'x': expected a finite number (a feature column of words is read when named categorical, one-hot encoded), but found '2\000'.", e.Message)

[<Fact>]
let ``a missing value in a numeric column is named as one, in training rows and in rows applied later`` () =
    for missing in [ "NA"; "?"; ""; "NaN" ] do
        let e = Assert.Throws<DataFormatException>(fun () -> Preprocessing.Fit(table $"x,y\n1,0\n{missing},1\n", PreprocessingOptions([ "y" ])) |> ignore)
        Assert.Equal($"t.csv, data row 2, column 'x': expected a finite number (a missing value is not filled in: fill it or drop the row), but found '{missing}'.", e.Message)
    let p = Preprocessing.Fit(table "x,y\n1,0\n2,1\n", PreprocessingOptions([ "y" ]))
    let e = Assert.Throws<DataFormatException>(fun () -> p.Inputs<float>(table "x,y\nNA,0\n") |> ignore)
    Assert.Equal("t.csv, data row 1, column 'x': expected a finite number (a missing value is not filled in: fill it or drop the row), but found 'NA'.", e.Message)

[<Fact>]
let ``a class label beyond the training classes is refused when applied`` () =
    let p = Preprocessing.Fit(table "x,y\n1,0\n2,1\n", PreprocessingOptions([ "y" ]))
    let e = Assert.Throws<DataFormatException>(fun () -> p.Dataset<float>(table "x,y\n1,2\n") |> ignore)
    Assert.Contains("expected a class label in 0..1 (the training data's), but found 2", e.Message)

[<Fact>]
let ``rows missing a model column are refused naming it`` () =
    let p = Preprocessing.Fit(binary (), admitOptions)
    let e = Assert.Throws<DataFormatException>(fun () -> p.Inputs<float>(table "gre,rank\n380,3\n") |> ignore)
    Assert.Contains("expected a column named 'gpa'", e.Message)

[<Fact>]
let ``a bad field in a split of a table is named by its row in the file`` () =
    let rows = table "x,y\n1,0\n2,1\n3,0\nabc,1\n5,0\n"
    let e = Assert.Throws<DataFormatException>(fun () -> Preprocessing.Fit(rows.Select [ 4; 3 ], PreprocessingOptions([ "y" ])) |> ignore)
    Assert.Equal("t.csv, data row 4, column 'x': expected a finite number (a feature column of words is read when named categorical, one-hot encoded), but found 'abc'.", e.Message)

[<Fact>]
let ``class labels are whole numbers within 2^30 either side of 0, and the message says so`` () =
    let e = Assert.Throws<DataFormatException>(fun () -> Preprocessing.Fit(table "x,y\n1,0\n2,2000000000\n", PreprocessingOptions([ "y" ], Task = Nullable TableTask.Classification)) |> ignore)
    Assert.Equal("t.csv, data row 2, column 'y': expected a whole-number class label in -1073741824..1073741824, but found '2000000000'.", e.Message)
    let low = Preprocessing.Fit(table "x,y\n1,-1073741824\n2,-1073741823\n", PreprocessingOptions([ "y" ], Task = Nullable TableTask.Classification, LabelOffset = Nullable -1073741824))
    Assert.Equal((-1073741824, 2), (low.LabelOffset, low.ClassCount))
    let offset = Assert.Throws<ArgumentOutOfRangeException>(fun () -> Preprocessing.Fit(table "x,y\n1,0\n", PreprocessingOptions([ "y" ], LabelOffset = Nullable Int32.MinValue)) |> ignore)
    Assert.Equal("LabelOffset", offset.ParamName)

[<Fact>]
let ``a value that standardising makes infinite is refused naming the column's mean and deviation`` () =
    let p = Preprocessing.Fit(table "x,y\n1,0\n2,1\n", PreprocessingOptions([ "y" ], Standardize = true))
    let e = Assert.Throws<DataFormatException>(fun () -> p.Inputs<float32>(table "x,y\n1e300,0\n") |> ignore)
    Assert.Equal("t.csv, data row 1, column 'x': expected a value that stays finite as float32 once standardised, (x − 1.5) / 0.7071067811865476, but found '1e300'.", e.Message)
    let plain = Preprocessing.Fit(table "x,y\n1,0\n2,1\n", PreprocessingOptions([ "y" ]))
    Assert.Contains("expected a value that is finite as float32, but found '1e300'", (Assert.Throws<DataFormatException>(fun () -> plain.Inputs<float32>(table "x,y\n1e300,0\n") |> ignore)).Message)

[<Fact>]
let ``a regression target beyond the element type's range is refused naming its row and column`` () =
    // 1e39 is ∞ in float32: the data set refused it as an argument naming no file, row or column (nn train: exit 2, usage).
    let rows = table "x,y\n1,1\n2,1e39\n"
    let p = Preprocessing.Fit(rows, PreprocessingOptions([ "y" ], Task = Nullable TableTask.Regression))
    let e = Assert.Throws<DataFormatException>(fun () -> p.Dataset<float32>(rows) |> ignore)
    Assert.Equal("t.csv, data row 2, column 'y': expected a target that is finite as float32, but found '1e39'.", e.Message)
    Assert.Equal(1e39, (p.Dataset<float>(rows)).Targets[1, 0])

[<Fact>]
let ``a column of values near double's largest standardises with a finite mean`` () =
    let p = Preprocessing.Fit(table "x,y\n1e308,0\n1.5e308,1\n", PreprocessingOptions([ "y" ], Standardize = true))
    Assert.Equal(1.25e308, p.Features[0].Mean, 1e-12 * 1.25e308)

[<Fact>]
let ``a column whose differences from the mean square past double's largest has its own deviation, not 1`` () =
    // (1e300 − 1.5e300)² overflows: the deviation was taken as infinite and replaced by 1, so every value stayed near
    // 1e300 after "standardising" and the column was refused as not finite in float.
    let p = Preprocessing.Fit(table "x,y\n1e300,0\n2e300,1\n", PreprocessingOptions([ "y" ], Standardize = true))
    assertClose 1e-12 (sqrt 0.5 * 1e300) p.Features[0].Deviation
    assertAllClose 1e-6 [| -(sqrt 0.5); sqrt 0.5 |] ((p.Inputs<float>(table "x,y\n1e300,0\n2e300,1\n")).AsSpan().ToArray())

[<Fact>]
let ``a column of one value repeated standardises to 0, whatever the rounding of its mean`` () =
    // Three 0.1s average to an ulp above 0.1, so Σ(v − mean)² was about 1e-34 rather than 0: the deviation came out as
    // 1.7e-17 instead of the constant column's 1, and a later value of 0.2 became an input of about 6e15.
    let p = Preprocessing.Fit(table "x,y\n0.1,0\n0.1,1\n0.1,0\n", PreprocessingOptions([ "y" ], Standardize = true))
    Assert.Equal((0.1, 1.0), (p.Features[0].Mean, p.Features[0].Deviation))
    Assert.Equal<float[]>([| 0.0; 0.1 |], (p.Inputs<float>(table "x\n0.1\n0.2\n")).AsSpan().ToArray() |> Array.map (fun v -> Math.Round(v, 12)))

[<Fact>]
let ``a column of values whose squares vanish has its own deviation, not the constant column's 1`` () =
    // (1e-200 − 2e-200)² is 0 in double: the column was taken as constant and divided by 1, leaving inputs near 1e-200.
    let p = Preprocessing.Fit(table "x,y\n1e-200,0\n2e-200,1\n3e-200,0\n", PreprocessingOptions([ "y" ], Standardize = true))
    Assert.Equal(1e-200, p.Features[0].Deviation, 1e-212)
    assertAllClose 1e-12 [| -1.0; 0.0; 1.0 |] ((p.Inputs<float>(table "x\n1e-200\n2e-200\n3e-200\n")).AsSpan().ToArray())

[<Fact>]
let ``one-hot inputs of more values than one array holds are refused as a fact about the table, not an overflow`` () =
    // 46,341 rows, each its own category: 46,341 × 46,341 inputs pass Limits.MaxElements.
    let rows = 46_341
    let text = Text.StringBuilder("c,y\n")
    for r in 0 .. rows - 1 do
        text.Append('k').Append(r).Append(',').Append(r % 2).Append('\n') |> ignore
    let wide = table (string text)
    let p = Preprocessing.Fit(wide, PreprocessingOptions([ "y" ], Categorical = [ "c" ]))
    Assert.Equal(rows, p.InputWidth)
    let e = Assert.Throws<DataFormatException>(fun () -> p.Inputs<float32>(wide) |> ignore)
    Assert.Contains("t.csv, the table: expected at most 2147483591 inputs in all (rows × inputs per row), but found 46341 rows × 46341 inputs.", e.Message)

[<Fact>]
let ``choosing a task for no target, or for a default ImmutableArray of targets, is refused naming targets`` () =
    let rows = table "x,y\n1,0\n2,1\n"
    let empty = Assert.ThrowsAny<ArgumentException>(fun () -> Preprocessing.ChooseTask(rows, []) |> ignore)
    Assert.Equal("at least one target column must be named. (Parameter 'targets')", empty.Message)
    let unset = Assert.ThrowsAny<ArgumentException>(fun () -> Preprocessing.ChooseTask(rows, Unchecked.defaultof<Collections.Immutable.ImmutableArray<string>>) |> ignore)
    Assert.Equal("targets is a default ImmutableArray, which holds no items. (Parameter 'targets')", unset.Message)

[<Fact>]
let ``options refuse a null or default list of targets and a default list of features or categorical columns, when made and in C#'s with`` () =
    let unset = Collections.Immutable.ImmutableArray<string>() :> IReadOnlyList<string>
    let refused (make: unit -> PreprocessingOptions) = (Assert.Throws<ArgumentException>(fun () -> make () |> ignore)).Message
    Assert.Equal("Targets", (Assert.Throws<ArgumentNullException>(fun () -> PreprocessingOptions(Unchecked.defaultof<IReadOnlyList<string>>) |> ignore)).ParamName)
    Assert.Equal("Targets is a default ImmutableArray, which holds no items. (Parameter 'Targets')", refused (fun () -> PreprocessingOptions(unset)))
    Assert.Equal("Features is a default ImmutableArray, which holds no items. (Parameter 'Features')", refused (fun () -> PreprocessingOptions([ "y" ], Features = unset)))
    Assert.Equal("Categorical is a default ImmutableArray, which holds no items. (Parameter 'Categorical')", refused (fun () -> PreprocessingOptions([ "y" ], Categorical = unset)))
    let options = PreprocessingOptions([ "y" ])
    for name in [ "Targets"; "Features"; "Categorical" ] do
        let e = Assert.Throws<Reflection.TargetInvocationException>(fun () -> (nonNull (typeof<PreprocessingOptions>.GetProperty name)).SetValue(options, box unset))
        Assert.Equal(name, (Assert.IsType<ArgumentException>(e.InnerException)).ParamName)
    Assert.Equal<string seq>([ "y" ], options.Targets)

[<Fact>]
let ``options keep their own copy of the column lists, so changing the caller's lists afterwards changes nothing`` () =
    let targets = ResizeArray [ "y" ]
    let features = ResizeArray [ "a"; "b" ]
    let categorical = ResizeArray [ "b" ]
    let options = PreprocessingOptions(targets, features, categorical)
    let copy = PreprocessingOptions([ "y" ], [ "a"; "b" ], [ "b" ])
    targets[0] <- "a"
    features.Add "c"
    categorical.Clear()
    Assert.Equal<string seq>([ "y" ], options.Targets)
    Assert.Equal<string seq>([ "a"; "b" ], nonNull options.Features)
    Assert.Equal<string seq>([ "b" ], options.CategoricalColumns)
    Assert.Equal(copy, options)
