/// How the kinds without a golden string elsewhere print: their `--layers` tokens (what Architecture.ToString, model
/// info and checkpoints' messages show) and their ToString, in the invariant culture whatever the thread's.
module Nn.Tests.Layers.LayerTextTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

[<Fact>]
let ``batch normalisation prints as bn, with eps and momentum only when either differs from the defaults`` () =
    Assert.Equal("4-bn", string (Architecture.Input(4).BatchNorm()))
    Assert.Equal("4-bn(eps=0.001,momentum=0.1)", string (Architecture.Input(4).BatchNorm(1e-3)))
    Assert.Equal("4-bn(eps=1E-05,momentum=0.25)", string (Architecture.Input(4).BatchNorm(momentum = 0.25)))

[<Fact>]
let ``dropout prints as dropout and its rate, and a dense layer without bias as nobias`` () =
    Assert.Equal("4-dropout0.2-3(tanh,nobias)", string (Architecture.Input(4).Dropout(0.2).Dense(3, Activation.Tanh, hasBias = false)))

[<Fact>]
let ``a small or negative-zero dropout rate prints in the --layers grammar's digits, without an exponent or a sign`` () =
    // "R" wrote 1E-05 and -0, and "4-dropout1E-05-3" or "4-dropout-0-3" split at their '-' into tokens no grammar reads:
    // nn train --resume of such a checkpoint was refused as a bad --layers nobody typed.
    Assert.Equal("4-dropout0.00001-3(tanh)", string (Architecture.Input(4).Dropout(1e-5).Dense(3, Activation.Tanh)))
    Assert.Equal("4-dropout0.00000012345-3(tanh)", string (Architecture.Input(4).Dropout(1.2345e-7).Dense(3, Activation.Tanh)))
    Assert.Equal("4-dropout0-3(tanh)", string (Architecture.Input(4).Dropout(-0.0).Dense(3, Activation.Tanh)))
    let negativeZero = DropoutLayer(Shape.Vector 4, -0.0)
    Assert.False(Double.IsNegative negativeZero.Rate, "the rate −0 is kept as 0")
    let text = string (Architecture.Input(4).Dropout(Double.Epsilon).Dense(3, Activation.Tanh))
    Assert.DoesNotContain("E", text)
    let digits = (text.Split('-')[1]).Substring("dropout".Length)
    Assert.Equal(Double.Epsilon, Double.Parse(digits, Globalization.CultureInfo.InvariantCulture))

[<Fact>]
let ``each kind's ToString names its shape and settings in the invariant culture`` () =
    underCulture "de-DE" (fun () ->
        Assert.Equal("BatchNorm(1x2x2, ε = 0.001, momentum = 0.25)", string (BatchNormLayer(Shape.Image(1, 2, 2), 1e-3, 0.25)))
        Assert.Equal("Dropout(6, p = 0.5)", string (DropoutLayer(Shape.Vector 6, 0.5)))
        Assert.Equal("Dense(4→3, tanh, no bias)", string (DenseLayer(4, 3, Activation.Tanh, false)))
        Assert.Equal(
            "Conv2D(1x3x3→2x2x2, 2 of 2x2, stride 1, padding 0, relu, no bias)",
            string (Conv2DLayer(Shape.Image(1, 3, 3), 2, 2, 2, Activation.Relu, hasBias = false))))
