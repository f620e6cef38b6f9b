/// A convolution applies its own σ to each sample on the thread that computed the sample's z, and, handed ∂C/∂a by a
/// stack, its own σ' to each sample before reading δ: bit for bit what σ and σ' over the whole batch give, on every
/// kernel path and thread count, in float and double.
module Nn.Tests.Layers.Conv2DLayerActivationTests

open System
open System.Numerics
open Nn
open Nn.Kernels
open Nn.Tests.Helpers
open Xunit

/// Leaky ReLU with slope 0.1 below zero: a user's element-wise activation.
type private LeakyRelu =
    interface IElementwiseActivation with
        static member Name = "leaky-relu"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T) = 'T.Max(z, 'T.Zero) + 'T.CreateChecked 0.1 * 'T.Min(z, 'T.Zero)
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T, _a: 'T) = if 'T.Sign z > 0 then 'T.One else 'T.CreateChecked 0.1

/// Softsign, σ(z) = z / (1 + |z|), σ' = 1 / (1 + |z|)², written as a user's record deriving from Activation, which
/// has no per-sample steps: the convolution must then apply σ and σ' over the whole batch itself.
type private Softsign() =
    inherit Activation()
    override _.Name = "softsign"
    override _.ForwardInto<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (z: ReadOnlySpan<'T>, a: Span<'T>, _width: int) =
        for i in 0 .. z.Length - 1 do
            a[i] <- z[i] / ('T.One + 'T.Abs z[i])
    override _.BackwardInto<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (z: ReadOnlySpan<'T>, _a: ReadOnlySpan<'T>, gradientA: ReadOnlySpan<'T>, gradientZ: Span<'T>, _width: int) =
        for i in 0 .. z.Length - 1 do
            let d = 'T.One + 'T.Abs z[i]
            gradientZ[i] <- gradientA[i] / (d * d)
    // A C# record's copy method, which every record deriving from Activation supplies.
    override _.``<Clone>$``() = Softsign() :> Activation

let private activations =
    [ Activation.Relu
      Activation.Sigmoid
      Activation.Tanh
      Activation.Identity
      Activation.Softmax
      Activation.Elementwise<LeakyRelu>()
      Softsign() ]

/// One layer of each form: run directly (one channel, 5×5), with the filters as lanes (LeNet's second layer on a
/// smaller image) and through the GEMM (a 4×3 kernel over 3 channels, padded, 7 filters).
let private layers (activation: Activation) =
    [ Conv2DLayer(Shape.Image(1, 14, 13), 6, 5, 5, activation)
      Conv2DLayer(Shape.Image(6, 12, 12), 16, 5, 5, activation)
      Conv2DLayer(Shape.Image(3, 9, 8), 7, 4, 3, activation, padding = 1) ]

/// 11 samples: a whole slice of 8 and a remainder.
let private rows = 11

let private random = Nn.Tests.Helpers.uniformValues

let private buffers<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    (layer: Conv2DLayer) path (team: GemmTeam<'T> option) =
    LayerBuffers<'T>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], path, Option.toObj team)

/// z and a of the layer's forward pass over the batch.
let private forward<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    (layer: Conv2DLayer) path team (toT: float -> 'T) =
    let x = random 1 (rows * layer.InputShape.Size) |> Array.map toT
    let theta = random 2 layer.ParameterCount |> Array.map toT
    let z = Array.zeroCreate<'T> (rows * layer.OutputShape.Size)
    let a = Array.zeroCreate<'T> (rows * layer.OutputShape.Size)
    layer.Forward<'T>(ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span a, buffers layer path team, PassMode<'T>.Objective)
    x, theta, z, a

/// From ∂C/∂a: the layer's own σ' per sample (fold = true) or σ' over the whole batch and then the pass from δ; the
/// δ left in place, ∂C/∂θ and ∂C/∂x (none without `withInput`, as for a first layer, which a direct layer then computes
/// with no GEMM at all).
let private backward<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    (layer: Conv2DLayer) path team withInput fold (toT: float -> 'T) =
    let x, theta, z, a = forward layer path team toT
    let delta = random 3 (rows * layer.OutputShape.Size) |> Array.map toT
    let gradient = Array.zeroCreate<'T> theta.Length
    let inputGradient = Array.zeroCreate<'T> (if withInput then rows * layer.InputShape.Size else 0)
    let scratch = buffers layer path team
    if fold then
        layer.BackwardFromActivationGradient<'T>(
            ReadOnlySpan theta, ReadOnlySpan x, ReadOnlySpan z, ReadOnlySpan a, Span delta, rows, Span gradient, false, Span inputGradient, scratch, PassMode<'T>.Objective)
    else
        layer.Activation.BackwardInto<'T>(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan delta, Span delta, layer.OutputShape.Size)
        layer.Backward<'T>(ReadOnlySpan theta, ReadOnlySpan x, Span delta, rows, Span gradient, false, Span inputGradient, scratch, PassMode<'T>.Objective)
    delta, gradient, inputGradient

[<Theory>]
[<InlineData(1)>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``a convolution's activations are σ of its z over the whole batch, bit for bit, on every path, in float and double`` (threads: int) =
    withTeams threads (fun single double ->
        for path in KernelSelection.Supported() do
            use _ = KernelSelection.Enter path
            for activation in activations do
                for layer in layers activation do
                    let _, _, z, a = forward layer path single float32
                    let expected = Array.zeroCreate<float32> a.Length
                    activation.ForwardInto<float32>(ReadOnlySpan z, Span expected, layer.OutputShape.Size)
                    Assert.True((expected = a), $"{path}, {layer}, {threads} threads: float a is not σ(z)")
                    let _, _, z, a = forward layer path double id
                    let expected = Array.zeroCreate<float> a.Length
                    activation.ForwardInto<float>(ReadOnlySpan z, Span expected, layer.OutputShape.Size)
                    Assert.True((expected = a), $"{path}, {layer}, {threads} threads: double a is not σ(z)"))

[<Theory>]
[<InlineData(1)>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``a convolution handed ∂C/∂a gives the δ and gradients of σ' over the whole batch and then δ, bit for bit, on every path, in float and double`` (threads: int) =
    withTeams threads (fun single double ->
        for path in KernelSelection.Supported() do
            use _ = KernelSelection.Enter path
            for activation in activations do
                for layer in layers activation do
                    for withInput in [ true; false ] do
                        Assert.True(
                            (backward layer path single withInput false float32 = backward layer path single withInput true float32),
                            $"{path}, {layer}, {threads} threads, input gradient {withInput}: float")
                        Assert.True(
                            (backward layer path double withInput false id = backward layer path double withInput true id),
                            $"{path}, {layer}, {threads} threads, input gradient {withInput}: double"))

[<Fact>]
let ``a user's activation record has no per-sample steps, so the convolution's σ and σ' fall back to whole-batch passes`` () =
    // What the two theories above then check for it is the fallback, not the per-sample steps.
    Assert.False(Softsign().SampleSteps<float32>().HasForward)
    Assert.False(Softsign().SampleSteps<float>().HasBackward)
    Assert.True(Activation.Elementwise<LeakyRelu>().SampleSteps<float32>().HasBackward)

[<Fact>]
let ``only a convolution takes ∂C/∂a from the layer above; the other kinds take δ`` () =
    let image = Shape.Image(2, 6, 6)
    Assert.True(Conv2DLayer(image, 3, 3, 3, Activation.Relu).TakesActivationGradient)
    Assert.False(MaxPool2DLayer(image, 2).TakesActivationGradient)
    Assert.False(DenseLayer(4, 3, Activation.Relu).TakesActivationGradient)
