/// A table model exported with its preprocessing as ONNX nodes: ONNX Runtime on the raw columns gives the library's outputs.
module Nn.Onnx.Tests.PreprocessingExportTests

open System
open System.IO
open Nn
open Nn.Onnx
open Nn.Onnx.Tests.OnnxRuntime
open Xunit

let private binary () = Table.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "binary.csv"), Nullable true)

let private preprocessing =
    Preprocessing.Fit(binary (), PreprocessingOptions([ "admit" ], Categorical = [ "rank" ], Standardize = true))

/// The raw feature columns in the preprocessing's order (gre, gpa, rank), as the ONNX input takes them.
let private rawColumns (table: Table) =
    [| for row in table.Rows do
           for feature in preprocessing.Features -> Double.Parse(row[table.ColumnIndex feature.Name], Globalization.CultureInfo.InvariantCulture) |]

let private network<'T when 'T :> Numerics.IFloatingPointIeee754<'T> and 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType> () =
    Network.Create<'T>(Architecture.Input(6).Dense(5, Activation.Tanh).Dense(2, Activation.Softmax), Initializer.Xavier, 4UL)

[<Fact>]
let ``ONNX Runtime on the raw float32 columns gives the library's outputs on the raw rows`` () =
    let model = Model<float32>(network<float32> (), preprocessing)
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions()))
    let table = binary ()
    let outputs = run session "input" "output" table.Count 3 (rawColumns table |> Array.map float32)
    let expected = model.Predict table
    let d = difference (outputs |> Array.map float) (expected.AsSpan().ToArray() |> Array.map float)
    Assert.True(d.Normwise < 1e-5, sprintf "%A" d)

[<Fact>]
let ``ONNX Runtime on the raw float64 columns gives the library's outputs to double rounding`` () =
    let model = Model<float>(network<float> (), preprocessing)
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions()))
    let table = binary ()
    let outputs = run session "input" "output" table.Count 3 (rawColumns table)
    let d = difference outputs ((model.Predict table).AsSpan().ToArray())
    Assert.True(d.Normwise < 1e-12, sprintf "%A" d)

[<Fact>]
let ``a rank the training rows never had gives all-zero one-hot inputs in ONNX as in the library`` () =
    let model = Model<float>(network<float> (), preprocessing)
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions()))
    let table = Table.Create([ "gre"; "gpa"; "rank" ], [ [ "600"; "3.5"; "7" ] :> Collections.Generic.IReadOnlyList<string> ])
    let outputs = run session "input" "output" 1 3 [| 600.0; 3.5; 7.0 |]
    let d = difference outputs ((model.Predict table).AsSpan().ToArray())
    Assert.True(d.Normwise < 1e-12, sprintf "%A" d)

[<Fact>]
let ``a model without preprocessing exports exactly as its network`` () =
    let plain = network<float32> ()
    Assert.Equal<byte[]>(OnnxExport.ToBytes plain, OnnxPreprocessing.ToBytes(Model<float32>(plain, null), OnnxExportOptions()))

[<Fact>]
let ``categories written as words are refused, naming the column and the category`` () =
    let words = Table.Create([ "colour"; "y" ], [ [ "red"; "0" ] :> Collections.Generic.IReadOnlyList<string>; [ "blue"; "1" ] ])
    let fitted = Preprocessing.Fit(words, PreprocessingOptions([ "y" ], Categorical = [ "colour" ]))
    let model = Model<float32>(Network.Create<float32>(Architecture.Input(2).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL), fitted)
    let e = Assert.Throws<NotSupportedException>(fun () -> OnnxPreprocessing.ToBytes(model, OnnxExportOptions()) |> ignore)
    Assert.Contains("the categorical column 'colour' has the category 'blue', which is not a number", e.Message)

