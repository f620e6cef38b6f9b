/// The size limit: a model that would take more bytes than the exporter writes in one protobuf message is refused
/// with NotSupportedException, whether its tensors or its names and metadata take it over, and one that takes exactly
/// the limit is written and read. The rule is checked on models of a few hundred bytes through the internal
/// OnnxExportOptions.MaxBytes; one table model is refused at the real limit, where its sizes pass an int.
module Nn.Onnx.Tests.OnnxSizeLimitTests

open System
open System.Collections.Immutable
open System.Globalization
open System.IO
open Nn
open Nn.Onnx
open Nn.Onnx.Tests.OnnxRuntime
open Xunit

let private refusal (export: unit -> byte[]) =
    Assert.Throws<NotSupportedException>(fun () -> export () |> ignore).Message

let private tail = "that the exporter writes in one protobuf message; it does not write ONNX's external-data format, so the model is not exported."

/// 4·3 + 3 dense, γ and β of 3 features, 3·2 + 2 dense: 29 parameters, and 3 running means and 3 variances of
/// state: 35 float64 values, 280 bytes of tensors.
let private network () =
    Network.Create<float>(Architecture.Input(4).Dense(3, Activation.Tanh).BatchNorm().Dense(2, Activation.Softmax), Initializer.Xavier, 7UL)

/// A description that alone outweighs the network's tensors, under a limit.
let private described limit = OnnxExportOptions(Description = String('d', 1000), MaxBytes = limit)

[<Fact>]
let ``a network whose parameters and running statistics take more bytes than the limit is refused, naming their bytes`` () =
    Assert.Equal(
        $"the ONNX model's tensors alone would take 280 bytes, more than the 279 bytes {tail}",
        refusal (fun () -> OnnxExport.ToBytes(network (), OnnxExportOptions(MaxBytes = 279L))))

[<Fact>]
let ``a network whose description takes its model one byte past the limit is refused, though its tensors fit`` () =
    // Counting only the tensors (280 bytes) let this through, and a real model so placed failed inside Google.Protobuf.
    let size = OnnxExport.ToBytes(network (), OnnxExportOptions(Description = String('d', 1000))).LongLength
    Assert.Equal(
        $"the ONNX model would take {size} bytes, more than the {size - 1L} bytes {tail}",
        refusal (fun () -> OnnxExport.ToBytes(network (), described (size - 1L))))
    use stream = new MemoryStream()
    Assert.Throws<NotSupportedException>(fun () -> OnnxExport.WriteTo(network (), stream, described (size - 1L))) |> ignore
    Assert.Equal(0L, stream.Length)

[<Fact>]
let ``a network whose model takes exactly the limit is written, and ONNX Runtime runs it as the library does`` () =
    let size = OnnxExport.ToBytes(network (), OnnxExportOptions(Description = String('d', 1000))).LongLength
    let bytes = OnnxExport.ToBytes(network (), described size)
    Assert.Equal(size, bytes.LongLength)
    use session = openSession bytes
    let x = Matrix<float>.Create(2, 4, ReadOnlySpan [| 0.5; -1.0; 2.0; 0.0; 1.5; 0.25; -0.75; 1.0 |])
    let d = difference (outputsOf session x) ((Network.Forward(network (), x)).AsSpan().ToArray())
    Assert.True(d.Normwise < 1e-12, sprintf "%A" d)

