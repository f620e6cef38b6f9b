/// Each layer kind's limits at the boundary itself: a window or kernel exactly as large as its (padded) input fits,
/// one element more does not in either direction, the largest image is allowed, momentum 1 is allowed, a convolution
/// of exactly the parameter limit is allowed; and the messages of the refusals name what was wrong.
module Nn.Tests.Layers.LayerBoundaryTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

[<Fact>]
let ``an image of exactly int MaxValue values is allowed and one of more is refused`` () =
    Assert.Equal(Int32.MaxValue, Shape.Image(1, 1, Int32.MaxValue).Size)
    let message = messageOf<ArgumentOutOfRangeException> (fun () -> Shape.Image(2, 1, Int32.MaxValue / 2 + 1) |> ignore)
    Assert.Contains($"an image of 2x1x{Int32.MaxValue / 2 + 1} has more than {Int32.MaxValue} values.", message)

[<Fact>]
let ``a pooling window as large as the image fits, and one larger in either direction does not`` () =
    Assert.Equal(Shape.Image(2, 1, 1), MaxPool2DLayer(Shape.Image(2, 3, 3), 3).OutputShape)
    for input in [ Shape.Image(1, 2, 3); Shape.Image(1, 3, 2) ] do
        let message = messageOf<ArgumentException> (fun () -> MaxPool2DLayer(input, 3) |> ignore)
        Assert.Contains($"a 3x3 pooling window does not fit the input {input}.", message)
    let vector = messageOf<ArgumentException> (fun () -> MaxPool2DLayer(Shape.Vector 4, 2) |> ignore)
    Assert.Contains("max-pooling reads an image CxHxW, but its input is a vector of 4.", vector)

[<Fact>]
let ``a kernel as large as the padded image fits, and one larger in either direction does not`` () =
    Assert.Equal(Shape.Image(1, 1, 1), Conv2DLayer(Shape.Image(1, 1, 2), 1, 3, 4, Activation.Identity, padding = 1).OutputShape)
    for kernelHeight, kernelWidth in [ (4, 4); (3, 5) ] do
        let message = messageOf<ArgumentException> (fun () -> Conv2DLayer(Shape.Image(1, 1, 2), 1, kernelHeight, kernelWidth, Activation.Identity, padding = 1) |> ignore)
        Assert.Contains($"a {kernelHeight}x{kernelWidth} kernel does not fit the input 1x1x2 padded by 1 (3x4).", message)
    let vector = messageOf<ArgumentException> (fun () -> Conv2DLayer(Shape.Vector 4, 1, 1, 1, Activation.Identity) |> ignore)
    Assert.Contains("a convolution reads an image CxHxW, but its input is a vector of 4.", vector)

[<Fact>]
let ``batch normalisation takes a momentum of exactly 1 and names a refused one`` () =
    Assert.Equal(1.0, BatchNormLayer(Shape.Vector 2, momentum = 1.0).Momentum)
    let message = messageOf<ArgumentOutOfRangeException> (fun () -> BatchNormLayer(Shape.Vector 2, momentum = 1.5) |> ignore)
    Assert.Contains("momentum must be in (0, 1], but is 1.5.", message)

[<Fact>]
let ``a convolution one parameter past the limit is refused for its parameters, and kernels of 2 to the 32 weights no longer count 0`` () =
    // One 1x(2³¹ − 57) kernel on one channel, its width reached by padding a 1x1 image: exactly the parameter limit
    // without a bias, which passes the parameter check and is refused for its scratch (its padded kernel rows alone
    // pass an int); with the bias, one parameter more, refused for that.
    let padding = (Limits.MaxParameterCount - 1) / 2
    let atLimit = messageOf<ArgumentException> (fun () -> Conv2DLayer(Shape.Image(1, 1, 1), 1, 1, Limits.MaxParameterCount, Activation.Identity, padding = padding, hasBias = false) |> ignore)
    Assert.Contains("values of scratch for 8 samples", atLimit)
    Assert.DoesNotContain("parameters", atLimit)
    let oneMore = messageOf<ArgumentException> (fun () -> Conv2DLayer(Shape.Image(1, 1, 1), 1, 1, Limits.MaxParameterCount, Activation.Identity, padding = padding) |> ignore)
    Assert.Contains($"a convolution of 1 1x1x{Limits.MaxParameterCount} kernels has {int64 Limits.MaxParameterCount + 1L} parameters, more than Limits.MaxParameterCount = {Limits.MaxParameterCount}.", oneMore)
    let wrapped = messageOf<ArgumentException> (fun () -> Architecture.Input(1, 1, 1).Conv2D(1, 65536, 65536, Activation.Identity, padding = 40000) |> ignore)
    Assert.Contains("a convolution of 1 1x65536x65536 kernels has 4294967297 parameters", wrapped)

