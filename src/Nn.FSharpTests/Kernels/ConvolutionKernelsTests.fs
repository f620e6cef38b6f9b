/// The im2col kernels against their definitions, and the convolution's batched GEMM path against per-sample runs
/// and against itself on 2 and 3 threads, bit for bit.
module Nn.Tests.Kernels.ConvolutionKernelsTests

open System
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Kernels
open Xunit

/// A convolution over a few samples: every field is drawn so that the kernel fits the padded input.
type Geometry =
    { Rows: int; Channels: int; Height: int; Width: int; KernelHeight: int; KernelWidth: int; Stride: int; Padding: int; Filters: int; Seed: int }

    member g.Input = Shape.Image(g.Channels, g.Height, g.Width)
    member g.Layer(activation: Activation) = Conv2DLayer(g.Input, g.Filters, g.KernelHeight, g.KernelWidth, activation, g.Stride, g.Padding)

type GeometryGenerators =
    static member Geometry() =
        gen {
            let! rows = Gen.choose (1, 3)
            let! channels = Gen.choose (1, 3)
            let! height = Gen.choose (1, 9)
            let! width = Gen.choose (1, 9)
            let! padding = Gen.choose (0, 2)
            let! kernelHeight = Gen.choose (1, min 5 (height + 2 * padding))
            let! kernelWidth = Gen.choose (1, min 5 (width + 2 * padding))
            let! stride = Gen.choose (1, 3)
            let! filters = Gen.choose (1, 9)
            let! seed = Gen.choose (0, Int32.MaxValue)
            return
                { Rows = rows; Channels = channels; Height = height; Width = width; KernelHeight = kernelHeight; KernelWidth = kernelWidth
                  Stride = stride; Padding = padding; Filters = filters; Seed = seed }
        }
        |> Arb.fromGen

let private randoms (seed: int) length =
    let r = Random seed
    Array.init length (fun _ -> r.NextDouble() * 2.0 - 1.0)

/// x̃[n, c, y, x] straight from the definition: the input value, or 0 outside the image.
let private padded (g: Geometry) (x: float[]) n c y x' =
    if y < 0 || y >= g.Height || x' < 0 || x' >= g.Width then 0.0 else x[((n * g.Channels + c) * g.Height + y) * g.Width + x']

/// Every (row of X̂, column of X̂, image position or None for padding) triple, from the definition.
let private entries (g: Geometry) =
    let layer = g.Layer Activation.Identity
    let oh, ow = layer.OutputShape.Height, layer.OutputShape.Width
    let fields = g.Rows * oh * ow
    [ for c in 0 .. g.Channels - 1 do
          for u in 0 .. g.KernelHeight - 1 do
              for v in 0 .. g.KernelWidth - 1 do
                  for n in 0 .. g.Rows - 1 do
                      for i in 0 .. oh - 1 do
                          for j in 0 .. ow - 1 do
                              let row = (c * g.KernelHeight + u) * g.KernelWidth + v
                              let y, x = i * g.Stride + u - g.Padding, j * g.Stride + v - g.Padding
                              let position = if y < 0 || y >= g.Height || x < 0 || x >= g.Width then None else Some(((n * g.Channels + c) * g.Height + y) * g.Width + x)
                              yield row * fields + n * oh * ow + i * ow + j, position ], layer

/// The conv layer's forward and backward over rows, on a path and optional team: z, ∂C/∂θ and ∂C/∂x.
let private passes (g: Geometry) (path: KernelPath) (team: GemmTeam<float32> option) (rows: int) (x: float32[]) (delta: float32[]) (theta: float32[]) =
    let layer = g.Layer Activation.Tanh
    let output = layer.OutputShape.Size
    let buffers = LayerBuffers<float32>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], path, Option.toObj team)
    let z = Array.zeroCreate<float32> (rows * output)
    let a = Array.zeroCreate<float32> (rows * output)
    layer.Forward<float32>(ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span a, buffers, PassMode<float32>.Objective)
    let gradient = Array.zeroCreate<float32> theta.Length
    let inputGradient = Array.zeroCreate<float32> (rows * g.Input.Size)
    layer.Backward<float32>(ReadOnlySpan theta, ReadOnlySpan x, Span(Array.copy delta), rows, Span gradient, false, Span inputGradient, buffers, PassMode<float32>.Objective)
    z, gradient, inputGradient

let private data (g: Geometry) =
    let layer = g.Layer Activation.Tanh
    let x = randoms g.Seed (g.Rows * g.Input.Size) |> Array.map float32
    let delta = randoms (g.Seed + 1) (g.Rows * layer.OutputShape.Size) |> Array.map float32
    let theta = randoms (g.Seed + 2) layer.ParameterCount |> Array.map float32
    layer, x, delta, theta

