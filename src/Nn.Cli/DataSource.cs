using System;
using System.CommandLine;
using System.Globalization;
using System.IO;

namespace Nn.Cli;

/// <summary>
/// The options that say how to read a data file (label column, scaling, class count) and the loader that picks
/// IDX or CSV by the file's content; <c>-</c> as a path reads standard input. For IDX images files the labels file is given explicitly or found by
/// replacing "images-idx3" with "labels-idx1" in the name (the MNIST and Fashion-MNIST naming).
/// </summary>
internal sealed class DataSource
{
    public Option<string> LabelColumn { get; } = new("--label-column")
    {
        Description = "CSV only: where the label is, first (label,v0..vN) or last (v0..vN,label).",
        DefaultValueFactory = _ => "first",
    };

    public Option<string?> Scale { get; } = new("--scale")
    {
        Description = "Pixel scaling: 255 (x/255, the default), 16 (x/16), textbook ((x/255)*0.99+0.01, targets 0.01/0.99), or any positive maximum.",
    };

    public Option<int> Classes { get; } = new("--classes")
    {
        Description = "The number of classes; every label must be below it.",
        DefaultValueFactory = _ => 10,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(LabelColumn);
        command.Options.Add(Scale);
        command.Options.Add(Classes);
    }

    /// <summary>The path that stands for standard input wherever a data file is taken.</summary>
    public const string StandardInput = "-";

    // Standard input can be read once: the option that took it, to refuse a second one by name.
    private string? standardInputTakenBy;

    /// <summary>
    /// Reads a data file as IDX (when its first bytes say so, plain or gzip) or CSV. The file is opened once and read
    /// from start to end without seeking, so a pipe, a FIFO or standard input (<c>-</c>) gives exactly the data a
    /// regular file with the same bytes would. Data that would need more memory than is left is refused: IDX from its
    /// header, before the images are read, CSV as it is read (<see cref="MemoryBudget"/>, <see cref="BudgetedStream"/>).
    /// </summary>
    public Dataset<T> Load<T>(ParseResult parse, string path, string? labelsPath, string optionName)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var classes = ClassCount(parse);

        var scaling = ParseScaling(parse.GetValue(Scale));
        if (!T.IsFinite(T.CreateChecked(scaling.Scale(255))))
        {
            throw new UsageException($"--scale {parse.GetValue(Scale)} is too small: it takes the pixel value 255 beyond the range of {ElementTypes.Name<T>()}.");
        }

        using var data = PeekStream.Open(Open(path, optionName), 4);
        RefuseLabelsFile(data.Head.Span, optionName, path);
        if (IsIdx(data.Head.Span))
        {
            var labels = labelsPath ?? DefaultLabelsPath(path)
                ?? throw new UsageException($"{optionName} {path} is an IDX images file; give its labels file with {optionName}-labels.");
            using var labelStream = Open(labels, $"{optionName}-labels");
            var check = MemoryBudget.ImagesCheck(ValueSize<T>(), classes, MemoryBudget.AvailableForData(), optionName, DisplayName(path));
            return IdxData.Read<T>(data, DisplayName(path), labelStream, DisplayName(labels), scaling, classes, check);
        }

        if (labelsPath is not null)
        {
            throw new UsageException($"{optionName}-labels is only for IDX images files, but {DisplayName(path)} is not an IDX file.");
        }

