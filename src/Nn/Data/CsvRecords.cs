using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Nn;

/// <summary>
/// The records of CSV text, with quoting as RFC 4180 writes it (and R's <c>write.csv</c>, Excel and pandas produce):
/// fields are separated by commas; a field in double quotes may hold commas, line breaks and doubled quotes (<c>""</c>
/// for one <c>"</c>) and is taken verbatim. An unquoted field is trimmed of surrounding spaces, and a quote inside it is
/// an ordinary character (<c>12" pipe</c>), as spreadsheets read it. Blank lines outside a quoted field are skipped.
/// </summary>
internal sealed class CsvRecords(TextReader reader, string sourceName)
{
    private readonly LineReader lines = new(reader, sourceName);

    /// <summary>The line the record last returned by <see cref="Next"/> starts on, from 1.</summary>
    public int Line { get; private set; }

    /// <summary>The lines read so far (blank ones included), from 0.</summary>
    public int LinesRead => lines.Number;

    /// <summary>
    /// The next record that is not a blank line, or null at the end of the text. A record of more than
    /// <paramref name="maxFields"/> fields is counted without its fields being made: <paramref name="fields"/> is
    /// then null and <paramref name="count"/> says how many there are.
    /// </summary>
    /// <exception cref="DataFormatException">A quoted field is left open at the end of the text, text follows a closing quote, or a record is longer than <see cref="Limits.MaxLineLength"/>.</exception>
    public bool Next(int maxFields, out List<string>? fields, out int count)
    {
        string? line;
        while ((line = lines.Next()) is not null)
        {
            Line = lines.Number;
            if (line.Contains('"', StringComparison.Ordinal))
            {
                fields = Quoted(line, maxFields, out count);
                return true;
            }

            if (line.AsSpan().Trim().IsEmpty)
            {
                continue;
            }

            // Counted before the line is split, so a line of millions of empty fields is refused without making them.
            count = line.AsSpan().Count(',') + 1;
            fields = count > maxFields ? null : line.Split(',').Select(field => field.Trim()).ToList();
            return true;
        }

        fields = null;
        count = 0;
        return false;
    }

    /// <summary>
    /// A field as a record writes it so that <see cref="Next"/> reads it back unchanged: in quotes (its own doubled)
    /// when it is empty (an empty line is skipped), holds a comma, a quote or a line break, or starts or ends with a
    /// space; as it is otherwise.
    /// </summary>
    public static string Field(string text) =>
        text.Length == 0 || text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])
            ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : text;

    /// <summary>Splits a record that holds a quote, reading further lines while a quoted field is open.</summary>
    private List<string>? Quoted(string first, int maxFields, out int count)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = first;
        var length = (long)line.Length;
        var quoted = false;
        var wasQuoted = false;
        var opened = Line;
        count = 0;
        var i = 0;
        while (true)
        {
            if (i == line.Length)
            {
                if (!quoted)
                {
                    Add(fields, field, wasQuoted, maxFields, ref count);
                    return count > maxFields ? null : fields;
                }

                line = lines.Next() ?? throw new DataFormatException(
                    sourceName, Where(opened, count), "a closing quote (\") for the field opened there", "the end of the text");
                length += line.Length + 1;
                if (length > Limits.MaxLineLength)
                {
                    throw new DataFormatException(
                        sourceName,
                        Where(Line, count),
                        string.Create(CultureInfo.InvariantCulture, $"at most {Limits.MaxLineLength} characters per record (Limits.MaxLineLength)"),
                        $"a longer record (its quoted field opened on line {opened.ToString(CultureInfo.InvariantCulture)})");
                }

                field.Append('\n');
                i = 0;
                continue;
            }

            var c = line[i++];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i < line.Length && line[i] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                    i = AfterClosingQuote(line, i, count);
                }
            }
            else if (c == ',')
            {
                Add(fields, field, wasQuoted, maxFields, ref count);
                wasQuoted = false;
            }
            else if (c == '"' && !wasQuoted && field.ToString().AsSpan().Trim().IsEmpty)
            {
                field.Clear();
                quoted = wasQuoted = true;
                opened = lines.Number;
            }
            else
            {
                field.Append(c);
            }
        }
    }

    /// <summary>Skips the spaces after a closing quote; anything else but a comma or the line's end is refused.</summary>
    private int AfterClosingQuote(string line, int i, int count)
    {
        while (i < line.Length && char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        return i == line.Length || line[i] == ','
            ? i
            : throw new DataFormatException(sourceName, Where(lines.Number, count), "a comma or the end of the line after a closing quote", $"'{line[i]}'");
    }

    /// <summary>Ends a field: a quoted one is kept verbatim, an unquoted one trimmed; past the bound it is only counted.</summary>
    private static void Add(List<string> fields, StringBuilder field, bool wasQuoted, int maxFields, ref int count)
    {
        if (++count <= maxFields)
        {
            fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim());
        }

        field.Clear();
    }

    private static string Where(int line, int fieldsBefore) =>
        string.Create(CultureInfo.InvariantCulture, $"line {line}, field {fieldsBefore + 1}");
}
