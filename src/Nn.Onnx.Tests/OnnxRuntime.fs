/// Running exported models in ONNX Runtime (the reference runtime the export is checked against), and the
/// difference measure the comparisons report.
module Nn.Onnx.Tests.OnnxRuntime

open System
open Microsoft.ML.OnnxRuntime
open Nn

/// A session on one exported model: single-threaded, so results do not depend on how busy the machine is.
let openSession (model: byte[]) =
    use options = new SessionOptions(IntraOpNumThreads = 1, InterOpNumThreads = 1)
    new InferenceSession(model, options)

/// Runs a batch (rows × inputs, row-major) of 'In through the session's named input and returns the named output of
/// 'Out, row-major: a float32 table model whose raw columns go in as float64 gives float32 outputs. The input tensor
/// takes the shape the model declares (rows × C × H × W for an image input): the same values in the same order,
/// since both the library and ONNX lay a sample out in C,H,W order.
let runMixed<'In, 'Out
    when 'In : unmanaged and 'In : struct and 'In : (new: unit -> 'In) and 'In :> ValueType
    and 'Out : unmanaged and 'Out : struct and 'Out : (new: unit -> 'Out) and 'Out :> ValueType>
    (session: InferenceSession) (inputName: string) (outputName: string) (rows: int) (columns: int) (values: 'In[]) : 'Out[] =
    let declared = session.InputMetadata[inputName].Dimensions
    let sample = declared |> Array.skip 1 |> Array.fold (*) 1
    if sample <> columns then
        failwithf "the model's input %A holds %d values a sample, but the batch has %d" declared sample columns
    let dims = Array.append [| int64 rows |] (declared |> Array.skip 1 |> Array.map int64)
    use input = OrtValue.CreateTensorValueFromMemory<'In>(values, dims)
    use runOptions = new RunOptions()
    use outputs = session.Run(runOptions, [| inputName |], [| input |], [| outputName |])
    outputs[0].GetTensorDataAsSpan<'Out>().ToArray()

/// Runs a batch whose input and output have the same element type 'T (see runMixed).
let run<'T when 'T : unmanaged and 'T : struct and 'T : (new: unit -> 'T) and 'T :> ValueType>
    (session: InferenceSession) (inputName: string) (outputName: string) (rows: int) (columns: int) (values: 'T[]) : 'T[] =
    runMixed<'T, 'T> session inputName outputName rows columns values

/// ONNX Runtime's outputs for a batch, with the default names "input" and "output".
let outputsOf (session: InferenceSession) (inputs: Matrix<'T>) : 'T[] =
    run session "input" "output" inputs.Rows inputs.Columns (inputs.AsSpan().ToArray())

/// How far ONNX Runtime's outputs o are from the library's r on one batch.
type Difference =
    { /// The normwise relative difference max|o − r| / max(max|r|, 1e-3) over the batch: the asserted measure. It stays
      /// meaningful on outputs at or next to zero (ReLU's zeros, an identity output that cancels), where an
      /// element-wise quotient divides rounding noise by nearly nothing.
      Normwise: float
      /// The element-wise relative difference max |o − r| / max(|r|, 1e-3), reported for information.
      Elementwise: float
      /// The largest absolute difference max |o − r|.
      Absolute: float
      /// The number of outputs compared.
      Count: int }

/// The floor under |r| in the element-wise relative difference, and under the batch's scale in the normwise one.
let elementwiseFloor = 1e-3

/// The difference of ONNX Runtime's outputs from the library's, over one batch (equally long, row-major).
let difference (runtime: float[]) (reference: float[]) =
    if runtime.Length <> reference.Length then
        failwithf "ONNX Runtime returned %d values, the library %d" runtime.Length reference.Length
    let absolute = Array.map2 (fun o r -> abs (o - r)) runtime reference
    let scale = reference |> Array.map abs |> Array.max
    // A batch whose outputs are all (nearly) zero carries only rounding noise — float32 tanh(0) is 2⁻²⁴ in the
    // library and 0 in ONNX Runtime — so the scale is floored as the element-wise measure's is, instead of dividing
    // one ulp by nothing.
    { Normwise = Array.max absolute / max scale elementwiseFloor
      Elementwise = Array.map2 (fun d r -> d / max elementwiseFloor (abs r)) absolute reference |> Array.max
      Absolute = Array.max absolute
      Count = reference.Length }

/// The worst of two differences, counting both.
let worst (a: Difference) (b: Difference) =
    { Normwise = max a.Normwise b.Normwise
      Elementwise = max a.Elementwise b.Elementwise
      Absolute = max a.Absolute b.Absolute
      Count = a.Count + b.Count }
