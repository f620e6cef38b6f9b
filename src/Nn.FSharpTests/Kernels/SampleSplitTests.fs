/// Per-sample work split over a team (SampleSplit), when a part runs another split on its own thread: a user's
/// element-wise activation runs inside a convolution's per-sample pass, and may itself run a network on a team (train
/// one, say). The inner split must not take over the outer one's arguments, which its later parts still read.
module Nn.Tests.Kernels.SampleSplitTests

open System
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.NestingActivation
open Xunit

let private randoms (seed: int) length =
    let r = Random seed
    Array.init length (fun _ -> r.NextDouble() * 2.0 - 1.0)

/// a of a forward pass of `layer` over `rows` rows, its per-sample passes split over `pool` when there is one.
let private forward (layer: Conv2DLayer) (pool: WorkerPool option) rows =
    let x = randoms 1 (rows * layer.InputShape.Size)
    let theta = randoms 2 layer.ParameterCount
    let team = pool |> Option.map GemmTeam<float> |> Option.toObj
    let buffers = LayerBuffers<float>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], KernelSelection.Best, team)
    let z = Array.zeroCreate<float> (rows * layer.OutputShape.Size)
    let a = Array.zeroCreate<float> (rows * layer.OutputShape.Size)
    layer.Forward<float>(ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span a, buffers, PassMode<float>.Objective)
    a

[<Fact>]
let ``a part that runs another split on its thread leaves the outer split's later parts their own arguments`` () =
    // 20 rows: three slices of 8, cut into two parts. The teams run their parts in order on the calling thread
    // (Alone), so the inner split runs, on this thread, inside the outer one's part 0 and before its part 1.
    let outer = Conv2DLayer(Shape.Image(2, 7, 7), 3, 3, 3, Activation.Elementwise<Nesting>())
    let inner = Conv2DLayer(Shape.Image(1, 6, 6), 2, 3, 3, Activation.Tanh)
    let rows = 20
    let expectedOuter = forward outer None rows
    let expectedInner = forward inner None rows
    use outerPool = new WorkerPool(2, processors = 2, Alone = true)
    use innerPool = new WorkerPool(2, processors = 2, Alone = true)
    let mutable innerOutputs = [||]
    runNext (fun () -> innerOutputs <- forward inner (Some innerPool) rows)
    let outerOutputs = forward outer (Some outerPool) rows
    Assert.True(ran (), "the activation did not run the inner pass")
    Assert.Equal<float[]>(expectedInner, innerOutputs)
    Assert.Equal<float[]>(expectedOuter, outerOutputs)
