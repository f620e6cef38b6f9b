using System;
using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Nn.Cli.Commands;

namespace Nn.Cli;

/// <summary>
/// The options that read a CSV file as a table (<c>--target</c> switches them on): the header, the target and
/// feature columns, one-hot categories, the label offset, the task, standardisation and a held-out test fraction.
/// The preprocessing is fitted on the training rows only, and every choice made for the user is printed.
/// </summary>
internal sealed class TableOptions
{
    public Option<bool> Header { get; } = new("--header") { Description = "Tables: the first row names the columns (default: detected, a header when a field of the first row is not a number)." };

    public Option<string?> Target { get; } = new("--target")
    {
        Description = "Read CSV as a table and predict these columns (names or 1-based numbers, comma-separated): one class-label column, or numeric columns for regression.",
    };

    public Option<string?> Features { get; } = new("--features") { Description = "Tables: the input columns, comma-separated (default: every column that is not a target)." };

    public Option<string?> Categorical { get; } = new("--categorical") { Description = "Tables: feature columns to one-hot encode; the categories are learned from the training rows." };

    public Option<int?> LabelOffset { get; } = new("--label-offset") { Description = "Tables: the class label that is class 0 (default: 1 when the smallest label is 1, else 0)." };

    public Option<string?> Task { get; } = new Option<string?>("--task")
    {
        Description = $"Tables: classification or regression (default: classification for one whole-number target with at most {Preprocessing.MaxDefaultClasses} values, else regression).",
    }.AcceptOnlyFromAmong("classification", "regression");

    public Option<bool> Standardize { get; } = new("--standardize") { Description = "Tables: numeric features become (x - mean) / standard deviation, learned from the training rows." };

    public Option<double?> TestSplit { get; } = new("--test-split") { Description = "Tables without --test: hold out this fraction of --train as test rows (seeded by --seed, stratified by class)." };

    public void AddTo(Command command, bool training)
    {
        command.Options.Add(Header);
        if (!training)
        {
            return;
        }

        foreach (var option in new Option[] { Target, Features, Categorical, LabelOffset, Task, Standardize, TestSplit })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Whether the command line asks for a table (a target is named).</summary>
    public bool Asked(ParseResult parse) => parse.GetValue(Target) is not null;

    /// <summary>Refuses the table options without --target, the pixel options with it, and a --test-split outside (0, 1).</summary>
    public void RefuseMisplaced(ParseResult parse, DataSource data)
    {
        foreach (var option in new Option[] { Header, Features, Categorical, LabelOffset, Task, Standardize, TestSplit })
        {
            IgnoredOptions.RequireWith(parse, option, Target);
        }

        foreach (var option in new Option[] { data.LabelColumn, data.Scale, data.Classes })
        {
            IgnoredOptions.RefuseWith(parse, option, Target, "a table's columns, scaling and classes come from --target, --features, --standardize and the data.");
        }

        // Before the data is read, so that nothing is printed (the header, the task) for a value that is refused.
        Cli.RequireFraction(parse, TestSplit);

        foreach (var option in new[] { Target, Features, Categorical })
        {
            if (parse.GetValue(option) is { } list)
            {
                Columns(option, list);
            }
        }
    }

    /// <summary>
    /// Reads the training table (and the test table, or holds out --test-split of the training rows), fits the
    /// preprocessing on the training rows and applies it to both, printing what was read and chosen.
    /// </summary>
    public (Dataset<float> Train, Dataset<float> Test, Preprocessing Preprocessing) Load(ParseResult parse, DataSource data, string trainPath, string? testPath, ulong seed)
    {
        var train = data.LoadTable(trainPath, "--train", HeaderChoice(parse));
        Console.WriteLine(DescribeHeader(train));
        var targets = Columns(Target, parse.GetValue(Target)!);
        var options = new PreprocessingOptions(
            targets,
            parse.GetValue(Features) is { } features ? Columns(Features, features) : null,
            parse.GetValue(Categorical) is { } categorical ? Columns(Categorical, categorical) : null,
            parse.GetValue(Standardize),
            null,
            parse.GetValue(LabelOffset));
        options = options with { Task = ChooseTask(parse, train, targets) };
        if (options.Task == TableTask.Regression && IgnoredOptions.Typed(parse, LabelOffset))
        {
            throw new UsageException("--label-offset names the label of class 0, but this is a regression, which has no classes.");
        }

        Table test;
        if (testPath is not null)
        {
            if (IgnoredOptions.Typed(parse, TestSplit))
            {
                throw new UsageException("--test-split cannot be used with --test: --test gives the test rows, --test-split takes them from --train instead.");
            }

            test = data.LoadTable(testPath, "--test", HeaderChoice(parse));
        }
        else
        {
            var fraction = parse.GetValue(TestSplit) ?? throw new UsageException("a table needs test rows: give --test FILE, or --test-split FRACTION to hold out part of --train.");
            var stratify = options.Task == TableTask.Classification ? train.Columns[train.ColumnIndex(targets[0])] : null;
            var parts = TableSplit.Split(train, fraction, seed, stratify);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"held out {parts.Test.Count} of {train.Count} rows as test rows (--test-split {fraction}, seed {seed}{(stratify is null ? string.Empty : $", stratified by {Printable.Name(stratify)}")})"));
            (train, test) = (parts.Train, parts.Test);
        }

