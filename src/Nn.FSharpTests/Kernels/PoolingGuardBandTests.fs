/// Guard bands around every destination of max-pooling (PoolingKernels.MaxPool and MaxPoolBackward, with their 2x2
/// vector bodies): maxima, their copy, argmax and the image gradient each sit in the middle of a larger array whose
/// other values are a marker, and after the call every marker still has its bits and every value written is the
/// definition's. On every kernel path this CPU runs, in float and double, on one thread and on a pool of two. The
/// convolution fused with its ReLU and pooling has its own file (PooledConvolutionGuardBandTests).
module Nn.Tests.Kernels.PoolingGuardBandTests

open System
open System.Runtime.InteropServices
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.ConvolutionGuardBandCases
open Nn.Tests.Kernels.GuardedBuffers
open Xunit

/// A max-pooling of a batch: C×H×W images, K×K windows at stride s.
type private PoolingShape =
    { Channels: int; Height: int; Width: int; Window: int; Stride: int; Rows: int }

    member s.Input = Shape.Image(s.Channels, s.Height, s.Width)
    member s.Output = Shape.Image(s.Channels, (s.Height - s.Window) / s.Stride + 1, (s.Width - s.Window) / s.Stride + 1)

    override s.ToString() =
        String.Format(Globalization.CultureInfo.InvariantCulture, "{0}x{1}x{2} images, {3}x{3} windows at stride {4}, {5} rows", s.Channels, s.Height, s.Width, s.Window, s.Stride, s.Rows)

/// Chosen edges (LeNet's poolings, rows of 14 windows taken 8, 4 and 2 at a time, odd sizes whose last row and column
/// belong to no window, overlapping windows, a 1x1 image, 33 channels) and random shapes from a seed, half of them 2x2
/// windows at stride 2 (the vector bodies).
let private poolingShapes =
    let chosen =
        [ { Channels = 6; Height = 24; Width = 24; Window = 2; Stride = 2; Rows = 9 }
          { Channels = 16; Height = 8; Width = 8; Window = 2; Stride = 2; Rows = 3 }
          { Channels = 2; Height = 12; Width = 28; Window = 2; Stride = 2; Rows = 5 }
          { Channels = 7; Height = 32; Width = 32; Window = 2; Stride = 2; Rows = 2 }
          { Channels = 3; Height = 21; Width = 35; Window = 2; Stride = 2; Rows = 1 }
          { Channels = 2; Height = 9; Width = 40; Window = 3; Stride = 2; Rows = 3 }
          { Channels = 1; Height = 1; Width = 1; Window = 1; Stride = 1; Rows = 17 }
          { Channels = 33; Height = 2; Width = 3; Window = 2; Stride = 3; Rows = 2 } ]
    let random = Random 31
    let rec draw () =
        let pick (values: int[]) = values[random.Next values.Length]
        let height, width = 1 + random.Next 32, 1 + random.Next 32
        let halving = random.Next 2 = 0
        let window = if halving then 2 else 1 + random.Next 4
        let stride = if halving then 2 else 1 + random.Next 3
        let shape = { Channels = (if random.Next 2 = 0 then pick laneCounts else 1 + random.Next 3); Height = height; Width = width; Window = window; Stride = stride; Rows = pick batchSizes }
        if window > height || window > width || shape.Rows * shape.Input.Size > 20_000 then draw () else shape
    chosen @ List.init 6 (fun _ -> draw ())

/// Each window's maximum and the position in its sample of its first maximum in row-major order, by the definition.
let private poolDefinition (s: PoolingShape) (x: float[]) =
    let output = s.Output
    [| for n in 0 .. s.Rows - 1 do
           for c in 0 .. s.Channels - 1 do
               for i in 0 .. output.Height - 1 do
                   for j in 0 .. output.Width - 1 do
                       let positions =
                           [ for u in 0 .. s.Window - 1 do
                                 for v in 0 .. s.Window - 1 -> (c * s.Height + i * s.Stride + u) * s.Width + j * s.Stride + v ]
                       let best = positions |> List.reduce (fun b p -> if x[n * s.Input.Size + p] > x[n * s.Input.Size + b] then p else b)
                       yield x[n * s.Input.Size + best], best |]

let private threadings (workers: WorkerPool) = [ None; Some workers ]

let private threadsOf (pool: WorkerPool option) = match pool with Some p -> p.Threads | None -> 1

let private maxPoolGuarded<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> Numerics.IFloatingPointIeee754<'T>>
    (element: Element<'T>) (workers: WorkerPool) (random: Random) (shape: PoolingShape) =
    // Four values only, so that most windows hold ties.
    let x = Array.init (shape.Rows * shape.Input.Size) (fun _ -> element.Of(float (random.Next 4 - 1)))
    let expected = poolDefinition shape (Array.map element.Value x)
    let outputs = expected.Length
    let copies = random.Next 2 = 0
    let delta = randomValues element random outputs
    let argmax = Array.map snd expected
    let spread, magnitude = Array.zeroCreate x.Length, Array.zeroCreate x.Length
    for k in 0 .. outputs - 1 do
        let at = k / shape.Output.Size * shape.Input.Size + argmax[k]
        spread[at] <- spread[at] + element.Value delta[k]
        magnitude[at] <- magnitude[at] + abs (element.Value delta[k])
    for path in guardedPaths do
        use _ = KernelSelection.Enter path
        for pool in threadings workers do
            let where = $"{path}, {element.Name}, {shape}, {threadsOf pool} threads"
            let maxima = guardedFor random "the maxima" outputs
            let copy = guardedFor random "the copy" (if copies then outputs else 0)
            let positions = guardedFor<int> random "argmax" outputs
            maxima.Fill(Array.create outputs element.Unwritten)
            copy.Fill(Array.create copy.Length element.Unwritten)
            PoolingKernels.MaxPool<'T>(ReadOnlySpan x, shape.Rows, shape.Input, shape.Window, shape.Stride, shape.Output, maxima.Span, copy.Span, positions.Span, Option.toObj pool)
            assertGuardsIntact ("PoolingKernels.MaxPool, " + where) maxima
            assertGuardsIntact ("PoolingKernels.MaxPool, " + where) copy
            assertGuardsIntact ("PoolingKernels.MaxPool, " + where) positions
            assertNear element ("PoolingKernels.MaxPool, " + where + ": the maxima") (Array.map fst expected) (Array.zeroCreate outputs) maxima.Values
            Assert.True((argmax = positions.Values), "PoolingKernels.MaxPool, " + where + ": argmax is not each window's first maximum")
            if copies then
                Assert.True(sameBits maxima.Values copy.Values, "PoolingKernels.MaxPool, " + where + ": the copy differs from the maxima")
            let gradient = guardedFor random "∂x" x.Length
            gradient.Fill(Array.create x.Length element.Unwritten)
            PoolingKernels.MaxPoolBackward<'T>(ReadOnlySpan delta, ReadOnlySpan argmax, shape.Rows, shape.Input, shape.Window, shape.Stride, shape.Output, gradient.Span, Option.toObj pool)
            assertGuardsIntact ("PoolingKernels.MaxPoolBackward, " + where) gradient
            assertNear element ("PoolingKernels.MaxPoolBackward, " + where + ": ∂x") spread magnitude gradient.Values

[<Fact>]
let ``max-pooling writes the maxima, their copy, argmax and the image gradient and nothing around them, on every path, in float and double, on 1 and 2 threads`` () =
    use workers = new WorkerPool(2)
    let random = Random 32
    for shape in poolingShapes do
        maxPoolGuarded singles workers random shape
        maxPoolGuarded doubles workers random shape
