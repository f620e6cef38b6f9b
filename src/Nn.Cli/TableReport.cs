using System;
using System.Globalization;
using System.Linq;

namespace Nn.Cli;

/// <summary>How train and eval print a regression's measures, so their lines compare as text.</summary>
internal static class TableReport
{
    /// <summary>
    /// RMSE, MAE and R² per target on the training rows and the test rows, whose outputs the caller has (and has checked
    /// to be finite: an output of ∞ made the training line "RMSE Infinity  MAE Infinity  R² -Infinity").
    /// </summary>
    public static void WriteRegression(Dataset<float> train, Matrix<float> trainOutputs, Dataset<float> test, Matrix<float> testOutputs, Preprocessing preprocessing)
    {
        Console.WriteLine(Lines("train", RegressionReport.Compare(trainOutputs, train.Targets), preprocessing, train.Count));
        Console.WriteLine(Lines("test", RegressionReport.Compare(testOutputs, test.Targets), preprocessing, test.Count));
    }

    /// <summary>One line per target: "test y: RMSE 0.1234  MAE 0.0987  R² 0.9876 (40 rows)".</summary>
    public static string Lines(string part, RegressionReport report, Preprocessing preprocessing, int count) =>
        string.Join(Environment.NewLine, report.Targets.Select((fit, k) => string.Create(
            CultureInfo.InvariantCulture,
            $"{part} {Printable.Name(preprocessing.Targets[k])}: RMSE {Number(fit.Rmse)}  MAE {Number(fit.Mae)}  R² {R2(fit.R2)} ({count} rows)")));

    private static string Number(double value) => TrainingDisplay.Number(value, 4);

    /// <summary>
    /// R² with four decimals, "-" when it is undefined, and in scientific notation when a fit far worse than the mean
    /// makes it −1e6 or less (as four decimals, an R² of −1.1e65 was 66 digits long).
    /// </summary>
    private static string R2(double value) =>
        double.IsNaN(value) ? "-" : Math.Abs(value) < 1e6 ? value.ToString("F4", CultureInfo.InvariantCulture) : Number(value);
}
