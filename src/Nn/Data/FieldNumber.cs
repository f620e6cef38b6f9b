using System;
using System.Globalization;

namespace Nn;

/// <summary>How a field of a CSV file or table reads as a number: one rule for every reader of text data.</summary>
internal static class FieldNumber
{
    /// <summary>
    /// Reads <paramref name="field"/> as a finite number in the invariant culture, surrounding white space allowed.
    /// A field holding a NUL character is not a number: .NET's parser ignores trailing NULs, so "5\0\0" would read
    /// as 5, and NULs in a text file mean binary data or a wrong encoding (UTF-16), not digits.
    /// </summary>
    /// <param name="field">The field's text.</param>
    /// <param name="value">The number; 0 when the field is not one.</param>
    /// <returns>True for "3.61", " -1e3 "; false for "admit", "", "NaN", "1e999", "5\0".</returns>
    public static bool TryRead(ReadOnlySpan<char> field, out double value)
    {
        if (field.Contains('\0'))
        {
            value = 0;
            return false;
        }

        return double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }
}
