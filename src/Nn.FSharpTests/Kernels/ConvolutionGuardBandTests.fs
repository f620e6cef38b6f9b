/// Guard bands around every destination of the convolution passes (ConvolutionPasses.Forward and Backward, in each
/// form: straight from the image, with the filters as lanes, through im2col and the GEMM) and of im2col and col2im
/// (ConvolutionKernels): z, a, δ turned in place, ∂K, ∂b, ∂x, X̂, the image gradient and the scratch each sit in the
/// middle of a larger array whose other values are a marker, and after the call every marker still has its bits and
/// every value written equals the definition's. On every kernel path this CPU runs, in float and double, on one thread
/// and on a pool of two, over chosen edge shapes and random ones from fixed seeds.
module Nn.Tests.Kernels.ConvolutionGuardBandTests

open System
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.ConvolutionDefinition
open Nn.Tests.Kernels.ConvolutionGuardBandCases
open Nn.Tests.Kernels.GuardedBuffers
open Xunit

let private formNamed name =
    match name with
    | "direct" -> Direct
    | "filter lanes" -> FilterLanes
    | _ -> Products

/// A form's shapes: chosen edges (LeNet's layers, 1x1 images, widths past two vectors, padding 3, 33 filters) and
/// random ones from a seed of the form's own.
let private shapesOf form =
    let chosen =
        match form with
        | Direct ->
            [ convolutionShape (1, 28, 28) 6 (5, 5) 1 0 9
              convolutionShape (9, 1, 1) 17 (1, 1) 1 0 3
              convolutionShape (1, 32, 32) 7 (3, 3) 1 3 2
              convolutionShape (2, 3, 5) 33 (2, 2) 1 0 1 ]
        | FilterLanes ->
            [ convolutionShape (6, 12, 12) 16 (5, 5) 1 0 9
              convolutionShape (2, 9, 16) 33 (3, 7) 1 0 2
              convolutionShape (7, 6, 9) 1 (3, 3) 1 2 3 ]
        | Products ->
            [ convolutionShape (7, 1, 1) 9 (3, 3) 1 1 5
              convolutionShape (3, 11, 9) 5 (3, 4) 2 1 17
              convolutionShape (1, 1, 1) 8 (1, 1) 3 3 2 ]
    let random = Random(match form with Direct -> 11 | FilterLanes -> 12 | Products -> 13)
    chosen @ List.init 4 (fun _ -> randomShape random form)

/// One thread, then a pool of two, which splits the slices between its threads.
let private threadings (workers: WorkerPool) = [ None; Some workers ]

let private threadsOf (pool: WorkerPool option) = match pool with Some p -> p.Threads | None -> 1

