/// The exact size of an ONNX message, counted in a long: it equals protobuf's own size and the serialized length
/// wherever those fit an int, whatever text the names hold, and goes on past 2 GiB where protobuf's int wraps.
module Nn.Onnx.Tests.OnnxMessageSizeTests

open System
open System.Collections.Immutable
open System.Text
open Google.Protobuf
open Xunit
open FsCheck.Xunit
open Nn
open Nn.Onnx
open Nn.Onnx.Protobuf
open Nn.Onnx.Tests.Arbitraries

[<Properties(Arbitrary = [| typeof<TextGenerators> |], MaxTest = 100)>]
module Properties =

    [<Property>]
    let ``the counted size of an exported network is protobuf's own size and the length of its bytes`` (NamedCase(case, options)) (wide: bool) =
        let model = if wide then OnnxModelBuilder.Build(networkOf case, options) else OnnxModelBuilder.Build(networkOf32 case, options)
        Assert.Equal(int64 (model.CalculateSize()), OnnxMessageSize.Of model)
        Assert.Equal(model.ToByteArray().LongLength, OnnxMessageSize.Of model)

    [<Property>]
    let ``a string's counted UTF-8 length is what .NET's UTF-8 encoding gives it`` (Text text) =
        Assert.Equal(int64 (Encoding.UTF8.GetByteCount text), OnnxMessageSize.Utf8Bytes text)

[<Fact>]
let ``the counted size of a table model's export, its preprocessing nodes and float64 input included, is its length`` () =
    // A timestamp column that float32 rounds too coarsely takes the input to float64 (a narrowing Cast), and a
    // categorical column adds Equal and its Cast; the network takes the preprocessed row as an image (a Reshape).
    let features = ImmutableArray.Create(FeatureColumn.Numeric("time€", 1.7e9, 3.0), FeatureColumn.OneHot("rank", [| "1"; "2"; "3" |]))
    let names = ImmutableArray.Create("time€", "rank", "y")
    let preprocessing = Preprocessing(names, features, ImmutableArray.Create "y", TableTask.Classification, 0, 2)
    let network = Network.Create<float32>(Architecture.Input(1, 2, 2).BatchNorm().Dense(2, Activation.Softmax), Initializer.Xavier, 3UL)
    let bytes = OnnxPreprocessing.ToBytes(Model<float32>(network, preprocessing), OnnxExportOptions(InputName = "rows 😀", Description = "\uD800"))
    Assert.Equal(bytes.LongLength, OnnxMessageSize.Of(ModelProto.Parser.ParseFrom bytes))

[<Fact>]
let ``a surrogate pair across a chunk boundary counts as one four-byte character, a lone surrogate as three bytes`` () =
    for ending in [ "😀é"; "\uD83Db"; "\uDE00" ] do
        let text = String('a', OnnxMessageSize.Chunk - 1) + ending
        Assert.Equal(int64 (Encoding.UTF8.GetByteCount text), OnnxMessageSize.Utf8Bytes text)

[<Fact>]
let ``a message past 2 GiB is counted in a long where protobuf's own int size wraps`` () =
    // One node names one input of 8,000,000 '€' (24,000,000 bytes of UTF-8) 100 times: 16 MB of memory for a 2.4 GB
    // message. Each name takes a tag, a 4-byte length and its bytes; the node and the graph add a tag and a 5-byte
    // length each.
    let name = String('€', 8_000_000)
    let node = NodeProto()
    for _ in 1..100 do
        node.Input.Add name
    let graph = GraphProto()
    graph.Node.Add node
    let model = ModelProto(Graph = graph)
    Assert.Equal(100L * (1L + 4L + 24_000_000L) + 6L + 6L, OnnxMessageSize.Of model)
    // Google.Protobuf's CalculateSize gives the same count less 2³²: the negative size ToByteArray threw OverflowException on.
    Assert.Equal(2_400_000_512L - (1L <<< 32), int64 (model.CalculateSize()))

