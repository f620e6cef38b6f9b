/// Central differences across a kink (ReLU's 0, a tie in a max-pool window) measure a jump in slope no backward pass
/// computes: the check steps over a kink it can, and leaves out, by name, a parameter it cannot.
module Nn.Tests.Checking.GradientCheckKinkTests

open System
open System.Collections.Immutable
open System.Numerics
open Nn
open Nn.Tests.Helpers
open Xunit

/// Leaky ReLU (slope 0.1 below zero) that declares its kink at 0; UserDefinedTests.LeakyRelu is the same function undeclared.
type DeclaredLeaky =
    interface IElementwiseActivation with
        static member Name = "declared-leaky"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T) = 'T.Max(z, 'T.Zero) + 'T.CreateChecked 0.1 * 'T.Min(z, 'T.Zero)
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T, _a: 'T) = if 'T.Sign z > 0 then 'T.One else 'T.CreateChecked 0.1
        static member Kinks = ImmutableArray.Create 0.0

/// DeclaredLeaky with twice its true derivative, as WrongTanh is tanh's.
type WrongDeclaredLeaky =
    interface IElementwiseActivation with
        static member Name = "wrong-declared-leaky"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T) = 'T.Max(z, 'T.Zero) + 'T.CreateChecked 0.1 * 'T.Min(z, 'T.Zero)
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T, _a: 'T) = if 'T.Sign z > 0 then 'T.CreateChecked 2 else 'T.CreateChecked 0.2
        static member Kinks = ImmutableArray.Create 0.0

/// 2-3-2 with the hidden biases given: a sample of zeros puts every hidden z exactly at its bias; the other sample's
/// hidden z are −0.1, 1.2 and 1.4, far from 0.
let private check (hidden: Activation) (biases: float[]) =
    let architecture = Architecture.Input(2).Dense(3, hidden).Dense(2, Activation.Softmax)
    let theta = Array.concat [ [| 0.5; -0.3; 0.8; 0.2; -0.4; 0.9 |]; biases; [| 0.3; -0.6; 0.7; -0.2; 0.5; 0.1; 0.05; -0.05 |] ]
    let network = Network.FromParameters<float>(architecture, ReadOnlySpan theta)
    GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, matrix [| [| 0.0; 0.0 |]; [| 1.0; 2.0 |] |], matrix [| [| 1.0; 0.0 |]; [| 0.0; 1.0 |] |])

let private atKinks (report: GradientCheckReport) =
    report.Blocks |> Seq.map (fun b -> (b.Layer, b.Block, b.AtKinks)) |> List.ofSeq

[<Fact>]
let ``a ReLU unit whose z is exactly 0 leaves its bias out at a kink, and the rest of the network passes`` () =
    let report = check Activation.Relu [| 0.0; 0.0; 0.0 |]
    Assert.Equal<(int * string * int) list>([ (0, "weights", 0); (0, "bias", 3); (1, "weights", 0); (1, "bias", 0) ], atKinks report)
    Assert.Equal(3, report.AtKinks)
    Assert.True(report.Blocks[1].ComparedNothing, string report)
    Assert.True(report.Passes 1e-6, report.Verdict 1e-6)
    Assert.Contains("3 parameters at a kink not compared (layer 0 bias 3 of 3)", report.Verdict 1e-6)
    Assert.Contains("3 parameters left out at a kink (layer 0 bias 3 of 3)", string report)

[<Fact>]
let ``a kink nearer than the step is stepped over by a smaller step, so every parameter is compared`` () =
    // z = 3e-6 lies inside ε = 1e-5 but outside ε/4.
    let report = check Activation.Relu [| 3e-6; 0.5; -0.5 |]
    Assert.Equal(0, report.AtKinks)
    Assert.True(report.Passes 1e-6, report.Verdict 1e-6)
    Assert.DoesNotContain("kink", string report + report.Verdict 1e-6)

[<Fact>]
let ``the third step, epsilon over 16, is tried before a parameter is left out, and no fourth`` () =
    // z = 1e-6 lies inside ε and ε/4 but outside ε/16 = 6.25e-7: compared. z = 3e-7 lies inside all three (though
    // outside a fourth, ε/64 ≈ 1.6e-7): left out.
    let near = check Activation.Relu [| 1e-6; 0.5; -0.5 |]
    Assert.Equal(0, near.AtKinks)
    Assert.True(near.Passes 1e-6, near.Verdict 1e-6)
    let nearer = check Activation.Relu [| 3e-7; 0.5; -0.5 |]
    Assert.Equal<(int * string * int) list>([ (0, "weights", 0); (0, "bias", 1); (1, "weights", 0); (1, "bias", 0) ], atKinks nearer)
    Assert.True(nearer.Passes 1e-6, nearer.Verdict 1e-6)

[<Fact>]
let ``a kink in the output layer is found as a hidden layer's is`` () =
    // A ReLU output whose first unit's z is exactly 0 on the sample of zeros: across it the central difference of
    // the quadratic cost measures about −y/2 where backpropagation takes ReLU's slope 0.
    let architecture = Architecture.Input(2).Dense(2, Activation.Relu)
    let network = Network.FromParameters<float>(architecture, ReadOnlySpan [| 0.5; -0.3; 0.8; 0.2; 0.0; 0.3 |])
    let report = GradientCheck.Run(network, Loss.Quadratic, matrix [| [| 0.0; 0.0 |]; [| 1.0; 2.0 |] |], matrix [| [| 0.5; 0.5 |]; [| 0.2; 0.9 |] |])
    Assert.Equal<(int * string * int) list>([ (0, "weights", 0); (0, "bias", 1) ], atKinks report)
    Assert.True(report.Passes 1e-6, report.Verdict 1e-6)

