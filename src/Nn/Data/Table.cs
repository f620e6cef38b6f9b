using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Nn;

/// <summary>How a table's first row was taken.</summary>
public enum TableHeader
{
    /// <summary>The first row is data; the columns are named by their 1-based position ("1", "2", …).</summary>
    Absent,

    /// <summary>The caller said the first row holds the column names.</summary>
    Given,

    /// <summary>The first row was taken as column names because a field of it is not a number.</summary>
    Detected,
}

/// <summary>
/// A CSV table as text: named columns and rows of fields, nothing converted yet, so that a column can hold
/// categories written as words as well as numbers. <see cref="Preprocessing"/> turns rows into network inputs.
/// Immutable; <see cref="Read"/> reads quoted fields as RFC 4180 writes them and checks that every row has as many
/// fields as the first.
/// </summary>
/// <example><code>
/// Table table = Table.Load("binary.csv", header: null);   // header detected: admit,gre,gpa,rank
/// int gpa = table.ColumnIndex("gpa");                     // 2
/// </code></example>
public sealed class Table
{
    // Each row's 1-based place among the source's data rows, so that a message about a row of a split names the file's row.
    private readonly ImmutableArray<int> dataRows;

    // Made on the first lookup, for all later ones (two threads may each make one; both answer alike).
    private ColumnLookup? lookup;

    private Table(string source, ImmutableArray<string> columns, ImmutableArray<ImmutableArray<string>> rows, TableHeader header, ImmutableArray<int> dataRows = default)
    {
        Source = source;
        Columns = columns;
        Rows = rows;
        Header = header;
        this.dataRows = dataRows.IsDefault ? Enumerable.Range(1, rows.Length).ToImmutableArray() : dataRows;
    }

    /// <summary>Where the rows came from (the path given to <see cref="Read"/>), for messages.</summary>
    public string Source { get; }

    /// <summary>The column names, in file order: the header's, or "1", "2", … without one.</summary>
    public ImmutableArray<string> Columns { get; }

    /// <summary>The data rows, each with one field per column: an unquoted field trimmed of surrounding spaces, a quoted one as written between its quotes.</summary>
    public ImmutableArray<ImmutableArray<string>> Rows { get; }

    /// <summary>How the first row was taken.</summary>
    public TableHeader Header { get; }

    /// <summary>The number of data rows.</summary>
    public int Count => Rows.Length;

    /// <summary>
    /// The values of a matrix of this table's rows × <paramref name="width"/> columns of <paramref name="what"/>,
    /// refused as a fact about the data when they pass <see cref="Limits.MaxElements"/> (one-hot columns with many
    /// categories multiply the width).
    /// </summary>
    internal int MatrixLength(int width, string what) =>
        (long)Count * width <= Limits.MaxElements
            ? Count * width
            : throw new DataFormatException(
                Source,
                "the table",
                string.Create(CultureInfo.InvariantCulture, $"at most {Limits.MaxElements} {what} in all (rows × {what} per row)"),
                string.Create(CultureInfo.InvariantCulture, $"{Count} rows × {width} {what}"));

