/// The data-parallel rules of the training loop that need no MPI: how a batch is split over ranks, which step
/// strategy a rank takes, and that a group of one rank changes nothing. The MPI runs are in Nn.Distributed.Tests.
module Nn.Tests.Training.DataParallelTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

/// The group of a run with one rank: every sum is what this rank holds already.
type private OneRank() =
    interface IDataParallelGroup with
        member _.Rank = 0
        member _.Size = 1
        member _.Sum(_: Span<float32>) = ()
        member _.Sum(_: Span<float>) = ()
        member _.Sum(_: Span<int>) = ()

let private dense = Architecture.Input(6).Dense(5, Activation.Tanh).Dense(3, Activation.Softmax)

let private data =
    let random = Random 9
    let x = Array.init 37 (fun _ -> Array.init 6 (fun _ -> random.NextDouble()))
    let y = Array.init 37 (fun i -> Array.init 3 (fun k -> if k = i % 3 then 1.0 else 0.0))
    Dataset.FromTargets(matrix x, matrix y)

[<Fact>]
let ``the ranks' shares tile every batch in rank order and differ in size by at most one`` () =
    for ranks in 1..9 do
        for rows in 0..130 do
            let shares = [ for r in 0 .. ranks - 1 -> DataParallel.Share(1000, rows, r, ranks) ]
            let struct (first, _) = shares[0]
            Assert.Equal(1000, first)
            for (struct (s, n), struct (next, _)) in List.pairwise shares do
                Assert.Equal(s + n, next)
            let sizes = shares |> List.map (fun (struct (_, n)) -> n)
            Assert.Equal(rows, List.sum sizes)
            Assert.True(List.max sizes - List.min sizes <= 1, sprintf "%d rows on %d ranks: %A" rows ranks sizes)

[<Fact>]
let ``the ranks' blocks of a vector tile it in rank order, start on whole vectors of 64 elements and differ by at most 64`` () =
    for ranks in 1..9 do
        for length in [ 0; 1; 63; 64; 65; 1000; 235_146; 235_147 ] do
            let blocks = [ for r in 0 .. ranks - 1 -> DataParallel.Block(length, r, ranks) ]
            let struct (first, _) = blocks[0]
            Assert.Equal(0, first)
            for (struct (s, n), struct (next, _)) in List.pairwise blocks do
                Assert.Equal(s + n, next)
            for struct (s, _) in blocks do
                Assert.True(s % DataParallel.BlockAlignment = 0 || s = length, sprintf "block at %d of %d" s length)
            let sizes = blocks |> List.map (fun (struct (_, n)) -> n)
            Assert.Equal(length, List.sum sizes)
            Assert.True(List.max sizes - List.min sizes <= DataParallel.BlockAlignment, sprintf "%d values on %d ranks: %A" length ranks sizes)

/// Rank 0 of two whose other rank contributes the given integers to every integer sum (its bits after clearing all
/// but its block); float and double sums are not used by the default gather.
type private FirstOfTwo(other: int[]) =
    interface IDataParallelGroup with
        member _.Rank = 0
        member _.Size = 2
        member _.Sum(_: Span<float32>) : unit = invalidOp "the default gather sums integers only"
        member _.Sum(_: Span<float>) : unit = invalidOp "the default gather sums integers only"
        member _.Sum(values: Span<int>) =
            for i in 0 .. values.Length - 1 do
                values[i] <- values[i] + other[i]

[<Fact>]
let ``the default gather of blocks keeps every bit of the other rank's block, negative zeros and NaN payloads too`` () =
    let length = 133
    let pattern i = if i % 5 = 0 then -0.0 elif i % 7 = 0 then BitConverter.Int64BitsToDouble 0x7FF800000000BEEFL else float i * 0.5
    let struct (start, count) = DataParallel.Block(length, 1, 2)
    // What rank 1 contributes: its block's bits, zeros elsewhere.
    let theirs = Array.init length (fun i -> if i >= start && i < start + count then pattern i else 0.0)
    let other = Runtime.InteropServices.MemoryMarshal.Cast<float, int>(ReadOnlySpan theirs).ToArray()
    let mine = Array.init length (fun i -> if i < start then pattern i else Double.NaN)
    (FirstOfTwo(other) :> IDataParallelGroup).GatherBlocks(Span mine)
    Assert.Equal<int64>(Array.init length (pattern >> BitConverter.DoubleToInt64Bits), mine |> Array.map BitConverter.DoubleToInt64Bits)

[<Fact>]
let ``the shards of a data set are its rows in order`` () =
    let shards = [ for r in 0..2 -> DataParallel.Shard(data, r, 3) ]
    Assert.Equal<int list>([ 12; 12; 13 ], shards |> List.map (fun s -> s.Count))
    let rejoined = shards |> List.collect (fun s -> List.ofSeq s.Labels)
    Assert.Equal<int list>(List.ofSeq data.Labels, rejoined)
    Assert.Equal<float>(data.Inputs.Row(36).ToArray(), shards[2].Inputs.Row(12).ToArray())