[<Fact>]
let ``a network without kinks reports none`` () =
    let report = check Activation.Tanh [| 0.0; 0.0; 0.0 |]
    Assert.Equal(0, report.AtKinks)
    Assert.True(report.Passes 1e-7, report.Verdict 1e-7)

[<Fact>]
let ``a tie in a max-pool window leaves out the weights that would break it, and the check passes`` () =
    // A 1x2 kernel of (1.5, 1) over the row (0.25, 0.5, 0.125) gives 0.875 twice, exactly: the window's maximum is a
    // tie that either weight breaks, while the bias moves both alike. The second row of zeros gives z = b = 0.125.
    let architecture = Architecture.Input(1, 2, 3).Conv2D(1, 1, 2, Activation.Tanh).MaxPool2D(2).Dense(2, Activation.Softmax)
    let network = Network.FromParameters<float>(architecture, ReadOnlySpan [| 1.5; 1.0; 0.125; 0.5; -0.25; 0.0; 0.0 |])
    let report = GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, matrix [| [| 0.25; 0.5; 0.125; 0.0; 0.0; 0.0 |] |], matrix [| [| 1.0; 0.0 |] |])
    Assert.Equal<(int * string * int) list>([ (0, "weights", 2); (0, "bias", 0); (2, "weights", 0); (2, "bias", 0) ], atKinks report)
    Assert.True(report.Passes 1e-6, report.Verdict 1e-6)

[<Fact>]
let ``a user's activation that declares its kink is checked as ReLU is, and the same function undeclared fails at the kink`` () =
    let declared = check (Activation.Elementwise<DeclaredLeaky>()) [| 0.0; 0.0; 0.0 |]
    Assert.Equal(3, declared.AtKinks)
    Assert.True(declared.Passes 1e-6, declared.Verdict 1e-6)
    let undeclared = check (Activation.Elementwise<UserDefinedTests.LeakyRelu>()) [| 0.0; 0.0; 0.0 |]
    Assert.Equal(0, undeclared.AtKinks)
    Assert.False(undeclared.Passes 1e-3, undeclared.Verdict 1e-3)

[<Fact>]
let ``parameters at a kink do not excuse a wrong derivative elsewhere`` () =
    // The hidden ReLU biases sit at the kink as above; the output's tanh has twice its true derivative.
    let architecture = Architecture.Input(2).Dense(3, Activation.Relu).Dense(2, Activation.Elementwise<UserDefinedTests.WrongTanh>())
    let theta = [| 0.5; -0.3; 0.8; 0.2; -0.4; 0.9; 0.0; 0.0; 0.0; 0.3; -0.6; 0.7; -0.2; 0.5; 0.1; 0.05; -0.05 |]
    let network = Network.FromParameters<float>(architecture, ReadOnlySpan theta)
    let report = GradientCheck.Run(network, Loss.Quadratic, matrix [| [| 0.0; 0.0 |]; [| 1.0; 2.0 |] |], matrix [| [| 1.0; 0.0 |]; [| 0.0; 1.0 |] |])
    Assert.Equal(3, report.AtKinks)
    Assert.False(report.Passes 1e-3, report.Verdict 1e-3)
    Assert.Contains("gradient check FAILED", report.Verdict 1e-3)

[<Fact>]
let ``a block's mean differences are taken over its compared parameters, not those left out at a kink`` () =
    // The first hidden unit's z is exactly 0 on the sample of zeros, so its bias is left out; the other two biases are
    // compared, and twice the true derivative gives each a relative difference of exactly 1/2, so the mean is 1/2
    // (over all three biases it would be 1/3).
    let report = check (Activation.Elementwise<WrongDeclaredLeaky>()) [| 0.0; 0.5; -0.5 |]
    let bias = report.Blocks[1]
    Assert.Equal((0, "bias", 1), (bias.Layer, bias.Block, bias.AtKinks))
    assertClose 1e-6 0.5 bias.MaxRelative
    assertClose 1e-6 0.5 bias.MeanRelative
    Assert.True(bias.MeanAbsolute > bias.MaxAbsolute / 2.0, string report)
    Assert.False(report.Passes 1e-3, report.Verdict 1e-3)

[<Fact>]
let ``ReLU names its kink at 0, a user's activation the kinks it declares, and the smooth activations and undeclared ones none`` () =
    Assert.Equal<float list>([ 0.0 ], List.ofSeq Activation.Relu.Kinks)
    Assert.Equal<float list>([ 0.0 ], List.ofSeq (Activation.Elementwise<DeclaredLeaky>()).Kinks)
    for none in [ Activation.Identity; Activation.Sigmoid; Activation.Tanh; Activation.Softmax; Activation.Elementwise<UserDefinedTests.LeakyRelu>() ] do
        Assert.True(none.Kinks.IsEmpty, none.Name)
