/// `nn gradcheck`'s note after a failure that rounding alone explains: raw inputs so large that a step of ε on a
/// bias is lost in the rounding of z made a correct backpropagation fail with nothing said about why.
module Nn.Cli.Tests.CostRoundingTests

open System.IO
open Xunit
open Nn
open Nn.Cli.Commands
open Nn.Cli.Tests.Process

/// Rows of the digits' 64 pixels (0..16) with pixel 5 set to `value`, the label first.
let private rowsWith (path: string) (value: string) =
    let random = System.Random 1
    File.WriteAllLines(path, [ for row in 0..2 -> string row + "," + String.concat "," [ for i in 0..63 -> if i = 5 then value else string (random.Next 17) ] ])

[<Fact>]
let ``gradcheck on inputs of 1e12 still fails but names the blocks whose differences rounding alone explains`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--layers"; "64-16-10"; "--activation"; "relu"; "--epochs"; "1"; "--save"; "r.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    rowsWith (dir.File "huge.csv") "1e12"
    let run = dir.Run [ "gradcheck"; "r.nnm"; "--data"; "huge.csv" ]
    Assert.True((run.ExitCode = 1), string run)
    Assert.Contains("gradient check FAILED: 2 of 4 blocks not within 1E-06;", run.Output)
    Assert.Matches(
        @"\nnote: all 2 failing blocks, layer 0 bias, layer 1 bias, differ by no more than rounding alone can make a central difference of ε = 1E-05 miss by \(the cost is \d\.\d{3}E\+008, the largest \|z\| \d\.\d{3}E\+009\): these derivatives cannot be measured to 1E-06 at this scale",
        run.Output)
    // The same model on pixels of ordinary size passes, with nothing to explain.
    rowsWith (dir.File "plain.csv") "16"
    let plain = dir.Run [ "gradcheck"; "r.nnm"; "--data"; "plain.csv" ]
    Assert.True((plain.ExitCode = 0), string plain)
    Assert.DoesNotContain("note:", plain.Output)

/// A report of two blocks of layer 0 whose norm-relative difference is 1e-3, with the given largest differences.
let private reportOf (compared: bool) (weights: float) (bias: float) =
    let block name difference = BlockDifference(0, name, 4, difference, difference, 1e-3, 1e-3, 1e-3, MaxNumeric = 0.5, ComparedNothing = not compared)
    GradientCheckReport([ block "weights" weights; block "bias" bias ] |> System.Collections.Immutable.ImmutableArray.CreateRange, 1e-3)

let private failingBy = reportOf true

let private trace =
    let network = Network.Create<float>(Architecture.Input(2).Dense(1, Activation.Identity), Initializer.Xavier, 1UL)
    Network.Trace(network, Matrix.Create(1, 2, System.ReadOnlySpan [| 1.0; 2.0 |]))

[<Fact>]
let ``the note explains no block whose difference is beyond rounding, so a real fault is never explained away`` () =
    Assert.Null(CostRounding.Note(failingBy 0.25 0.25, 1e-6, System.Nullable(), 2.3, 1e-5, trace))

[<Fact>]
let ``the note names only the failing blocks within rounding and the verdict stays a failure`` () =
    let report = failingBy 0.25 1e-12
    Assert.False(report.Passes 1e-6)
    let note = CostRounding.Note(report, 1e-6, System.Nullable(), 2.3, 1e-5, trace)
    Assert.StartsWith("note: 1 of the 2 failing blocks, layer 0 bias, differs by no more than rounding alone", note)

[<Fact>]
let ``the note is silent when the check passed or compared nothing`` () =
    Assert.Null(CostRounding.Note(failingBy 1e-12 1e-12, 1e-2, System.Nullable(), 2.3, 1e-5, trace))
    Assert.Null(CostRounding.Note(reportOf false 0.0 0.0, 1e-6, System.Nullable(), 2.3, 1e-5, trace))
