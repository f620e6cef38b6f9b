/// nn export: a model trained by the program, exported to ONNX, predicts the same classes in ONNX Runtime.
module Nn.Cli.Tests.ExportTests

open System.IO
open Microsoft.ML.OnnxRuntime
open Nn
open Xunit
open Nn.Cli.Tests.Process

let predictionsInOnnxRuntime (onnxPath: string) (inputs: Matrix<float32>) =
    use options = new SessionOptions(IntraOpNumThreads = 1, InterOpNumThreads = 1)
    use session = new InferenceSession(onnxPath, options)
    // The declared input shape after the batch: the width, or C, H, W for an image input.
    let sample = session.InputMetadata["input"].Dimensions |> Array.skip 1 |> Array.map int64
    use input = OrtValue.CreateTensorValueFromMemory<float32>(inputs.AsSpan().ToArray(), Array.append [| int64 inputs.Rows |] sample)
    use runOptions = new RunOptions()
    use outputs = session.Run(runOptions, [| "input" |], [| input |], [| "output" |])
    let probabilities = outputs[0].GetTensorDataAsSpan<float32>().ToArray()
    Array.init inputs.Rows (fun i -> probabilities[i * 10 .. i * 10 + 9] |> Array.indexed |> Array.maxBy snd |> fst)

[<Fact>]
let ``a model trained by nn and exported with nn export predicts the same class as the library for every digits test image`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--save"; "digits.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let export = dir.Run [ "export"; "digits.nnm"; "--onnx"; "digits.onnx" ]
    Assert.True((export.ExitCode = 0), string export)
    Assert.Contains("digits.onnx: ONNX model of 64-32(relu)-10(softmax) (float32)", export.Output)
    let network = ModelFile.Load<float32>(dir.File "digits.nnm")
    let test = Digits.Load<float32>().Test
    Assert.Equal<int[]>(Network.Classify(network, test.Inputs), predictionsInOnnxRuntime (dir.File "digits.onnx") test.Inputs)

[<Fact>]
let ``a convolutional model trained by nn and exported with nn export predicts the same class as the library for every digits test image`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--layers"; "1x8x8-conv4k3p1-maxpool2-conv6k2x3s2-16-10"; "--epochs"; "6"; "--save"; "conv.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let export = dir.Run [ "export"; "conv.nnm"; "--onnx"; "conv.onnx" ]
    Assert.True((export.ExitCode = 0), string export)
    Assert.Contains("conv.onnx: ONNX model of 1x8x8-conv4k3p1(relu)-maxpool2-conv6k2x3s2(relu)-16(relu)-10(softmax) (float32)", export.Output)
    let network = ModelFile.Load<float32>(dir.File "conv.nnm")
    let test = Digits.Load<float32>().Test
    Assert.Equal<int[]>(Network.Classify(network, test.Inputs), predictionsInOnnxRuntime (dir.File "conv.onnx") test.Inputs)

[<Fact>]
let ``a float64 model without preprocessing exports in float64 and predicts the library's classes, not an unexpected error`` () =
    use dir = new TempDirectory()
    // Saved by the library (nn train saves float32); its export read a preprocessing section it does not have.
    let network = Network.Create<float>(Architecture.Input(64).Dense(16, Activation.Relu).Dense(10, Activation.Softmax), Initializer.He, 3UL)
    ModelFile.Save(network, dir.File "wide.nnm")
    let export = dir.Run [ "export"; "wide.nnm"; "--onnx"; "wide.onnx" ]
    Assert.True((export.ExitCode = 0), string export)
    Assert.Contains("wide.onnx: ONNX model of 64-16(relu)-10(softmax) (float64)", export.Output)
    use session = new InferenceSession(dir.File "wide.onnx")
    let test = Digits.Load<float>().Test
    use input = OrtValue.CreateTensorValueFromMemory<float>(test.Inputs.AsSpan().ToArray(), [| int64 test.Count; 64L |])
    use runOptions = new RunOptions()
    use outputs = session.Run(runOptions, [| "input" |], [| input |], [| "output" |])
    let probabilities = outputs[0].GetTensorDataAsSpan<float>().ToArray()
    let classes = Array.init test.Count (fun i -> probabilities[i * 10 .. i * 10 + 9] |> Array.indexed |> Array.maxBy snd |> fst)
    Assert.Equal<int[]>(Network.Classify(network, test.Inputs), classes)

[<Fact>]
let ``export without --onnx is a usage error and a missing model names its path`` () =
    use dir = new TempDirectory()
    let noTarget = dir.Run [ "export"; "digits.nnm" ]
    Assert.Equal(2, noTarget.ExitCode)
    Assert.Contains("--onnx", noTarget.Error)
    let missing = dir.Run [ "export"; "absent.nnm"; "--onnx"; "out.onnx" ]
    Assert.Equal(3, missing.ExitCode)
    Assert.Contains("absent.nnm", missing.Error)
    Assert.False(File.Exists(dir.File "out.onnx"))

[<Fact>]
let ``nn export of a float64 table model with a timestamp column says nothing of a float64 input, which it has anyway`` () =
    // The float64 clause explains why a float32 model takes float64 raw columns; a float64 model takes them as float64
    // whatever its columns hold, so nn export has nothing to explain.
    use dir = new TempDirectory()
    let features = System.Collections.Immutable.ImmutableArray.Create(FeatureColumn.Numeric("timestamp", 1.7e9, 3.0))
    let names = System.Collections.Immutable.ImmutableArray.Create("timestamp", "y")
    let preprocessing = Preprocessing(names, features, System.Collections.Immutable.ImmutableArray.Create "y", TableTask.Classification, 0, 2)
    let network = Network.Create<float>(Architecture.Input(1).Dense(2, Activation.Softmax), Initializer.Xavier, 3UL)
    ModelFile.Save(Model<float>(network, preprocessing), dir.File "wide.nnm")
    let export = dir.Run [ "export"; "wide.nnm"; "--onnx"; "wide.onnx" ]
    Assert.True((export.ExitCode = 0), string export)
    Assert.Contains("(float64), input \"input\" (raw columns timestamp, preprocessed in the graph), output \"output\"", export.Output)
    Assert.DoesNotContain("as float64", export.Output)