    /// <summary>Reads a CSV file as a table.</summary>
    /// <param name="path">The file.</param>
    /// <param name="header">True: the first row names the columns; false: it is data; null: detect (a header when a field of it is not a number).</param>
    /// <returns>The table.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A row has another number of fields than the first, a name repeats or is empty or white space, there is no data row, or a quoted field is malformed (left open, or followed by text before the next comma).</exception>
    public static Table Load(string path, bool? header)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Read(reader, path, header);
    }

    /// <summary>
    /// Reads CSV text as a table, record by record; blank lines are skipped. A field in double quotes may hold commas,
    /// line breaks (read as "\n") and doubled quotes, as R's <c>write.csv</c>, Excel and pandas write them.
    /// </summary>
    /// <param name="reader">The text; read to its end.</param>
    /// <param name="sourceName">The name used in error messages (usually the path).</param>
    /// <param name="header">True: the first row names the columns; false: it is data; null: detect.</param>
    /// <returns>The table.</returns>
    /// <exception cref="DataFormatException">A row has another number of fields than the first, a name repeats or is empty or white space, there is no data row, or a quoted field is malformed (left open, or followed by text before the next comma).</exception>
    public static Table Read(TextReader reader, string sourceName, bool? header)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        ImmutableArray<string>? columns = null;
        var kind = TableHeader.Absent;
        var rows = ImmutableArray.CreateBuilder<ImmutableArray<string>>();
        var width = -1;
        var records = new CsvRecords(reader, sourceName);
        while (records.Next(width < 0 ? Limits.MaxWidth : width, out var split, out var count))
        {
            var lineNumber = records.Line;
            if (width < 0 && split is null)
            {
                throw new DataFormatException(sourceName, $"line {lineNumber}", $"at most {Limits.MaxWidth} columns (Limits.MaxWidth)", $"{count}");
            }

            if (width >= 0 && count != width)
            {
                throw new DataFormatException(sourceName, $"line {lineNumber}", $"{width} fields (as on the first line)", $"{count}");
            }

            var fields = split!.ToImmutableArray();
            if (width < 0)
            {
                width = fields.Length;
                kind = header switch
                {
                    true => TableHeader.Given,
                    false => TableHeader.Absent,
                    null => fields.Any(field => !IsNumber(field)) ? TableHeader.Detected : TableHeader.Absent,
                };
                if (kind != TableHeader.Absent)
                {
                    columns = CheckNames(fields, sourceName, lineNumber);
                    continue;
                }
            }

            rows.Add(fields);
        }

        if (rows.Count == 0)
        {
            throw new DataFormatException(sourceName, $"line {Math.Max(1, records.LinesRead)}", "at least one row of data", "no data rows");
        }

        var names = columns ?? Enumerable.Range(1, width).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToImmutableArray();
        return new Table(sourceName, names, rows.ToImmutable(), kind);
    }

    /// <summary>A table from names and rows already in memory (each row as wide as <paramref name="columns"/>).</summary>
    /// <param name="columns">The column names, distinct and not empty.</param>
    /// <param name="rows">The rows of fields.</param>
    /// <returns>The table, its header <see cref="TableHeader.Given"/>.</returns>
    /// <exception cref="ArgumentException">
    /// There are no columns or no rows, a row is null or its width differs, a field is null (an empty field is ""), a
    /// name repeats or is empty, or <paramref name="columns"/> or a row is a default <see cref="ImmutableArray{T}"/>.
    /// </exception>
    public static Table Create(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        if (columns is ImmutableArray<string> { IsDefault: true })
        {
            throw new ArgumentException("columns is a default ImmutableArray, which names no columns.", nameof(columns));
        }

        var names = columns.ToImmutableArray();
        if (names.IsEmpty)
        {
            throw new ArgumentException("a table must have at least 1 column, but none is named.", nameof(columns));
        }

        if (names.Any(string.IsNullOrWhiteSpace) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            throw new ArgumentException($"column names must be distinct and not empty, but are {ColumnList.Of(names)}.", nameof(columns));
        }

        var built = ImmutableArray.CreateBuilder<ImmutableArray<string>>();
        foreach (var row in rows)
        {
            built.Add(Fields(row, built.Count, names, nameof(rows)));
        }

        if (built.Count == 0)
        {
            throw new ArgumentException("a table must hold at least 1 row, but has 0.", nameof(rows));
        }

        return new Table("the table", names, built.ToImmutable(), TableHeader.Given);
    }

    /// <summary>Row <paramref name="index"/> given to <see cref="Create"/>, checked: one field per column, none null.</summary>
    private static ImmutableArray<string> Fields(IReadOnlyList<string>? row, int index, ImmutableArray<string> names, string parameter)
    {
        var fields = row switch
        {
            null => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"row {index} is null."), parameter),
            ImmutableArray<string> { IsDefault: true } =>
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"row {index} is a default ImmutableArray, which holds no fields."), parameter),
            _ => row.ToImmutableArray(),
        };
        if (fields.Length != names.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"row {index} must have {names.Length} fields (one per column), but has {fields.Length}."), parameter);
        }

        var missing = fields.IndexOf(null!);
        if (missing >= 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"row {index}'s field {missing} (column '{names[missing]}') is null; an empty field is \"\"."), parameter);
        }

        return fields;
    }

    /// <summary>
    /// The position of a column given by name or by 1-based number: a name matches first, so a header may use
    /// digits; a number 1..<see cref="Columns"/>.Length names a position otherwise.
    /// </summary>
    /// <param name="nameOrNumber">A column name, or its 1-based position.</param>
    /// <returns>The 0-based index into each row.</returns>
    /// <exception cref="ArgumentException">No column has that name or number; the message lists the names.</exception>
    public int ColumnIndex(string nameOrNumber) => (lookup ??= new ColumnLookup(Columns)).Index(nameOrNumber);

    /// <summary>The rows at the given indices, in that order, with the same columns; each keeps its <see cref="DataRow"/>.</summary>
    /// <param name="indices">Row indices, at least one, each in 0..<see cref="Count"/>−1.</param>
    /// <returns>A new table.</returns>
    /// <exception cref="ArgumentException">No index is given (a table holds at least one row), or one is out of range.</exception>
    public Table Select(IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        Guard.NotDefault(indices, nameof(indices));
        var chosen = indices.ToArray();
        if (chosen.Length == 0)
        {
            throw new ArgumentException("a table holds at least 1 row, but no row was selected.", nameof(indices));
        }

        foreach (var index in chosen)
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), string.Create(CultureInfo.InvariantCulture, $"row indices must be in 0..{Count - 1}, but {index} is not."));
            }
        }

        return new Table(Source, Columns, chosen.Select(i => Rows[i]).ToImmutableArray(), Header, chosen.Select(i => dataRows[i]).ToImmutableArray());
    }

    /// <summary>
    /// Where a row is in <see cref="Source"/>: its 1-based place among the data rows (the header not counted), kept
    /// by <see cref="Select"/>, so that a message about row 37 of a training split names the file's row.
    /// </summary>
    /// <param name="row">The row's 0-based index in this table.</param>
    /// <returns>The row's 1-based place among the source's data rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside [0, <see cref="Count"/>).</exception>
    public int DataRow(int row)
    {
        Guard.Index(nameof(row), row, dataRows.Length);
        return dataRows[row];
    }

    /// <inheritdoc/>
    public override string ToString() => $"Table({Count} rows: {ColumnList.Of(Columns)})";

    /// <summary>Whether a field reads as a finite number in the invariant culture.</summary>
    /// <param name="field">The text.</param>
    /// <returns>True for "3.61", "-1e3"; false for "admit", "", "NaN", and "5\0" (a NUL is not part of a number).</returns>
    public static bool IsNumber(string field) => FieldNumber.TryRead(field, out _);

    private static ImmutableArray<string> CheckNames(ImmutableArray<string> names, string sourceName, int lineNumber)
    {
        var seen = new HashSet<string>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0)
            {
                // R's write.csv leaves the header of its row-name column empty; taking that column as a feature would learn row numbers.
                throw new DataFormatException(
                    sourceName,
                    $"line {lineNumber}, field {i + 1}",
                    "a column name",
                    i == 0 ? "an empty field (as R's write.csv writes above row names: write with row.names = FALSE, or name the column)" : "an empty field");
            }

            if (string.IsNullOrWhiteSpace(names[i]))
            {
                // Only a quoted field keeps its spaces; Create refuses such a name too.
                throw new DataFormatException(sourceName, $"line {lineNumber}, field {i + 1}", "a column name", "only white space");
            }

            if (!seen.Add(names[i]))
            {
                throw new DataFormatException(sourceName, $"line {lineNumber}, field {i + 1}", "distinct column names", $"'{names[i]}' twice");
            }
        }

        return names;
    }
}
