/// The gradient check's verdict: it fails when the gradient is wrong or the tolerance tighter than achieved, passes
/// when it should, applies an absolute floor only when given one, and refuses tolerances and steps that are not numbers.
module Nn.Tests.Checking.GradientCheckVerdictTests

open System
open System.Collections.Immutable
open Nn
open Nn.Tests.Helpers
open Nn.Tests.Checking.UserDefinedTests
open Xunit

/// Tanh with its derivative left at 0, as if never written: backpropagation gives zeros where the cost has slopes.
type ForgottenTanh =
    interface IElementwiseActivation with
        static member Name = "forgotten-tanh"
        static member Value<'T when 'T :> System.Numerics.IFloatingPointIeee754<'T>>(z: 'T) = 'T.Tanh z
        static member Derivative<'T when 'T :> System.Numerics.IFloatingPointIeee754<'T>>(_z: 'T, _a: 'T) = 'T.Zero

let private inputs = matrix [| [| 0.3; -0.7; 1.1 |]; [| -0.2; 0.45; 0.9 |] |]
let private targets = matrix [| [| 0.2; -0.1 |]; [| 0.7; 0.4 |] |]

let private checkOf (hidden: Activation) =
    let network = Network.Create<float>(Architecture.Input(3).Dense(5, hidden).Dense(2, Activation.Identity), Initializer.Xavier, 11UL)
    GradientCheck.Run(network, Loss.Quadratic, inputs, targets)

let private block normRelative maxAbsolute = BlockDifference(0, "weights", 4, maxAbsolute, maxAbsolute, normRelative, normRelative, normRelative)

let private reportOf (blocks: BlockDifference list) = GradientCheckReport(ImmutableArray.CreateRange blocks, 0.0)

[<Fact>]
let ``a deliberately wrong derivative fails at the default tolerance, with a FAILED verdict and a classic number above 1e-9`` () =
    let report = checkOf (Activation.Elementwise<WrongTanh>())
    Assert.False(report.Passes 1e-6, string report)
    Assert.StartsWith("gradient check FAILED: 2 of 4 blocks", report.Verdict 1e-6)
    Assert.False(report.PassesClassic)
    Assert.True(report.Overall > 1e-3, string report)

[<Fact>]
let ``a tolerance tighter than the achieved difference fails and a looser one passes`` () =
    let report = checkOf Activation.Tanh
    let achieved = report.MaxNormRelative
    Assert.True(achieved > 0.0 && achieved < 1e-6, string report)
    Assert.False(report.Passes(achieved / 2.0), string report)
    Assert.True(report.Passes(achieved * 2.0), string report)
    Assert.StartsWith("gradient check FAILED", report.Verdict(achieved / 2.0))
    Assert.StartsWith("gradient check passed", report.Verdict(achieved * 2.0))

[<Fact>]
let ``a tolerance of 1 or more is refused, since even a gradient of the opposite sign stays within it`` () =
    // a = −n gives ‖a − n‖ / (‖a‖ + ‖n‖) = 2‖n‖ / 2‖n‖ = 1, the ratio's largest value.
    let opposite = reportOf [ block 1.0 2.0 ]
    Assert.False(opposite.Passes 0.999)
    for tolerance in [ 1.0; 1e10 ] do
        let refused = Assert.Throws<ArgumentOutOfRangeException>(fun () -> opposite.Passes tolerance |> ignore)
        Assert.StartsWith("tolerance must be below 1", refused.Message)
        Assert.Throws<ArgumentOutOfRangeException>(fun () -> opposite.Passes(tolerance, 1e-9) |> ignore) |> ignore
        Assert.Throws<ArgumentOutOfRangeException>(fun () -> opposite.Verdict tolerance |> ignore) |> ignore

[<Fact>]
let ``a correct gradient passes and its single number over all parameters is below the classic 1e-9`` () =
    let report = checkOf Activation.Tanh
    Assert.True(report.Passes 1e-6, string report)
    Assert.True(report.PassesClassic, string report)
    Assert.Contains("all parameters: ‖a − n‖ / (‖a‖ + ‖n‖) = ", string report)

