using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Nn;

/// <summary>
/// How a message lists column names for a person to read: every one of a table of a few dozen columns, but only the
/// first <see cref="Listed"/> of a wide one and a count of the rest, since a table of 50,000 columns made a message
/// of 50,000 names on one line. Lists a program reads (a CSV header, a model file) keep every name.
/// </summary>
internal static class ColumnList
{
    /// <summary>
    /// The most column names a list shows. A table a person reads column by column (binary.csv's 4, the 30 features
    /// of the Wisconsin breast-cancer data) is listed whole; beyond this, a line of names no longer reads, and the
    /// first ones and the count tell which table it is.
    /// </summary>
    public const int Listed = 50;

    /// <summary>
    /// Each name's first position among <paramref name="names"/>, for looking columns up by name in constant time: a
    /// search of the list for each of a wide table's columns took its count squared (a 12 MB CSV of a million named
    /// columns did not finish in hours).
    /// </summary>
    /// <param name="names">The column names, in their order.</param>
    /// <returns>The 0-based position of each name's first occurrence, compared ordinally.</returns>
    public static Dictionary<string, int> Positions(IReadOnlyList<string> names)
    {
        var positions = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            positions.TryAdd(names[i], i);
        }

        return positions;
    }

    /// <summary>
    /// The names separated by commas, each as <paramref name="show"/> writes it (as it is without one): all of them
    /// when there are at most <see cref="Listed"/>, otherwise the first <see cref="Listed"/> and "… and N more".
    /// </summary>
    /// <param name="names">The column names, in their order.</param>
    /// <param name="show">How one name is written, e.g. quoted; applied only to the names shown.</param>
    /// <returns>The list as a message shows it.</returns>
    /// <example><c>ColumnList.Of(["x1", …, "x60"])</c> is <c>x1, x2, …, x50, … and 10 more</c>.</example>
    public static string Of(IEnumerable<string> names, Func<string, string>? show = null)
    {
        var all = names as IReadOnlyCollection<string> ?? names.ToList();
        var shown = string.Join(", ", all.Take(Listed).Select(show ?? (name => name)));
        return all.Count <= Listed ? shown : string.Create(CultureInfo.InvariantCulture, $"{shown}, … and {all.Count - Listed} more");
    }
}
