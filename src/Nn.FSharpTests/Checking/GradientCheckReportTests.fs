/// The numbers in a gradient check's report at a known answer: a derivative exactly twice the true one gives a
/// relative difference of 1/2 per element and 1/3 per block; and the report's text, equality and boundaries.
module Nn.Tests.Checking.GradientCheckReportTests

open System
open System.Collections.Immutable
open Nn
open Nn.Tests.Helpers
open Nn.Tests.Checking.UserDefinedTests
open Xunit

let private inputs = matrix [| [| 0.3; -0.7; 1.1 |]; [| -0.2; 0.45; 0.9 |] |]
let private targets = matrix [| [| 0.2; -0.1 |]; [| 0.7; 0.4 |] |]

let private block layer name normRelative maxAbsolute =
    BlockDifference(layer, name, 4, maxAbsolute, maxAbsolute, normRelative, normRelative, normRelative)

let private reportOf (blocks: BlockDifference list) overall = GradientCheckReport(ImmutableArray.CreateRange blocks, overall)

[<Fact>]
let ``a hidden derivative twice the true one doubles that layer's gradient and the report measures exactly that`` () =
    // WrongTanh's value is tanh, so central differences n see the true gradient; backpropagation's a is 2n on
    // layer 0 (its δ carries the doubled σ') and n on layer 1. Hence per element |a − n| = |n| and
    // |a − n| / max(|a|, |n|) = 1/2, per block ‖a − n‖ / (‖a‖ + ‖n‖) = 1/3 on layer 0 and about 0 on layer 1.
    let architecture = Architecture.Input(3).Dense(4, Activation.Elementwise<WrongTanh>()).Dense(2, Activation.Identity)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 7UL)
    let report = GradientCheck.Run(network, Loss.Quadratic, inputs, targets)
    let cost = CostFunction<float>(fun theta -> Backprop.Cost(Network.FromParameters(architecture, theta.Span), Loss.Quadratic, inputs, targets))
    let numeric = GradientCheck.CentralDifferences(ReadOnlySpan(network.Parameters.ToArray()), cost, GradientCheck.DefaultEpsilon)
    let slice offset count = numeric[offset .. offset + count - 1]
    let weights0 = slice (architecture.WeightOffset 0) 12
    let bias0 = slice (architecture.BiasOffset 0) 4
    for (b, n) in [ (report.Blocks[0], weights0); (report.Blocks[1], bias0) ] do
        assertClose 1e-6 (Array.averageBy abs n) b.MeanAbsolute
        assertClose 1e-6 (Array.max (Array.map abs n)) b.MaxAbsolute
        assertClose 1e-6 0.5 b.MeanRelative
        assertClose 1e-6 0.5 b.MaxRelative
        assertClose 1e-6 (1.0 / 3.0) b.NormRelative
    for b in [ report.Blocks[2]; report.Blocks[3] ] do
        Assert.True(b.NormRelative < 1e-8 && b.MaxAbsolute < 1e-8, string report)
    let squares (v: float[]) = Array.sumBy (fun x -> x * x) v
    let layer0 = squares weights0 + squares bias0
    let layer1 = squares numeric - layer0
    assertClose 1e-6 (sqrt layer0 / (sqrt (4.0 * layer0 + layer1) + sqrt (layer0 + layer1))) report.Overall
    assertClose 1e-6 (1.0 / 3.0) report.MaxNormRelative
    assertClose 1e-6 0.5 report.MaxRelative
    assertClose 1e-6 (max report.Blocks[0].MaxAbsolute report.Blocks[1].MaxAbsolute) report.MaxAbsolute

[<Fact>]
let ``an element whose gradients are both below the relative floor is compared by its absolute difference`` () =
    // With a zero network every weight gradient of the output layer is exactly 0 on both sides; the floor 1e-8
    // keeps their relative difference at 0 instead of 0/0.
    let architecture = Architecture.Input(3).Dense(2, Activation.Identity)
    let network = Network.FromParameters(architecture, ReadOnlySpan(Array.zeroCreate<float> architecture.ParameterCount))
    let report = GradientCheck.Run(network, Loss.Quadratic, inputs, matrix [| [| 0.0; 0.0 |]; [| 0.0; 0.0 |] |])
    for b in report.Blocks do
        Assert.Equal(0.0, b.MeanRelative)
        Assert.Equal(0.0, b.MaxRelative)
        Assert.Equal(0.0, b.NormRelative)

[<Fact>]
let ``central differences restore each parameter before moving to the next and leave theta unchanged`` () =
    // f = θ₀θ₁ has ∂f/∂θ₁ = θ₀: a θ₀ left shifted by ε would show in the second component.
    let theta = [| 2.0; -1.0 |]
    let f = CostFunction<float>(fun p -> p.Span[0] * p.Span[1])
    let g = GradientCheck.CentralDifferences(ReadOnlySpan theta, f, 1e-3)
    assertAllClose 1e-12 [| -1.0; 2.0 |] g
    Assert.Equal<float[]>([| 2.0; -1.0 |], theta)
    Assert.Throws<ArgumentNullException>(fun () -> GradientCheck.CentralDifferences(ReadOnlySpan theta, Unchecked.defaultof<CostFunction<float>>, 1e-3) |> ignore) |> ignore

