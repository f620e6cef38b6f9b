/// A checkpoint that saves is one that loads: a state made by hand that breaks a rule the reader holds files to is
/// refused when written, naming the rule, and a checkpoint with a null field is refused naming the field.
module Nn.Tests.Serialization.CheckpointLoadsBackTests

open System
open System.Collections.Immutable
open Xunit
open Nn

let private train = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0 .. 199 |])
let private options = TrainingOptions(3, 32, 1UL)
let private network = Network.Create<float32>(Architecture.Input(64).Dense(10, Activation.Softmax), Initializer.Xavier, 1UL)
/// Two epochs of a real run, 14 steps: the optimiser state fits any epoch count from 1 to 3 that the cases give.
let private trained = (Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam 0.01, train, TrainingOptions(2, 32, 1UL))).State

let private checkpoint (epochs: int) (records: EpochRecord list) =
    let state = TrainingState<float32>(trained.Network, trained.OptimizerState, trained.Random, epochs, ImmutableArray.CreateRange records)
    Checkpoint<float32>(state, Adam 0.01, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of train)

let private record epoch cost accuracy = EpochRecord(epoch, cost, accuracy, Nullable(), Nullable())

[<Fact>]
let ``a consistent state saves and loads back equal`` () =
    let saved = checkpoint 2 [ record 1 0.9 0.5; record 2 0.7 0.6 ]
    Assert.Equal(saved.State, (CheckpointFile.FromBytes<float32>(CheckpointFile.ToBytes saved, "c")).State)

[<Fact>]
let ``a schedule of 8 stages, the longest a schedule chains, saves and loads back`` () =
    let longest = Seq.fold (fun then' _ -> LearningRateSchedule.Warmup(1L, then')) LearningRateSchedule.Constant [ 1 .. 7 ]
    let rule = (Adam 0.01).WithSchedule longest
    let state = TrainingState<float32>(trained.Network, trained.OptimizerState, trained.Random, 2, ImmutableArray.CreateRange [ record 1 0.9 0.5; record 2 0.7 0.6 ])
    let saved = Checkpoint<float32>(state, rule, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of train)
    Assert.Equal(rule, (CheckpointFile.FromBytes<float32>(CheckpointFile.ToBytes saved, "c")).Optimizer)

[<Fact>]
let ``a state the reader would refuse is not written, and the message names the rule`` () =
    let cases =
        [ checkpoint 2 [ record 1 0.9 0.5 ], "expected the history length (one record per completed epoch) in 2..2, but found 1."
          checkpoint 1 [ record 5 0.9 0.5 ], "expected history record 0's epoch in 1..1, but found 5."
          checkpoint 1 [ record 1 nan 0.5 ], "expected a finite history record 0's training loss of 0 or more, but found NaN."
          checkpoint 1 [ record 1 0.9 2.0 ], "expected history record 0's training accuracy in [0, 1], or NaN, but found 2."
          checkpoint 4 [ for e in 1..4 -> record e 0.9 0.5 ], "expected the epochs completed (at most the epoch count) in 0..3, but found 4." ]
    for saved, rule in cases do
        let e = Assert.Throws<ArgumentException>(fun () -> CheckpointFile.ToBytes saved |> ignore)
        Assert.StartsWith("the checkpoint would not load back, so it is not written: the checkpoint, byte ", e.Message)
        Assert.Contains(rule, e.Message)

[<Fact>]
let ``a checkpoint with a null field is refused naming it`` () =
    let good = checkpoint 2 [ record 1 0.9 0.5; record 2 0.7 0.6 ]
    let cases =
        [ "checkpoint.State", Checkpoint<float32>(Unchecked.defaultof<_>, good.Optimizer, good.Loss, good.Options, good.TrainingData)
          "checkpoint.Optimizer", Checkpoint<float32>(good.State, Unchecked.defaultof<_>, good.Loss, good.Options, good.TrainingData)
          "checkpoint.Loss", Checkpoint<float32>(good.State, good.Optimizer, Unchecked.defaultof<_>, good.Options, good.TrainingData)
          "checkpoint.Options", Checkpoint<float32>(good.State, good.Optimizer, good.Loss, Unchecked.defaultof<_>, good.TrainingData) ]
    for name, saved in cases do
        Assert.Equal(name, (Assert.Throws<ArgumentNullException>(fun () -> CheckpointFile.ToBytes saved |> ignore)).ParamName)