[<Fact>]
let ``categories that are the same number in the element type, or that it cannot hold, are refused naming them`` () =
    // "1" and "1.0" are two categories to the library, which compares text, but one number to ONNX's Equal: an input
    // of 1 set both one-hot inputs, which no row gives in the library.
    let export (elementType: string) (categories: string list) =
        let rows = categories |> List.mapi (fun i c -> [ c; string (i % 2) ] :> Collections.Generic.IReadOnlyList<string>)
        let fitted = Preprocessing.Fit(Table.Create([ "c"; "y" ], rows), PreprocessingOptions([ "y" ], Categorical = [ "c" ]))
        let architecture = Architecture.Input(fitted.InputWidth).Dense(2, Activation.Softmax)
        fun () ->
            if elementType = "float32" then OnnxPreprocessing.ToBytes(Model<float32>(Network.Create<float32>(architecture, Initializer.Xavier, 1UL), fitted), OnnxExportOptions()) |> ignore
            else OnnxPreprocessing.ToBytes(Model<float>(Network.Create<float>(architecture, Initializer.Xavier, 1UL), fitted), OnnxExportOptions()) |> ignore
    let refused elementType categories = (Assert.Throws<NotSupportedException>(export elementType categories)).Message
    Assert.Contains("the categorical column 'c' has the categories '1' and '1.0', which are the same number in float64", refused "float64" [ "1"; "1.0"; "2" ])
    Assert.Contains("the categories '16777216' and '16777217', which are the same number in float32", refused "float32" [ "16777216"; "16777217" ])
    Assert.Contains("the category '1e39', which float32 cannot hold", refused "float32" [ "1"; "1e39" ])
    // Distinct in float64, where each keeps its own value.
    export "float64" [ "16777216"; "16777217" ] ()

[<Fact>]
let ``a standardised column whose mean float32 holds only as infinity goes in as float64 and gives the library's outputs`` () =
    // A mean of 1.25e300: float32 holds it as ∞, and a float32 graph computed (x − ∞)/∞ = NaN for every row (the
    // export was refused). The library standardises in double, and so does the graph with a float64 input.
    let rows = [ [ "1e300"; "0" ] :> Collections.Generic.IReadOnlyList<string>; [ "1.5e300"; "1" ] ]
    let table = Table.Create([ "x"; "y" ], rows)
    let fitted = Preprocessing.Fit(table, PreprocessingOptions([ "y" ], Standardize = true))
    let model = Model<float32>(Network.Create<float32>(Architecture.Input(1).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL), fitted)
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions()))
    let outputs = runMixed<float, float32> session "input" "output" 2 1 [| 1e300; 1.5e300 |]
    let d = difference (outputs |> Array.map float) ((model.Predict table).AsSpan().ToArray() |> Array.map float)
    Assert.True(d.Normwise < 1e-5, sprintf "%A" d)

[<Fact>]
let ``a table model whose network takes an image gets its preprocessed rows as images in ONNX Runtime, as in the library`` () =
    // Six inputs (gre, gpa, rank=1..4) as a 1×2×3 image into a convolution, batch normalisation and pooling: the
    // preprocessing's batch × 6 went straight into Conv, which takes batch × C × H × W, and the model did not load.
    let architecture =
        Architecture.Input(1, 2, 3).Conv2D(2, 2, 2, Activation.Relu, padding = 1).BatchNorm().MaxPool2D(2).Dense(2, Activation.Softmax)
    let model = Model<float32>(Network.Create<float32>(architecture, Initializer.He, 4UL), preprocessing)
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions()))
    let table = binary ()
    let outputs = run session "input" "output" table.Count 3 (rawColumns table |> Array.map float32)
    let d = difference (outputs |> Array.map float) ((model.Predict table).AsSpan().ToArray() |> Array.map float)
    Assert.True(d.Normwise < 1e-5, sprintf "%A" d)

