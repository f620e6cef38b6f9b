/// A checkpoint that passes its checksum but describes a state no training run can reach is refused on load, with
/// the field and its byte offset: the invariants of CheckpointState, one case each.
module Nn.Tests.Serialization.CheckpointStateTests

open System
open System.Collections.Immutable
open Nn
open Xunit

let private train = Digits.LoadAll<float32>().Select(ReadOnlySpan [| 0 .. 299 |])
let private architecture = Architecture.Input(64).Dense(12, Activation.Relu).Dense(10, Activation.Softmax)
let private parameterCount = architecture.ParameterCount
let private options = TrainingOptions(Epochs = 4, BatchSize = 50, Seed = 2UL)

/// Two epochs of Adam (12 steps over 300 samples), with test measurements in the history.
let private trained =
    let start = Network.Create<float32>(architecture, Initializer.He, 3UL)
    Trainer.Train(start, Loss.SoftmaxCrossEntropy, Adam 0.01, train, TrainingOptions(Epochs = 2, BatchSize = 50, Seed = 2UL), Digits.Load<float32>().Test).State

let private saved (rule: Optimizer) (state: TrainingState<float32>) =
    CheckpointFile.UncheckedBytes(Checkpoint<float32>(state, rule, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of train))

let private withState (step: int64) (moments: ParameterVector<float32> seq) random completed (history: EpochRecord seq) =
    TrainingState<float32>(trained.Network, OptimizerState<float32>(step, ImmutableArray.CreateRange moments), random, completed, ImmutableArray.CreateRange history)

let private moments = trained.OptimizerState.Moments
let private history = trained.History

/// A moment vector with one element changed.
let private changed (moment: ParameterVector<float32>) (index: int) (value: float32) =
    let values = moment.ToArray()
    values[index] <- value
    ParameterVector<float32>.Create(ReadOnlySpan values)

/// Where fields sit, counted back from the end of the file: checksum 32, the best epoch's presence byte 1 (these
/// states have none), the history (54 bytes a record: 37, then 17 of validation figures), its length 4, the epochs
/// completed 4, the random state 32, the fingerprint 44, the options (4 + 4 + 8 + 8 + 1, then the validation
/// fraction 8 and patience 4), the loss name (1 + 21), then the moments of 4-byte elements.
let private completedAt (bytes: byte[]) records = int64 bytes.Length - 32L - 1L - (54L * int64 records) - 4L - 4L
let private randomAt bytes records = completedAt bytes records - 32L
let private momentAt bytes records (moment: int) (momentCount: int) =
    randomAt bytes records - 44L - 37L - 22L - (int64 (momentCount - moment) * int64 parameterCount * 4L)
let private recordAt (bytes: byte[]) records (record: int) = int64 bytes.Length - 32L - 1L - (54L * int64 (records - record))

let private refused (bytes: byte[]) (offset: int64) (fragment: string) =
    let e = Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.FromBytes<float32>(bytes, "run.nnck") |> ignore)
    Assert.Contains(fragment, e.Message)
    Assert.Equal(offset, e.Offset)
    Assert.StartsWith(sprintf "run.nnck, byte %d: expected " offset, e.Message)

[<Fact>]
let ``the unaltered state loads back equal`` () =
    let loaded = CheckpointFile.FromBytes<float32>(saved (Adam 0.01) trained, "run.nnck")
    Assert.Equal(trained, loaded.State)
    Assert.Equal(12L, trained.OptimizerState.Step)

[<Fact>]
let ``a negative Adam second moment is refused at its element`` () =
    let bytes = saved (Adam 0.01) (withState 12L [ moments[0]; changed moments[1] 5 -1e-3f ] trained.Random 2 history)
    refused bytes (momentAt bytes 2 1 2 + 20L) "Adam's second moment v of 0 or more (a mean of squares), but found -0.001 at element 5"