[<Properties(Arbitrary = [| typeof<GeometryGenerators> |], MaxTest = 80)>]
module Properties =

    [<Property>]
    let ``ImageToColumns writes every receptive field into its column, 0 on padding, in float and double`` (g: Geometry) =
        let all, layer = entries g
        let x = randoms g.Seed (g.Rows * g.Input.Size)
        let columns = Array.create (g.Channels * g.KernelHeight * g.KernelWidth * g.Rows * layer.OutputShape.Height * layer.OutputShape.Width) nan
        ConvolutionKernels.ImageToColumns<float>(ReadOnlySpan x, g.Rows, g.Input, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, layer.OutputShape, Span columns)
        let single = Array.zeroCreate<float32> columns.Length
        ConvolutionKernels.ImageToColumns<float32>(ReadOnlySpan(Array.map float32 x), g.Rows, g.Input, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, layer.OutputShape, Span single)
        all |> List.forall (fun (entry, position) ->
            let expected = match position with Some p -> x[p] | None -> 0.0
            columns[entry] = expected && single[entry] = float32 expected)
        |> Prop.label (sprintf "%A" g)

    [<Property>]
    let ``ColumnsToImage adds every column entry back onto the position it came from and drops padding`` (g: Geometry) =
        let all, layer = entries g
        let columns = randoms g.Seed all.Length
        let expected = Array.zeroCreate<float> (g.Rows * g.Input.Size)
        for entry, position in all do
            match position with
            | Some p -> expected[p] <- expected[p] + columns[entry]
            | None -> ()
        let image = Array.create expected.Length nan
        ConvolutionKernels.ColumnsToImage<float>(ReadOnlySpan columns, g.Rows, g.Input, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, layer.OutputShape, Span image)
        Array.forall2 (fun (a: float) b -> abs (a - b) <= 1e-12) image expected |> Prop.label (sprintf "%A" g)

    [<Property>]
    let ``a batch through the conv layer gives each sample's z and input gradient bit for bit as the sample alone`` (g: Geometry) =
        let layer, x, delta, theta = data g
        let path = KernelSelection.Best
        let z, _, dx = passes g path None g.Rows x delta theta
        let output, input = layer.OutputShape.Size, g.Input.Size
        [ 0 .. g.Rows - 1 ]
        |> List.forall (fun n ->
            let zn, _, dxn = passes g path None 1 x[n * input .. (n + 1) * input - 1] delta[n * output .. (n + 1) * output - 1] theta
            zn = z[n * output .. (n + 1) * output - 1] && dxn = dx[n * input .. (n + 1) * input - 1])
        |> Prop.label (sprintf "%A" g)

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``the conv layer's passes split over 2 or 3 threads equal one thread's bit for bit, LeNet's layers included`` (threads: int) =
    use pool = new WorkerPool(threads)
    let geometries =
        [ { Rows = 128; Channels = 1; Height = 28; Width = 28; KernelHeight = 5; KernelWidth = 5; Stride = 1; Padding = 0; Filters = 6; Seed = 1 }
          { Rows = 128; Channels = 6; Height = 12; Width = 12; KernelHeight = 5; KernelWidth = 5; Stride = 1; Padding = 0; Filters = 16; Seed = 2 }
          { Rows = 37; Channels = 3; Height = 11; Width = 9; KernelHeight = 3; KernelWidth = 4; Stride = 2; Padding = 1; Filters = 5; Seed = 3 } ]
    for g in geometries do
        let layer = g.Layer Activation.Tanh
        let x = randoms g.Seed (g.Rows * g.Input.Size) |> Array.map float32
        let delta = randoms (g.Seed + 1) (g.Rows * layer.OutputShape.Size) |> Array.map float32
        let theta = randoms (g.Seed + 2) layer.ParameterCount |> Array.map float32
        let path = KernelSelection.Best
        Assert.Equal(passes g path None g.Rows x delta theta, passes g path (Some(GemmTeam<float32>(pool))) g.Rows x delta theta)

/// Max-pooling from the definition: each window's maximum and the position of its first maximum in row-major order.
let private poolReference (shape: Shape) window stride (x: float32[]) rows =
    let oh, ow = (shape.Height - window) / stride + 1, (shape.Width - window) / stride + 1
    [| for n in 0 .. rows - 1 do
           for c in 0 .. shape.Channels - 1 do
               for i in 0 .. oh - 1 do
                   for j in 0 .. ow - 1 do
                       let positions =
                           [ for u in 0 .. window - 1 do
                                 for v in 0 .. window - 1 -> (c * shape.Height + i * stride + u) * shape.Width + j * stride + v ]
                       let best = positions |> List.reduce (fun b p -> if x[n * shape.Size + p] > x[n * shape.Size + b] then p else b)
                       yield x[n * shape.Size + best], best |]