[<Fact>]
let ``saving a table model refuses an empty path with the message saving a network gives`` () =
    // OnnxPreprocessing.Save passed "" on to .NET, whose message was "The value cannot be an empty string.".
    let model = Model<float32>(network<float32> (), preprocessing)
    let e = Assert.Throws<ArgumentException>(fun () -> OnnxPreprocessing.Save(model, ""))
    Assert.Equal("path must name a file, but is ''. (Parameter 'path')", e.Message)
    Assert.Equal(e.Message, Assert.Throws<ArgumentException>(fun () -> OnnxExport.Save(model.Network, "")).Message)

[<Fact>]
let ``every preprocessing constant's values fill their protobuf field's array exactly, as the network's tensors do`` () =
    let lengths = OnnxExportTests.fieldLengths (OnnxPreprocessing.Build(Model<float32>(network<float32> (), preprocessing), OnnxExportOptions()))
    Assert.Equal<(string * int * int) list>([ for name, count, _ in lengths -> name, count, count ], lengths)

[<Fact>]
let ``an input or output name in the preprocessing's own namespace is refused, naming it`` () =
    // preprocessing.raw is the selected columns' value: an output named so made two nodes write one value.
    let model = Model<float32>(network<float32> (), preprocessing)
    for options, name in [ OnnxExportOptions(OutputName = "preprocessing.raw"), "preprocessing.raw"; OnnxExportOptions(InputName = "preprocessing.rows"), "preprocessing.rows" ] do
        let e = Assert.Throws<ArgumentException>(fun () -> OnnxPreprocessing.ToBytes(model, options) |> ignore)
        Assert.Contains($"the name '{name}' is used by the exported graph itself", e.Message)

[<Fact>]
let ``a table model's raw input and its output carry the batch dimension name the options give`` () =
    let model = Model<float32>(network<float32> (), preprocessing)
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions(BatchDimensionName = "rows")))
    Assert.Equal("rows", session.InputMetadata["input"].SymbolicDimensions[0])
    Assert.Equal("rows", session.OutputMetadata["output"].SymbolicDimensions[0])

[<Fact>]
let ``a category NaN or Infinity is refused as not a number`` () =
    for category in [ "NaN"; "Infinity"; "1e400" ] do
        let features = Collections.Immutable.ImmutableArray.Create(FeatureColumn.OneHot("c", [| "1"; category |]))
        let fitted = Preprocessing(Collections.Immutable.ImmutableArray.Create("c", "y"), features, Collections.Immutable.ImmutableArray.Create "y", TableTask.Classification, 0, 2)
        let model = Model<float>(Network.Create<float>(Architecture.Input(2).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL), fitted)
        let e = Assert.Throws<NotSupportedException>(fun () -> OnnxPreprocessing.ToBytes(model, OnnxExportOptions()) |> ignore)
        Assert.Contains($"the categorical column 'c' has the category '{category}', which is not a number", e.Message)

[<Fact>]
let ``a table model's input name that its network's graph uses internally is refused, as for the network alone`` () =
    // The network's nodes are written with the preprocessing's features as their input, so the user's name was never
    // compared with theirs: an input called layer0.z was exported beside the Gemm that writes layer0.z.
    let model = Model<float32>(network<float32> (), preprocessing)
    for name in [ "layer0.z"; "layer1.weights" ] do
        let alone = Assert.Throws<ArgumentException>(fun () -> OnnxExport.ToBytes(model.Network, OnnxExportOptions(InputName = name)) |> ignore)
        let e = Assert.Throws<ArgumentException>(fun () -> OnnxPreprocessing.ToBytes(model, OnnxExportOptions(InputName = name)) |> ignore)
        Assert.Equal(alone.Message, e.Message)

[<Fact>]
let ``a table model's input and output of one name are refused, as for the network alone`` () =
    let model = Model<float32>(network<float32> (), preprocessing)
    let options = OnnxExportOptions(InputName = "x", OutputName = "x")
    let alone = Assert.Throws<ArgumentException>(fun () -> OnnxExport.ToBytes(model.Network, options) |> ignore)
    let e = Assert.Throws<ArgumentException>(fun () -> OnnxPreprocessing.ToBytes(model, options) |> ignore)
    Assert.Equal(alone.Message, e.Message)