[<Fact>]
let ``a rank of a run whose rule updates by range keeps the moments of its block of theta only; other rules and one process keep them whole`` () =
    let count = 235_146
    let second = FirstOfTwo [||] :> IDataParallelGroup
    let struct (start, length) = DataParallel.Block(count, 0, 2)
    Assert.Equal(struct (start, length), DataParallelSteps<float32>.MomentBlock(Adam 0.001, second, count))
    Assert.Equal(struct (start, length), DataParallelSteps<float32>.MomentBlock(AdamW(0.001, 0.01), second, count))
    Assert.True(length < count)
    Assert.Equal(struct (0, count), DataParallelSteps<float32>.MomentBlock(RmsProp 0.001, second, count))
    Assert.Equal(struct (0, count), DataParallelSteps<float32>.MomentBlock(Adam 0.001, null, count))
    Assert.Equal(struct (0, count), DataParallelSteps<float32>.MomentBlock(Adam 0.001, OneRank(), count))

[<Fact>]
let ``a data-parallel run takes its own steps even for per-sample SGD, which would otherwise fuse them`` () =
    let network = Network.Create<float>(dense, Initializer.Xavier, 1UL)
    let rule = Sgd 0.1
    use run = new TrainingRun<float>(Trainer.Start(network, rule, 1UL), Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 1, 1UL), group = OneRank())
    Assert.IsType<DataParallelSteps<float>>(run.Strategy) |> ignore
    Assert.Equal(1, run.Strategy.SamplesPerAdvance)

[<Fact>]
let ``a group of one rank trains exactly as one process, with L2, shuffling and measuring`` () =
    let network = Network.Create<float>(dense, Initializer.Xavier, 3UL)
    let options = TrainingOptions(4, 8, 2UL, 0.3)
    let alone = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam 0.01, data, options, data)
    let ranked = Trainer.ContinueAsRank(Trainer.Start(network, Adam 0.01, options.Seed), Loss.SoftmaxCrossEntropy, Adam 0.01, data, options, data, null, null, Threading.CancellationToken.None, OneRank())
    Assert.Equal<float>(alone.Network.Parameters.ToArray(), ranked.Network.Parameters.ToArray())
    Assert.Equal<EpochRecord>(alone.History, ranked.History)

[<Fact>]
let ``a group of one rank runs L-BFGS exactly as one process`` () =
    let network = Network.Create<float>(dense, Initializer.Xavier, 3UL)
    let alone = Trainer.TrainFullBatch(network, Loss.SoftmaxCrossEntropy, Lbfgs(MaxIterations = 5), data, 0.3)
    let ranked = Trainer.TrainFullBatchAsRank(network, Loss.SoftmaxCrossEntropy, Lbfgs(MaxIterations = 5), data, 0.3, null, OneRank())
    Assert.Equal<float>(alone.Parameters.ToArray(), ranked.Parameters.ToArray())
    Assert.Equal(alone.Loss, ranked.Loss)

/// A group of one rank that records the points each step tells it it has reached.
type private Recording() =
    let marks = ResizeArray<StepPhase>()
    member _.Marks = List.ofSeq marks
    interface IDataParallelGroup with
        member _.Rank = 0
        member _.Size = 1
        member _.Sum(_: Span<float32>) = ()
        member _.Sum(_: Span<float>) = ()
        member _.Sum(_: Span<int>) = ()
        member _.Reached(phase) = marks.Add phase

[<Fact>]
let ``every data-parallel step tells its group it started, gathered, propagated, updated and finished, in that order`` () =
    // Adam shards its update between the sums; RMSProp sums the whole gradient and updates all of θ.
    for rule in [ Adam 0.01 :> Optimizer; RmsProp 0.01 ] do
        let group = Recording()
        let network = Network.Create<float>(dense, Initializer.Xavier, 1UL)
        let state = Trainer.Start(network, rule, 1UL)
        use run = new TrainingRun<float>(state, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 8, 1UL), group = group)
        run.Load state
        for s in 1..3 do
            let struct (_, failure) = run.Step(int64 s, 8 * (s - 1), 8)
            Assert.Null failure
        let step = [ StepPhase.Started; StepPhase.Gathered; StepPhase.Propagated; StepPhase.Updated; StepPhase.Finished ]
        Assert.Equal<StepPhase list>(List.replicate 3 step |> List.concat, group.Marks)

[<Fact>]
let ``a stop asked for by any one rank stops every rank, and one asked for by none stops none`` () =
    // Rank 0 of two whose other rank votes `other`: a cancellation seen by one rank alone still ends the run everywhere.
    let withOther (other: int) = FirstOfTwo [| other |] :> IDataParallelGroup
    Assert.True(DataParallel.AnyRank(withOther 0, true))
    Assert.True(DataParallel.AnyRank(withOther 1, false))
    Assert.True(DataParallel.AnyRank(withOther 1, true))
    Assert.False(DataParallel.AnyRank(withOther 0, false))
