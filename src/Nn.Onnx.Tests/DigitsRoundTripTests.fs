/// Networks trained on the embedded digits — a dense one and a LeNet-shaped convolutional one — predict the same
/// class for every test image in ONNX Runtime as in the library.
module Nn.Onnx.Tests.DigitsRoundTripTests

open Nn
open Nn.Onnx
open Nn.Onnx.Tests.OnnxRuntime
open Xunit

let private argmax (row: float32[]) = Array.findIndex ((=) (Array.max row)) row

[<Fact>]
let ``a network trained on the digits predicts the same class for the whole test split in ONNX Runtime`` () =
    let split = Digits.Load<float32>()
    let architecture = Architecture.Input(Digits.InputSize).Dense(32, Activation.Relu).Dense(Digits.ClassCount, Activation.Softmax)
    let untrained = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let trained =
        Trainer.Train(untrained, Loss.SoftmaxCrossEntropy, Adam(0.005), split.Train, TrainingOptions(Epochs = 10, BatchSize = 32, Seed = 1UL), split.Test).Network
    let accuracy = Evaluation.Accuracy(trained, split.Test)
    Assert.True(accuracy > 0.9, sprintf "the network must be trained (test accuracy %.3f) for the comparison to mean something" accuracy)

    use session = openSession (OnnxExport.ToBytes trained)
    let runtime = outputsOf session split.Test.Inputs |> Array.chunkBySize Digits.ClassCount |> Array.map argmax
    let library = Network.Classify(trained, split.Test.Inputs)
    Assert.Equal(split.Test.Count, runtime.Length)
    Assert.Equal<int[]>(library, runtime)

[<Fact>]
let ``a LeNet-shaped network trained on the digits predicts the same class for the whole test split in ONNX Runtime`` () =
    let split = Digits.Load<float32>()
    // conv-pool-conv-pool-dense-dense-dense, as LeNet-5, scaled to the 1×8×8 digits: 6×8×8, 6×4×4, 12×4×4, 12×2×2 = 48, 32, 16, 10.
    let architecture =
        Architecture.Input(1, 8, 8)
            .Conv2D(6, 3, 3, Activation.Relu, padding = 1).MaxPool2D(2)
            .Conv2D(12, 3, 3, Activation.Relu, padding = 1).MaxPool2D(2)
            .Dense(32, Activation.Relu).Dense(16, Activation.Relu).Dense(Digits.ClassCount, Activation.Softmax)
    let untrained = Network.Create<float32>(architecture, Initializer.He, 1UL)
    let trained =
        Trainer.Train(untrained, Loss.SoftmaxCrossEntropy, Adam(0.005), split.Train, TrainingOptions(Epochs = 8, BatchSize = 32, Seed = 1UL), split.Test).Network
    let accuracy = Evaluation.Accuracy(trained, split.Test)
    Assert.True(accuracy > 0.9, sprintf "the network must be trained (test accuracy %.3f) for the comparison to mean something" accuracy)

    use session = openSession (OnnxExport.ToBytes trained)
    Assert.Equal<int[]>([| -1; 1; 8; 8 |], session.InputMetadata["input"].Dimensions)
    let runtime = outputsOf session split.Test.Inputs |> Array.chunkBySize Digits.ClassCount |> Array.map argmax
    let library = Network.Classify(trained, split.Test.Inputs)
    Assert.Equal(split.Test.Count, runtime.Length)
    Assert.Equal<int[]>(library, runtime)
