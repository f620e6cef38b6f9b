/// Measuring a classifier when some of its outputs overflow: a sample without finite outputs has no predicted class.
module Nn.Tests.Training.EvaluationTests

open System
open Nn
open Xunit

// Two equal outputs 10³⁰·x + 10³⁰: class 0 for any ordinary x, +∞ in float32 once x passes about 3.4·10⁸.
let private overflowing =
    let architecture = Architecture.Input(1).Dense(2, Activation.Identity)
    Network.FromParameters<float32>(architecture, ReadOnlySpan(Array.create architecture.ParameterCount 1e30f))

/// Inputs x with their labels.
let private data (rows: (float32 * int) list) =
    let inputs = Matrix<float32>.Create(rows.Length, 1, ReadOnlySpan(rows |> List.map fst |> List.toArray))
    Dataset.FromLabels(inputs, rows |> List.map snd |> List.toArray, 2)

[<Fact>]
let ``a sample whose outputs overflow is counted apart and leaves its accuracies NaN instead of a class it never got`` () =
    let report = Evaluation.Evaluate(overflowing, data [ (1f, 0); (1e10f, 0); (1f, 0); (2f, 1) ])
    Assert.Equal(1, report.NonFiniteSamples)
    Assert.True(Double.IsNaN report.Accuracy, sprintf "accuracy %g" report.Accuracy)
    Assert.True(Double.IsNaN report.PerClassAccuracy[0], sprintf "class 0: %g" report.PerClassAccuracy[0])
    // Class 1's one sample is finite and wrong: its accuracy is still a measurement.
    Assert.Equal(0.0, report.PerClassAccuracy[1])
    Assert.Equal(3, report.Confusion.Total)
    Assert.Equal((2, 0, 1, 0), (report.Confusion[0, 0], report.Confusion[0, 1], report.Confusion[1, 0], report.Confusion[1, 1]))
    Assert.True(Double.IsNaN(Evaluation.Accuracy(overflowing, data [ (1e10f, 1) ])))

[<Fact>]
let ``without the overflowing sample the same network is measured as usual`` () =
    let report = Evaluation.Evaluate(overflowing, data [ (1f, 0); (1f, 0); (2f, 1) ])
    Assert.Equal(0, report.NonFiniteSamples)
    Assert.Equal(2.0 / 3.0, report.Accuracy)
    Assert.Equal<float>([| 1.0; 0.0 |], report.PerClassAccuracy |> Seq.toArray)
    Assert.Equal(3, report.Confusion.Total)

[<Fact>]
let ``reports differ when only their count of overflowing samples does`` () =
    let finite = Evaluation.Evaluate(overflowing, data [ (1f, 0) ])
    Assert.Equal(finite, Evaluation.Evaluate(overflowing, data [ (1f, 0) ]))
    Assert.NotEqual(finite, ClassificationReport(finite.Accuracy, finite.PerClassAccuracy, finite.Confusion, NonFiniteSamples = 1))

[<Fact>]
let ``a training run's test accuracy is NaN, not a class count, when the trained network overflows on the test set`` () =
    let train = data [ for i in 0..15 -> (float32 (i % 4) * 0.25f, i % 2) ]
    // Any hidden weight above 1 in size takes the largest float32 past +∞ or −∞; the next layer adds the two into NaN.
    let test = data [ (0.5f, 0); (Single.MaxValue, 1) ]
    let network = Network.Create<float32>(Architecture.Input(1).Dense(8, Activation.Identity).Dense(2, Activation.Softmax), Initializer.He, 1UL)
    let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd 0.01, train, TrainingOptions(1, 4, 1UL), test)
    Assert.Equal(StopReason.Completed, result.Reason)
    let record = result.State.History[0]
    Assert.True(Double.IsNaN record.TestAccuracy.Value, sprintf "test accuracy %g" record.TestAccuracy.Value)
    Assert.False(Double.IsNaN record.TrainAccuracy)
    Assert.Equal(1, Evaluation.Evaluate(result.Network, test).NonFiniteSamples)

[<Fact>]
let ``a single-output network is not given an accuracy of 1 that no output could miss`` () =
    let architecture = Architecture.Input(1).Dense(1, Activation.Sigmoid)
    let network = Network.FromParameters<float32>(architecture, ReadOnlySpan [| -3.0f; 0.5f |])
    let inputs = Matrix<float32>.Create(3, 1, ReadOnlySpan [| 1.0f; 2.0f; 3.0f |])
    let single = Dataset.FromTargets(inputs, Matrix<float32>.Create(3, 1, ReadOnlySpan [| 1.0f; 0.0f; 1.0f |]))
    let message = Nn.Tests.Helpers.messageOf<ArgumentException> (fun () -> Evaluation.Evaluate(network, single) |> ignore)
    Assert.StartsWith("data must have at least 2 classes to measure a classifier, but has 1", message)
    Assert.Throws<ArgumentException>(fun () -> Evaluation.Accuracy(network, single) |> ignore) |> ignore

[<Fact>]
let ``the confusion matrix refuses a class outside it instead of reading another cell`` () =
    let confusion = (Evaluation.Evaluate(overflowing, data [ (1.0f, 0); (2.0f, 1) ])).Confusion
    Assert.Equal(1, confusion[1, 0])
    Assert.Contains("predicted must be in 0..1, but is 2.", Nn.Tests.Helpers.messageOf<ArgumentOutOfRangeException> (fun () -> confusion[0, 2] |> ignore))
    Assert.Contains("actual must be in 0..1, but is -1.", Nn.Tests.Helpers.messageOf<ArgumentOutOfRangeException> (fun () -> confusion[-1, 0] |> ignore))
    Assert.Contains("actual must be in 0..1, but is 2.", Nn.Tests.Helpers.messageOf<ArgumentOutOfRangeException> (fun () -> confusion[2, 0] |> ignore))

[<Fact>]
let ``a report refuses a default per-class array or a null confusion matrix, when made and in C#'s with`` () =
    let report = Evaluation.Evaluate(overflowing, data [ (1.0f, 0); (2.0f, 1) ])
    let perClass = Assert.Throws<ArgumentException>(fun () -> ClassificationReport(0.5, Collections.Immutable.ImmutableArray<double>(), report.Confusion) |> ignore)
    Assert.Equal("the per-class accuracies must be an array (one entry per class), not a default ImmutableArray. (Parameter 'PerClassAccuracy')", perClass.Message)
    Assert.Equal("Confusion", (Assert.Throws<ArgumentNullException>(fun () -> ClassificationReport(0.5, report.PerClassAccuracy, Unchecked.defaultof<ConfusionMatrix>) |> ignore)).ParamName)
    let e = Assert.Throws<Reflection.TargetInvocationException>(fun () -> (nonNull (typeof<ClassificationReport>.GetProperty "Confusion")).SetValue(report, null))
    Assert.Equal("Confusion", (Assert.IsType<ArgumentNullException>(e.InnerException)).ParamName)