        var column = parse.GetValue(LabelColumn) switch
        {
            "first" => Nn.LabelColumn.First,
            "last" => Nn.LabelColumn.Last,
            var other => throw new UsageException($"--label-column must be first or last, but is '{other}'."),
        };
        using var text = new StreamReader(Budgeted(data, TextCost.Samples(ValueSize<T>(), classes), optionName, path));
        return CsvData.Read<T>(text, DisplayName(path), new CsvOptions(column, classes, scaling));
    }

    /// <summary>Reads a CSV file as a table (<c>-</c> reads standard input); an IDX file is refused, as it has no columns.</summary>
    public Table LoadTable(string path, string optionName, bool? header)
    {
        using var data = PeekStream.Open(Open(path, optionName), 4);
        if (IsIdx(data.Head.Span))
        {
            throw new UsageException($"{optionName} {DisplayName(path)} is an IDX file; tables (--target, --header) are read from CSV files.");
        }

        using var text = new StreamReader(Budgeted(data, TextCost.Table(), optionName, path));
        return Table.Read(text, DisplayName(path), header);
    }

    /// <summary>
    /// Inputs without labels, for prediction: IDX images (plain or gzip) or CSV rows of exactly
    /// <paramref name="width"/> numbers (a header row is skipped), scaled by --scale as training scaled them.
    /// </summary>
    public Matrix<T> LoadInputs<T>(ParseResult parse, string path, string optionName, int width)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var scaling = ParseScaling(parse.GetValue(Scale));
        using var data = PeekStream.Open(Open(path, optionName), 4);
        RefuseLabelsFile(data.Head.Span, optionName, path, $"which holds no inputs to predict from; give the images file as {optionName}");
        var inputs = IsIdx(data.Head.Span)
            ? IdxData.ReadImages<T>(data, DisplayName(path), scaling, MemoryBudget.ImagesCheck(ValueSize<T>(), classes: 0, MemoryBudget.AvailableForData(), optionName, DisplayName(path)))
            : ReadRows<T>(Budgeted(data, TextCost.Table(), optionName, path), DisplayName(path), scaling);
        RequireWidth(optionName, path, inputs.Columns, width);
        return inputs;
    }

    /// <summary>
    /// Refuses data read from <paramref name="path"/> whose samples have <paramref name="columns"/> values when the
    /// model takes <paramref name="width"/> inputs: a fact about the file and the model, not the command line (exit 3),
    /// whichever command reads it.
    /// </summary>
    public static void RequireWidth(string optionName, string path, int columns, int width)
    {
        if (columns != width)
        {
            throw new BadInputException($"{optionName} {DisplayName(path)} has {columns} values per sample, but the model takes {width} inputs.");
        }
    }

    private static Matrix<T> ReadRows<T>(Stream data, string name, PixelScaling scaling)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var text = new StreamReader(data);
        var table = Table.Read(text, name, header: null);
        var values = new T[table.MatrixLength(table.Columns.Length, "values")];
        for (var r = 0; r < table.Count; r++)
        {
            for (var c = 0; c < table.Columns.Length; c++)
            {
                var field = table.Rows[r][c];
                values[(r * table.Columns.Length) + c] = FieldNumber.TryRead(field, out var number) && T.IsFinite(T.CreateChecked(scaling.Scale(number)))
                    ? T.CreateChecked(scaling.Scale(number))
                    : throw new DataFormatException(name, $"data row {table.DataRow(r)}, field {c + 1}", "a finite number", $"'{field}'");
            }
        }

        return Matrix<T>.Create(table.Count, table.Columns.Length, values);
    }

    /// <summary>
    /// Refuses, before anything is read, a command line that gives standard input (<c>-</c>) to two of a command's
    /// inputs, listed in the order the command reads them: read first, the one input would have taken all of it, and
    /// what was read printed or refused, before the second was found.
    /// </summary>
    public static void RefuseStandardInputTwice(params (string Option, string? Path)[] inputs)
    {
        string? first = null;
        foreach (var (option, path) in inputs)
        {
            if (path != StandardInput)
            {
                continue;
            }

            first = first is null ? option : throw new UsageException($"{option} and {first} both read standard input ('-'), which can be read only once.");
        }
    }

    /// <summary>CSV text that is refused once it would need more memory than is left now (<see cref="BudgetedStream"/>).</summary>
    private static BudgetedStream Budgeted(Stream data, TextCost cost, string optionName, string path) =>
        new(data, cost, MemoryBudget.AvailableForData(), optionName, DisplayName(path));

    /// <summary>The bytes one value of <typeparamref name="T"/> takes: 4 for float32, 8 for float64.</summary>
    private static int ValueSize<T>()
        where T : unmanaged => System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    /// <summary>How a data path is named in messages: the path, or "standard input" for <c>-</c>.</summary>
    public static string DisplayName(string path) => path == StandardInput ? "standard input" : path;

    private Stream Open(string path, string optionName)
    {
        if (path != StandardInput)
        {
            RequireFile(path, optionName);
            return File.OpenRead(path);
        }

        if (standardInputTakenBy is { } first)
        {
            throw new UsageException($"{optionName} and {first} both read standard input ('-'), which can be read only once.");
        }

        if (ClosedStandardStreams.WasClosedAtStart(ClosedStandardStreams.Input))
        {
            throw new UsageException($"{optionName} - reads standard input, but nn was started with standard input closed; give a file, or pipe the data in.");
        }

        if (Directory.Exists("/dev/stdin"))
        {
            // A shell's '< dir' opens the directory; the first read would fail with "Is a directory", naming nothing.
            throw new BadInputException($"{optionName}: standard input (-) is a directory, not a file");
        }

        standardInputTakenBy = optionName;
        return Console.OpenStandardInput();
    }

    /// <summary>The --classes value, checked against the library's limit before any data is read.</summary>
    public int ClassCount(ParseResult parse)
    {
        var classes = parse.GetValue(Classes);
        if (classes < 1 || classes > Limits.MaxClasses)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--classes must be in 1..{Limits.MaxClasses} (Limits.MaxClasses), but is {classes}."));
        }

        return classes;
    }

    /// <summary>The scaling named on the command line, or x/255 when none is.</summary>
    public static PixelScaling ParseScaling(string? text) => text switch
    {
        null or "255" => PixelScaling.Bytes,
        "16" => PixelScaling.Digits,
        "textbook" => PixelScaling.Textbook,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var max) && max > 0 && double.IsFinite(max) => PixelScaling.Divide(max),
        _ => throw new UsageException($"--scale must be 255, 16, textbook or a positive number, but is '{text}'."),
    };

    public static void RequireFile(string path, string optionName)
    {
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException($"{optionName}: {path} is a directory, not a file", path);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{optionName}: file not found: {path}", path);
        }
    }

    /// <summary>
    /// A model file's bytes, read once from start to end: a model given as a pipe (<c>&lt;(cat m.nnm)</c>) cannot be
    /// opened a second time, so a command looks at these bytes rather than at the path again. A file that does not
    /// start as a model file does is read only as far as that (/dev/zero, a data set named by mistake), and the
    /// model reader refuses those bytes.
    /// </summary>
    public static byte[] ReadModel(string path, string optionName)
    {
        RequireFile(path, optionName);
        return FormatFile.Read(path, ModelFile.Magic);
    }

    /// <summary><see cref="ReadModel"/> for a file that may be a model or a checkpoint (<c>nn info</c>).</summary>
    public static byte[] ReadModelOrCheckpoint(string path, string optionName)
    {
        RequireFile(path, optionName);
        return FormatFile.Read(path, ModelFile.Magic, CheckpointFile.Magic);
    }

    /// <summary>The labels file next to an MNIST-style images file, or null when the name does not follow the convention.</summary>
    public static string? DefaultLabelsPath(string imagesPath)
    {
        var name = Path.GetFileName(imagesPath);
        var labels = name.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal).Replace("images.idx3", "labels.idx1", StringComparison.Ordinal);
        return labels == name ? null : Path.Combine(Path.GetDirectoryName(imagesPath) ?? string.Empty, labels);
    }

    /// <summary>
    /// Refuses an uncompressed IDX labels file (magic 0x00000801: one dimension, which no CSV starts with) given where the images go, which would
    /// otherwise be described as an images file without labels or fail as a malformed one. A compressed file's
    /// dimensions are behind the gzip stream; the IDX reader names them there.
    /// </summary>
    /// <param name="head">The file's first bytes.</param>
    /// <param name="optionName">The option that named the file.</param>
    /// <param name="path">The file.</param>
    /// <param name="advice">What to do instead, after the comma; by default the images as the option and this file as its <c>-labels</c> option (prediction has none).</param>
    private static void RefuseLabelsFile(ReadOnlySpan<byte> head, string optionName, string path, string? advice = null)
    {
        if (head.Length >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08 && head[3] == 1)
        {
            var instead = advice is null ? $"; give the images file as {optionName} and this one as {optionName}-labels" : $", {advice}";
            throw new UsageException($"{optionName} {DisplayName(path)} is an IDX labels file (one dimension){instead}.");
        }
    }

    /// <summary>
    /// Whether a file is IDX: gzip-compressed (only IDX data is read compressed) or starting with the byte 0x00, which
    /// no CSV does but one: the UTF-32 big-endian byte-order mark 00 00 FE FF, which the CSV reader decodes as it
    /// decodes UTF-16's and UTF-32 little-endian's (an IDX magic has its data type, 0x08, where the mark has 0xFE).
    /// </summary>
    private static bool IsIdx(ReadOnlySpan<byte> head) =>
        IdxData.IsGzip(head) || (head.Length >= 1 && head[0] == 0 && !head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]));
}
