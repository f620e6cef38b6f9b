/// The convolution with the filters as vector lanes (stride 1, a long receptive field, rows of at least 8 outputs):
/// a layer's z, its kernel and bias gradients and its input gradient equal a plain loop over the definition, on every
/// kernel path this CPU runs, for LeNet's second layer, filter counts that leave the lanes part-full, an odd channel
/// count, kernel widths past one block of columns, output rows that are not whole blocks, and padding.
module Nn.Tests.Kernels.FilterLanesConvolutionTests

open System
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.ConvolutionDefinition
open Nn.Tests.Kernels.KernelPathData
open Xunit

let private near (expected: float[]) (actual: float[]) =
    Array.forall2 (fun (e: float) a -> abs (e - a) <= 1e-12 * (1.0 + abs e)) expected actual

[<Theory>]
[<InlineData(6, 12, 12, 16, 5, 5, 0, 9)>] // LeNet's second layer: 8x8 outputs, 16 filters, two slices
[<InlineData(6, 12, 12, 16, 5, 5, 0, 1)>] // one sample
[<InlineData(3, 11, 14, 7, 4, 3, 1, 3)>] // 7 filters, an odd channel count, rows of 13 (a block and an overlap), padding
[<InlineData(2, 9, 16, 20, 3, 7, 0, 2)>] // 20 filters (two rooms of 16), kernel width 7: a block of 5 and a part-full one
[<InlineData(5, 8, 12, 1, 2, 4, 2, 10)>] // one filter, padding 2
[<InlineData(4, 10, 11, 5, 3, 3, 0, 2)>] // rows of 9 outputs (a block and one column) over inputs of odd width 11
[<InlineData(5, 8, 20, 3, 2, 4, 0, 2)>] // rows of 17 outputs: two blocks, the second adding onto the first's sums, and one column
let ``a convolution with the filters as lanes gives the definition's output and every gradient, on every kernel path``
    (channels, height, width, filters, kernelHeight, kernelWidth, padding, rows) =
    let layer = Conv2DLayer(Shape.Image(channels, height, width), filters, kernelHeight, kernelWidth, Activation.Identity, padding = padding)
    let geometry = ColumnTransfer.Geometry.Of(layer.InputShape, kernelHeight, kernelWidth, 1, padding, layer.OutputShape)
    Assert.True(FilterLanesConvolution.Fits geometry, "the geometry should run with the filters as lanes")
    let x = randoms 1 (rows * layer.InputShape.Size)
    let delta = randoms 2 (rows * layer.OutputShape.Size)
    let theta = randoms 3 layer.ParameterCount
    let expectedZ, expectedGradient, expectedInputGradient = definition layer rows x delta theta
    for path in KernelSelection.Supported() do
        use _ = KernelSelection.Enter path
        let buffers = LayerBuffers<float>(Array.create (int (layer.ScratchLength rows)) nan, [||], path, null)
        let z = Array.zeroCreate<float> (rows * layer.OutputShape.Size)
        layer.Forward<float>(ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span(Array.zeroCreate z.Length), buffers, PassMode<float>.Objective)
        let gradient = Array.create theta.Length nan
        let inputGradient = Array.create x.Length nan
        layer.Backward<float>(ReadOnlySpan theta, ReadOnlySpan x, Span(Array.copy delta), rows, Span gradient, false, Span inputGradient, buffers, PassMode<float>.Objective)
        Assert.True(near expectedZ z, $"{path}: z differs from the definition")
        Assert.True(near expectedGradient gradient, $"{path}: the kernel or bias gradient differs from the definition")
        Assert.True(near expectedInputGradient inputGradient, $"{path}: the input gradient differs from the definition")

/// A layer in float against the definition to float precision, on every kernel path.
let private floatMatchesDefinition (layer: Conv2DLayer) rows seed =
    let x = randoms seed (rows * layer.InputShape.Size)
    let delta = randoms (seed + 1) (rows * layer.OutputShape.Size)
    let theta = randoms (seed + 2) layer.ParameterCount
    let expectedZ, expectedGradient, expectedInputGradient = definition layer rows x delta theta
    let single (values: float[]) = Array.map float32 values
    let within (expected: float[]) (actual: float32[]) =
        Array.forall2 (fun (e: float) (a: float32) -> abs (e - float a) <= 1e-4 * (1.0 + abs e)) expected actual
    for path in KernelSelection.Supported() do
        use _ = KernelSelection.Enter path
        let buffers = LayerBuffers<float32>(Array.create (int (layer.ScratchLength rows)) nanf, [||], path, null)
        let z = Array.zeroCreate<float32> (rows * layer.OutputShape.Size)
        layer.Forward<float32>(ReadOnlySpan(single theta), ReadOnlySpan(single x), rows, Span z, Span(Array.zeroCreate z.Length), buffers, PassMode<float32>.Objective)
        let gradient = Array.create theta.Length nanf
        let inputGradient = Array.create x.Length nanf
        layer.Backward<float32>(
            ReadOnlySpan(single theta), ReadOnlySpan(single x), Span(single delta), rows, Span gradient, false, Span inputGradient, buffers, PassMode<float32>.Objective)
        Assert.True(within expectedZ z, $"{path}: z differs from the definition")
        Assert.True(within expectedGradient gradient, $"{path}: the kernel or bias gradient differs from the definition")
        Assert.True(within expectedInputGradient inputGradient, $"{path}: the input gradient differs from the definition")

