using System;
using System.CommandLine;
using System.Globalization;
using System.IO;

namespace Nn.Cli;

/// <summary>
/// The options that say how to read a data file (label column, scaling, class count) and the loader that picks
/// IDX or CSV by the file's content. For IDX images files the labels file is given explicitly or found by
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

    /// <summary>Reads a data file as IDX (when its magic says so, plain or gzip) or CSV.</summary>
    public Dataset<T> Load<T>(ParseResult parse, string path, string? labelsPath, string optionName)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var classes = parse.GetValue(Classes);
        if (classes < 1)
        {
            throw new UsageException($"--classes must be at least 1, but is {classes}.");
        }

        var scaling = ParseScaling(parse.GetValue(Scale));
        RequireFile(path, optionName);
        if (IsIdx(path))
        {
            var labels = labelsPath ?? DefaultLabelsPath(path)
                ?? throw new UsageException($"{optionName} {path} is an IDX images file; give its labels file with {optionName}-labels.");
            RequireFile(labels, $"{optionName}-labels");
            return IdxData.Load<T>(path, labels, scaling, classes);
        }

        if (labelsPath is not null)
        {
            throw new UsageException($"{optionName}-labels is only for IDX images files, but {path} is not an IDX file.");
        }

        var column = parse.GetValue(LabelColumn) switch
        {
            "first" => Nn.LabelColumn.First,
            "last" => Nn.LabelColumn.Last,
            var other => throw new UsageException($"--label-column must be first or last, but is '{other}'."),
        };
        return CsvData.Load<T>(path, new CsvOptions(column, classes, scaling));
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
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{optionName}: file not found: {path}", path);
        }
    }

    /// <summary>The labels file next to an MNIST-style images file, or null when the name does not follow the convention.</summary>
    public static string? DefaultLabelsPath(string imagesPath)
    {
        var name = Path.GetFileName(imagesPath);
        var labels = name.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal).Replace("images.idx3", "labels.idx1", StringComparison.Ordinal);
        return labels == name ? null : Path.Combine(Path.GetDirectoryName(imagesPath) ?? string.Empty, labels);
    }

    /// <summary>Whether the file is IDX: gzip-compressed (only IDX data is read compressed) or starting with the byte 0x00, which no CSV does.</summary>
    private static bool IsIdx(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        var read = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        return (read == 2 && head[0] == 0x1f && head[1] == 0x8b) || (read >= 1 && head[0] == 0);
    }
}
