using System;
using System.Collections.Generic;
using System.Globalization;

namespace Nn;

/// <summary>
/// A table's columns found by name or by 1-based number, as <see cref="Table.ColumnIndex"/> answers, with the names'
/// positions taken once: searching the names for each lookup made naming every column of a wide table cost its width
/// squared (fitting 80,000 listed features spent 10 s in the searches).
/// </summary>
/// <param name="names">The column names, in their order; read once, when the lookup is made.</param>
internal sealed class ColumnLookup(IReadOnlyList<string> names)
{
    private readonly Dictionary<string, int> positions = ColumnList.Positions(names);

    /// <summary>The position of a column given by name (trimmed) or, when no name matches, by 1-based number.</summary>
    /// <exception cref="ArgumentException">No column has that name or number; the message lists the names.</exception>
    public int Index(string nameOrNumber)
    {
        ArgumentNullException.ThrowIfNull(nameOrNumber);
        if (positions.TryGetValue(nameOrNumber.Trim(), out var byName))
        {
            return byName;
        }

        if (int.TryParse(nameOrNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= names.Count)
        {
            return number - 1;
        }

        throw new ArgumentException(
            $"no column is named or numbered '{nameOrNumber}'; the columns are {ColumnList.Of(names)} (or 1..{names.Count} by position).", nameof(nameOrNumber));
    }
}
