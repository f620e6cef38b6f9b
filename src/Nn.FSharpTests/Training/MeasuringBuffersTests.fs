/// The measuring pass (a network's cost and confusion counts on a data set, as each epoch's divergence probe and test
/// figures are made): forward passes shorter than a cost group give the same bits as one pass over the group.
module Nn.Tests.Training.MeasuringBuffersTests

open System
open Nn
open Xunit

let private digits = lazy (Digits.Load<float32>().Train)

let private dense = Architecture.Input(64).Dense(32, Activation.Relu).Dense(10, Activation.Softmax)

let private convolutional =
    Architecture.Input(1, 8, 8).Conv2D(4, 3, 3, Activation.Relu).MaxPool2D(2).BatchNorm().Dense(10, Activation.Softmax)

/// The cost sum and the confusion counts of one measuring pass over data with groups of costRows rows.
let private measure (architecture: Architecture) (data: Dataset<float32>) costRows (forwardRows: int option) =
    let network = Network.Create<float32>(architecture, Initializer.He, 3UL)
    let buffers = MeasuringBuffers<float32>(architecture, costRows, null, Option.toNullable forwardRows)
    let counts = Array.zeroCreate (Evaluation.CountsLength data.ClassCount)
    let cost =
        Evaluation.Measure<float32>(
            architecture, network.Parameters.AsSpan(), network.State.AsSpan(), data, buffers, Span counts, Loss.SoftmaxCrossEntropy)
    buffers.ForwardRows, cost, counts

[<Fact>]
let ``forward passes shorter than a cost group give the bits of one pass over the group`` () =
    // 1,797 rows leave a last group of 5 and, for every piece length, a remainder within the group.
    for architecture in [ dense; convolutional ] do
        let data = digits.Value
        let _, whole, wholeCounts = measure architecture data 256 (Some 256)
        Assert.Equal(data.Count, Array.sum wholeCounts)
        for rows in [ 8; 9; 16; 37; 100; 255 ] do
            let used, cost, counts = measure architecture data 256 (Some rows)
            Assert.Equal(rows, used)
            Assert.True(BitConverter.SingleToInt32Bits whole = BitConverter.SingleToInt32Bits cost, sprintf "%O in passes of %d: %.9g against %.9g" architecture rows cost whole)
            Assert.Equal<int[]>(wholeCounts, counts)

[<Fact>]
let ``a convolutional stack is measured in shorter forward passes than a dense one`` () =
    let lenet =
        Architecture.Input(1, 28, 28).Conv2D(6, 5, 5, Activation.Relu).MaxPool2D(2).Conv2D(16, 5, 5, Activation.Relu).MaxPool2D(2)
            .Dense(120, Activation.Relu).Dense(84, Activation.Relu).Dense(10, Activation.Softmax)
    let networkB = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax)
    Assert.Equal(256, MeasuringBuffers<float32>.ForwardRowsFor(networkB, 256))
    let rows = MeasuringBuffers<float32>.ForwardRowsFor(lenet, 256)
    Assert.InRange(rows, 16, 64)
    Assert.True(MeasuringBuffers<float>.ForwardRowsFor(lenet, 256) <= rows, "double rows take twice the bytes")
    // A group smaller than the floor is one pass.
    Assert.Equal(10, MeasuringBuffers<float32>.ForwardRowsFor(lenet, 10))

[<Fact>]
let ``a run's threads, each measuring its share of every group, give the bits of one thread`` () =
    // 1,797 rows: seven full groups of 256 and a last one of 5, which stays on the calling thread.
    let data = digits.Value
    for architecture in [ dense; convolutional ] do
        let _, cost, counts = measure architecture data 256 None
        for threads in [ 2; 3 ] do
            use pool = new Nn.Kernels.WorkerPool(threads)
            let network = Network.Create<float32>(architecture, Initializer.He, 3UL)
            let buffers = MeasuringBuffers<float32>(architecture, 256, Nn.Kernels.GemmTeam<float32>(pool))
            Assert.NotNull(buffers.Pieces)
            Assert.Null(buffers.Workspace)
            let shared = Array.zeroCreate (Evaluation.CountsLength data.ClassCount)
            let sharedCost =
                Evaluation.Measure<float32>(
                    architecture, network.Parameters.AsSpan(), network.State.AsSpan(), data, buffers, Span shared, Loss.SoftmaxCrossEntropy)
            Assert.True(BitConverter.SingleToInt32Bits cost = BitConverter.SingleToInt32Bits sharedCost, sprintf "%O on %d threads: %.9g against %.9g" architecture threads sharedCost cost)
            Assert.Equal<int[]>(counts, shared)
