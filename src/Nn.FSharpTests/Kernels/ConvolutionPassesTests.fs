/// The slice-wise convolution passes: a batch cut into slices of ConvolutionPasses.SliceRows samples gives the kernel
/// and bias gradients that the samples give one by one, summed, on every kernel path this CPU runs (each pads the
/// filters to its own MR), and adds them onto a gradient when asked to.
module Nn.Tests.Kernels.ConvolutionPassesTests

open System
open Nn
open Nn.Kernels
open Xunit

let private randoms (seed: int) length =
    let r = Random seed
    Array.init length (fun _ -> r.NextDouble() * 2.0 - 1.0)

/// One forward and backward pass of the layer over the first rows of x and δ, in double on a path: ∂C/∂θ (added
/// onto start) and ∂C/∂x.
let private gradients (layer: Conv2DLayer) (path: KernelPath) (rows: int) (x: float[]) (delta: float[]) (theta: float[]) (start: float[] option) =
    use _ = KernelSelection.Enter path
    let output = layer.OutputShape.Size
    let buffers = LayerBuffers<float>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], path, null)
    let z = Array.zeroCreate<float> (rows * output)
    let a = Array.zeroCreate<float> (rows * output)
    layer.Forward<float>(ReadOnlySpan theta, ReadOnlySpan(x, 0, rows * layer.InputShape.Size), rows, Span z, Span a, buffers, PassMode<float>.Objective)
    let gradient = match start with Some g -> Array.copy g | None -> Array.create theta.Length nan
    let inputGradient = Array.zeroCreate<float> (rows * layer.InputShape.Size)
    layer.Backward<float>(
        ReadOnlySpan theta, ReadOnlySpan(x, 0, rows * layer.InputShape.Size), Span(Array.sub delta 0 (rows * output)), rows, Span gradient, start.IsSome, Span inputGradient, buffers, PassMode<float>.Objective)
    gradient, inputGradient

let private close (expected: float[]) (actual: float[]) =
    Array.forall2 (fun (e: float) a -> abs (e - a) <= 1e-12 * (1.0 + abs e)) expected actual

[<Theory>]
[<InlineData(1)>]
[<InlineData(8)>]
[<InlineData(19)>]
let ``a batch's kernel and bias gradients over slices of samples equal the sum of each sample's, on every kernel path`` (rows: int) =
    let layer = Conv2DLayer(Shape.Image(3, 9, 8), 6, 3, 2, Activation.Tanh, stride = 1, padding = 1)
    let x = randoms 1 (rows * layer.InputShape.Size)
    let delta = randoms 2 (rows * layer.OutputShape.Size)
    let theta = randoms 3 layer.ParameterCount
    for path in KernelSelection.Supported() do
        let batch, _ = gradients layer path rows x delta theta None
        let expected = Array.zeroCreate<float> theta.Length
        for n in 0 .. rows - 1 do
            let alone, _ =
                gradients layer path 1 x[n * layer.InputShape.Size ..] delta[n * layer.OutputShape.Size ..] theta None
            for i in 0 .. theta.Length - 1 do
                expected[i] <- expected[i] + alone[i]
        Assert.True(close expected batch, $"{path}, {rows} rows: the batch's gradient is not the sum of the samples'")

[<Fact>]
let ``with accumulate the slices' gradients are added onto the gradient already there`` () =
    let layer = Conv2DLayer(Shape.Image(2, 7, 7), 5, 3, 3, Activation.Relu)
    let rows = 20
    let x = randoms 4 (rows * layer.InputShape.Size)
    let delta = randoms 5 (rows * layer.OutputShape.Size)
    let theta = randoms 6 layer.ParameterCount
    let start = randoms 7 layer.ParameterCount
    let path = KernelSelection.Best
    let fresh, freshInput = gradients layer path rows x delta theta None
    let added, addedInput = gradients layer path rows x delta theta (Some start)
    Assert.True(close (Array.map2 (+) start fresh) added)
    Assert.Equal<float[]>(freshInput, addedInput)

/// Filter counts whose rounding up to one path's micro-kernel rows (MR 6 on Vector256) passes their rounding up to
/// another's (MR 8): the scratch must hold the padded rows of every path. 16 filters is LeNet's second layer.
[<Theory>]
[<InlineData(7)>]
[<InlineData(8)>]
[<InlineData(13)>]
[<InlineData(16)>]
let ``a layer of any filter count runs through the GEMM on every kernel path and gives the portable path's gradients`` (filters: int) =
    // A 4x3 kernel over 3 channels is a 36-long field: past the direct convolution's, so the GEMM runs.
    let layer = Conv2DLayer(Shape.Image(3, 9, 8), filters, 4, 3, Activation.Tanh)
    let rows = 10
    let x = randoms 8 (rows * layer.InputShape.Size)
    let delta = randoms 9 (rows * layer.OutputShape.Size)
    let theta = randoms 10 layer.ParameterCount
    let portable, portableInput = gradients layer KernelPath.Portable rows x delta theta None
    for path in KernelSelection.Supported() do
        let gradient, input = gradients layer path rows x delta theta None
        Assert.True(close portable gradient, $"{path}, {filters} filters: the parameter gradient differs from the portable path's")
        Assert.True(close portableInput input, $"{path}, {filters} filters: the input gradient differs from the portable path's")
