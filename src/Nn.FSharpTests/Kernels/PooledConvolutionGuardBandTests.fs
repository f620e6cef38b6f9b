/// Guard bands around every destination of the convolution fused with its ReLU and the max-pooling above it
/// (ConvolutionPasses.ForwardPooled and BackwardPooled, straight from the image and with the filters as lanes): the
/// pooled z and a, argmax, the pooled δ turned in place, ∂K, ∂b, ∂x and the scratch each sit in the middle of a larger
/// array whose other values are a marker, and after the call every marker still has its bits and every value written
/// has the bits the separate passes give (the fused passes' promise; the separate passes are held to the definition by
/// ConvolutionGuardBandTests and PoolingGuardBandTests, and their outputs here are banded too, since the two share
/// kernels: one writing too far fails the test by name instead of overwriting the heap). On every kernel path this CPU runs, in float and double, on one thread
/// and on a pool of two, for the geometries a layer fuses (Conv2DLayer.FusesWith: direct, or with the filters as lanes
/// on a vector path).
module Nn.Tests.Kernels.PooledConvolutionGuardBandTests

open System
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.ConvolutionGuardBandCases
open Nn.Tests.Kernels.GuardedBuffers
open Xunit

/// A fused convolution and pooling: the convolution, and K×K windows at stride s over its output.
type private PooledShape =
    { Convolution: ConvolutionShape; Window: int; Stride: int }

    member s.ConvolutionOutput =
        let g = s.Convolution.Geometry
        Shape.Image(s.Convolution.Filters, g.OutputHeight, g.OutputWidth)

    member s.Output =
        let input = s.ConvolutionOutput
        Shape.Image(input.Channels, (input.Height - s.Window) / s.Stride + 1, (input.Width - s.Window) / s.Stride + 1)

    member s.Sizes = PoolingKernels.Sizes(s.ConvolutionOutput, s.Window, s.Stride, s.Output)

    override s.ToString() = $"{s.Convolution}, pooled by {s.Window}x{s.Window} windows at stride {s.Stride}"

/// LeNet's two fused layers, then random direct and filter-lanes convolutions from a seed under random windows.
let private pooledShapes =
    let random = Random 41
    let pooled (convolution: ConvolutionShape) =
        let g = convolution.Geometry
        let window = 1 + random.Next(min 3 (min g.OutputHeight g.OutputWidth))
        { Convolution = convolution; Window = window; Stride = 1 + random.Next 3 }
    [ { Convolution = convolutionShape (1, 28, 28) 6 (5, 5) 1 0 9; Window = 2; Stride = 2 }
      { Convolution = convolutionShape (6, 12, 12) 16 (5, 5) 1 0 9; Window = 2; Stride = 2 } ]
    @ List.init 3 (fun _ -> pooled (randomShape random Direct))
    @ List.init 3 (fun _ -> pooled (randomShape random FilterLanes))

let private threadings (workers: WorkerPool) = [ None; Some workers ]

let private threadsOf (pool: WorkerPool option) = match pool with Some p -> p.Threads | None -> 1

/// Fails naming `what` and the first value whose bits differ.
let private assertSameBits<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType> (what: string) (expected: 'T[]) (actual: 'T[]) =
    if not (sameBits expected actual) then
        let first = Array.findIndex id (Array.map2 (fun e a -> not (sameBits [| e |] [| a |])) expected actual)
        Assert.Fail(String.Format(Globalization.CultureInfo.InvariantCulture, "{0}: value {1} of {2} is {3} where the separate passes give {4}", what, first, expected.Length, actual[first], expected[first]))

