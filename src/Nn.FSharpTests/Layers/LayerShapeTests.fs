/// Shapes, the shape rules of each layer kind, θ's layout for stacks with convolutions, and the errors a stack
/// that does not fit gives (naming the layer and both shapes).
module Nn.Tests.Layers.LayerShapeTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private digitsConv =
    Architecture.Input(1, 8, 8).Conv2D(8, 3, 3, Activation.Relu, padding = 1).MaxPool2D(2).Dense(10, Activation.Softmax)

[<Fact>]
let ``an image shape counts C times H times W values and prints as CxHxW`` () =
    let image = Shape.Image(3, 4, 5)
    Assert.Equal(60, image.Size)
    Assert.True image.IsImage
    Assert.Equal("3x4x5", string image)
    Assert.Equal((3, 4, 5), (image.Channels, image.Height, image.Width))

[<Fact>]
let ``a vector shape is its length and not an image`` () =
    let vector = Shape.Vector 100
    Assert.Equal(100, vector.Size)
    Assert.False vector.IsImage
    Assert.Equal("100", string vector)
    Assert.NotEqual(Shape.Image(100, 1, 1), vector)

[<Fact>]
let ``shapes with a dimension below one are refused`` () =
    Assert.Contains("channels must be positive", messageOf<ArgumentOutOfRangeException> (fun () -> Shape.Image(0, 1, 2) |> ignore))
    Assert.Contains("height must be positive", messageOf<ArgumentOutOfRangeException> (fun () -> Shape.Image(1, 0, 2) |> ignore))
    Assert.Contains("width must be positive", messageOf<ArgumentOutOfRangeException> (fun () -> Shape.Image(1, 2, -1) |> ignore))
    Assert.Contains("length must be positive", messageOf<ArgumentOutOfRangeException> (fun () -> Shape.Vector -3 |> ignore))
    Assert.Contains("more than", messageOf<ArgumentOutOfRangeException> (fun () -> Shape.Image(65536, 65536, 2) |> ignore))

[<Fact>]
let ``a convolution's output is floor((H + 2p - KH) / s) + 1 high and as wide by the same rule`` () =
    let conv = Conv2DLayer(Shape.Image(3, 7, 9), 4, 3, 2, Activation.Tanh, stride = 2, padding = 1)
    Assert.Equal(Shape.Image(4, 4, 5), conv.OutputShape)
    Assert.Equal(4 * 3 * 3 * 2, conv.WeightCount)
    Assert.Equal(4, conv.BiasCount)
    Assert.Equal(4 * 3 * 3 * 2 + 4, conv.ParameterCount)
    Assert.Equal((4, 3, 2, 2, 1), (conv.Filters, conv.KernelHeight, conv.KernelWidth, conv.Stride, conv.Padding))
    Assert.Equal(Activation.Tanh, conv.Activation)
    Assert.Equal("Conv2D(3x7x9→4x4x5, 4 of 3x2, stride 2, padding 1, tanh)", string conv)

[<Fact>]
let ``a convolution without bias has only its kernels as parameters`` () =
    let conv = Conv2DLayer(Shape.Image(2, 5, 5), 3, 5, 5, Activation.Identity, hasBias = false)
    Assert.False conv.HasBias
    Assert.Equal(0, conv.BiasCount)
    Assert.Equal(Shape.Image(3, 1, 1), conv.OutputShape)
    Assert.Equal(150, conv.ParameterCount)

[<Fact>]
let ``a dense layer without bias has only its weights as parameters, and one with a bias one per output more`` () =
    let bare = DenseLayer(4, 3, Activation.Tanh, false)
    Assert.Equal(0, bare.BiasCount)
    Assert.Equal(12, bare.ParameterCount)
    let biased = DenseLayer(4, 3, Activation.Tanh)
    Assert.Equal(3, biased.BiasCount)
    Assert.Equal(15, biased.ParameterCount)

