using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScottPlot;

namespace Nn.Cli;

/// <summary>
/// Draws a run's cost and accuracy curves into a PNG with ScottPlot: cost on the left axis, accuracy on the right. The
/// file is written atomically (<see cref="AtomicFile"/>).
/// </summary>
internal static class CurvePlot
{
    /// <summary>Writes the curves of a mini-batch run, one point per epoch.</summary>
    public static void Save(IReadOnlyList<EpochRecord> history, string path, string title) => Finish(Curves(history), path, title);

    /// <summary>The curves of a mini-batch run, one point per epoch with a finite value.</summary>
    internal static Plot Curves(IReadOnlyList<EpochRecord> history)
    {
        var plot = new Plot();
        var epochs = history.Select(r => (double)r.Epoch).ToArray();
        AddLine(plot, epochs, history.Select(r => r.TrainCost).ToArray(), "train cost", Colors.Blue, right: false);
        if (history.All(r => r.ValidationCost is not null))
        {
            AddFinite(plot, epochs, history.Select(r => r.ValidationCost!.Value), "validation cost", Colors.Purple, right: false);
        }

        if (history.All(r => r.TestCost is not null))
        {
            AddFinite(plot, epochs, history.Select(r => r.TestCost!.Value), "test cost", Colors.Orange, right: false);
        }

        // Accuracies are NaN where a run had none to report (a network of one output, such as a regression's, or held-out
        // outputs that were not finite, which make their cost NaN too): such epochs get no point (AddFinite), and a
        // curve with no point is not drawn, nor its axis named.
        var accuracies = AddFinite(plot, epochs, history.Select(r => r.TrainAccuracy), "train accuracy", Colors.Green, right: true);
        if (history.All(r => r.ValidationAccuracy is not null))
        {
            accuracies |= AddFinite(plot, epochs, history.Select(r => r.ValidationAccuracy!.Value), "validation accuracy", Colors.Magenta, right: true);
        }

        if (history.All(r => r.TestAccuracy is not null))
        {
            accuracies |= AddFinite(plot, epochs, history.Select(r => r.TestAccuracy!.Value), "test accuracy", Colors.Red, right: true);
        }

        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "cost";
        if (accuracies)
        {
            plot.Axes.Right.Label.Text = "accuracy";
        }

        return plot;
    }

    /// <summary>Writes the cost curve of a full-batch run, one point per iteration (see <see cref="LossCurve"/>).</summary>
    public static void SaveLoss(IReadOnlyList<double> losses, double cost, string path, string title) => Finish(LossCurve(losses, cost), path, title);

    /// <summary>
    /// The cost curve of a full-batch run: C after each iteration. A run whose first line search found no lower cost ran
    /// no iteration, and its curve is the one point where it stayed, <paramref name="cost"/> at iteration 0 (it was
    /// drawn as empty axes that nn train reported as the cost curve).
    /// </summary>
    internal static Plot LossCurve(IReadOnlyList<double> losses, double cost)
    {
        var plot = new Plot();
        var (iterations, costs) = losses.Count == 0
            ? (new[] { 0.0 }, new[] { cost })
            : (Enumerable.Range(1, losses.Count).Select(i => (double)i).ToArray(), losses.ToArray());
        AddLine(plot, iterations, costs, "train cost", Colors.Blue, right: false);
        plot.Axes.Bottom.Label.Text = "iteration";
        plot.Axes.Left.Label.Text = "cost";
        return plot;
    }

    /// <summary>The epochs whose value is finite as a curve; false, and no curve, when none is.</summary>
    private static bool AddFinite(Plot plot, double[] epochs, IEnumerable<double> values, string label, Color color, bool right)
    {
        var points = epochs.Zip(values).Where(p => double.IsFinite(p.Second)).ToArray();
        if (points.Length == 0)
        {
            return false;
        }

        AddLine(plot, points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray(), label, color, right);
        return true;
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, string label, Color color, bool right)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = label;
        line.Color = color;
        line.MarkerSize = xs.Length > 50 ? 0 : 4;
        if (right)
        {
            line.Axes.YAxis = plot.Axes.Right;
        }
    }

    /// <summary>
    /// A tick label in the invariant culture: up to six decimals in the range costs usually live in, and scientific
    /// notation from 1e6 up and below 1e-4, the same bounds as the cost lines nn train prints (ScottPlot's default wrote a
    /// diverging cost's tick of 3e35 as 36 digits with group separators).
    /// </summary>
    /// <param name="value">The tick's value.</param>
    /// <returns>For example "0.25", "120", "3E+35" or "1.5E-7".</returns>
    internal static string TickLabel(double value) =>
        value == 0 || !double.IsFinite(value) || (Math.Abs(value) >= 1e-4 && Math.Abs(value) < 1e6)
            ? value.ToString("0.######", CultureInfo.InvariantCulture)
            : value.ToString("0.#####E+0", CultureInfo.InvariantCulture);

    /// <summary>Gives every axis <see cref="TickLabel"/>'s labels, the epoch or iteration axis whole numbers only.</summary>
    internal static Plot WithTickLabels(Plot plot)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true, LabelFormatter = TickLabel };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = TickLabel };
        plot.Axes.Right.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = TickLabel };
        return plot;
    }

    private static void Finish(Plot plot, string path, string title)
    {
        WithTickLabels(plot);
        plot.Title(title);
        plot.ShowLegend(Edge.Bottom);

        // Rendered in memory and written like a model, so an interrupted or failed write leaves no half a PNG.
        var png = plot.GetImageBytes(900, 540, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