[<Fact>]
let ``a batch normalisation of half the parameter limit in features fits, and one of 2 to the 30 features is refused instead of overflowing`` () =
    let half = Limits.MaxParameterCount / 2
    let atLimit = BatchNormLayer(Shape.Image(half, 1, 1))
    Assert.Equal(2 * half, atLimit.ParameterCount)
    let message = messageOf<ArgumentException> (fun () -> BatchNormLayer(Shape.Image(1 <<< 30, 1, 1)) |> ignore)
    Assert.Contains($"a batch normalisation of {1 <<< 30} features has {1L <<< 31} parameters (γ and β), more than Limits.MaxParameterCount = {Limits.MaxParameterCount}.", message)

[<Fact>]
let ``a convolution counts every filter, channel, kernel row and column against the parameter limit`` () =
    // 2 filters of 2 channels × 2 × K: 8K + 2 parameters with the bias. K = 268,435,448 gives 2,147,483,586, within
    // Limits.MaxParameterCount = 2,147,483,591; one column more gives 2,147,483,594, past it. Every factor is 2 or more,
    // so dropping or dividing by any of them, or the bias, lands well under the limit. Layers this large pass the
    // parameter check and are then refused for their scratch, which holds the kernels again, padded to whole tiles.
    let layer width = Conv2DLayer(Shape.Image(2, 1, 1), 2, 2, width, Activation.Identity, padding = width / 2)
    let within = messageOf<ArgumentException> (fun () -> layer 268_435_448 |> ignore)
    Assert.Contains("a convolution of 2 2x2x268435448 kernels with stride 1 over 2x1x1 padded by 134217724 needs more than Limits.MaxElements", within)
    Assert.DoesNotContain("parameters", within)
    let refused = messageOf<ArgumentException> (fun () -> layer 268_435_449 |> ignore)
    Assert.Contains("a convolution of 2 2x2x268435449 kernels has 2147483594 parameters, more than Limits.MaxParameterCount", refused)

[<Fact>]
let ``a convolution whose scratch for eight samples passes the element limit is refused when built instead of wrapping`` () =
    // The first two have im2col matrices of 3.5e10 and 1.3e11 values per slice, whose int lengths wrapped to 646,841,632
    // and 165,707,776: they were built, and their first pass read past the end of a scratch that short. The third runs
    // with the filters as lanes, whose int im2col length wrapped negative.
    for kernel, stride, filters, columns in [ (49, 3, 1, 35_006_580_000L); (64, 2, 1, 133_309_693_952L); (33, 1, 16, 143_888_228_352L) ] do
        let message = messageOf<ArgumentException> (fun () -> Conv2DLayer(Shape.Image(1, 4096, 4096), filters, kernel, kernel, Activation.Identity, stride = stride) |> ignore)
        Assert.Contains($"a convolution of {filters} 1x{kernel}x{kernel} kernels with stride {stride} over 1x4096x4096 padded by 0 needs more than Limits.MaxElements = {Limits.MaxElements} values of scratch for 8 samples (its im2col matrix alone would hold {columns});", message)
    // 8 samples × 31·31 × 512·512 = 2,015,887,360 values, within the limit: built.
    Assert.Equal(Shape.Image(1, 512, 512), Conv2DLayer(Shape.Image(1, 512, 512), 1, 31, 31, Activation.Identity, padding = 15).OutputShape)
