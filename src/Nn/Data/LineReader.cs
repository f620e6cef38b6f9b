using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace Nn;

/// <summary>
/// The lines of CSV text, as <see cref="TextReader.ReadLine"/> splits them (at "\n", "\r" or "\r\n"), with a bound on
/// their length: a line longer than the bound is refused with a <see cref="DataFormatException"/> naming it as soon as
/// its length passes the bound. <see cref="TextReader.ReadLine"/> itself reads a line of any length, until the runtime
/// cannot grow the string and fails with an error about its own buffers.
/// </summary>
internal sealed class LineReader(TextReader reader, string sourceName, int maxLength = Limits.MaxLineLength)
{
    private readonly char[] buffer = new char[1 << 14];
    private readonly StringBuilder line = new();
    private int start;
    private int end;
    private bool afterCarriageReturn;
    private bool ended;

    /// <summary>The number of the line <see cref="Next"/> last returned, from 1 (blank lines count); 0 before the first.</summary>
    public int Number { get; private set; }

    /// <summary>The next line without its line break, or null at the end of the text.</summary>
    /// <exception cref="DataFormatException">The line is longer than the bound.</exception>
    public string? Next()
    {
        line.Clear();
        var any = false;
        while (true)
        {
            if (start == end && !Refill())
            {
                return any ? Line() : null;
            }

            if (afterCarriageReturn)
            {
                afterCarriageReturn = false;
                if (buffer[start] == '\n')
                {
                    start++;
                    continue;
                }
            }

            any = true;
            var rest = buffer.AsSpan(start, end - start);
            var stop = rest.IndexOfAny('\r', '\n');
            var taken = stop < 0 ? rest.Length : stop;
            if ((long)line.Length + taken > maxLength)
            {
                throw new DataFormatException(
                    sourceName,
                    string.Create(CultureInfo.InvariantCulture, $"line {Number + 1}"),
                    string.Create(CultureInfo.InvariantCulture, $"at most {maxLength} characters per line (Limits.MaxLineLength)"),
                    "a longer line");
            }

            line.Append(rest[..taken]);
            if (stop < 0)
            {
                start = end;
                continue;
            }

            afterCarriageReturn = rest[stop] == '\r';
            start += stop + 1;
            return Line();
        }
    }

    /// <summary>The line gathered, counted.</summary>
    private string Line()
    {
        Number++;
        return line.ToString();
    }

    /// <summary>Reads the next block of text; false at its end.</summary>
    private bool Refill()
    {
        if (ended)
        {
            return false;
        }

        start = 0;
        end = reader.Read(buffer, 0, buffer.Length);
        ended = end == 0;
        return !ended;
    }
}