[<Fact>]
let ``pooling strides by its window unless told otherwise and has no parameters`` () =
    let pool = MaxPool2DLayer(Shape.Image(8, 8, 7), 2)
    Assert.Equal(Shape.Image(8, 4, 3), pool.OutputShape)
    Assert.Equal((2, 2), (pool.Window, pool.Stride))
    Assert.Equal(0, pool.ParameterCount)
    Assert.False pool.HasBias
    Assert.Equal(Activation.Identity, pool.Activation)
    let overlapping = MaxPool2DLayer(Shape.Image(1, 5, 5), 3, 1)
    Assert.Equal(Shape.Image(1, 3, 3), overlapping.OutputShape)
    Assert.Equal("MaxPool2D(1x5x5→1x3x3, 3x3, stride 1)", string overlapping)

[<Fact>]
let ``dropout keeps its input shape and has no parameters, no bias, no state and no activation of its own`` () =
    let dropout = DropoutLayer(Shape.Image(2, 3, 4), 0.25)
    Assert.Equal(Shape.Image(2, 3, 4), dropout.OutputShape)
    Assert.Equal((0, 0, 0), (dropout.WeightCount, dropout.BiasCount, dropout.StateCount))
    Assert.False dropout.HasBias
    Assert.Equal(Activation.Identity, dropout.Activation)

[<Fact>]
let ``a dense layer after a spatial one reads it flattened`` () =
    let dense = digitsConv.Stack[2] :?> DenseLayer
    Assert.Equal(8 * 4 * 4, dense.Inputs)
    Assert.Equal(Shape.Vector 128, dense.InputShape)
    Assert.Equal(Shape.Vector 10, dense.OutputShape)
    Assert.Equal(Shape.Vector 10, digitsConv.OutputShape)
    Assert.Equal(10, digitsConv.OutputSize)
    Assert.Equal(64, digitsConv.InputSize)
    Assert.Equal(Shape.Image(1, 8, 8), digitsConv.InputShape)

[<Fact>]
let ``θ holds each layer's weights then its bias in layer order, pooling taking no room`` () =
    Assert.Equal(72 + 8 + 1280 + 10, digitsConv.ParameterCount)
    Assert.Equal((0, 72), (digitsConv.WeightOffset 0, digitsConv.BiasOffset 0))
    Assert.Equal((80, -1), (digitsConv.WeightOffset 1, digitsConv.BiasOffset 1))
    Assert.Equal((80, 1360), (digitsConv.WeightOffset 2, digitsConv.BiasOffset 2))
    let network = Network.Create<float>(digitsConv, Initializer.He, 1UL)
    Assert.Equal((8, 9), (network.Weights(0).Rows, network.Weights(0).Columns))
    Assert.Equal(8, network.Bias(0).Length)
    Assert.Equal((0, 0), (network.Weights(1).Rows, network.Weights(1).Columns))
    Assert.Equal(0, network.Bias(1).Length)

[<Fact>]
let ``initialisers scale kernels by the fan-in C times KH times KW`` () =
    let architecture = Architecture.Input(4, 20, 20).Conv2D(64, 5, 5, Activation.Relu)
    let network = Network.Create<float>(architecture, Initializer.He, 2UL)
    let weights = network.Weights(0).AsSpan().ToArray()
    let deviation = sqrt (weights |> Array.averageBy (fun w -> w * w))
    assertClose 0.05 (sqrt (2.0 / 100.0)) deviation
    Assert.All(network.Bias(0).ToArray(), fun b -> Assert.Equal(0.0, b))

[<Fact>]
let ``initialisers scale kernels by the fan-out O times KH times KW`` () =
    // The same seed draws the same Gaussians, so N(0, 1)/√fan-out and N(0, 1)/√fan-in differ by √(fan-in/fan-out) =
    // √(4·3·2 / 5·3·2) weight for weight.
    let architecture = Architecture.Input(4, 6, 6).Conv2D(5, 3, 2, Activation.Relu)
    let weights initializer = (Network.Create<float>(architecture, initializer, 7UL)).Weights(0).AsSpan().ToArray()
    let byInputs = weights Initializer.NormalInverseSqrtInputs
    assertAllClose doubleRounding (byInputs |> Array.map (fun w -> w * sqrt 24.0 / sqrt 30.0)) (weights Initializer.NormalInverseSqrtOutputs)