[<Theory>]
[<InlineData(6, 24, 24, 2, 2)>]
[<InlineData(16, 8, 8, 2, 2)>] // 4 windows a row: 256 bits at a time
[<InlineData(2, 12, 28, 2, 2)>] // 14 windows a row: 8, then 4, then 2 one at a time
[<InlineData(3, 21, 35, 2, 2)>]
[<InlineData(2, 9, 40, 3, 2)>]
let ``max-pooling picks each window's first maximum, ties included, on 1 and 2 threads`` (channels: int, height: int, width: int, window: int, stride: int) =
    let shape = Shape.Image(channels, height, width)
    let pool = MaxPool2DLayer(shape, window, stride)
    let rows = 5
    let r = Random 7
    // Four distinct values only, so most windows hold ties.
    let x = Array.init (rows * shape.Size) (fun _ -> float32 (r.Next 4))
    let expected = poolReference shape window stride x rows
    use workers = new WorkerPool(2)
    for team in [ None; Some(GemmTeam<float32>(workers)) ] do
        let outputs = rows * pool.OutputShape.Size
        let buffers = LayerBuffers<float32>([||], Array.zeroCreate outputs, KernelSelection.Best, Option.toObj team)
        let z = Array.zeroCreate<float32> outputs
        let a = Array.zeroCreate<float32> outputs
        pool.Forward<float32>(ReadOnlySpan.Empty, ReadOnlySpan x, rows, Span z, Span a, buffers, PassMode<float32>.Objective)
        Assert.Equal<(float32 * int)[]>(expected, Array.zip a buffers.Indices)
        Assert.Equal<float32[]>(z, a)

[<Theory>]
[<InlineData(6, 24, 24, 2, 2)>] // 2x2 windows tiling the image: each input written once
[<InlineData(16, 8, 8, 2, 2)>] // 4 windows a row: 256 bits at a time
[<InlineData(2, 12, 28, 2, 2)>] // 14 windows a row: 8, then 4, then 2 one at a time
[<InlineData(3, 21, 35, 2, 2)>] // an odd width and height: the last row and column belong to no window
[<InlineData(2, 9, 40, 3, 2)>] // overlapping windows: δ added where they share a maximum
[<InlineData(2, 6, 20, 1, 2)>] // 1x1 windows at stride 2
let ``max-pooling's backward pass puts each δ at its window's first maximum and 0 elsewhere, bit for bit, on every path and 1 and 2 threads``
    (channels: int, height: int, width: int, window: int, stride: int) =
    let shape = Shape.Image(channels, height, width)
    let pool = MaxPool2DLayer(shape, window, stride)
    let rows = 3
    let r = Random 11
    let x = Array.init (rows * shape.Size) (fun _ -> float32 (r.Next 4))
    let outputs = rows * pool.OutputShape.Size
    // Negative zeros among δ: the cleared gradient plus δ makes them +0.
    let delta = Array.init outputs (fun k -> if k % 7 = 0 then -0.0f else float32 (r.NextDouble() - 0.5))
    let best = poolReference shape window stride x rows |> Array.map snd
    let expected = Array.zeroCreate<float32> (rows * shape.Size)
    for k in 0 .. outputs - 1 do
        let n = k / pool.OutputShape.Size
        expected[n * shape.Size + best[k]] <- expected[n * shape.Size + best[k]] + delta[k]
    let bits (values: float32[]) = values |> Array.map BitConverter.SingleToInt32Bits
    use workers = new WorkerPool(2)
    for path in KernelSelection.Supported() do
        use _ = KernelSelection.Enter path
        for team in [ None; Some(GemmTeam<float32>(workers)) ] do
            let buffers = LayerBuffers<float32>([||], Array.zeroCreate outputs, path, Option.toObj team)
            pool.Forward<float32>(ReadOnlySpan.Empty, ReadOnlySpan x, rows, Span(Array.zeroCreate outputs), Span(Array.zeroCreate outputs), buffers, PassMode<float32>.Objective)
            let gradient = Array.create (rows * shape.Size) nanf
            pool.Backward<float32>(ReadOnlySpan.Empty, ReadOnlySpan x, Span(Array.copy delta), rows, Span.Empty, false, Span gradient, buffers, PassMode<float32>.Objective)
            Assert.Equal<int[]>(bits expected, bits gradient)
