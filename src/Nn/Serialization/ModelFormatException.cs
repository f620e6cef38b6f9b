using System;

namespace Nn;

/// <summary>
/// A model or checkpoint file cannot be loaded: wrong magic, an unsupported version, a truncated file, a checksum
/// mismatch or a value that makes no sense. The message names the file, the byte offset, what was expected and what
/// was found. A load that throws it returns nothing.
/// </summary>
/// <example><code>
/// try { var network = ModelFile.Load&lt;float&gt;("model.nnm"); }
/// catch (ModelFormatException e) { Console.Error.WriteLine(e.Message); }
/// </code></example>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    /// <param name="fileName">The file's path.</param>
    /// <param name="offset">The byte offset of the problem.</param>
    /// <param name="expected">What the reader expected there.</param>
    /// <param name="actual">What it found.</param>
    public ModelFormatException(string fileName, long offset, string expected, string actual)
        : base($"{fileName}, byte {offset}: expected {expected}, but found {actual}.")
    {
        FileName = fileName;
        Offset = offset;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The file's path, as given to the loader.</summary>
    public string FileName { get; }

    /// <summary>The byte offset of the problem.</summary>
    public long Offset { get; }

    /// <summary>What the loader expected.</summary>
    public string Expected { get; }

    /// <summary>What it found.</summary>
    public string Actual { get; }
}
