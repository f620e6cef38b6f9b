/// A network trained on the embedded digits predicts the same class for every test image in ONNX Runtime as in
/// the library.
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