[<Fact>]
let ``a stack with a convolution is not dense and refuses to list dense layers`` () =
    Assert.False digitsConv.IsDense
    Assert.Equal(3, digitsConv.Stack.Length)
    let message = messageOf<InvalidOperationException> (fun () -> digitsConv.Layers |> ignore)
    Assert.Contains("not dense; read them from Stack", message)
    let flatDense = Architecture.Input(1, 8, 8).Dense(10, Activation.Softmax)
    Assert.True flatDense.IsDense
    Assert.Equal(1, flatDense.Layers.Length)

[<Fact>]
let ``an architecture prints its input shape and each layer as the layers grammar writes it`` () =
    Assert.Equal("1x8x8-conv8k3p1(relu)-maxpool2-10(softmax)", string digitsConv)
    let other = Architecture.Input(2, 9, 9).Conv2D(4, 3, 2, Activation.Tanh, stride = 2, hasBias = false).MaxPool2D(2, 1).Dense(3, Activation.Sigmoid)
    Assert.Equal("2x9x9-conv4k3x2s2(tanh,nobias)-maxpool2s1-3(sigmoid)", string other)

[<Fact>]
let ``architectures built the same way are equal and built from their stack equal too`` () =
    let again = Architecture.Input(1, 8, 8).Conv2D(8, 3, 3, Activation.Relu, padding = 1).MaxPool2D(2).Dense(10, Activation.Softmax)
    Assert.Equal(digitsConv, again)
    Assert.Equal(digitsConv.GetHashCode(), again.GetHashCode())
    Assert.Equal(digitsConv, Architecture.FromStack(Shape.Image(1, 8, 8), digitsConv.Stack))
    Assert.NotEqual(digitsConv, Architecture.Input(1, 8, 8).Conv2D(8, 3, 3, Activation.Relu, padding = 2).MaxPool2D(2).Dense(10, Activation.Softmax))

/// Every way a stack can fail to fit, with the words its message must hold (layer index and both shapes).
let badStacks : obj[] list =
    [ [| "conv on a vector"; (fun () -> Architecture.Input(10).Conv2D(2, 3, 3, Activation.Relu) |> ignore); "layer 0 cannot follow the input, which gives 10: a convolution reads an image CxHxW, but its input is a vector of 10" |]
      [| "kernel taller than the input"; (fun () -> Architecture.Input(1, 3, 3).Conv2D(2, 5, 3, Activation.Relu) |> ignore); "layer 0 cannot follow the input, which gives 1x3x3: a 5x3 kernel does not fit the input 1x3x3 padded by 0 (3x3)" |]
      [| "kernel wider than the padded input"; (fun () -> Architecture.Input(1, 3, 3).Conv2D(2, 1, 6, Activation.Relu, padding = 1) |> ignore); "a 1x6 kernel does not fit the input 1x3x3 padded by 1 (5x5)" |]
      [| "pool after a shrinking conv"; (fun () -> Architecture.Input(1, 4, 4).Conv2D(2, 3, 3, Activation.Relu).MaxPool2D(3) |> ignore); "layer 1 cannot follow layer 0, which gives 2x2x2: a 3x3 pooling window does not fit the input 2x2x2" |]
      [| "pool after a dense layer"; (fun () -> Architecture.Input(1, 4, 4).Dense(16, Activation.Relu).MaxPool2D(2) |> ignore); "layer 1 cannot follow layer 0, which gives 16: max-pooling reads an image CxHxW, but its input is a vector of 16" |]
      [| "stack of a conv made for another input"; (fun () -> Architecture.FromStack(Shape.Image(1, 8, 8), [ Conv2DLayer(Shape.Image(3, 8, 8), 2, 3, 3, Activation.Relu) :> Layer ]) |> ignore); "layer 0 (Conv2D(3x8x8→2x6x6, 2 of 3x3, stride 1, padding 0, relu)) reads 3x8x8, but the input gives 1x8x8" |]
      [| "stack whose dense layer has the wrong size"; (fun () -> Architecture.FromStack(Shape.Image(1, 8, 8), [ MaxPool2DLayer(Shape.Image(1, 8, 8), 2) :> Layer; DenseLayer(64, 10, Activation.Softmax) ]) |> ignore); "layer 1 (Dense(64→10, softmax)) reads 64, but layer 0 gives 1x4x4" |] ]

