/// The inference workspace Network.Forward keeps for the thread's next call: a loop of calls allocates only its
/// results, and which workspace a call is lent never changes its bits.
module Nn.Tests.Networks.KeptWorkspacesTests

open System
open Nn
open Nn.Kernels
open Xunit
open Nn.Tests.Networks.PiecewiseForwardTests

/// The outputs of a pass through a workspace made for it alone: what every call must give, kept workspace or not.
let private freshPass (network: Network<'T>) (x: 'T[]) rows =
    let architecture = network.Architecture
    let outputs = Array.zeroCreate<'T> (rows * architecture.OutputSize)
    let workspace = Workspace<'T>(architecture, PiecewiseForward.WorkspaceRows<'T>(architecture, rows), null)
    PiecewiseForward.Forward(architecture, network.Parameters.AsSpan(), network.State.AsSpan(), ReadOnlySpan x, rows, workspace, Span outputs)
    outputs

let private values (m: Matrix<'T>) = m.ToArray() |> Seq.cast<'T> |> Seq.toArray

/// The fewest bytes the calling thread allocated in one of five calls after a first: a collection may take a kept
/// workspace back between two calls, so one call may make a new one, but not every call.
let private fewestBytes (call: unit -> unit) =
    call ()
    [ for _ in 1..5 ->
        let before = GC.GetAllocatedBytesForCurrentThread()
        call ()
        GC.GetAllocatedBytesForCurrentThread() - before ]
    |> List.min

[<Fact>]
let ``a loop of forward passes allocates little beyond its results, on one thread and on two`` () =
    let network = Network.Create<float32>(imageStack, Initializer.He, 3UL)
    let rows = 2000
    let x = Matrix<float32>.Own(rows, imageStack.InputSize, inputs imageStack rows float32)
    // The result is rows × 5 floats; a fresh workspace for these rows is hundreds of KB more.
    let result = int64 (rows * imageStack.OutputSize * sizeof<float32>)
    let bound = result + 16_384L
    Assert.InRange(fewestBytes (fun () -> Network.Forward(network, x) |> ignore), result, bound)
    Assert.InRange(fewestBytes (fun () -> Network.Forward(network, x, 2) |> ignore), result, bound)
    let sample = inputs imageStack 1 float32
    Assert.InRange(fewestBytes (fun () -> Network.Forward(network, ReadOnlySpan sample) |> ignore), 0L, 1_024L)

[<Fact>]
let ``calls of changing batch sizes give each batch the bits of a fresh pass, in float and double, on one thread and on two`` () =
    let check (network: Network<'T>) toT =
        for rows in [ 600; 5; 300; 1; 33; 1000; 17 ] do
            let x = inputs network.Architecture rows toT
            let expected = freshPass network x rows
            let matrix = Matrix<'T>.Own(rows, network.InputSize, x)
            Assert.True((expected = values (Network.Forward(network, matrix))), sprintf "%d rows on one thread" rows)
            Assert.True((expected = values (Network.Forward(network, matrix, 2))), sprintf "%d rows on two threads" rows)
            // One sample alone takes the single-row product, so its bits are those of a fresh one-row pass.
            let first = x.[.. network.InputSize - 1]
            Assert.True((freshPass network first 1 = Network.Forward(network, ReadOnlySpan first)), sprintf "the first of %d rows alone" rows)

    check (Network.Create<float32>(denseStack, Initializer.He, 6UL)) float32
    check (Network.Create<float>(imageStack, Initializer.He, 6UL)) id

[<Fact>]
let ``a workspace kept on one kernel path is not lent to a call on another`` () =
    let network = Network.Create<float32>(denseStack, Initializer.He, 2UL)
    let rows = 64
    let x = inputs denseStack rows float32
    let matrix = Matrix<float32>.Own(rows, denseStack.InputSize, x)
    let onDefault = values (Network.Forward(network, matrix))
    let portable =
        use _ = KernelSelection.Enter KernelPath.Portable
        freshPass network x rows
    // The two paths sum in different orders here, so a call lent the default path's workspace would show it.
    Assert.NotEqual<float32[]>(onDefault, portable)
    for threads in [ 1; 2 ] do
        use _ = KernelSelection.Enter KernelPath.Portable
        let outputs = if threads = 1 then Network.Forward(network, matrix) else Network.Forward(network, matrix, threads)
        Assert.Equal<float32[]>(portable, values outputs)
    Assert.Equal<float32[]>(onDefault, values (Network.Forward(network, matrix, 2)))
