/// The training curves `nn train --plot` draws: a figure a run recorded as NaN (no accuracy for a network of one
/// output, held-out outputs that were not finite) gets no point, and a curve with no point is not drawn.
module Nn.Cli.Tests.CurvePlotTests

open System
open Xunit
open Nn
open Nn.Cli
open ScottPlot

let private curves (plot: Plot) =
    plot.GetPlottables()
    |> Seq.choose (function
        | :? Plottables.Scatter as line -> Some(line.LegendText, line.Data.GetScatterPoints() |> Seq.map (fun p -> p.X) |> List.ofSeq)
        | _ -> None)
    |> List.ofSeq

[<Fact>]
let ``a regression's history, whose accuracies are all NaN, is drawn as its costs alone with no accuracy axis`` () =
    let history = [ for e in 1..3 -> EpochRecord(e, 1.0 / float e, nan, Nullable(0.5 / float e), Nullable nan) ]
    let plot = CurvePlot.Curves history
    Assert.Equal<(string * float list) list>([ ("train cost", [ 1.0; 2.0; 3.0 ]); ("test cost", [ 1.0; 2.0; 3.0 ]) ], curves plot)
    Assert.Equal("", plot.Axes.Right.Label.Text)

[<Fact>]
let ``an epoch whose held-out outputs were not finite is left out of the test curves, the others drawn`` () =
    let history =
        [ EpochRecord(1, 0.9, 0.6, Nullable 0.8, Nullable 0.5)
          EpochRecord(2, 0.7, 0.7, Nullable nan, Nullable nan)
          EpochRecord(3, 0.5, 0.8, Nullable 0.4, Nullable 0.9) ]
    let plot = CurvePlot.Curves history
    Assert.Equal<(string * float list) list>(
        [ ("train cost", [ 1.0; 2.0; 3.0 ]); ("test cost", [ 1.0; 3.0 ]); ("train accuracy", [ 1.0; 2.0; 3.0 ]); ("test accuracy", [ 1.0; 3.0 ]) ],
        curves plot)
    Assert.Equal("accuracy", plot.Axes.Right.Label.Text)

[<Fact>]
let ``a full-batch run's cost curve has a point per iteration, and one that ran none is the point where it stayed`` () =
    // A first line search that found no lower cost ends the run after no iteration: the curve was empty axes, which
    // nn train reported as "plotted the cost curve".
    Assert.Equal<(string * float list) list>([ ("train cost", [ 1.0; 2.0 ]) ], curves (CurvePlot.LossCurve([ 3.0; 2.0 ], 2.0)))
    let stayed = CurvePlot.LossCurve([], 5.0)
    Assert.Equal<(string * float list) list>([ ("train cost", [ 0.0 ]) ], curves stayed)
    let line = stayed.GetPlottables() |> Seq.pick (function :? Plottables.Scatter as s -> Some s | _ -> None)
    Assert.Equal(5.0, (line.Data.GetScatterPoints() |> Seq.exactlyOne).Y)

[<Fact>]
let ``tick labels are scientific from 1e6 up and below 1e-4, and plain decimals in between, in the invariant culture`` () =
    Assert.Equal<string list>(
        [ "3E+35"; "-1.5E+35"; "1E+6"; "999999"; "0.25"; "-0.0001"; "2.5E-7"; "0" ],
        [ 3e35; -1.5e35; 1e6; 999999.0; 0.25; -1e-4; 2.5e-7; 0.0 ] |> List.map CurvePlot.TickLabel)

[<Fact>]
let ``a cost curve near 1e35 is drawn with short tick labels`` () =
    // ScottPlot's default labels wrote these ticks as 36 digits with group separators.
    let plot = CurvePlot.WithTickLabels(CurvePlot.LossCurve([ 3e35; 2e35; 1e35 ], 1e35))
    plot.GetImageBytes(900, 540, ImageFormat.Png) |> ignore
    let labels = plot.Axes.Left.TickGenerator.Ticks |> Array.filter (fun t -> t.IsMajor) |> Array.map (fun t -> t.Label)
    Assert.NotEmpty labels
    Assert.All(labels, fun label -> Assert.True(label.Length <= 8 && label.Contains "E+35", label))