let private pooledGuarded<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> Numerics.IFloatingPointIeee754<'T>>
    (element: Element<'T>) (workers: WorkerPool) (random: Random) (shape: PooledShape) =
    let c = shape.Convolution
    let g, filters, rows = c.Geometry, c.Filters, c.Rows
    let kernels = randomValues element random (filters * g.Patch)
    let bias = if random.Next 3 = 0 then [||] else randomValues element random filters
    let x = randomValues element random (rows * g.InputSize)
    let pooledDelta = randomValues element random (rows * shape.Output.Size)
    let accumulates = random.Next 2 = 0
    let startKernels = randomValues element random (filters * g.Patch)
    let startBias = randomValues element random bias.Length
    let relu = Activation.Relu.SampleSteps<'T>()
    let sizes = shape.Sizes
    let scratchLength = int (ConvolutionPasses.ScratchLength(g, filters, rows))
    let paths = guardedPaths |> List.filter (fun path -> DirectConvolution.Suits g || FilterLanesConvolution.Suits(KernelSelection.Resolve path, g))
    for path in paths do
        use _ = KernelSelection.Enter path
        let resolved = KernelSelection.Resolve path
        let lanes = FilterLanesConvolution.Suits(resolved, g)
        let wantsInput = lanes && random.Next 2 = 0
        // The separate passes on one thread: the convolution with σ, the pooling, and back. Their outputs sit in bands
        // too, so that a kernel writing past one fails here instead of overwriting the heap.
        let made name (start: 'U[]) = (guardedFor<'U> random ("the separate passes' " + name) start.Length).Filled start
        let zOf, aOf = made "z" (Array.zeroCreate (rows * c.Outputs)), made "a" (Array.zeroCreate (rows * c.Outputs))
        let forwardScratch = made "forward scratch" (Array.zeroCreate scratchLength)
        ConvolutionPasses.Forward<'T>(resolved, null, ReadOnlySpan kernels, ReadOnlySpan bias, ReadOnlySpan x, rows, g, filters, zOf.Span, aOf.Span, relu, forwardScratch.Span)
        let maximaOf, argmaxOf = made "maxima" (Array.zeroCreate pooledDelta.Length), made "argmax" (Array.zeroCreate<int> pooledDelta.Length)
        PoolingKernels.MaxPool<'T>(aOf.Input, rows, shape.ConvolutionOutput, shape.Window, shape.Stride, shape.Output, maximaOf.Span, Span<'T>.Empty, argmaxOf.Span, null)
        let gradientA = made "∂a" (Array.zeroCreate (rows * c.Outputs))
        PoolingKernels.MaxPoolBackward<'T>(ReadOnlySpan pooledDelta, argmaxOf.Input, rows, shape.ConvolutionOutput, shape.Window, shape.Stride, shape.Output, gradientA.Span, null)
        let kernelGradientOf, biasGradientOf = made "∂K" (Array.copy startKernels), made "∂b" (Array.copy startBias)
        let inputGradientOf = made "∂x" (Array.zeroCreate (if wantsInput then x.Length else 0))
        let backwardScratch = made "backward scratch" (Array.zeroCreate scratchLength)
        ConvolutionPasses.Backward<'T>(
            resolved, null, ReadOnlySpan kernels, ReadOnlySpan x, gradientA.Span, rows, g, filters, kernelGradientOf.Span, biasGradientOf.Span, accumulates,
            inputGradientOf.Span, zOf.Input, aOf.Input, relu, backwardScratch.Span)
        let separate = $"the separate passes, {path}, {element.Name}, {shape}"
        for buffer in [ zOf; aOf; forwardScratch; maximaOf; gradientA; kernelGradientOf; biasGradientOf; inputGradientOf; backwardScratch ] do
            assertGuardsIntact separate buffer
        assertGuardsIntact separate argmaxOf
        let maxima, argmax = maximaOf.Values, argmaxOf.Values
        let kernelGradient, biasGradient, inputGradient = kernelGradientOf.Values, biasGradientOf.Values, inputGradientOf.Values
        let turned = Array.map2 (fun (d: 'T) m -> if element.Value m > 0.0 then d else element.Of 0.0) pooledDelta maxima
        for pool in threadings workers do
            let where = $"{path}, {element.Name}, {shape}, {threadsOf pool} threads, bias {bias.Length > 0}, ∂x {wantsInput}, accumulate {accumulates}"
            let pooledZ = guardedFor random "the pooled z" maxima.Length
            let pooledA = guardedFor random "the pooled a" maxima.Length
            let positions = guardedFor<int> random "argmax" maxima.Length
            let scratch = guardedFor random "the scratch" scratchLength
            for buffer in [ pooledZ; pooledA; scratch ] do
                buffer.Fill(Array.create buffer.Length element.Unwritten)
            ConvolutionPasses.ForwardPooled<'T>(
                resolved, Option.toObj pool, ReadOnlySpan kernels, ReadOnlySpan bias, ReadOnlySpan x, rows, g, filters, relu, &sizes,
                pooledZ.Span, pooledA.Span, positions.Span, scratch.Span)
            let forward = "ConvolutionPasses.ForwardPooled, " + where
            assertGuardsIntact forward pooledZ
            assertGuardsIntact forward pooledA
            assertGuardsIntact forward positions
            assertGuardsIntact forward scratch
            assertSameBits (forward + ": the pooled z") maxima pooledZ.Values
            assertSameBits (forward + ": the pooled a") maxima pooledA.Values
            Assert.True((argmax = positions.Values), forward + ": argmax differs from the separate passes'")
            let deltas = guardedFor random "the pooled δ" pooledDelta.Length
            let kernels' = guardedFor random "∂K" kernelGradient.Length
            let bias' = guardedFor random "∂b" biasGradient.Length
            let input' = guardedFor random "∂x" inputGradient.Length
            let scratch' = guardedFor random "the scratch" scratchLength
            deltas.Fill pooledDelta
            kernels'.Fill(if accumulates then startKernels else Array.create kernels'.Length element.Unwritten)
            bias'.Fill(if accumulates then startBias else Array.create bias'.Length element.Unwritten)
            input'.Fill(Array.create input'.Length element.Unwritten)
            scratch'.Fill(Array.create scratchLength element.Unwritten)
            ConvolutionPasses.BackwardPooled<'T>(
                resolved, Option.toObj pool, ReadOnlySpan kernels, ReadOnlySpan x, rows, g, filters, relu, &sizes, deltas.Span, ReadOnlySpan maxima,
                ReadOnlySpan argmax, kernels'.Span, bias'.Span, accumulates, input'.Span, scratch'.Span)
            let backward = "ConvolutionPasses.BackwardPooled, " + where
            assertGuardsIntact backward deltas
            assertGuardsIntact backward kernels'
            assertGuardsIntact backward bias'
            assertGuardsIntact backward input'
            assertGuardsIntact backward scratch'
            assertNear element (backward + ": the pooled δ") (Array.map element.Value turned) (Array.zeroCreate turned.Length) deltas.Values
            assertSameBits (backward + ": ∂K") kernelGradient kernels'.Values
            assertSameBits (backward + ": ∂b") biasGradient bias'.Values
            assertSameBits (backward + ": ∂x") inputGradient input'.Values

[<Fact>]
let ``the fused convolution and pooling write the pooled values, argmax, gradients and scratch and nothing around them, on every path, in float and double, on 1 and 2 threads`` () =
    use workers = new WorkerPool(2)
    let random = Random 42
    for shape in pooledShapes do
        pooledGuarded singles workers random shape
        pooledGuarded doubles workers random shape