[<Fact>]
let ``the single number is the norm of the difference over the sum of the norms across every parameter`` () =
    let network = Network.Create<float>(Architecture.Input(3).Dense(4, Activation.Sigmoid).Dense(2, Activation.Identity), Initializer.Xavier, 5UL)
    let epsilon = 1e-4
    let report = GradientCheck.Run(network, Loss.Quadratic, inputs, targets, epsilon = epsilon)
    let analytic = Backprop.Gradient(network, Loss.Quadratic, inputs, targets).Gradient.ToArray()
    let cost = CostFunction<float>(fun theta -> Backprop.Cost(Network.FromParameters(network.Architecture, theta.Span), Loss.Quadratic, inputs, targets))
    let numeric = GradientCheck.CentralDifferences(ReadOnlySpan(network.Parameters.ToArray()), cost, epsilon)
    let norm (v: float[]) = sqrt (Array.sumBy (fun x -> x * x) v)
    let expected = norm (Array.map2 (-) analytic numeric) / (norm analytic + norm numeric)
    assertClose 1e-3 expected report.Overall

[<Fact>]
let ``gradients that are both exactly zero give a single number of 0 rather than NaN, but a check where every block is zero fails, having compared nothing`` () =
    // Zero weights and biases put the output at the target 0, where the quadratic cost is flat and even in θ.
    let architecture = Architecture.Input(3).Dense(2, Activation.Identity)
    let network = Network.FromParameters(architecture, ReadOnlySpan(Array.zeroCreate<float> architecture.ParameterCount))
    let report = GradientCheck.Run(network, Loss.Quadratic, inputs, matrix [| [| 0.0; 0.0 |]; [| 0.0; 0.0 |] |])
    Assert.Equal(0.0, report.Overall)
    Assert.Equal(0.0, report.MaxNormRelative)
    Assert.True(report.NothingCompared)
    Assert.Equal(2, report.UncomparedBlocks.Length)
    Assert.False(report.Passes 1e-6, string report)
    Assert.False(report.Passes(1e-6, 1e-9))
    Assert.Equal(report.Blocks.Length, (report.FailingBlocks 1e-6).Length)
    Assert.StartsWith("gradient check FAILED: nothing was compared", report.Verdict 1e-6)

[<Fact>]
let ``a passing check names the blocks whose gradient is zero on both sides, since it compared nothing there`` () =
    // Zero weights and biases but the output's: the hidden units and the output weights have no effect on the cost
    // through the zero output weights and zero activations, so only the output bias has a derivative to compare.
    // Tanh, not ReLU: a ReLU's z of exactly 0 would be a kink, which the check reports as such (GradientCheckKinkTests).
    let architecture = Architecture.Input(3).Dense(4, Activation.Tanh).Dense(2, Activation.Identity)
    let theta = Array.zeroCreate<float> architecture.ParameterCount
    theta[architecture.BiasOffset 1] <- 0.5
    let report = GradientCheck.Run(Network.FromParameters(architecture, ReadOnlySpan theta), Loss.Quadratic, inputs, targets)
    Assert.Equal<string list>([ "0 weights"; "0 bias"; "1 weights" ], [ for b in report.UncomparedBlocks -> sprintf "%d %s" b.Layer b.Block ])
    Assert.False(report.NothingCompared)
    Assert.True(report.Passes 1e-6, string report)
    Assert.EndsWith("; 3 of 4 blocks compared nothing, their gradient being exactly zero on both sides: layer 0 weights, layer 0 bias, layer 1 weights", report.Verdict 1e-6)
    Assert.DoesNotContain("compared nothing", (checkOf Activation.Tanh).Verdict 1e-6)