[<Theory>]
[<MemberData(nameof badStacks)>]
let ``a stack that does not fit is refused with the layer and both shapes named`` (_case: string) (build: unit -> unit) (expected: string) =
    Assert.Contains(expected, messageOf<ArgumentException> build)

/// Sizes out of range are refused whichever layer they belong to.
let badSizes : obj[] list =
    [ [| "no filters"; (fun () -> Architecture.Input(1, 4, 4).Conv2D(0, 3, 3, Activation.Relu) |> ignore); "filters" |]
      [| "zero kernel height"; (fun () -> Architecture.Input(1, 4, 4).Conv2D(1, 0, 3, Activation.Relu) |> ignore); "kernelHeight" |]
      [| "zero kernel width"; (fun () -> Architecture.Input(1, 4, 4).Conv2D(1, 3, 0, Activation.Relu) |> ignore); "kernelWidth" |]
      [| "zero stride"; (fun () -> Architecture.Input(1, 4, 4).Conv2D(1, 3, 3, Activation.Relu, stride = 0) |> ignore); "stride" |]
      [| "negative padding"; (fun () -> Architecture.Input(1, 4, 4).Conv2D(1, 3, 3, Activation.Relu, padding = -1) |> ignore); "padding" |]
      [| "no dense inputs"; (fun () -> DenseLayer(0, 3, Activation.Relu) |> ignore); "Inputs" |]
      [| "no dense outputs"; (fun () -> DenseLayer(3, 0, Activation.Relu) |> ignore); "Outputs" |]
      [| "dense outputs past the width limit"; (fun () -> DenseLayer(1, Limits.MaxWidth + 1, Activation.Relu) |> ignore); "Outputs" |]
      [| "zero window"; (fun () -> Architecture.Input(1, 4, 4).MaxPool2D(0) |> ignore); "window" |]
      [| "zero pool stride"; (fun () -> Architecture.Input(1, 4, 4).MaxPool2D(2, 0) |> ignore); "stride" |] ]

[<Theory>]
[<MemberData(nameof badSizes)>]
let ``a layer size out of range is refused naming the parameter`` (_case: string) (build: unit -> unit) (parameter: string) =
    let error = Assert.ThrowsAny<ArgumentOutOfRangeException>(build)
    Assert.Equal(parameter, error.ParamName)

/// Every constructor that takes a shape or an activation, each given null in turn.
let nullArguments : obj[] list =
    [ [| "dense activation"; (fun () -> DenseLayer(4, 2, Unchecked.defaultof<Activation>) |> ignore); "Activation" |]
      [| "conv input"; (fun () -> Conv2DLayer(Unchecked.defaultof<Shape>, 1, 1, 1, Activation.Relu) |> ignore); "input" |]
      [| "conv activation"; (fun () -> Conv2DLayer(Shape.Image(1, 2, 2), 1, 1, 1, Unchecked.defaultof<Activation>) |> ignore); "activation" |]
      [| "pooling input"; (fun () -> MaxPool2DLayer(Unchecked.defaultof<Shape>, 2) |> ignore); "input" |]
      [| "dropout input"; (fun () -> DropoutLayer(Unchecked.defaultof<Shape>, 0.5) |> ignore); "input" |] ]

[<Theory>]
[<MemberData(nameof nullArguments)>]
let ``a layer given a null shape or activation is refused naming the parameter`` (_case: string) (build: unit -> unit) (parameter: string) =
    let error = Assert.Throws<ArgumentNullException>(build)
    Assert.Equal(parameter, error.ParamName)