[<Fact>]
let ``a table model whose input name takes its model past the limit is refused, and one at the limit is read back`` () =
    // The raw input's name appears in the graph input and in the selection MatMul: 2 × 10,000 bytes beside 116 of tensors.
    let features = ImmutableArray.Create(FeatureColumn.Numeric("x"), FeatureColumn.OneHot("c", [| "1"; "2" |]))
    let preprocessing = Preprocessing(ImmutableArray.Create("x", "c", "y"), features, ImmutableArray.Create "y", TableTask.Classification, 0, 2)
    let model = Model<float32>(Network.Create<float32>(Architecture.Input(3).Dense(2, Activation.Softmax), Initializer.Xavier, 5UL), preprocessing)
    let name = String('x', 10_000)
    let size = OnnxPreprocessing.ToBytes(model, OnnxExportOptions(InputName = name)).LongLength
    Assert.Equal(
        $"the ONNX model would take {size} bytes, more than the {size - 1L} bytes {tail}",
        refusal (fun () -> OnnxPreprocessing.ToBytes(model, OnnxExportOptions(InputName = name, MaxBytes = size - 1L))))
    use session = openSession (OnnxPreprocessing.ToBytes(model, OnnxExportOptions(InputName = name, MaxBytes = size)))
    Assert.Equal<string seq>([ name ], session.InputMetadata.Keys)

[<Fact>]
let ``a table model of a million categories is refused at the real limit before its selection matrix is made`` () =
    // 2,199 numeric columns and one of a million categories: F = 2,200 columns feed W = 1,002,199 inputs, so the F × W
    // selection matrix has 2.2e9 entries, more than an int counts. (F × W + 4W) float32 constants, the W other mask and
    // 2W + 2 parameters take 1,002,199 × 8,820 + 8,017,600 bytes.
    let categories = Array.init 1_000_000 (fun i -> i.ToString(CultureInfo.InvariantCulture))
    let features = ImmutableArray.CreateRange(Seq.append (Seq.init 2199 (fun i -> FeatureColumn.Numeric $"x{i}")) [ FeatureColumn.OneHot("c", categories) ])
    let names = ImmutableArray.CreateRange(Seq.append (features |> Seq.map (fun f -> f.Name)) [ "y" ])
    let preprocessing = Preprocessing(names, features, ImmutableArray.Create "y", TableTask.Classification, 0, 2)
    let network = Network.Create<float32>(Architecture.Input(preprocessing.InputWidth).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    Assert.Equal(
        $"the ONNX model's tensors alone would take 8847412780 bytes, more than the 2147483591 bytes {tail}",
        refusal (fun () -> OnnxPreprocessing.ToBytes(Model<float32>(network, preprocessing), OnnxExportOptions())))

[<Fact>]
let ``a network whose tensors take exactly the limit is refused for its whole model's bytes, not its tensors'`` () =
    // The tensors' 280 bytes are not more than a limit of 280; the names and nodes around them are.
    let size = OnnxExport.ToBytes(network ()).LongLength
    Assert.Equal(
        $"the ONNX model would take {size} bytes, more than the 280 bytes {tail}",
        refusal (fun () -> OnnxExport.ToBytes(network (), OnnxExportOptions(MaxBytes = 280L))))

[<Fact>]
let ``a float32 table model whose raw columns go in as float64 counts its preprocessing constants at 8 bytes each`` () =
    // A timestamp column takes the input to float64. 2 columns feed 2 inputs: the 2 × 2 selection matrix and the mean,
    // deviation, category and numeric vectors are float64, (4 + 4 × 2) × 8 = 96 bytes; the categorical mask is float32,
    // 8 bytes; the 2-4-2 network's 22 parameters are float32, 88 bytes: 192 in all.
    let features = ImmutableArray.Create(FeatureColumn.Numeric("timestamp", 1.7e9, 3.0), FeatureColumn.Numeric("gpa", 3.3, 0.2))
    let preprocessing = Preprocessing(ImmutableArray.Create("timestamp", "gpa", "y"), features, ImmutableArray.Create "y", TableTask.Classification, 0, 2)
    let network = Network.Create<float32>(Architecture.Input(2).Dense(4, Activation.Tanh).Dense(2, Activation.Softmax), Initializer.Xavier, 5UL)
    Assert.Equal(
        $"the ONNX model's tensors alone would take 192 bytes, more than the 191 bytes {tail}",
        refusal (fun () -> OnnxPreprocessing.ToBytes(Model<float32>(network, preprocessing), OnnxExportOptions(MaxBytes = 191L))))