/// The element's NaN that marks a value not yet written, `length` times.
let private unwritten (element: Element<'T>) length = Array.create length element.Unwritten

/// A forward pass's z, a (with σ = ReLU or without σ) and scratch guarded, on every path and threading.
let private forwardGuarded<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> Numerics.IFloatingPointIeee754<'T>>
    (element: Element<'T>) (workers: WorkerPool) (random: Random) (shape: ConvolutionShape) =
    let g, filters, rows = shape.Geometry, shape.Filters, shape.Rows
    let kernels = randomValues element random (filters * g.Patch)
    let bias = if random.Next 3 = 0 then [||] else randomValues element random filters
    let x = randomValues element random (rows * g.InputSize)
    let rectifies = random.Next 2 = 0
    let real = Array.map element.Value
    let expected = ofGeometry g filters rows (real x) (real kernels) (real bias) (Array.zeroCreate (rows * shape.Outputs))
    for path in guardedPaths do
        use _ = KernelSelection.Enter path
        for pool in threadings workers do
            let where = $"ConvolutionPasses.Forward ({formOf g}), {path}, {element.Name}, {shape}, {threadsOf pool} threads, σ {rectifies}, bias {bias.Length > 0}"
            let z = guardedFor random "z" (rows * shape.Outputs)
            let a = guardedFor random "a" (rows * shape.Outputs)
            let scratch = guardedFor random "the scratch" (int (ConvolutionPasses.ScratchLength(g, filters, rows)))
            z.Fill(unwritten element z.Length)
            a.Fill(unwritten element a.Length)
            scratch.Fill(unwritten element scratch.Length)
            let activation = if rectifies then Activation.Relu.SampleSteps<'T>() else Unchecked.defaultof<SampleActivation<'T>>
            ConvolutionPasses.Forward<'T>(
                KernelSelection.Resolve path, Option.toObj pool, ReadOnlySpan kernels, ReadOnlySpan bias, ReadOnlySpan x, rows, g, filters, z.Span, a.Span, activation, scratch.Span)
            assertGuardsIntact where z
            assertGuardsIntact where a
            assertGuardsIntact where scratch
            assertNear element (where + ": z") expected.Z expected.ZMagnitude z.Values
            if rectifies then
                assertNear element (where + ": a") (Array.map (max 0.0) expected.Z) expected.ZMagnitude a.Values
            else
                Assert.True(Array.forall (element.Value >> Double.IsNaN) a.Values, where + ": a was written without σ")

/// A backward pass's δ (turned from ∂C/∂a in place with σ' of ReLU, or given), ∂K and ∂b (written or added to), ∂x
/// (or none) and scratch guarded, on every path and threading.
let private backwardGuarded<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> Numerics.IFloatingPointIeee754<'T>>
    (element: Element<'T>) (workers: WorkerPool) (random: Random) (shape: ConvolutionShape) =
    let g, filters, rows = shape.Geometry, shape.Filters, shape.Rows
    let real = Array.map element.Value
    let kernels = randomValues element random (filters * g.Patch)
    let x = randomValues element random (rows * g.InputSize)
    let outputs = rows * shape.Outputs
    let hasBias, wantsInput, accumulates, derives = random.Next 3 > 0, random.Next 3 > 0, random.Next 2 = 0, random.Next 2 = 0
    let gradientA = randomValues element random outputs
    // With σ' the pass reads z and a of the forward pass, made here from the definition; δ is ∂C/∂a where z > 0.
    let z = ofGeometry g filters rows (real x) (real kernels) [||] (Array.zeroCreate outputs) |> _.Z |> Array.map element.Of
    let a = z |> Array.map (fun v -> if element.Value v > 0.0 then v else element.Of 0.0)
    let delta = if derives then Array.map2 (fun (d: 'T) v -> if element.Value v > 0.0 then d else element.Of 0.0) gradientA z else gradientA
    let expected = ofGeometry g filters rows (real x) (real kernels) [||] (real delta)
    let startKernels = randomValues element random (filters * g.Patch)
    let startBias = randomValues element random filters
    let plus (start: 'T[]) (values: float[]) = if accumulates then Array.map2 (fun s v -> element.Value s + v) start values else values
    let activation = if derives then Activation.Relu.SampleSteps<'T>() else Unchecked.defaultof<SampleActivation<'T>>
    for path in guardedPaths do
        use _ = KernelSelection.Enter path
        for pool in threadings workers do
            let where =
                $"ConvolutionPasses.Backward ({formOf g}), {path}, {element.Name}, {shape}, {threadsOf pool} threads, σ' {derives}, bias {hasBias}, ∂x {wantsInput}, accumulate {accumulates}"
            let deltas = guardedFor random "δ" outputs
            let kernelGradient = guardedFor random "∂K" (filters * g.Patch)
            let biasGradient = guardedFor random "∂b" (if hasBias then filters else 0)
            let inputGradient = guardedFor random "∂x" (if wantsInput then rows * g.InputSize else 0)
            let scratch = guardedFor random "the scratch" (int (ConvolutionPasses.ScratchLength(g, filters, rows)))
            deltas.Fill(if derives then gradientA else delta)
            kernelGradient.Fill(if accumulates then startKernels else unwritten element kernelGradient.Length)
            biasGradient.Fill(if accumulates then startBias[.. biasGradient.Length - 1] else unwritten element biasGradient.Length)
            inputGradient.Fill(unwritten element inputGradient.Length)
            scratch.Fill(unwritten element scratch.Length)
            ConvolutionPasses.Backward<'T>(
                KernelSelection.Resolve path, Option.toObj pool, ReadOnlySpan kernels, ReadOnlySpan x, deltas.Span, rows, g, filters,
                kernelGradient.Span, biasGradient.Span, accumulates, inputGradient.Span, ReadOnlySpan(if derives then z else [||]), ReadOnlySpan(if derives then a else [||]), activation, scratch.Span)
            assertGuardsIntact where deltas
            assertGuardsIntact where kernelGradient
            assertGuardsIntact where biasGradient
            assertGuardsIntact where inputGradient
            assertGuardsIntact where scratch
            assertNear element (where + ": δ") (real delta) (Array.zeroCreate outputs) deltas.Values
            let startMagnitude (start: 'T[]) (magnitude: float[]) = if accumulates then Array.map2 (fun s m -> abs (element.Value s) + m) start magnitude else magnitude
            assertNear element (where + ": ∂K") (plus startKernels expected.Kernels) (startMagnitude startKernels expected.KernelsMagnitude) kernelGradient.Values
            if hasBias then
                assertNear element (where + ": ∂b") (plus startBias expected.Bias) (startMagnitude startBias expected.BiasMagnitude) biasGradient.Values
            if wantsInput then
                assertNear element (where + ": ∂x") expected.Input expected.InputMagnitude inputGradient.Values

[<Theory>]
[<InlineData("direct")>]
[<InlineData("filter lanes")>]
[<InlineData("im2col and the GEMM")>]
let ``the forward pass writes z, a and its scratch and nothing around them, on every path, in float and double, on 1 and 2 threads`` (form: string) =
    use workers = new WorkerPool(2)
    let random = Random 21
    for shape in shapesOf (formNamed form) do
        forwardGuarded singles workers random shape
        forwardGuarded doubles workers random shape

[<Theory>]
[<InlineData("direct")>]
[<InlineData("filter lanes")>]
[<InlineData("im2col and the GEMM")>]
let ``the backward pass writes δ, ∂K, ∂b, ∂x and its scratch and nothing around them, on every path, in float and double, on 1 and 2 threads`` (form: string) =
    use workers = new WorkerPool(2)
    let random = Random 22
    for shape in shapesOf (formNamed form) do
        backwardGuarded singles workers random shape
        backwardGuarded doubles workers random shape

/// Every (entry of X̂, image position or -1 for padding) pair of a shape, from the definition.
let private columnEntries (shape: ConvolutionShape) =
    let g = shape.Geometry
    let fields = shape.Rows * g.Positions
    [| for c in 0 .. g.Channels - 1 do
           for u in 0 .. g.KernelHeight - 1 do
               for v in 0 .. g.KernelWidth - 1 do
                   for n in 0 .. shape.Rows - 1 do
                       for i in 0 .. g.OutputHeight - 1 do
                           for j in 0 .. g.OutputWidth - 1 do
                               let row = (c * g.KernelHeight + u) * g.KernelWidth + v
                               let y, x = i * g.Stride + u - g.Padding, j * g.Stride + v - g.Padding
                               let inside = y >= 0 && y < g.Height && x >= 0 && x < g.Width
                               yield row * fields + n * g.Positions + i * g.OutputWidth + j, (if inside then ((n * g.Channels + c) * g.Height + y) * g.Width + x else -1) |]

/// im2col's X̂ and col2im's image guarded, on every path and threading.
let private columnsGuarded<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> Numerics.IFloatingPointIeee754<'T>>
    (element: Element<'T>) (workers: WorkerPool) (random: Random) (shape: ConvolutionShape) =
    let g, rows = shape.Geometry, shape.Rows
    let entries = columnEntries shape
    let x = randomValues element random (rows * g.InputSize)
    let columns = randomValues element random entries.Length
    let gathered = Array.zeroCreate entries.Length
    for entry, p in entries do
        gathered[entry] <- if p < 0 then 0.0 else element.Value x[p]
    let scattered, magnitude = Array.zeroCreate x.Length, Array.zeroCreate x.Length
    for entry, p in entries do
        if p >= 0 then
            scattered[p] <- scattered[p] + element.Value columns[entry]
            magnitude[p] <- magnitude[p] + abs (element.Value columns[entry])
    for path in guardedPaths do
        use _ = KernelSelection.Enter path
        for pool in threadings workers do
            let where = $"{path}, {element.Name}, {shape}, {threadsOf pool} threads"
            let matrix = guardedFor random "X̂" entries.Length
            matrix.Fill(unwritten element matrix.Length)
            ConvolutionKernels.ImageToColumns<'T>(ReadOnlySpan x, rows, g, matrix.Span, Option.toObj pool)
            assertGuardsIntact ("ConvolutionKernels.ImageToColumns, " + where) matrix
            assertNear element ("ConvolutionKernels.ImageToColumns, " + where) gathered (Array.zeroCreate gathered.Length) matrix.Values
            let image = guardedFor random "the image" x.Length
            image.Fill(unwritten element image.Length)
            ConvolutionKernels.ColumnsToImage<'T>(ReadOnlySpan columns, rows, g, image.Span, Option.toObj pool)
            assertGuardsIntact ("ConvolutionKernels.ColumnsToImage, " + where) image
            assertNear element ("ConvolutionKernels.ColumnsToImage, " + where) scattered magnitude image.Values

[<Fact>]
let ``im2col writes X̂ and col2im the image and nothing around them, on every path, in float and double, on 1 and 2 threads`` () =
    use workers = new WorkerPool(2)
    let random = Random 23
    // The first five shapes of each form, its chosen edges and one or two random ones: every form builds X̂ for its slices.
    for shape in [ Direct; FilterLanes; Products ] |> List.collect (fun form -> shapesOf form |> List.truncate 5) do
        columnsGuarded singles workers random shape
        columnsGuarded doubles workers random shape
