/// A float32 table model whose standardised column float32 cannot hold closely enough (a Unix timestamp with a spread
/// of seconds) takes its raw columns as float64 in ONNX and gives the library's outputs; other models keep float32.
module Nn.Onnx.Tests.PreprocessingInputPrecisionTests

open System
open System.Collections.Generic
open System.Collections.Immutable
open System.Globalization
open System.IO
open Microsoft.ML.OnnxRuntime
open Microsoft.ML.OnnxRuntime.Tensors
open Nn
open Nn.Onnx
open Nn.Onnx.Tests.OnnxRuntime
open Xunit

/// 40 rows: seconds since 1970 around 1.7e9, half a second apart (σ ≈ 5.8 s; float32's spacing there is 128), an
/// ordinary measurement, and a class.
let private timestamps () =
    let rows =
        [ for i in 0..39 ->
              [ (1_700_000_000.0 + 0.5 * float i).ToString("R", CultureInfo.InvariantCulture)
                (3.0 + 0.1 * float (i % 7)).ToString("R", CultureInfo.InvariantCulture)
                string (i % 2) ]
              :> IReadOnlyList<string> ]
    Table.Create([ "timestamp"; "gpa"; "y" ], rows)

let private raw (table: Table) (preprocessing: Preprocessing) =
    [| for row in table.Rows do
           for feature in preprocessing.Features -> Double.Parse(row[table.ColumnIndex feature.Name], CultureInfo.InvariantCulture) |]

/// ONNX Runtime's outputs on the raw columns, fed in the element type the graph declares for its input.
let private runtimeOutputs (session: InferenceSession) (table: Table) (preprocessing: Preprocessing) =
    let values = raw table preprocessing
    let columns = preprocessing.Features.Length
    let outputs =
        if session.InputMetadata["input"].ElementDataType = TensorElementType.Double then
            runMixed<float, float32> session "input" "output" table.Count columns values
        else
            run session "input" "output" table.Count columns (values |> Array.map float32)
    outputs |> Array.map float

/// A float32 model of the table and the preprocessing it was fitted with.
let private model (table: Table) =
    let preprocessing = Preprocessing.Fit(table, PreprocessingOptions([ "y" ], Standardize = true))
    let architecture = Architecture.Input(preprocessing.InputWidth).Dense(4, Activation.Tanh).Dense(2, Activation.Softmax)
    Model<float32>(Network.Create<float32>(architecture, Initializer.Xavier, 7UL), preprocessing), preprocessing

[<Fact>]
let ``a float32 model with a timestamp column gives the library's outputs in ONNX Runtime on the raw columns`` () =
    // The graph took float32 raw columns: float32's spacing there is 128 s, every timestamp became 1.7e9, and ONNX
    // Runtime's predictions were another model's (0.5 normwise from the library's).
    let table = timestamps ()
    let model, preprocessing = model table
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions()))
    let outputs = runtimeOutputs session table preprocessing
    let d = difference outputs ((model.Predict table).AsSpan().ToArray() |> Array.map float)
    Assert.True(d.Normwise < 1e-5, sprintf "%A" d)

[<Fact>]
let ``a float32 model with a timestamp column takes float64 raw columns and still gives float32 outputs`` () =
    let model, preprocessing = model (timestamps ())
    Assert.Equal<string>([ "timestamp" ], OnnxPreprocessing.Float64Columns preprocessing)
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions()))
    Assert.Equal(TensorElementType.Double, session.InputMetadata["input"].ElementDataType)
    Assert.Equal(TensorElementType.Float, session.OutputMetadata["output"].ElementDataType)