[<Fact>]
let ``a negative first moment or momentum velocity is allowed: only squares are never negative`` () =
    let bytes = saved (Adam 0.01) (withState 12L [ changed moments[0] 5 -1e-3f; moments[1] ] trained.Random 2 history)
    Assert.Equal(-1e-3f, (CheckpointFile.FromBytes<float32>(bytes, "c")).State.OptimizerState.Moments[0][5])

[<Fact>]
let ``non-zero moments at step 0 are refused`` () =
    let zero = ParameterVector<float32>.Zeros parameterCount
    let bytes = saved (Momentum(0.05, 0.9)) (withState 0L [ changed zero 7 0.5f ] trained.Random 0 [])
    refused bytes (momentAt bytes 0 0 1 + 28L) "moment 0 all zero at optimiser step 0, but found 0.5 at element 7"

[<Fact>]
let ``more epochs completed than the run's total are refused`` () =
    let extra = [ for e in 3 .. 5 -> EpochRecord(e, 0.1, 0.9, Nullable(), Nullable()) ]
    let bytes = saved (Adam 0.01) (withState 40L moments trained.Random 5 (Seq.append history extra))
    refused bytes (completedAt bytes 5) "the epochs completed (at most the epoch count) in 0..4, but found 5"

[<Fact>]
let ``fewer optimiser steps than epochs completed are refused`` () =
    let bytes = saved (Adam 0.01) (withState 1L moments trained.Random 2 history)
    refused bytes (completedAt bytes 2) "at most 1 epochs completed (the optimiser step; every epoch takes a step), but found 2"

[<Fact>]
let ``more optimiser steps than samples in the epochs completed are refused`` () =
    let bytes = saved (Adam 0.01) (withState 10_000L moments trained.Random 2 history)
    // 33 epochs and a partial one take up to 34 × 300 = 10,200 steps; 32 and a partial one only 9,900.
    refused bytes (completedAt bytes 2) "at least 33 epochs completed (10000 optimiser steps over 300 samples), but found 2"
    // A whole number of epochs' steps: 1,200 fit in 3 epochs and a partial fourth, not only in 4.
    let whole = saved (Adam 0.01) (withState 1_200L moments trained.Random 2 history)
    refused whole (completedAt whole 2) "at least 3 epochs completed (1200 optimiser steps over 300 samples), but found 2"

[<Fact>]
let ``an optimiser step up to one more epoch of samples than those completed loads, and one step past it is refused`` () =
    // Two epochs over 300 samples take at most 600 steps, and a partial epoch that diverged at most 300 more.
    let loaded = CheckpointFile.FromBytes<float32>(saved (Adam 0.01) (withState 900L moments trained.Random 2 history), "run.nnck")
    Assert.Equal(900L, loaded.State.OptimizerState.Step)
    let bytes = saved (Adam 0.01) (withState 901L moments trained.Random 2 history)
    refused bytes (completedAt bytes 2) "at least 3 epochs completed (901 optimiser steps over 300 samples), but found 2"

[<Fact>]
let ``an all-zero random state is refused`` () =
    // No TrainingState holds one, so the file is edited: its four words zeroed and the checksum made again.
    let bytes = saved (Adam 0.01) trained
    let body = Array.take (bytes.Length - 32) bytes
    Array.fill body (int (randomAt bytes 2)) 32 0uy
    let edited = Array.append body (Security.Cryptography.SHA256.HashData body)
    refused edited (randomAt bytes 2) "a random state with a non-zero word"

[<Fact>]
let ``a history shorter than the epochs completed is refused`` () =
    let bytes = saved (Adam 0.01) (withState 12L moments trained.Random 2 (Seq.take 1 history))
    refused bytes (completedAt bytes 1 + 4L) "the history length (one record per completed epoch) in 2..2, but found 1"