[<Fact>]
let ``a block exactly at the tolerance or exactly at the absolute floor passes and the classic mark is strict`` () =
    let report = reportOf [ block 0 "weights" 1e-6 1e-3 ] 1e-9
    Assert.True(report.Passes 1e-6)
    Assert.False(report.Passes 0.999e-6)
    Assert.True(report.Passes(1e-7, 1e-3))
    Assert.False(report.Passes(1e-7, 0.999e-3))
    Assert.False(report.PassesClassic)
    Assert.True((reportOf [ block 0 "weights" 1e-6 1e-3 ] 0.999e-9).PassesClassic)

[<Fact>]
let ``the classic check does not pass a report that compared nothing, whose overall difference is zero against zero`` () =
    let zero = BlockDifference(0, "weights", 4, 0.0, 0.0, 0.0, 0.0, 0.0, ComparedNothing = true)
    for report in [ reportOf [] 0.0; reportOf [ zero ] 0.0 ] do
        Assert.True(report.NothingCompared)
        Assert.False(report.PassesClassic, string report)
        Assert.Contains("= 0.000E+000, but nothing was compared for the classic check's 1E-009", string report)

[<Fact>]
let ``the verdict names the worst block, the counts, the tolerance and the floor`` () =
    let report = reportOf [ block 0 "weights" 1e-7 1e-9; block 0 "bias" 2e-5 1e-6; block 1 "weights" 3e-6 1e-7 ] 1e-5
    Assert.Equal(
        "gradient check FAILED: 2 of 3 blocks not within 1E-06; largest norm-relative difference 2.000E-005 (layer 0 bias)",
        report.Verdict 1e-6)
    Assert.Equal(
        "gradient check passed: every block's norm-relative difference within 0.0001 or every |a − n| within the absolute floor 1E-09; largest 2.000E-005 (layer 0 bias)",
        report.Verdict(1e-4, 1e-9))
    Assert.Equal(
        "gradient check FAILED: 1 of 3 blocks not within 1E-06 or every |a − n| within the absolute floor 5E-07; largest norm-relative difference 2.000E-005 (layer 0 bias); 1 of 3 blocks within the floor only: layer 1 weights",
        report.Verdict(1e-6, 5e-7))

[<Fact>]
let ``of blocks tied for the worst the verdict names the first`` () =
    let report = reportOf [ block 0 "weights" 1e-7 1e-9; block 0 "bias" 3e-5 1e-6; block 1 "weights" 3e-5 1e-6 ] 1e-5
    Assert.EndsWith("(layer 0 bias)", report.Verdict 1e-6)

[<Fact>]
let ``a NaN block is the worst block the verdict names, and an empty report fails naming none`` () =
    let report = reportOf [ block 0 "weights" Double.NaN Double.NaN; block 1 "bias" 0.5 0.5 ] 0.0
    Assert.EndsWith("(layer 0 weights)", report.Verdict 1e-6)
    let later = reportOf [ block 0 "weights" 0.5 0.5; block 1 "bias" Double.NaN Double.NaN ] 0.0
    Assert.EndsWith("(layer 1 bias)", later.Verdict 1e-6)
    Assert.Equal("gradient check FAILED: nothing was compared, since the network has no parameters", (reportOf [] 0.0).Verdict 1e-6)

[<Fact>]
let ``the report's text has a header, one row per block and the single number with its classic mark`` () =
    let passing = reportOf [ block 0 "weights" 1e-10 2e-11; block 1 "bias" 3e-10 4e-11 ] 5e-10
    let lines = (string passing).Split('\n') |> Array.map (fun l -> l.TrimEnd('\r'))
    Assert.Equal("layer  block      count   mean |diff|    max |diff|    mean rel      max rel       norm rel", lines[0])
    Assert.Equal("    0  weights        4    2.000E-011    2.000E-011    1.000E-010    1.000E-010    1.000E-010", lines[1])
    Assert.Equal("    1  bias           4    4.000E-011    4.000E-011    3.000E-010    3.000E-010    3.000E-010", lines[2])
    Assert.Equal("all parameters: ‖a − n‖ / (‖a‖ + ‖n‖) = 5.000E-010, below the classic check's 1E-009", lines[3])
    Assert.EndsWith("= 2.000E-009, not below the classic check's 1E-009", (string (reportOf [ block 0 "weights" 1e-7 1e-9 ] 2e-9)).TrimEnd())

[<Fact>]
let ``reports are equal exactly when their blocks and single numbers are`` () =
    let blocks = [ block 0 "weights" 1e-7 1e-9 ]
    Assert.Equal(reportOf blocks 1e-8, reportOf blocks 1e-8)
    Assert.NotEqual(reportOf blocks 1e-8, reportOf blocks 2e-8)
    Assert.NotEqual(reportOf blocks 1e-8, reportOf [ block 0 "bias" 1e-7 1e-9 ] 1e-8)
    Assert.False((reportOf blocks 1e-8).Equals(Unchecked.defaultof<GradientCheckReport>))

[<Fact>]
let ``a report without blocks fails and its verdict names no worst block`` () =
    // A network without parameters (only dropout, say) has nothing to compare, so a pass would check nothing.
    let report = reportOf [] 0.0
    Assert.False(report.Passes 1e-6)
    Assert.Equal("gradient check FAILED: nothing was compared, since the network has no parameters", report.Verdict 1e-6)
