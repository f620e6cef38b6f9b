/// The direct convolution (stride 1, short receptive field): a layer's z and its kernel and bias gradients equal a
/// plain loop over the definition, on every kernel path this CPU runs, for output planes shorter than a vector, a whole
/// number of vectors and a remainder, filters and weights that leave a block part-full, and padding.
module Nn.Tests.Kernels.DirectConvolutionTests

open System
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.ConvolutionDefinition
open Xunit

/// z and ∂K, ∂b by the definition (its input gradient is not needed here).
let private oracle layer rows x delta theta =
    let z, gradient, _ = definition layer rows x delta theta
    z, gradient

/// The layer's own forward pass and its backward pass without an input gradient (as for a first layer), on a path.
let private run (layer: Conv2DLayer) (path: KernelPath) rows (x: float[]) (delta: float[]) (theta: float[]) =
    use _ = KernelSelection.Enter path
    let buffers = LayerBuffers<float>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], path, null)
    let z = Array.zeroCreate<float> (rows * layer.OutputShape.Size)
    let a = Array.zeroCreate<float> z.Length
    layer.Forward<float>(ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span a, buffers, PassMode<float>.Objective)
    let gradient = Array.create theta.Length nan
    layer.Backward<float>(ReadOnlySpan theta, ReadOnlySpan x, Span(Array.copy delta), rows, Span gradient, false, Span.Empty, buffers, PassMode<float>.Objective)
    z, gradient

let private near (expected: float[]) (actual: float[]) =
    Array.forall2 (fun (e: float) a -> abs (e - a) <= 1e-12 * (1.0 + abs e)) expected actual

[<Theory>]
[<InlineData(1, 28, 28, 6, 5, 5, 0, 9)>] // LeNet's first layer: 24-wide rows, two full blocks of filters
[<InlineData(1, 28, 28, 6, 5, 5, 2, 3)>] // the recipe's padded first layer: 28-wide rows
[<InlineData(1, 6, 9, 5, 2, 4, 0, 2)>] // rows of 6, shorter than a float vector; a part-full block of filters
[<InlineData(2, 7, 14, 7, 3, 2, 1, 3)>] // rows of 15: one vector and a remainder; 7 filters; two channels
[<InlineData(3, 5, 11, 1, 1, 1, 0, 17)>] // a 1x1 kernel over three channels, three slices of samples
[<InlineData(1, 4, 40, 4, 4, 5, 0, 1)>] // rows of 36: three vectors and a remainder
[<InlineData(1, 3, 4, 3, 2, 2, 0, 2)>] // a plane of 2x3 outputs, shorter than any vector: the scalar body
[<InlineData(2, 5, 5, 13, 2, 3, 0, 2)>] // a plane of 4x3 = 12 outputs; 13 filters: two full blocks and one of a single filter
let ``a direct convolution's output and kernel and bias gradients equal the definition's, on every kernel path``
    (channels, height, width, filters, kernelHeight, kernelWidth, padding, rows) =
    let layer = Conv2DLayer(Shape.Image(channels, height, width), filters, kernelHeight, kernelWidth, Activation.Identity, padding = padding)
    let geometry = ColumnTransfer.Geometry.Of(layer.InputShape, kernelHeight, kernelWidth, 1, padding, layer.OutputShape)
    Assert.True(DirectConvolution.Suits geometry, "the geometry should run directly")
    let x = randoms 1 (rows * layer.InputShape.Size)
    let delta = randoms 2 (rows * layer.OutputShape.Size)
    let theta = randoms 3 layer.ParameterCount
    let expectedZ, expectedGradient = oracle layer rows x delta theta
    for path in KernelSelection.Supported() do
        let z, gradient = run layer path rows x delta theta
        Assert.True(near expectedZ z, $"{path}: z differs from the definition")
        Assert.True(near expectedGradient gradient, $"{path}: the kernel or bias gradient differs from the definition")

/// The float bodies: 16 or 8 lanes, so LeNet's 24-wide rows end with an overlapping vector whose overlap ∂K masks off.
[<Theory>]
[<InlineData(28, 0)>]
[<InlineData(28, 2)>]
[<InlineData(13, 1)>]
let ``a direct convolution in float gives the definition's output and gradients to float precision, on every kernel path`` (side, padding) =
    let layer = Conv2DLayer(Shape.Image(1, side, side), 6, 5, 5, Activation.Identity, padding = padding)
    let rows = 9
    let x = randoms 6 (rows * layer.InputShape.Size)
    let delta = randoms 7 (rows * layer.OutputShape.Size)
    let theta = randoms 8 layer.ParameterCount
    let expectedZ, expectedGradient = oracle layer rows x delta theta
    let single (values: float[]) = Array.map float32 values
    let within (expected: float[]) (actual: float32[]) =
        Array.forall2 (fun (e: float) (a: float32) -> abs (e - float a) <= 1e-4 * (1.0 + abs e)) expected actual
    for path in KernelSelection.Supported() do
        use _ = KernelSelection.Enter path
        let buffers = LayerBuffers<float32>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], path, null)
        let z = Array.zeroCreate<float32> (rows * layer.OutputShape.Size)
        layer.Forward<float32>(ReadOnlySpan(single theta), ReadOnlySpan(single x), rows, Span z, Span(Array.zeroCreate z.Length), buffers, PassMode<float32>.Objective)
        let gradient = Array.create theta.Length nanf
        layer.Backward<float32>(
            ReadOnlySpan(single theta), ReadOnlySpan(single x), Span(single delta), rows, Span gradient, false, Span.Empty, buffers, PassMode<float32>.Objective)
        Assert.True(within expectedZ z, $"{path}: z differs from the definition")
        Assert.True(within expectedGradient gradient, $"{path}: the kernel or bias gradient differs from the definition")

[<Fact>]
let ``a direct convolution in float gives the same bits on every vector path as on the portable path going forward`` () =
    // Every path sums a field in the order c, u, v with one fused multiply-add per weight, then adds the bias.
    let layer = Conv2DLayer(Shape.Image(1, 28, 28), 6, 5, 5, Activation.Identity)
    let rows = 2
    let x = randoms 4 (rows * layer.InputShape.Size) |> Array.map float32
    let theta = randoms 5 layer.ParameterCount |> Array.map float32
    let forward path =
        use _ = KernelSelection.Enter path
        let buffers = LayerBuffers<float32>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], path, null)
        let z = Array.zeroCreate<float32> (rows * layer.OutputShape.Size)
        layer.Forward<float32>(ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span(Array.zeroCreate z.Length), buffers, PassMode<float32>.Objective)
        z
    let portable = forward KernelPath.Portable
    for path in KernelSelection.Supported() do
        Assert.Equal<float32[]>(portable, forward path)

[<Fact>]
let ``a long receptive field or a stride above 1 goes through im2col and the GEMM`` () =
    let geometry (channels, kernel, stride) =
        let input = Shape.Image(channels, 12, 12)
        let layer = Conv2DLayer(input, 4, kernel, kernel, Activation.Identity, stride = stride)
        ColumnTransfer.Geometry.Of(input, kernel, kernel, stride, 0, layer.OutputShape)
    Assert.True(DirectConvolution.Suits(geometry (1, 5, 1)))
    Assert.False(DirectConvolution.Suits(geometry (6, 5, 1)))
    Assert.False(DirectConvolution.Suits(geometry (1, 5, 2)))
