using System.CommandLine;
using System.IO;

namespace Nn.Cli.Commands;

/// <summary>Where <c>nn train</c>'s data comes from: a table with --target, IDX or CSV files, or the embedded digits.</summary>
internal static class TrainingData
{
    /// <summary>
    /// The training and test data named on the command line (a table with its preprocessing when --target is given),
    /// or the embedded digits' fixed split. The name is the training file's as <c>nn train</c> prints it, on one line
    /// (<see cref="Printable.Line"/>): it heads the first line, the progress bar and the plot, and a file name may hold a line break.
    /// </summary>
    public static (Dataset<float> Train, Dataset<float> Test, string Name, Preprocessing? Preprocessing) Load(
        ParseResult parse, DataSource data, TableOptions table, Option<string?> train, Option<string?> trainLabels, Option<string?> test, Option<string?> testLabels, Option<ulong> seed)
    {
        var trainPath = parse.GetValue(train);
        var testPath = parse.GetValue(test);
        if (table.Asked(parse))
        {
            var path = trainPath ?? throw new UsageException("--target names columns of the --train table; give --train FILE.");
            var (trainRows, testRows, preprocessing) = table.Load(parse, data, path, testPath, parse.GetValue(seed));
            return (trainRows, testRows, Printable.Line(Path.GetFileName(DataSource.DisplayName(path))), preprocessing);
        }

        if (trainPath is null && testPath is null)
        {
            var digits = Digits.Load<float>();
            return (digits.Train, digits.Test, "digits", null);
        }

        if (trainPath is null || testPath is null)
        {
            throw new UsageException("--train and --test go together: give both, or neither to use the embedded digits.");
        }

        var trainData = data.Load<float>(parse, trainPath, parse.GetValue(trainLabels), "--train");
        var testData = data.Load<float>(parse, testPath, parse.GetValue(testLabels), "--test");
        if (testData.Inputs.Columns != trainData.Inputs.Columns)
        {
            throw new UsageException($"--test must have the training data's {trainData.Inputs.Columns} inputs per sample, but has {testData.Inputs.Columns}.");
        }

        return (trainData, testData, Printable.Line(Path.GetFileName(DataSource.DisplayName(trainPath))), null);
    }
}
