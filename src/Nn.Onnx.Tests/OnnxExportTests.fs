/// What the exporter writes besides the numbers: names, types and the dynamic batch dimension as ONNX Runtime
/// reads them, determinism, refusals, and the atomic file write.
module Nn.Onnx.Tests.OnnxExportTests

open System
open System.IO
open Microsoft.ML.OnnxRuntime
open Microsoft.ML.OnnxRuntime.Tensors
open Nn
open Nn.Onnx
open Nn.Onnx.Tests.OnnxRuntime
open Xunit

let private network () =
    Network.Create<float32>(Architecture.Input(4).Dense(3, Activation.Tanh).Dense(2, Activation.Softmax), Initializer.Xavier, 7UL)

/// An activation ONNX has no operator for: softplus, ln(1 + e^z).
type Softplus =
    interface IElementwiseActivation with
        static member Name = "softplus"
        static member Value<'T when 'T :> Numerics.IFloatingPointIeee754<'T>>(z: 'T) = 'T.Log('T.One + 'T.Exp z)
        static member Derivative<'T when 'T :> Numerics.IFloatingPointIeee754<'T>>(z: 'T, _a: 'T) = 'T.One / ('T.One + 'T.Exp(-z))

let private withTemporaryFolder (action: string -> unit) =
    let folder = Path.Combine(Path.GetTempPath(), "nn-onnx-tests-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory folder |> ignore
    try action folder finally Directory.Delete(folder, true)

[<Fact>]
let ``ONNX Runtime sees the named input and output with a symbolic batch dimension`` () =
    let options = OnnxExportOptions(InputName = "pixels", OutputName = "probabilities", BatchDimensionName = "n")
    use session = openSession (OnnxExport.ToBytes(network (), options))
    let input = session.InputMetadata["pixels"]
    let output = session.OutputMetadata["probabilities"]
    Assert.Equal<int[]>([| -1; 4 |], input.Dimensions)
    Assert.Equal<int[]>([| -1; 2 |], output.Dimensions)
    Assert.Equal("n", input.SymbolicDimensions[0])
    Assert.Equal(TensorElementType.Float, input.ElementDataType)
    Assert.Equal(TensorElementType.Float, output.ElementDataType)

[<Fact>]
let ``a float64 network exports float64 tensors`` () =
    let double = Network.Create<float>(Architecture.Input(2).Dense(1, Activation.Sigmoid), Initializer.Xavier, 1UL)
    use session = openSession (OnnxExport.ToBytes double)
    Assert.Equal(TensorElementType.Double, session.InputMetadata["input"].ElementDataType)
    Assert.Equal(TensorElementType.Double, session.OutputMetadata["output"].ElementDataType)

[<Fact>]
let ``the model records opset 13, the producer and the description`` () =
    let options = OnnxExportOptions(Description = "digits classifier", ModelVersion = 3L)
    use session = openSession (OnnxExport.ToBytes(network (), options))
    Assert.Equal("Nn", session.ModelMetadata.ProducerName)
    Assert.Equal("digits classifier", session.ModelMetadata.Description)
    Assert.Equal(3L, session.ModelMetadata.Version)
    Assert.Equal(13L, OnnxExport.OpsetVersion)

[<Fact>]
let ``exporting the same network twice gives the same bytes`` () =
    Assert.Equal<byte[]>(OnnxExport.ToBytes(network ()), OnnxExport.ToBytes(network ()))

[<Fact>]
let ``a user-defined activation is refused with its name and layer`` () =
    let custom = Network.Create<float>(Architecture.Input(2).Dense(3, Activation.Elementwise<Softplus>()).Dense(1, Activation.Identity), Initializer.Xavier, 1UL)
    let e = Assert.Throws<NotSupportedException>(fun () -> OnnxExport.ToBytes custom |> ignore)
    Assert.Contains("'softplus'", e.Message)
    Assert.Contains("layer 0", e.Message)

[<Theory>]
[<InlineData(1e-50, "1E-50", "0")>]
[<InlineData(1e39, "1E+39", "Infinity")>]
let ``a batch normalisation epsilon that is 0 or infinite as a float32 is refused, since ONNX takes epsilon as a float32`` (epsilon: float, written: string, asFloat32: string) =
    let wide = Network.Create<float>(Architecture.Input(2).BatchNorm(epsilon).Dense(1, Activation.Identity), Initializer.Xavier, 1UL)
    let e = Assert.Throws<NotSupportedException>(fun () -> OnnxExport.ToBytes wide |> ignore)
    Assert.Contains("layer 0 is a batch normalisation with ε = " + written + ", which is " + asFloat32 + " as the float32", e.Message)

[<Fact>]
let ``a float64 batch normalisation of a feature whose running variance is 0 runs in ONNX Runtime as in the library`` () =
    // A feature constant in training (a ReLU unit that never fired) keeps r_σ² = 0, so √(r_σ² + ε) is √ε alone.
    let architecture = Architecture.Input(2).BatchNorm().Dense(1, Activation.Identity)
    let created = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
    let wide = created.WithState(ParameterVector<float>.Create(ReadOnlySpan [| 0.25; -0.5; 0.0; 0.5 |]))
    let inputs = Matrix<float>.Create(3, 2, ReadOnlySpan [| 1.0; 2.0; -0.75; 0.5; 0.3; -1.5 |])
    use session = openSession (OnnxExport.ToBytes wide)
    let difference = difference (outputsOf session inputs) (Network.Forward(wide, inputs).AsSpan().ToArray())
    Assert.True(difference.Normwise <= 1e-12, sprintf "%A" difference)

[<Fact>]
let ``a network over images takes batch × C × H × W and a pooling output gives batch × C × H × W`` () =
    let conv = Network.Create<float32>(Architecture.Input(3, 8, 7).Conv2D(4, 3, 2, Activation.Relu, stride = 2).MaxPool2D(2, 1), Initializer.He, 1UL)
    use session = openSession (OnnxExport.ToBytes(conv, OnnxExportOptions(BatchDimensionName = "n")))
    Assert.Equal<int[]>([| -1; 3; 8; 7 |], session.InputMetadata["input"].Dimensions)
    Assert.Equal<int[]>([| -1; 4; 2; 2 |], session.OutputMetadata["output"].Dimensions)
    Assert.Equal("n", session.InputMetadata["input"].SymbolicDimensions[0])
    let x = Array.init (2 * 3 * 8 * 7) (fun i -> float32 (sin (float i)))
    let library = Network.Forward(conv, Matrix<float32>.Create(2, conv.InputSize, ReadOnlySpan x)).AsSpan().ToArray() |> Array.map float
    let difference = OnnxRuntime.difference (run session "input" "output" 2 conv.InputSize x |> Array.map float) library
    Assert.True(difference.Normwise <= 1e-5, string difference)

[<Fact>]
let ``a dense network over an image input is flattened in C,H,W order`` () =
    let dense = Network.Create<float>(Architecture.Input(2, 3, 3).Dense(4, Activation.Tanh).Dense(3, Activation.Softmax), Initializer.Xavier, 2UL)
    use session = openSession (OnnxExport.ToBytes dense)
    Assert.Equal<int[]>([| -1; 2; 3; 3 |], session.InputMetadata["input"].Dimensions)
    let x = Array.init (5 * 18) (fun i -> cos (float i))
    let inputs = Matrix<float>.Create(5, 18, ReadOnlySpan x)
    let difference = OnnxRuntime.difference (outputsOf session inputs) (Network.Forward(dense, inputs).AsSpan().ToArray())
    Assert.True(difference.Normwise <= 1e-12, string difference)

[<Fact>]
let ``equal input and output names are refused`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> OnnxExport.ToBytes(network (), OnnxExportOptions(InputName = "x", OutputName = "x")) |> ignore)
    Assert.Contains("'x'", e.Message)

[<Fact>]
let ``an input name the graph uses internally is refused`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> OnnxExport.ToBytes(network (), OnnxExportOptions(InputName = "layer0.z")) |> ignore)
    Assert.Contains("'layer0.z'", e.Message)