/// LeNet's second layer in float, where 16 filters fill one 512-bit vector and the transposes run as register blocks.
[<Fact>]
let ``LeNet's second convolution in float gives the definition's output and gradients to float precision, on every kernel path`` () =
    floatMatchesDefinition (Conv2DLayer(Shape.Image(6, 12, 12), 16, 5, 5, Activation.Identity)) 9 6

/// 20 filters in float take two 16-lane rooms per position, so the input gradient's lane sums add two 512-bit vectors
/// per position before folding them, where 16 filters take one.
[<Fact>]
let ``a convolution of 20 filters in float, two rooms of 16 lanes, gives the definition's input gradient to float precision, on every kernel path`` () =
    floatMatchesDefinition (Conv2DLayer(Shape.Image(2, 9, 16), 20, 3, 7, Activation.Identity)) 2 21

[<Fact>]
let ``a short receptive field, a stride above 1 or rows under 8 outputs do not run with the filters as lanes`` () =
    let geometry (channels, side, kernel, stride) =
        let input = Shape.Image(channels, side, side)
        let layer = Conv2DLayer(input, 16, kernel, kernel, Activation.Identity, stride = stride)
        ColumnTransfer.Geometry.Of(input, kernel, kernel, stride, 0, layer.OutputShape)
    Assert.True(FilterLanesConvolution.Fits(geometry (6, 12, 5, 1)))
    Assert.False(FilterLanesConvolution.Fits(geometry (1, 28, 5, 1)))
    Assert.False(FilterLanesConvolution.Fits(geometry (6, 12, 5, 2)))
    Assert.False(FilterLanesConvolution.Fits(geometry (6, 11, 5, 1)))
    Assert.False(FilterLanesConvolution.Suits(KernelPath.Portable, geometry (6, 12, 5, 1)))

/// Each z is summed over c, u, v and each kernel-gradient lane over the positions in one fixed order whatever the
/// vector width (going forward, the 128- and 256-bit paths take two groups of filters at a time, the 512-bit path
/// one), so those bits are the 128-bit path's on the wider paths; only the input gradient, whose lanes are added
/// together, may differ.
[<Theory>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``a convolution with the filters as lanes gives the 128-bit path's bits of z and of the kernel and bias gradients on a wider path``
    (path: KernelPath) =
    // LeNet's second layer; two rooms of 16 filters with a kernel width of 7 (a whole block of 5 and a part-full
    // one); rows of 13 outputs with padding (an odd count after the pairs of columns).
    for channels, height, width, filters, kernelHeight, kernelWidth, padding, rows in
        [ 6, 12, 12, 16, 5, 5, 0, 3; 2, 9, 16, 20, 3, 7, 0, 2; 3, 11, 14, 7, 4, 3, 1, 2 ] do
        let layer = Conv2DLayer(Shape.Image(channels, height, width), filters, kernelHeight, kernelWidth, Activation.Identity, padding = padding)
        let x = randoms 11 (rows * layer.InputShape.Size)
        let delta = randoms 12 (rows * layer.OutputShape.Size)
        let theta = randoms 13 layer.ParameterCount
        let run path =
            use _ = KernelSelection.Enter path
            let buffers = LayerBuffers<float>(Array.create (int (layer.ScratchLength rows)) nan, [||], path, null)
            let z = Array.zeroCreate<float> (rows * layer.OutputShape.Size)
            layer.Forward<float>(ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span(Array.zeroCreate z.Length), buffers, PassMode<float>.Objective)
            let gradient = Array.create theta.Length nan
            layer.Backward<float>(ReadOnlySpan theta, ReadOnlySpan x, Span(Array.copy delta), rows, Span gradient, false, Span(Array.zeroCreate x.Length), buffers, PassMode<float>.Objective)
            Array.map BitConverter.DoubleToInt64Bits z, Array.map BitConverter.DoubleToInt64Bits gradient
        let narrowZ, narrowGradient = run KernelPath.Vector128
        let z, gradient = run path
        Assert.True((narrowZ = z), $"{filters} filters of {kernelHeight}x{kernelWidth}: z's bits differ from the 128-bit path's")
        Assert.True((narrowGradient = gradient), $"{filters} filters of {kernelHeight}x{kernelWidth}: the gradient's bits differ from the 128-bit path's")