        var preprocessing = Preprocessing.Fit(train, options);
        foreach (var line in Describe(preprocessing))
        {
            Console.WriteLine(line);
        }

        return (preprocessing.Dataset<float>(train), preprocessing.Dataset<float>(test), preprocessing);
    }

    /// <summary>--header as the reader takes it: true when given, null (detect) otherwise.</summary>
    public bool? HeaderChoice(ParseResult parse) => parse.GetValue(Header) ? true : null;

    /// <summary>How the first row was taken, in words, after the file's name (escaped: a file name may hold a line break).</summary>
    public static string DescribeHeader(Table table) => table.Header switch
    {
        TableHeader.Given => $"{Printable.Line(Path.GetFileName(table.Source))}: {table.Count} rows; header (--header): {Names(table.Columns)}",
        TableHeader.Detected => $"{Printable.Line(Path.GetFileName(table.Source))}: {table.Count} rows; header detected (the first row is not all numbers): {Names(table.Columns)}",
        _ => $"{Printable.Line(Path.GetFileName(table.Source))}: {table.Count} rows; no header (the first row is all numbers), so the columns are numbered 1..{table.Columns.Length}",
    };

    /// <summary>What the preprocessing does, one line per part, for the user to check; a list of features or targets is bounded as <see cref="Names"/> bounds one.</summary>
    public static string[] Describe(Preprocessing preprocessing)
    {
        var inputs = preprocessing.Features.Select(feature => feature.IsCategorical
            ? $"{Printable.Name(feature.Name)} (one-hot: {Categories(feature.Categories)})"
            : feature.Mean == 0 && feature.Deviation == 1 ? Printable.Name(feature.Name)
            : string.Create(CultureInfo.InvariantCulture, $"{Printable.Name(feature.Name)} (standardised: mean {feature.Mean:G6}, sd {feature.Deviation:G6})"));
        var targets = preprocessing.Task != TableTask.Classification ? Names(preprocessing.Targets)
            : preprocessing.ClassCount == 1 ? string.Create(CultureInfo.InvariantCulture, $"{Printable.Name(preprocessing.Targets[0])}, 1 class: label {preprocessing.LabelOffset} is class 0")
            : string.Create(CultureInfo.InvariantCulture, $"{Printable.Name(preprocessing.Targets[0])}, {preprocessing.ClassCount} classes: labels {preprocessing.LabelOffset}..{preprocessing.LabelOffset + preprocessing.ClassCount - 1} are classes 0..{preprocessing.ClassCount - 1}");
        return [$"inputs ({preprocessing.InputWidth}): {ColumnList.Of(inputs)}", $"{preprocessing.Task.ToString().ToLowerInvariant()} of {targets}"];
    }

    /// <summary>
    /// The most categories of one one-hot column that <see cref="Describe"/> lists, for a person to read: a column of
    /// 10,000 categories made a line of them all. The model file keeps every one.
    /// </summary>
    public const int ListedCategories = 20;

    /// <summary>A one-hot column's categories in their order, the first <see cref="ListedCategories"/> and a count of the rest ("… and 30 more").</summary>
    private static string Categories(ImmutableArray<string> categories) =>
        categories.Length <= ListedCategories
            ? string.Join(' ', categories.Select(Category))
            : string.Create(CultureInfo.InvariantCulture, $"{string.Join(' ', categories.Take(ListedCategories).Select(Category))} … and {categories.Length - ListedCategories} more");

    /// <summary>
    /// Column names as a list of them shows them (<see cref="Printable.Name"/>), separated by commas: the first
    /// <see cref="ColumnList.Listed"/> and a count of the rest, for a person to read. The model file, and the header
    /// nn predict writes, keep every name.
    /// </summary>
    public static string Names(System.Collections.Generic.IEnumerable<string> names) => ColumnList.Of(names, Printable.Name);

    /// <summary>A category as the list of them shows it (<see cref="Printable.Name"/>), and the empty one as (empty).</summary>
    private static string Category(string category) =>
        category.Length == 0 ? "(empty)" : Printable.Name(category);

    private TableTask ChooseTask(ParseResult parse, Table train, string[] targets)
    {
        if (parse.GetValue(Task) is { } asked)
        {
            return asked == "regression" ? TableTask.Regression : TableTask.Classification;
        }

        var task = Preprocessing.ChooseTask(train, targets);

        // Named as the header names them, not as typed: --target 3 reads "verdict".
        var named = Names(targets.Select(target => train.Columns[train.ColumnIndex(target)]));
        Console.WriteLine(task == TableTask.Classification
            ? $"task: classification, because {named} holds whole numbers with at most {Preprocessing.MaxDefaultClasses} values (--task regression to predict it as a number)"
            : $"task: regression, because {named} {(targets.Length > 1 ? "names several columns" : RegressionReason(train, train.ColumnIndex(targets[0])))} (--task classification for class labels)");
        return task;
    }

    /// <summary>Why one target column is not taken as class labels: a field that is no finite number is named, since it holds no fractions.</summary>
    private static string RegressionReason(Table train, int column)
    {
        var row = Enumerable.Range(0, train.Count).FirstOrDefault(r => !Nn.Table.IsNumber(train.Rows[r][column]), -1);
        return row < 0
            ? $"holds fractions or more than {Preprocessing.MaxDefaultClasses} values"
            : string.Create(CultureInfo.InvariantCulture, $"holds '{Printable.Line(train.Rows[row][column])}' (data row {train.DataRow(row)}), which is not a finite number");
    }

    /// <summary>
    /// The columns a comma-separated list names, each trimmed. A list with an empty entry (<c>y,</c>) or a column
    /// named twice as written (<c>y,y</c>) is refused naming the option and the entry: dropping the entry or the
    /// repeat would train on columns other than the ones typed.
    /// </summary>
    private static string[] Columns(Option option, string list)
    {
        var names = list.Split(',', StringSplitOptions.TrimEntries);
        if (option.Name == "--target" && names.All(name => name.Length == 0))
        {
            // Else the task would be chosen, and printed, for a target of no name before anything refused it.
            throw new UsageException("--target must name at least one column (a name or a 1-based number).");
        }

        if (names.Any(name => name.Length == 0))
        {
            throw new UsageException($"{option.Name} '{list}' has an empty entry; name each column once, separated by commas.");
        }

        var repeated = names.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        return repeated is null ? names : throw new UsageException($"{option.Name} '{list}' names '{repeated.Key}' twice; name each column once, separated by commas.");
    }
}