[<Fact>]
let ``a blank name is refused when the options are made`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> OnnxExportOptions(OutputName = " ") |> ignore)
    Assert.Contains("OutputName", e.Message)

[<Fact>]
let ``save writes the same bytes as ToBytes and replaces an existing file`` () =
    withTemporaryFolder (fun folder ->
        let path = Path.Combine(folder, "model.onnx")
        File.WriteAllText(path, "previous")
        OnnxExport.Save(network (), path)
        Assert.Equal<byte[]>(OnnxExport.ToBytes(network ()), File.ReadAllBytes path)
        Assert.Equal<string[]>([| path |], Directory.GetFiles folder))

[<Fact>]
let ``a failed save leaves the previous file intact and no temporary file behind`` () =
    withTemporaryFolder (fun folder ->
        let path = Path.Combine(folder, "model.onnx")
        File.WriteAllText(path, "previous")
        let custom = Network.Create<float>(Architecture.Input(2).Dense(1, Activation.Elementwise<Softplus>()), Initializer.Xavier, 1UL)
        Assert.Throws<NotSupportedException>(fun () -> OnnxExport.Save(custom, path)) |> ignore
        Assert.Equal("previous", File.ReadAllText path)
        Assert.Equal<string[]>([| path |], Directory.GetFiles folder))

[<Fact>]
let ``save writes through a symbolic link and refuses a read-only file, as AtomicFile does`` () =
    withTemporaryFolder (fun folder ->
        let target = Path.Combine(folder, "model.onnx")
        let link = Path.Combine(folder, "latest.onnx")
        File.WriteAllText(target, "previous")
        File.CreateSymbolicLink(link, "model.onnx") |> ignore
        OnnxExport.Save(network (), link)
        Assert.Equal<byte[]>(OnnxExport.ToBytes(network ()), File.ReadAllBytes target)
        Assert.Equal("model.onnx", FileInfo(link).LinkTarget)
        File.SetAttributes(target, FileAttributes.ReadOnly)
        Assert.Throws<UnauthorizedAccessException>(fun () -> OnnxExport.Save(network (), Path.Combine(folder, "model.onnx"))) |> ignore
        File.SetAttributes(target, FileAttributes.Normal)
        Assert.Equal<string[]>([| link; target |], Directory.GetFileSystemEntries folder |> Array.sort))

[<Fact>]
let ``write to a stream gives the same bytes as ToBytes`` () =
    use stream = new MemoryStream()
    OnnxExport.WriteTo(network (), stream, OnnxExportOptions())
    Assert.Equal<byte[]>(OnnxExport.ToBytes(network ()), stream.ToArray())

[<Fact>]
let ``a layer without bias runs in ONNX Runtime`` () =
    let noBias = Network.FromParameters(Architecture.Input(3).Dense(2, Activation.Relu, false), ReadOnlySpan [| 1.0; -2.0; 0.5; 0.25; 1.0; -1.0 |])
    use session = openSession (OnnxExport.ToBytes noBias)
    let x = Matrix<float>.Create(1, 3, ReadOnlySpan [| 1.0; 2.0; 3.0 |])
    Assert.Equal<float[]>([| 0.0; 0.0 |] |> Array.mapi (fun j _ -> Network.Forward(noBias, x)[0, j]), outputsOf session x)

[<Fact>]
let ``an element type other than float32 and float64 never reaches the exporter: its network is refused when made, with its name`` () =
    let e = Assert.Throws<NotSupportedException>(fun () -> Network.Create<Half>(Architecture.Input(2).Dense(1, Activation.Sigmoid), Initializer.Xavier, 1UL) |> OnnxExport.ToBytes |> ignore)
    Assert.Contains("System.Half", e.Message)

/// Each float or double initializer's value count and the length of the array its protobuf field holds them in.
let internal fieldLengths (model: Nn.Onnx.Protobuf.ModelProto) =
    [ for t in model.Graph.Initializer do
          if t.Int64Data.Count = 0 then
              t.Name, t.FloatData.Count + t.DoubleData.Count, t.FloatData.Capacity + t.DoubleData.Capacity ]

[<Fact>]
let ``every tensor's values fill their protobuf field's array exactly, since protobuf's writer sizes the whole array in an int`` () =
    // The arrays doubled as values were added, and a float32 weight matrix of 16385 × 16384 (just over 2^28 values)
    // grew to 2^29: 2^31 bytes, which threw ArgumentOutOfRangeException inside ToBytes.
    let architecture = Architecture.Input(2, 5, 5).Conv2D(3, 3, 3, Activation.Relu).BatchNorm().Dense(7, Activation.Softmax)
    let lengths =
        fieldLengths (OnnxModelBuilder.Build(Network.Create<float32>(architecture, Initializer.Xavier, 2UL), OnnxExportOptions()))
        @ fieldLengths (OnnxModelBuilder.Build(Network.Create<float>(architecture, Initializer.Xavier, 2UL), OnnxExportOptions()))
    Assert.Equal<(string * int * int) list>([ for name, count, _ in lengths -> name, count, count ], lengths)

/// The dimensions a graph input or output declares, the symbolic batch dimension by its name and the others as numbers.
let private declared (value: Nn.Onnx.Protobuf.ValueInfoProto) =
    [ for d in value.Type.TensorType.Shape.Dim ->
          if d.ValueCase = Nn.Onnx.Protobuf.TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam then d.DimParam else string d.DimValue ]

[<Fact>]
let ``the model declares IR version 7 and imports only the default domain at opset 13`` () =
    // IR version 7 is the one opset 13 belongs to (ONNX 1.8); ONNX Runtime ran the model with 6 or 8 as well.
    let model = Nn.Onnx.Protobuf.ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(network ()))
    Assert.Equal(7L, model.IrVersion)
    Assert.Equal<(string * int64) list>([ "", 13L ], [ for o in model.OpsetImport -> o.Domain, o.Version ])

[<Fact>]
let ``the declared output is batch × the last layer's outputs, for a dense and for a pooling output`` () =
    // ONNX Runtime reports the shape it infers, whatever the model declares: a declared output of the last layer's
    // inputs ran and reported batch × 2, so the declaration is read from the model itself.
    let dense = Nn.Onnx.Protobuf.ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(network ()))
    Assert.Equal<string list>([ "batch"; "4" ], declared dense.Graph.Input[0])
    Assert.Equal<string list>([ "batch"; "2" ], declared dense.Graph.Output[0])
    let conv = Network.Create<float32>(Architecture.Input(3, 8, 7).Conv2D(4, 3, 2, Activation.Relu, stride = 2).MaxPool2D(2, 1), Initializer.He, 1UL)
    let pooled = Nn.Onnx.Protobuf.ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(conv, OnnxExportOptions(BatchDimensionName = "n")))
    Assert.Equal<string list>([ "n"; "3"; "8"; "7" ], declared pooled.Graph.Input[0])
    Assert.Equal<string list>([ "n"; "4"; "2"; "2" ], declared pooled.Graph.Output[0])

[<Fact>]
let ``the graph takes the name the options give it, "nn" by default, and the batch dimension is "batch" by default`` () =
    use named = openSession (OnnxExport.ToBytes(network (), OnnxExportOptions(GraphName = "digits")))
    Assert.Equal("digits", named.ModelMetadata.GraphName)
    use plain = openSession (OnnxExport.ToBytes(network ()))
    Assert.Equal("nn", plain.ModelMetadata.GraphName)
    Assert.Equal("batch", plain.InputMetadata["input"].SymbolicDimensions[0])
    Assert.Equal("batch", plain.OutputMetadata["output"].SymbolicDimensions[0])

[<Fact>]
let ``an output name the graph uses internally is refused`` () =
    // layer0.a is the first layer's activation: the output named so made two nodes write one value.
    let e = Assert.Throws<ArgumentException>(fun () -> OnnxExport.ToBytes(network (), OnnxExportOptions(OutputName = "layer0.a")) |> ignore)
    Assert.Contains("'layer0.a'", e.Message)

[<Fact>]
let ``save with options writes the model those options give`` () =
    withTemporaryFolder (fun folder ->
        let path = Path.Combine(folder, "model.onnx")
        let options = OnnxExportOptions(InputName = "pixels", OutputName = "probabilities", Description = "saved")
        OnnxExport.Save(network (), path, options)
        Assert.Equal<byte[]>(OnnxExport.ToBytes(network (), options), File.ReadAllBytes path)
        use session = openSession (File.ReadAllBytes path)
        Assert.Equal<string seq>([ "pixels" ], session.InputMetadata.Keys))
