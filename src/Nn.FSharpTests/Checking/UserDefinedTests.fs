/// A user's own activation and loss, defined here outside the library, plug into networks and pass the check.
module Nn.Tests.Checking.UserDefinedTests

open System
open System.Numerics
open Nn
open Nn.Tests.Helpers
open Xunit

/// softplus(z) = ln(1 + e^z), with derivative the logistic sigmoid.
type Softplus =
    interface IElementwiseActivation with
        static member Name = "softplus"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T) = 'T.Log('T.One + 'T.Exp z)
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T, _a: 'T) = 'T.One / ('T.One + 'T.Exp(-z))

/// Leaky ReLU with slope 0.1 below zero.
type LeakyRelu =
    interface IElementwiseActivation with
        static member Name = "leaky-relu"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T) = 'T.Max(z, 'T.Zero) + 'T.CreateChecked 0.1 * 'T.Min(z, 'T.Zero)
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T, _a: 'T) = if 'T.Sign z > 0 then 'T.One else 'T.CreateChecked 0.1

/// A deliberately wrong derivative (twice the true one), which the check must catch.
type WrongTanh =
    interface IElementwiseActivation with
        static member Name = "wrong-tanh"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T) = 'T.Tanh z
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(_z: 'T, a: 'T) = 'T.CreateChecked 2 * ('T.One - a * a)

/// The log-cosh loss, c(a, y) = ln cosh(a − y).
type LogCosh =
    interface IElementwiseLoss with
        static member Name = "log-cosh"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(a: 'T, y: 'T) = 'T.Log('T.Cosh(a - y))
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(a: 'T, y: 'T) = 'T.Tanh(a - y)

let private inputs = matrix [| [| 0.3; -0.7; 1.1 |]; [| -0.2; 0.45; 0.9 |] |]
let private targets = matrix [| [| 0.2; -0.1 |]; [| 0.7; 0.4 |] |]

let private checkWith (hidden: Activation) (loss: Loss) =
    let architecture = Architecture.Input(3).Dense(5, hidden).Dense(2, Activation.Identity)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 11UL)
    GradientCheck.Run(network, loss, inputs, targets)

[<Fact>]
let ``a softplus activation defined outside the library passes the gradient check`` () =
    let report = checkWith (Activation.Elementwise<Softplus>()) Loss.Quadratic
    Assert.True(report.Passes 1e-8, string report)

[<Fact>]
let ``a leaky ReLU activation defined outside the library passes the gradient check`` () =
    let report = checkWith (Activation.Elementwise<LeakyRelu>()) Loss.Quadratic
    Assert.True(report.Passes 1e-8, string report)

[<Fact>]
let ``a log-cosh loss defined outside the library passes the gradient check`` () =
    let report = checkWith Activation.Tanh (Loss.Elementwise<LogCosh>())
    Assert.True(report.Passes 1e-8, string report)

[<Fact>]
let ``a wrong derivative fails the gradient check`` () =
    let report = checkWith (Activation.Elementwise<WrongTanh>()) Loss.Quadratic
    Assert.False(report.Passes 1e-3, string report)

[<Fact>]
let ``user-defined activations are values named by their type`` () =
    Assert.Equal(Activation.Elementwise<Softplus>(), Activation.Elementwise<Softplus>())
    Assert.NotEqual(Activation.Elementwise<Softplus>(), Activation.Elementwise<LeakyRelu>())
    Assert.Equal("softplus", Activation.Elementwise<Softplus>().Name)
