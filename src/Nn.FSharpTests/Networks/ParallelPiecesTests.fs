/// Inference with each thread taking its own share of the rows through its own workspace: every row gets the bits of
/// one pass on the calling thread, whatever the stack, the element type, the rows or the threads.
module Nn.Tests.Networks.ParallelPiecesTests

open System
open Nn
open Nn.Kernels
open Xunit
open Nn.Tests.Networks.PiecewiseForwardTests

/// The outputs and the last layer's z of one piecewise pass on the calling thread: what the shares must reproduce.
let private onCaller (network: Network<'T>) (x: 'T[]) rows =
    let architecture = network.Architecture
    let outputs = Array.zeroCreate<'T> (rows * architecture.OutputSize)
    let z = Array.zeroCreate<'T> (rows * architecture.OutputSize)
    let workspace = Workspace<'T>(architecture, PiecewiseForward.WorkspaceRows<'T>(architecture, rows), null)
    PiecewiseForward.Forward(architecture, network.Parameters.AsSpan(), network.State.AsSpan(), ReadOnlySpan x, rows, workspace, Span outputs, Span z)
    outputs, z

let private onShares (network: Network<'T>) (x: 'T[]) rows threads =
    let architecture = network.Architecture
    use pool = new WorkerPool(threads)
    let pieces = ParallelPieces<'T>(architecture, rows, pool)
    let outputs = Array.zeroCreate<'T> (rows * architecture.OutputSize)
    let z = Array.zeroCreate<'T> (rows * architecture.OutputSize)
    pieces.Forward(network.Parameters.AsSpan(), network.State.AsSpan(), ReadOnlySpan x, rows, Span outputs, Span z)
    outputs, z

/// Rows below two shares, at the split's edge, uneven splits, and more rows than one workspace holds.
let private rowCounts = [ 1; 5; 31; 32; 33; 47; 100; 257; 1000 ]

let private sameBits (network: Network<'T>) toT =
    for rows in rowCounts do
        let x = inputs network.Architecture rows toT
        let expected, expectedZ = onCaller network x rows
        for threads in [ 1; 2; 3 ] do
            let outputs, z = onShares network x rows threads
            Assert.True((expected = outputs), sprintf "%O: outputs of %d rows on %d threads" network.Architecture rows threads)
            Assert.True((expectedZ = z), sprintf "%O: last z of %d rows on %d threads" network.Architecture rows threads)

[<Fact>]
let ``shares of a dense stack's rows give the calling thread's bits, in float and double, on 1 to 3 threads`` () =
    sameBits (Network.Create<float32>(denseStack, Initializer.He, 5UL)) float32
    sameBits (Network.Create<float>(denseStack, Initializer.He, 5UL)) id

[<Fact>]
let ``shares of a convolutional stack with batch normalisation and dropout give the calling thread's bits`` () =
    sameBits (Network.Create<float32>(imageStack, Initializer.He, 8UL)) float32
    sameBits (Network.Create<float>(imageStack, Initializer.He, 8UL)) id

[<Fact>]
let ``a pass takes one thread per share of at least 16 rows, never more threads than the pool has`` () =
    use pool = new WorkerPool(3)
    let pieces = ParallelPieces<float32>(denseStack, 256, pool)
    Assert.Equal(1, pieces.Parts 1)
    Assert.Equal(1, pieces.Parts 31)
    Assert.Equal(2, pieces.Parts 32)
    Assert.Equal(2, pieces.Parts 47)
    Assert.Equal(3, pieces.Parts 48)
    Assert.Equal(3, pieces.Parts 256)
    // Made for fewer rows, it keeps fewer workspaces, and a longer pass then takes longer shares rather than more threads.
    let short = ParallelPieces<float32>(denseStack, 20, pool)
    Assert.Equal(1, short.Parts 256)

[<Fact>]
let ``a pass whose inputs or outputs are shorter than its rows is refused`` () =
    use pool = new WorkerPool(2)
    let network = Network.Create<float32>(denseStack, Initializer.He, 1UL)
    let pieces = ParallelPieces<float32>(denseStack, 64, pool)
    let x = inputs denseStack 64 float32
    let error =
        Assert.Throws<ArgumentException>(fun () ->
            pieces.Forward(network.Parameters.AsSpan(), network.State.AsSpan(), ReadOnlySpan x, 64, Span(Array.zeroCreate<float32> 630)))
    Assert.Contains("64 rows", error.Message)
    Assert.Throws<ArgumentException>(fun () ->
        pieces.Forward(network.Parameters.AsSpan(), network.State.AsSpan(), ReadOnlySpan(x, 0, 6300), 64, Span(Array.zeroCreate<float32> 640)))
    |> ignore