[<Fact>]
let ``history records out of order are refused`` () =
    let bytes = saved (Adam 0.01) (withState 12L moments trained.Random 2 [ history[0]; history[0] ])
    refused bytes (recordAt bytes 2 1) "history record 1's epoch in 2..2, but found 1"

let measurements =
    let data = TheoryData<string, EpochRecord, int64, string>()
    data.Add("NaN training loss", EpochRecord(2, nan, 0.8, Nullable 0.6, Nullable 0.7), 4L, "a finite history record 1's training loss of 0 or more, but found NaN")
    data.Add("negative training loss", EpochRecord(2, -0.5, 0.8, Nullable 0.6, Nullable 0.7), 4L, "a finite history record 1's training loss of 0 or more, but found -0.5")
    data.Add("infinite training loss", EpochRecord(2, infinity, 0.8, Nullable 0.6, Nullable 0.7), 4L, "a finite history record 1's training loss of 0 or more, but found Infinity")
    data.Add("training accuracy above 1", EpochRecord(2, 0.5, 1.5, Nullable 0.6, Nullable 0.7), 12L, "history record 1's training accuracy in [0, 1], or NaN, but found 1.5")
    data.Add("negative training accuracy", EpochRecord(2, 0.5, -0.1, Nullable 0.6, Nullable 0.7), 12L, "history record 1's training accuracy in [0, 1], or NaN, but found -0.1")
    data.Add("negative test loss", EpochRecord(2, 0.5, 0.8, Nullable -0.6, Nullable 0.7), 21L, "history record 1's test loss of 0 or more, or NaN, but found -0.6")
    data.Add("infinite test loss", EpochRecord(2, 0.5, 0.8, Nullable -infinity, Nullable 0.7), 21L, "history record 1's test loss of 0 or more, or NaN, but found -Infinity")
    data.Add("negative test accuracy", EpochRecord(2, 0.5, 0.8, Nullable 0.6, Nullable -0.2), 29L, "history record 1's test accuracy in [0, 1], or NaN, but found -0.2")
    data.Add("test accuracy above 1", EpochRecord(2, 0.5, 0.8, Nullable 0.6, Nullable 2.0), 29L, "history record 1's test accuracy in [0, 1], or NaN, but found 2")
    data

[<Theory; MemberData("measurements")>]
let ``an impossible measurement in the history is refused at its field`` (_case: string, record: EpochRecord, field: int64, fragment: string) =
    let bytes = saved (Adam 0.01) (withState 12L moments trained.Random 2 [ history[0]; record ])
    refused bytes (recordAt bytes 2 1 + field) fragment

[<Fact>]
let ``an absent test measurement stored as anything but 0 is refused`` () =
    let bytes = saved (Adam 0.01) (withState 12L moments trained.Random 2 [ history[0]; EpochRecord(2, 0.5, 0.8, Nullable(), Nullable()) ])
    let body = Array.take (bytes.Length - 32) bytes
    let testLossAt = int (recordAt bytes 2 1) + 21
    BitConverter.GetBytes(0.25).CopyTo(body, testLossAt)
    let edited = Array.append body (Security.Cryptography.SHA256.HashData body)
    refused edited (int64 testLossAt) "history record 1's test loss stored as 0 (the flags say there is none), but found 0.25"

[<Fact>]
let ``an absent test measurement stored as minus 0 is refused: only the bits of 0 mean none`` () =
    let bytes = saved (Adam 0.01) (withState 12L moments trained.Random 2 [ history[0]; EpochRecord(2, 0.5, 0.8, Nullable(), Nullable()) ])
    let body = Array.take (bytes.Length - 32) bytes
    let testAccuracyAt = int (recordAt bytes 2 1) + 29
    BitConverter.GetBytes(-0.0).CopyTo(body, testAccuracyAt)
    let edited = Array.append body (Security.Cryptography.SHA256.HashData body)
    refused edited (int64 testAccuracyAt) "history record 1's test accuracy stored as 0 (the flags say there is none), but found -0"
