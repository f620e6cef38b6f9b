using System.Globalization;
using System.Linq;
using System.Text;

namespace Nn.Cli;

/// <summary>
/// How nn prints text it did not write itself, such as a column name, a category or a field read from a data file,
/// so that every message and description stays one line a person can read. A quoted CSV field may hold line breaks,
/// tabs and other control characters: printed raw, a line break split the one-line "nn: ..." message in two, and a
/// control character is invisible or moves the cursor.
/// </summary>
internal static class Printable
{
    /// <summary>
    /// <paramref name="text"/> with each control character, and the Unicode line and paragraph separators, written as
    /// an escape: <c>\n</c>, <c>\r</c>, <c>\t</c>, any other as <c>\u</c> and four hexadecimal digits (<c>\u0001</c>).
    /// Every other character is left as it is.
    /// </summary>
    /// <param name="text">A message or a field.</param>
    /// <returns>The text on one line.</returns>
    /// <example><c>Printable.Line("ci\nty")</c> is <c>ci\nty</c> with a backslash and an n.</example>
    public static string Line(string text) => text.Any(IsControl) ? Escape(text, quoted: false) : text;

    /// <summary>
    /// A column name or a category as a list of them shows it: as it is when every character is one that cannot run
    /// into the list around it, otherwise in double quotes, with <c>\"</c> for a quote, <c>\\</c> for a backslash and
    /// control characters escaped as <see cref="Line"/> does. So a space, a comma, a quote or a backslash always
    /// comes in quotes, and a name with none of them reads exactly as written.
    /// </summary>
    /// <param name="name">The name or category.</param>
    /// <returns>The name as printed.</returns>
    /// <example><c>rank</c>, <c>"New York, NY"</c>, <c>"Lyon \"a\""</c>, <c>"ci\nty"</c>.</example>
    public static string Name(string name) =>
        name.Length > 0 && !name.Any(c => c is ',' or '"' or '\\' || char.IsWhiteSpace(c) || IsControl(c)) ? name : $"\"{Escape(name, quoted: true)}\"";

    private static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    private static string Escape(string text, bool quoted)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c == '\n')
            {
                escaped.Append("\\n");
            }
            else if (c == '\r')
            {
                escaped.Append("\\r");
            }
            else if (c == '\t')
            {
                escaped.Append("\\t");
            }
            else if (IsControl(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append((quoted && c is '"' or '\\') ? "\\" : string.Empty).Append(c);
            }
        }

        return escaped.ToString();
    }
}
