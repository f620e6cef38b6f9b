/// A training step runs a convolution with ReLU and the max-pooling above it as one pass each way when the convolution
/// runs directly as a first layer or with the filters as lanes, keeping each sample's full-resolution z, a and δ in the
/// scratch: the pooled z, a and argmax, the gradient and the input gradient must be the bits of the two layers' separate
/// passes, on every kernel path and thread count, in float and double.
module Nn.Tests.Layers.Conv2DPoolingFusionTests

open System
open System.Numerics
open Nn
open Nn.Kernels
open Nn.Tests.Helpers
open Xunit

/// Direct first layers (no input gradient): LeNet's first pair; an odd-sized image whose pooling does not tile it (the
/// generic pooling bodies); two padded channels under overlapping 3×3 windows at stride 2 (an input position can be the
/// maximum of several windows).
let private firstPairs () =
    [ Conv2DLayer(Shape.Image(1, 28, 28), 6, 5, 5, Activation.Relu), 2, None
      Conv2DLayer(Shape.Image(1, 14, 13), 4, 5, 5, Activation.Relu, hasBias = false), 2, None
      Conv2DLayer(Shape.Image(2, 9, 9), 3, 3, 3, Activation.Relu, padding = 2), 3, Some 2 ]
    |> List.map (fun (conv, window, stride) ->
        let pooling = MaxPool2DLayer(conv.OutputShape, window, Option.toNullable stride)
        conv, pooling)

/// Filter-lanes layers with an input gradient: LeNet's second pair (2×2 windows tiling 8×8); 5 filters without a bias
/// under 3×3 windows at stride 2 over a 9×10 output that they do not tile; a padded non-square kernel with 2×2 windows
/// at stride 1 (overlapping).
let private lanesPairs () =
    [ Conv2DLayer(Shape.Image(6, 12, 12), 16, 5, 5, Activation.Relu), 2, None
      Conv2DLayer(Shape.Image(4, 11, 12), 5, 3, 3, Activation.Relu, hasBias = false), 3, Some 2
      Conv2DLayer(Shape.Image(3, 8, 9), 20, 3, 4, Activation.Relu, padding = 1), 2, Some 1 ]
    |> List.map (fun (conv, window, stride) ->
        let pooling = MaxPool2DLayer(conv.OutputShape, window, Option.toNullable stride)
        conv, pooling)

/// 11 samples: a whole slice of 8 and a remainder.
let private rows = 11

/// Every value's bits, so that -0 and +0 differ (F#'s = on floats does not tell them apart).
let private bits<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    (values: 'T array) =
    values |> Array.map (fun v -> BitConverter.DoubleToInt64Bits(Double.CreateTruncating v))

let private random seed length (toT: float -> 'T) = Nn.Tests.Helpers.uniformValues seed length |> Array.map toT

/// The pooled z, a, argmax, the convolution's gradient and (unless first) its input gradient, by the separate passes
/// (fused = false) or the fused ones.
let private run<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    (conv: Conv2DLayer, pooling: MaxPool2DLayer) first path (team: GemmTeam<'T> option) fused (toT: float -> 'T) =
    let x = random 1 (rows * conv.InputShape.Size) toT
    let theta = random 2 conv.ParameterCount toT
    let pooledDelta = random 3 (rows * pooling.OutputShape.Size) toT
    let convBuffers = LayerBuffers<'T>(Array.zeroCreate (int (conv.ScratchLength rows)), [||], path, Option.toObj team)
    let poolBuffers = LayerBuffers<'T>([||], Array.zeroCreate (int (pooling.IndexLength rows)), path, Option.toObj team)
    let pooledZ = Array.zeroCreate<'T> (rows * pooling.OutputShape.Size)
    let pooledA = Array.zeroCreate<'T> pooledZ.Length
    // A gradient the backward pass adds to, so that both the written and the accumulated sums are compared; an input
    // gradient of other values, so that one the pass fails to overwrite shows.
    let gradient = random 4 conv.ParameterCount toT
    let inputGradient = if first then [||] else random (if fused then 5 else 6) x.Length toT
    if fused then
        conv.ForwardPooled<'T>(ReadOnlySpan theta, ReadOnlySpan x, rows, pooling, Span pooledZ, Span pooledA, Span poolBuffers.Indices, convBuffers)
        conv.BackwardPooled<'T>(
            ReadOnlySpan theta, ReadOnlySpan x, rows, pooling, Span pooledDelta, ReadOnlySpan pooledA, ReadOnlySpan poolBuffers.Indices, Span gradient, true, Span inputGradient, convBuffers)
    else
        let size = rows * conv.OutputShape.Size
        let z = Array.zeroCreate<'T> size
        let a = Array.zeroCreate<'T> size
        conv.Forward<'T>(ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span a, convBuffers, PassMode<'T>.Objective)
        pooling.Forward<'T>(ReadOnlySpan.Empty, ReadOnlySpan a, rows, Span pooledZ, Span pooledA, poolBuffers, PassMode<'T>.Objective)
        let gradientA = Array.zeroCreate<'T> size
        pooling.Backward<'T>(ReadOnlySpan.Empty, ReadOnlySpan a, Span pooledDelta, rows, Span.Empty, false, Span gradientA, poolBuffers, PassMode<'T>.Objective)
        conv.BackwardFromActivationGradient<'T>(
            ReadOnlySpan theta, ReadOnlySpan x, ReadOnlySpan z, ReadOnlySpan a, Span gradientA, rows, Span gradient, true, Span inputGradient, convBuffers, PassMode<'T>.Objective)
    bits pooledZ, bits pooledA, Array.copy poolBuffers.Indices, bits gradient, bits inputGradient