[<Fact>]
let ``a backpropagation of zeros where the central differences measure slopes fails as a comparison, not as one that compared nothing`` () =
    // Only a block where both sides are exactly zero compared nothing; here one side is zero and the other is not.
    let single = Network.Create<float>(Architecture.Input(3).Dense(2, Activation.Elementwise<ForgottenTanh>()), Initializer.Xavier, 3UL)
    let all = GradientCheck.Run(single, Loss.Quadratic, inputs, targets)
    Assert.False(all.NothingCompared, string all)
    Assert.Empty(all.UncomparedBlocks)
    Assert.True(all.MaxNumeric > 1e-3, string all)
    Assert.StartsWith("gradient check FAILED: 2 of 2 blocks not within 1E-06; largest norm-relative difference 1.000E+000", all.Verdict 1e-6)
    let hidden = checkOf (Activation.Elementwise<ForgottenTanh>())
    Assert.Empty(hidden.UncomparedBlocks)
    Assert.StartsWith("gradient check FAILED: 2 of 4 blocks not within 1E-06;", hidden.Verdict 1e-6)
    Assert.DoesNotContain("compared nothing", hidden.Verdict 1e-6)

[<Fact>]
let ``a block too small to compare relatively fails unless an absolute floor is asked for, and the verdict names the floor`` () =
    let report = reportOf [ block 1e-3 1e-12 ]
    Assert.False(report.Passes 1e-6)
    Assert.True(report.Passes(1e-6, 1e-9))
    Assert.False(report.Passes(1e-6, 1e-13))
    Assert.DoesNotContain("floor", report.Verdict 1e-6)
    Assert.Contains("absolute floor 1E-09", report.Verdict(1e-6, 1e-9))

[<Fact>]
let ``the absolute floor holds every difference of a block, so a small mean does not pass one large difference`` () =
    // Four differences of which one is 4e-6 and three are 0: the mean is 1e-6, the largest 4e-6.
    let report = reportOf [ BlockDifference(0, "weights", 4, 1e-6, 4e-6, 0.25, 1.0, 0.5) ]
    Assert.False(report.Passes(1e-6, 2e-6))
    Assert.Equal(1, (report.FailingBlocks(1e-6, 2e-6)).Length)
    Assert.StartsWith("gradient check FAILED: 1 of 1 blocks not within 1E-06 or every |a − n| within the absolute floor 2E-06;", report.Verdict(1e-6, 2e-6))
    Assert.True(report.Passes(1e-6, 4e-6))

[<Fact>]
let ``a verdict names the blocks that pass by the absolute floor alone, so a floor wide enough to pass anything shows`` () =
    // The first block's gradient has the opposite sign (norm-relative 1) and passes only by an enormous floor.
    let report = GradientCheckReport(ImmutableArray.Create(BlockDifference(0, "weights", 4, 2.0, 2.0, 1.0, 1.0, 1.0), BlockDifference(1, "bias", 2, 1e-12, 1e-12, 1e-9, 1e-9, 1e-9)), 0.0)
    Assert.True(report.Passes(1e-6, 1e300))
    Assert.EndsWith("; 1 of 2 blocks within the floor only: layer 0 weights", report.Verdict(1e-6, 1e300))
    Assert.DoesNotContain("floor only", report.Verdict(1e-6, 1e-13))
    Assert.DoesNotContain("floor only", reportOf([ block 1e-8 1e-12 ]).Verdict(1e-6, 1e-9))

[<Fact>]
let ``a NaN difference fails every tolerance and floor and shows in the maxima`` () =
    let report = reportOf [ block 1e-12 1e-14; block Double.NaN Double.NaN ]
    Assert.False(report.Passes 1e-6)
    Assert.False(report.Passes(1e-6, 1e-3))
    Assert.True(Double.IsNaN report.MaxNormRelative)
    Assert.True(Double.IsNaN report.MaxAbsolute)
    Assert.Equal<BlockDifference>([ block Double.NaN Double.NaN ], report.FailingBlocks 1e-6)
    Assert.False(GradientCheckReport(ImmutableArray.Empty, Double.NaN).PassesClassic)

