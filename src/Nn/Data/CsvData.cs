using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;

namespace Nn;

/// <summary>
/// Reads labelled samples from CSV: one sample per line, comma-separated numbers, one of them the label. Lines are
/// read one at a time (never the whole file as one string); every line must have as many fields as the first.
/// A value beyond the range of the element type (1e39 read as float) is malformed too.
/// Any malformed line throws <see cref="DataFormatException"/> naming the file, line and field, and nothing is returned.
/// </summary>
/// <example><code>
/// Dataset&lt;float&gt; train = CsvData.Load&lt;float&gt;("mnist_train_100.csv", CsvOptions.Mnist);
/// </code></example>
public static class CsvData
{
    /// <summary>Reads a CSV file.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="options">Label column, class count, scaling.</param>
    /// <returns>The data set, with one-hot targets.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A line is malformed or a label is out of range.</exception>
    public static Dataset<T> Load<T>(string path, CsvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Read<T>(reader, path, options);
    }

    /// <summary>Reads CSV text from a reader, line by line.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="reader">The text; read to its end.</param>
    /// <param name="sourceName">The name used in error messages (usually the path).</param>
    /// <param name="options">Label column, class count, scaling.</param>
    /// <returns>The data set, with one-hot targets.</returns>
    /// <exception cref="DataFormatException">A line is malformed, a label is out of range, or there are no lines.</exception>
    public static Dataset<T> Read<T>(TextReader reader, string sourceName, CsvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(options);
        var scaling = options.Scaling ?? PixelScaling.Bytes;
        var values = new List<T>();
        var labels = new List<int>();
        var fieldCount = -1;
        string? line;
        var lines = new LineReader(reader, sourceName);
        while ((line = lines.Next()) is not null)
        {
            var lineNumber = lines.Number;
            if (line.AsSpan().Trim().IsEmpty)
            {
                continue;
            }

            var count = line.AsSpan().Count(',') + 1;
            if (fieldCount < 0)
            {
                if (count < 2)
                {
                    throw new DataFormatException(sourceName, $"line {lineNumber}", "a label and at least 1 value (2 or more fields)", $"{count} field");
                }

                if (count - 1 > Limits.MaxWidth)
                {
                    throw new DataFormatException(sourceName, $"line {lineNumber}", $"at most {Limits.MaxWidth} values per sample (Limits.MaxWidth)", $"{count - 1}");
                }

                fieldCount = count;
            }
            else if (count != fieldCount)
            {
                throw new DataFormatException(sourceName, $"line {lineNumber}", $"{fieldCount} fields (as on the first line)", $"{count}");
            }

            if ((long)values.Count + fieldCount - 1 > Limits.MaxElements)
            {
                throw new DataFormatException(sourceName, $"line {lineNumber}", $"at most {Limits.MaxElements} values in all (Limits.MaxElements)", $"{labels.Count + 1} samples of {fieldCount - 1}");
            }

            var labelField = options.Label == LabelColumn.First ? 0 : fieldCount - 1;
            var rest = line.AsSpan();
            for (var field = 0; field < fieldCount; field++)
            {
                var comma = rest.IndexOf(',');
                var text = (comma < 0 ? rest : rest[..comma]).Trim();
                rest = comma < 0 ? ReadOnlySpan<char>.Empty : rest[(comma + 1)..];
                if (!FieldNumber.TryRead(text, out var number))
                {
                    throw new DataFormatException(sourceName, $"line {lineNumber}, field {field + 1}", "a finite number", $"'{text.ToString()}'");
                }

                if (field == labelField)
                {
                    if (number != Math.Floor(number) || number < 0 || number >= options.ClassCount)
                    {
                        throw new DataFormatException(
                            sourceName, $"line {lineNumber}, field {field + 1}", $"a label in 0..{options.ClassCount - 1}", number.ToString(CultureInfo.InvariantCulture));
                    }

                    labels.Add((int)number);
                }
                else
                {
                    // A finite double can still be out of range of float: 1e39 would become ∞ and poison training.
                    var value = T.CreateChecked(scaling.Scale(number));
                    if (!T.IsFinite(value))
                    {
                        throw new DataFormatException(
                            sourceName, $"line {lineNumber}, field {field + 1}", $"a value that stays finite as {ElementTypes.Name<T>()} once scaled", $"'{text.ToString()}'");
                    }

                    values.Add(value);
                }
            }
        }

        if (labels.Count == 0)
        {
            throw new DataFormatException(sourceName, "line 1", "at least one line of data", "no data lines");
        }

        var inputs = Matrix<T>.Own(labels.Count, fieldCount - 1, values.ToArray());
        return Dataset.FromLabels(inputs, labels, options.ClassCount, scaling.TargetOn, scaling.TargetOff);
    }
}
