using System;
using System.Globalization;
using System.Text;

namespace Nn;

/// <summary>
/// A record's text with its numbers in the invariant culture. The ToString the compiler writes for a record formats
/// numbers in the current culture (a deviation of 1.5 reads "1,5" under de-DE), unlike every other number the
/// library writes; a public record that holds numbers overrides ToString with <see cref="Text"/>, which runs the
/// compiler's PrintMembers under the invariant culture, so every member, one added later included, is printed.
/// </summary>
internal static class InvariantRecord
{
    /// <summary>"Name { A = 1.5, B = 2 }", framed as the compiler frames a record's text.</summary>
    /// <param name="name">The record's name, without type arguments (as the compiler writes it).</param>
    /// <param name="printMembers">The record's compiler-written PrintMembers.</param>
    /// <returns>The text, whatever the current culture.</returns>
    public static string Text(string name, Func<StringBuilder, bool> printMembers)
    {
        var builder = new StringBuilder(name).Append(" { ");

        // The culture is the thread's and is put back even if a member's ToString throws.
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            if (printMembers(builder))
            {
                builder.Append(' ');
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        return builder.Append('}').ToString();
    }
}