[<Theory>]
[<InlineData("NaN")>]
[<InlineData("-1.0")>]
[<InlineData("0.0")>]
[<InlineData("Infinity")>]
[<InlineData("-Infinity")>]
let ``a tolerance or floor that is not a positive finite number is refused rather than judged`` (text: string) =
    let bad = inv text
    let report = reportOf [ block 1e-12 1e-14 ]
    Assert.Contains("tolerance", messageOf<ArgumentException> (fun () -> report.Passes bad |> ignore))
    Assert.Contains("tolerance", messageOf<ArgumentException> (fun () -> report.Verdict bad |> ignore))
    Assert.Contains("absoluteTolerance", messageOf<ArgumentException> (fun () -> report.Passes(1e-6, bad) |> ignore))
    Assert.Contains("absoluteTolerance", messageOf<ArgumentException> (fun () -> report.FailingBlocks(1e-6, bad) |> ignore))

[<Theory>]
[<InlineData("NaN")>]
[<InlineData("-1e-5")>]
[<InlineData("0.0")>]
[<InlineData("Infinity")>]
let ``a difference step that is not a positive finite number is refused`` (text: string) =
    let bad = inv text
    let network = Network.Create<float>(Architecture.Input(3).Dense(2, Activation.Identity), Initializer.Xavier, 1UL)
    Assert.Contains("epsilon", messageOf<ArgumentException> (fun () -> GradientCheck.Run(network, Loss.Quadratic, inputs, targets, epsilon = bad) |> ignore))

[<Fact>]
let ``the check takes the L2 sample count m that Backprop takes and refuses a count below 1`` () =
    let network = Network.Create<float>(Architecture.Input(3).Dense(4, Activation.Tanh).Dense(2, Activation.Identity), Initializer.Xavier, 2UL)
    let atBatch = GradientCheck.Run(network, Loss.Quadratic, inputs, targets, 3.0)
    let atLargeSet = GradientCheck.Run(network, Loss.Quadratic, inputs, targets, 3.0, 1000)
    Assert.True(atLargeSet.Passes 1e-6, string atLargeSet)
    Assert.NotEqual(atBatch, atLargeSet)
    Assert.Contains("l2SampleCount", messageOf<ArgumentException> (fun () -> GradientCheck.Run(network, Loss.Quadratic, inputs, targets, 3.0, 0) |> ignore))

[<Fact>]
let ``a check of a network without parameters fails, having compared nothing`` () =
    let architecture = Architecture.Input(1, 2, 2).MaxPool2D(2)
    let network = Network.FromParameters(architecture, ReadOnlySpan(Array.zeroCreate<float> 0))
    let report = GradientCheck.Run(network, Loss.Quadratic, matrix [| [| 0.1; 0.2; 0.3; 0.4 |] |], matrix [| [| 0.0 |] |])
    Assert.Empty(report.Blocks)
    Assert.True(report.NothingCompared)
    Assert.False(report.Passes 1e-6)
    Assert.False(report.Passes(1e-6, 1e-9))
    Assert.Equal("gradient check FAILED: nothing was compared, since the network has no parameters", report.Verdict 1e-6)

[<Fact>]
let ``a report refuses a default or null-holding array of blocks by name`` () =
    Assert.Contains("not a default ImmutableArray", messageOf<ArgumentException> (fun () -> GradientCheckReport(Unchecked.defaultof<_>, 0.0) |> ignore))
    Assert.Contains("block 0 is null", messageOf<ArgumentException> (fun () -> GradientCheckReport(ImmutableArray.Create(Unchecked.defaultof<BlockDifference>), 0.0) |> ignore))

[<Fact>]
let ``a verdict prints the tolerance and the floor as given, so that each reads back as the number passed`` () =
    let report = reportOf [ block 1e-3 1e-12 ]
    Assert.StartsWith("gradient check passed: every block's norm-relative difference within 0.9999999; ", report.Verdict 0.9999999)
    Assert.Contains("not within 1E-06 or every |a − n| within the absolute floor 1.25E-13;", report.Verdict(1e-6, 1.25e-13))