[<Fact>]
let ``an ordinary float32 table model still takes float32 raw columns`` () =
    let binary = Table.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "binary.csv"), Nullable true)
    let preprocessing = Preprocessing.Fit(binary, PreprocessingOptions([ "admit" ], Categorical = [ "rank" ], Standardize = true))
    let network = Network.Create<float32>(Architecture.Input(6).Dense(2, Activation.Softmax), Initializer.Xavier, 4UL)
    Assert.Empty(OnnxPreprocessing.Float64Columns preprocessing)
    use session = openSession (OnnxPreprocessing.ToBytes(Model<float32>(network, preprocessing), OnnxExportOptions()))
    Assert.Equal(TensorElementType.Float, session.InputMetadata["input"].ElementDataType)

/// Whether the export widens a lone numeric column x of this mean and deviation to a float64 input.
let private widened mean deviation =
    let column = FeatureColumn.Numeric("x", mean, deviation)
    let preprocessing = Preprocessing(ImmutableArray.Create("x", "y"), ImmutableArray.Create column, ImmutableArray.Create "y", TableTask.Classification, 0, 2)
    not (OnnxPreprocessing.Float64Columns(preprocessing).IsEmpty)

[<Fact>]
let ``columns are widened only when float32 moves their standardised values by more than the tolerance`` () =
    // Years: float32's spacing near 2000 is 1.2e-4 (2.4e-4 from 2048), so rounding moves a standardised value by about
    // 1.2e-6 when the deviation is 100, and by 6e-5 when it is 1.
    Assert.False(widened 2000.0 100.0)
    Assert.True(widened 2000.25 1.0)
    // A raw value far from zero but not standardised is narrowed as the library narrows it.
    Assert.False(widened 0.0 1.0)
    Assert.True(widened 1.7e9 3.0)
    // float32 cannot hold the mean at all.
    Assert.True(widened 1.25e300 2.5e299)

[<Fact>]
let ``a float32 model with a float64 input gives the library's outputs for a category beyond float32's range`` () =
    // The numeric branch computed (1e39 − 0) / 1 for the one-hot input too and narrowed it to ∞ before the mask
    // multiplied it by 0, so the network read NaN where the library reads the one-hot 1.
    let rows =
        [ for i in 0..39 ->
              [ (1_700_000_000.0 + 0.5 * float i).ToString("R", CultureInfo.InvariantCulture)
                (if i % 3 = 0 then "1e39" else "2")
                string (i % 2) ]
              :> IReadOnlyList<string> ]
    let table = Table.Create([ "timestamp"; "kind"; "y" ], rows)
    let preprocessing = Preprocessing.Fit(table, PreprocessingOptions([ "y" ], Categorical = [ "kind" ], Standardize = true))
    let architecture = Architecture.Input(preprocessing.InputWidth).Dense(4, Activation.Tanh).Dense(2, Activation.Softmax)
    let model = Model<float32>(Network.Create<float32>(architecture, Initializer.Xavier, 7UL), preprocessing)
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions()))
    Assert.Equal(TensorElementType.Double, session.InputMetadata["input"].ElementDataType)
    let outputs = runtimeOutputs session table preprocessing
    let d = difference outputs ((model.Predict table).AsSpan().ToArray() |> Array.map float)
    Assert.True(d.Normwise < 1e-5, sprintf "%A" d)

[<Fact>]
let ``a column is widened by the spacing four deviations out, by its mean's own rounding, and by half a spacing`` () =
    // 2040 is exact in float32 with half a spacing of 6.1e-5 (7.6e-6 per deviation of 8); four deviations out, 2072 is
    // past 2048, where half a spacing is 1.2e-4: 1.5e-5.
    Assert.True(widened 2040.0 8.0)
    // 1000.00003 is 3e-5 from its float32, as much as half a spacing there (3.05e-5): 1.2e-5 per deviation of 5 with
    // both, 6.1e-6 from the spacing alone.
    Assert.True(widened 1000.00003 5.0)
    // At 2060 half a spacing is 6.1e-5, 8.1e-6 per deviation of 15; a whole spacing would be 1.6e-5.
    Assert.False(widened 2000.0 15.0)
