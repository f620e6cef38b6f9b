using System.Globalization;

namespace Nn.Cli;

/// <summary>
/// The memory a reader of CSV text keeps, at its peak, for what it has read: so much a byte of text, a comma and a
/// line, times <see cref="MemoryBudget.DataOverhead"/>. A byte count alone cannot say it: the 4 bytes "1,2\n" cost a
/// table 170 bytes, while a field padded with a hundred spaces costs it only the string left once they are trimmed,
/// so the text's commas and line breaks are counted too, which a stream can do as they pass (<see cref="BudgetedStream"/>).
/// </summary>
/// <remarks>
/// Measured on 50 MB files by the smallest DOTNET_GCHeapHardLimit under which the reader finished, in bytes a byte of
/// text: label-first numeric CSV read as float32 samples of 10 classes took 13.4 at 6 bytes a line ("1,2,0"), 5.4 at
/// 64 values of 0..16 and 5.0 at 784 pixels; a headed table read and turned into float32 inputs and targets took 43.1
/// at 4 bytes a line ("1,2") and 21.1 at 13 ("1,512,3.14,2"). These figures give from 1.5% less to 4% more than those
/// heaps, before the quarter <see cref="MemoryBudget.DataOverhead"/> adds.
/// </remarks>
/// <param name="Form">What the text becomes, for the message ("samples", "a table").</param>
/// <param name="PerByte">Bytes kept for each byte of text: a table keeps the fields' characters, two bytes each.</param>
/// <param name="PerComma">Bytes kept for each comma: each ends a value or a field.</param>
/// <param name="PerLine">Bytes kept for each line break: the line's last field and the row or sample itself.</param>
/// <param name="Rule">The figures in words, for the message.</param>
internal readonly record struct TextCost(string Form, double PerByte, double PerComma, double PerLine, string Rule)
{
    /// <summary>
    /// Labelled samples as <see cref="CsvData.Read{T}"/> keeps them: each value in a list that grows by doubling (3
    /// values' room at a copy), each line's label likewise (12 bytes) and once more in the data set (4), and its one-hot
    /// target row of <paramref name="classes"/> values.
    /// </summary>
    /// <param name="valueSize">Bytes a value: 4 for float32, 8 for float64.</param>
    /// <param name="classes">The --classes value, the width of each target row.</param>
    public static TextCost Samples(int valueSize, int classes)
    {
        var perLine = 16 + ((double)classes * valueSize);
        return new(
            "samples",
            0,
            3.0 * valueSize,
            perLine,
            string.Create(CultureInfo.InvariantCulture, $"{3 * valueSize} bytes a value and {perLine} a line, its label and {classes} one-hot targets"));
    }

    /// <summary>
    /// A table as <see cref="Table.Read"/> keeps it, and the numbers made from it while it is held: each field a string
    /// (about 30 bytes besides two a character) with its 8-byte slot in the row, and an 8-byte number once converted;
    /// each row an array (24 bytes) in a list that grows by doubling (24) and its place in the file (4), with 20 to
    /// spare for its label or targets. The numbers are taken as float64, which nn gradcheck uses; float32 costs less.
    /// </summary>
    public static TextCost Table() =>
        new("a table", 2, 45, 45 + 72, "2 bytes a byte of text, 45 a field and 72 a row");

    /// <summary>The bytes of memory holding text of these counts takes, the runtime's room included.</summary>
    /// <param name="bytes">The bytes of text read.</param>
    /// <param name="commas">The commas among them.</param>
    /// <param name="lines">The line breaks among them.</param>
    public double Need(long bytes, long commas, long lines) =>
        MemoryBudget.DataOverhead * ((PerByte * bytes) + (PerComma * commas) + (PerLine * lines));
}
