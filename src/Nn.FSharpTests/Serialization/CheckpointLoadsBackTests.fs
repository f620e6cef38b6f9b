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
let ``a state the reader would refuse is not written, and the message names the rule`` () =
    let cases =
        [ checkpoint 2 [ record 1 0.9 0.5 ], "expected the history length (one record per completed epoch) in 2..2, but found 1."
          checkpoint 1 [ record 5 0.9 0.5 ], "expected history record 0's epoch in 1..1, but found 5."
          checkpoint 1 [ record 1 nan 0.5 ], "expected a finite history record 0's training loss of 0 or more, but found NaN."
          checkpoint 1 [ record 1 0.9 2.0 ], "expected history record 0's training accuracy in [0, 1], but found 2."
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
