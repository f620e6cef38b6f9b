/// Inference over a batch in pieces through one small workspace: every row gets the bits of one pass over the whole
/// batch, whatever the pieces, the stack or the thread count.
module Nn.Tests.Networks.PiecewiseForwardTests

open System
open Nn
open Nn.Kernels
open Xunit

/// A dense stack and an image stack with every kind of layer an inference pass meets (ParallelPiecesTests uses them too).
let internal denseStack = Architecture.Input(100).Dense(96, Activation.Relu).Dense(70, Activation.Tanh).Dense(10, Activation.Softmax)

let internal imageStack =
    Architecture.Input(2, 8, 8).Conv2D(4, 3, 3, Activation.Relu, padding = 1).BatchNorm().MaxPool2D(2).Dropout(0.2).Dense(5, Activation.Softmax)

/// Random inputs for `rows` rows, seeded by the row count.
let internal inputs (architecture: Architecture) rows (toT: float -> 'T) =
    let random = Random(rows)
    Array.init (rows * architecture.InputSize) (fun _ -> toT (random.NextDouble() - 0.3))

/// One inference pass over all `rows` rows through a workspace that holds them all: what the pieces must reproduce.
let private wholePass (network: Network<'T>) (x: 'T[]) rows =
    let workspace = Workspace<'T>(network.Architecture, rows, null)
    Propagation.Forward(network.Architecture, network.Parameters.AsSpan(), ReadOnlySpan x, rows, workspace, PassMode<'T>.Inference(network.State.AsSpan()))
    workspace.Output(rows).ToArray()

/// Row counts around the 256-row pieces: one piece, a piece and a remainder, and remainders shorter than the
/// batched products take (257 and 258 would leave 1 and 2 rows for the single-row product).
let private rowCounts = [ 1; 5; 255; 256; 257; 258; 259; 600 ]

[<Fact>]
let ``Network.Forward gives every row of a large batch the bits of one whole-batch pass, on one thread and on two`` () =
    let network = Network.Create<float32>(denseStack, Initializer.He, 9UL)
    for rows in rowCounts do
        let x = inputs denseStack rows float32
        let expected = wholePass network x rows
        Assert.Equal<float32[]>(expected, Network.Forward(network, Matrix<float32>.Own(rows, 100, x)).ToArray() |> Seq.cast<float32> |> Seq.toArray)
        Assert.Equal<float32[]>(expected, Network.Forward(network, Matrix<float32>.Own(rows, 100, x), 2).ToArray() |> Seq.cast<float32> |> Seq.toArray)

[<Fact>]
let ``pieces of a convolutional stack with batch normalisation and dropout give the whole-batch pass's bits`` () =
    let network = Network.Create<float>(imageStack, Initializer.He, 4UL)
    for capacity, rows in [ (16, 16); (16, 50); (16, 34); (40, 83) ] do
        let x = inputs imageStack rows float
        let outputs = Array.zeroCreate<float> (rows * imageStack.OutputSize)
        let workspace = Workspace<float>(imageStack, capacity, null)
        PiecewiseForward.Forward(imageStack, network.Parameters.AsSpan(), network.State.AsSpan(), ReadOnlySpan x, rows, workspace, Span outputs)
        Assert.Equal<float[]>(wholePass network x rows, outputs)

[<Fact>]
let ``a stack whose first convolution fuses with its pooling gives the separate passes' bits, on one thread and on two`` () =
    let stack = Architecture.Input(2, 10, 10).Conv2D(3, 3, 3, Activation.Relu).MaxPool2D(2).Dense(16, Activation.Relu).Dense(4, Activation.Softmax)
    let network = Network.Create<float32>(stack, Initializer.He, 6UL)
    for rows in [ 1; 7; 300 ] do
        let x = inputs stack rows float32
        let expected = wholePass network x rows
        Assert.Equal<float32[]>(expected, Network.Forward(network, Matrix<float32>.Own(rows, stack.InputSize, x)).ToArray() |> Seq.cast<float32> |> Seq.toArray)
        Assert.Equal<float32[]>(expected, Network.Forward(network, Matrix<float32>.Own(rows, stack.InputSize, x), 2).ToArray() |> Seq.cast<float32> |> Seq.toArray)
    let one = inputs stack 1 float32
    Assert.Equal<float32[]>(wholePass network one 1, network.Forward(ReadOnlySpan one))

[<Fact>]
let ``a piece never leaves fewer rows than the batched products take`` () =
    for capacity in [ 8; 16; 256 ] do
        for rows in 1 .. 3 * capacity do
            let mutable left = rows
            while left > 0 do
                let piece = PiecewiseForward.PieceRows(left, capacity)
                Assert.InRange(piece, min left DenseKernels.SmallBatch, capacity)
                left <- left - piece
                Assert.True(left = 0 || left >= DenseKernels.SmallBatch, $"{rows} rows in pieces of {capacity} left {left}")

[<Fact>]
let ``a piece's workspace is at most 256 rows and smaller for a stack whose rows are large`` () =
    Assert.Equal(100, PiecewiseForward.WorkspaceRows<float32>(denseStack, 100))
    Assert.Equal(256, PiecewiseForward.WorkspaceRows<float32>(denseStack, 10_000))
    let lenet = Architecture.Input(1, 28, 28).Conv2D(6, 5, 5, Activation.Relu).MaxPool2D(2).Conv2D(16, 5, 5, Activation.Relu).MaxPool2D(2).Dense(120, Activation.Relu).Dense(84, Activation.Relu).Dense(10, Activation.Softmax)
    let rows = PiecewiseForward.WorkspaceRows<float>(lenet, 10_000)
    Assert.InRange(rows, 16, 255)
    // Every layer's z, a and δ (three copies of each output) of a piece fit in the 8 MB the pieces are sized by.
    let bytesPerRow = lenet.Stack |> Seq.sumBy (fun layer -> 3L * int64 layer.OutputShape.Size * 8L)
    Assert.True(int64 rows * bytesPerRow <= (8L <<< 20), $"{rows} rows of {bytesPerRow} bytes")