[<Fact>]
let ``figures a run records as NaN, or a held-out cost of infinity, save and load back; other values outside their range are still refused`` () =
    let unmeasured =
        EpochRecord(1, 0.9, nan, Nullable nan, Nullable nan, ValidationCost = Nullable infinity, ValidationAccuracy = Nullable nan)
    let saved = checkpoint 1 [ unmeasured ]
    let loaded = (CheckpointFile.FromBytes<float32>(CheckpointFile.ToBytes saved, "c")).State.History[0]
    Assert.True(Double.IsNaN loaded.TrainAccuracy && Double.IsNaN loaded.TestCost.Value && Double.IsNaN loaded.TestAccuracy.Value)
    Assert.Equal(infinity, loaded.ValidationCost.Value)
    Assert.True(Double.IsNaN loaded.ValidationAccuracy.Value)
    for bad, rule in
        [ EpochRecord(1, 0.9, 0.5, Nullable -1.0, Nullable()), "expected history record 0's test loss of 0 or more, or NaN, but found -1."
          EpochRecord(1, 0.9, 0.5, Nullable(), Nullable infinity), "expected history record 0's test accuracy in [0, 1], or NaN, but found Infinity."
          EpochRecord(1, infinity, 0.5, Nullable(), Nullable()), "expected a finite history record 0's training loss of 0 or more, but found Infinity." ] do
        let e = Assert.Throws<ArgumentException>(fun () -> CheckpointFile.ToBytes(checkpoint 1 [ bad ]) |> ignore)
        Assert.Contains(rule, e.Message)

[<Fact>]
let ``a run checkpointed every epoch whose test outputs overflow saves its NaN test figures instead of failing`` () =
    let small = Dataset.FromLabels(Matrix<float32>.FromRows [| [| 0.1f; 0.2f |]; [| 0.3f; 0.1f |] |], [| 0; 1 |], 2)
    let overflowing = Dataset.FromLabels(Matrix<float32>.FromRows [| [| 3e38f; -3e38f |]; [| 0.3f; 0.1f |] |], [| 0; 1 |], 2)
    let net = Network.Create<float32>(Architecture.Input(2).Dense(3, Activation.Relu).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    let runOptions = TrainingOptions(2, 2, 1UL)
    let path = IO.Path.Combine(IO.Path.GetTempPath(), $"nn-nan-test-{Guid.NewGuid():N}.nnc")
    try
        let saver = CheckpointFile.SaveEvery(1, path, DataFingerprint.Of small, Sgd 0.1, Loss.SoftmaxCrossEntropy, runOptions)
        let result = Trainer.Train(net, Loss.SoftmaxCrossEntropy, Sgd 0.1, small, runOptions, overflowing, onEpoch = saver)
        Assert.Equal(StopReason.Completed, result.Reason)
        let history = (CheckpointFile.Load<float32>(path, Sgd 0.1)).State.History
        Assert.Equal(2, history.Length)
        Assert.True(Double.IsNaN history[1].TestAccuracy.Value, string history[1])
    finally
        IO.File.Delete path

[<Fact>]
let ``a record with only its cost or only its accuracy measured, on the test or the validation set, loads back so`` () =
    let records =
        [ EpochRecord(1, 0.9, 0.5, Nullable 0.25, Nullable(), ValidationCost = Nullable 0.5)
          EpochRecord(2, 0.7, 0.6, Nullable(), Nullable 0.75, ValidationAccuracy = Nullable 0.125) ]
    let loaded = (CheckpointFile.FromBytes<float32>(CheckpointFile.ToBytes(checkpoint 2 records), "c")).State.History
    Assert.Equal<EpochRecord seq>(records, loaded)