[<Fact>]
let ``an image whose C times H times W passes a long is refused rather than wrapped`` () =
    Assert.Contains("more than 2147483647 values", messageOf<ArgumentOutOfRangeException> (fun () -> Shape.Image(3, Int32.MaxValue, Int32.MaxValue) |> ignore))
    Assert.Contains("more than 2147483647 values", messageOf<ArgumentOutOfRangeException> (fun () -> Architecture.Input(Int32.MaxValue, 3, Int32.MaxValue) |> ignore))

[<Fact>]
let ``Conv2D refuses padding that makes an output wider than an int instead of wrapping its size`` () =
    let message = messageOf<ArgumentOutOfRangeException> (fun () -> Conv2DLayer(Shape.Image(1, 5, 5), 1, 1, 1, Activation.Relu, padding = 1073741823) |> ignore)
    Assert.Contains("padding", message)
    Assert.Contains("2147483651x2147483651", message)
    Assert.Contains("2147483651x2147483651", messageOf<ArgumentOutOfRangeException> (fun () -> Architecture.Input(1, 5, 5).Conv2D(1, 1, 1, Activation.Relu, padding = 1073741823) |> ignore))

[<Fact>]
let ``FromLayers refuses a null layer by the parameter's name`` () =
    let refused = Assert.Throws<ArgumentNullException>(fun () -> Architecture.FromLayers(3, [ DenseLayer(3, 2, Activation.Relu); Unchecked.defaultof<DenseLayer> ]) |> ignore)
    Assert.Equal("layers", refused.ParamName)

[<Fact>]
let ``FromSizes, FromLayers and FromStack refuse a default ImmutableArray, naming the list`` () =
    let unset (act: unit -> Architecture) = (Assert.ThrowsAny<ArgumentException>(fun () -> act () |> ignore)).Message
    Assert.Equal(
        "sizes is a default ImmutableArray, which holds no items. (Parameter 'sizes')",
        unset (fun () -> Architecture.FromSizes(Unchecked.defaultof<Collections.Immutable.ImmutableArray<int>>, Activation.Sigmoid, Activation.Sigmoid)))
    Assert.Equal(
        "layers is a default ImmutableArray, which holds no items. (Parameter 'layers')",
        unset (fun () -> Architecture.FromLayers(2, Unchecked.defaultof<Collections.Immutable.ImmutableArray<DenseLayer>>)))
    Assert.Equal(
        "layers is a default ImmutableArray, which holds no items. (Parameter 'layers')",
        unset (fun () -> Architecture.FromStack(Architecture.Input(2).InputShape, Unchecked.defaultof<Collections.Immutable.ImmutableArray<Layer>>)))

[<Fact>]
let ``a null activation is refused as ArgumentNullException naming activation`` () =
    Assert.Equal("activation", (Assert.Throws<ArgumentNullException>(fun () -> Architecture.Input(2).Dense(3, Unchecked.defaultof<Activation>) |> ignore)).ParamName)
    Assert.Equal("activation", (Assert.Throws<ArgumentNullException>(fun () -> Architecture.Input(1, 4, 4).Conv2D(2, 3, 3, Unchecked.defaultof<Activation>) |> ignore)).ParamName)

[<Fact>]
let ``a padding whose output image is too large is refused naming padding`` () =
    let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> Architecture.Input(1, 8, 8).Conv2D(2, 3, 3, Activation.Relu, padding = 1000000) |> ignore)
    Assert.Equal("padding", e.ParamName)
    Assert.Equal(
        "2 3x3 kernels with stride 1 over 1x8x8 padded by 1000000 make an output of 2x2000006x2000006, more than 2147483647 values. (Parameter 'padding')",
        e.Message)

[<Fact>]
let ``FromStack refuses a default ImmutableArray of a layer subtype, naming layers`` () =
    // C# passes it by IEnumerable<out T>'s covariance; F# reaches the same object through a cast.
    let layers = nonNull (box (Collections.Immutable.ImmutableArray<Conv2DLayer>())) :?> Layer seq
    let e = Assert.Throws<ArgumentException>(fun () -> Architecture.FromStack(Shape.Image(1, 4, 4), layers) |> ignore)
    Assert.Equal("layers is a default ImmutableArray, which holds no items. (Parameter 'layers')", e.Message)