[<Theory>]
[<InlineData(1)>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``a fused convolution and pooling give the separate passes' pooled values, argmax, gradient and input gradient bit for bit, on every path, in float and double`` (threads: int) =
    withTeams threads (fun single double ->
        for path in KernelSelection.Supported() do
            use _ = KernelSelection.Enter path
            let pairs =
                [ for pair in firstPairs () -> pair, true ]
                @ [ for pair in lanesPairs () do
                        if path <> KernelPath.Portable then pair, false ]
            for (conv, pooling), first in pairs do
                Assert.True(conv.FusesWith(pooling, path, first), $"{conv} and {pooling} should fuse on {path}")
                let check name (toT: float -> 'T) team =
                    Assert.True((run (conv, pooling) first path team false toT = run (conv, pooling) first path team true toT), $"{path}, {conv}, {pooling}, {threads} threads: {name}")
                check "float" float32 single
                check "double" id double)

[<Fact>]
let ``a convolution fuses with a max-pooling above it only with ReLU, directly as a first layer or with the filters as lanes on a vector path`` () =
    let image = Shape.Image(1, 12, 12)
    let relu = Conv2DLayer(image, 4, 5, 5, Activation.Relu)
    let vector = KernelPath.Vector256
    Assert.True(relu.FusesWith(MaxPool2DLayer(relu.OutputShape, 2), vector, true))
    // A direct layer that must give its input gradient keeps the separate passes.
    Assert.False(relu.FusesWith(MaxPool2DLayer(relu.OutputShape, 2), vector, false))
    Assert.False(Conv2DLayer(image, 4, 5, 5, Activation.Sigmoid).FusesWith(MaxPool2DLayer(relu.OutputShape, 2), vector, true))
    Assert.False(relu.FusesWith(DenseLayer(relu.OutputShape.Size, 3, Activation.Relu), vector, true))
    // A receptive field of 6·5·5 = 150 values runs with the filters as lanes on a vector path, through the GEMM on Portable.
    let wide = Conv2DLayer(Shape.Image(6, 12, 12), 16, 5, 5, Activation.Relu)
    Assert.True(wide.FusesWith(MaxPool2DLayer(wide.OutputShape, 2), vector, false))
    Assert.False(wide.FusesWith(MaxPool2DLayer(wide.OutputShape, 2), KernelPath.Portable, false))
    Assert.False(Conv2DLayer(Shape.Image(6, 12, 12), 16, 5, 5, Activation.Tanh).FusesWith(MaxPool2DLayer(wide.OutputShape, 2), vector, false))
    let strided = Conv2DLayer(image, 4, 3, 3, Activation.Relu, stride = 2)
    Assert.False(strided.FusesWith(MaxPool2DLayer(strided.OutputShape, 2), vector, true))
