using System;

namespace Nn;

/// <summary>
/// A data file is malformed: a truncated or wrong-magic IDX file, a CSV line with the wrong number of fields or a
/// field that is not a number, a label outside the class range. The message names the file, where the problem is
/// (line or byte offset), what was expected and what was found. A reader that throws it returns no data at all.
/// </summary>
/// <example><code>
/// try { CsvData.Load&lt;float&gt;("train.csv", CsvOptions.Mnist); }
/// catch (DataFormatException e) { Console.Error.WriteLine(e.Message); }
/// </code></example>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    /// <param name="source">The file's path (or another name for the source).</param>
    /// <param name="location">Where in the file, e.g. "line 7" or "byte 16".</param>
    /// <param name="expected">What the reader expected there.</param>
    /// <param name="actual">What it found.</param>
    public DataFormatException(string source, string location, string expected, string actual)
        : base($"{source}, {location}: expected {expected}, but found {actual}.")
    {
        FileName = source;
        Location = location;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The file's path, as given to the reader.</summary>
    public string FileName { get; }

    /// <summary>Where in the file the problem is, e.g. "line 7" or "byte 16".</summary>
    public string Location { get; }

    /// <summary>What the reader expected.</summary>
    public string Expected { get; }

    /// <summary>What it found.</summary>
    public string Actual { get; }
}
