using System;
using System.Collections.Generic;
using System.Linq;

namespace Nn;

/// <summary>A table split into a training part and a test part.</summary>
/// <param name="Train">The rows to fit the preprocessing on and train on.</param>
/// <param name="Test">The held-out rows.</param>
public sealed record TableParts(Table Train, Table Test);

/// <summary>
/// Holding out part of one table as test rows, before any preprocessing is fitted, so the test rows stay unseen.
/// </summary>
/// <example><code>
/// var (train, test) = TableSplit.Split(table, 0.1, seed: 1, stratifyBy: "admit");
/// </code></example>
public static class TableSplit
{
    /// <summary>
    /// A seeded random split with about <paramref name="testFraction"/> of the rows in the test part. Stratified by
    /// a column (for classification, the target): each of its values gives round(fraction × its rows) test rows, but
    /// never all of them, so both parts keep the classes' proportions and every class stays in the training part (a
    /// class of one row stays there whole). Each part keeps the file order.
    /// </summary>
    /// <param name="table">The rows.</param>
    /// <param name="testFraction">In (0, 1).</param>
    /// <param name="seed">The shuffle's seed: the same seed gives the same split.</param>
    /// <param name="stratifyBy">The column to stratify by (name or 1-based number), or null for a plain random split.</param>
    /// <returns>The training and test parts, both non-empty.</returns>
    /// <exception cref="ArgumentException">The fraction is outside (0, 1), the column is unknown, or a part would be empty.</exception>
    public static TableParts Split(Table table, double testFraction, ulong seed, string? stratifyBy)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"the test fraction must be between 0 and 1 (exclusive), but is {testFraction}.");
        }

        var column = stratifyBy is null ? -1 : table.ColumnIndex(stratifyBy);
        var groups = Enumerable.Range(0, table.Count).GroupBy(r => column < 0 ? string.Empty : table.Rows[r][column], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        var random = new RandomGenerator(RandomState.FromSeed(seed));
        var test = new List<int>();
        foreach (var group in groups)
        {
            var rows = group.ToArray();
            random.Shuffle(rows);
            // A class held out whole would be one the network never trains on, and its test rows labels outside
            // the fitted classes: a row of its own at a half split went to the test part and the run was refused.
            var share = (int)Math.Round(testFraction * rows.Length, MidpointRounding.AwayFromZero);
            test.AddRange(rows.Take(column < 0 ? share : Math.Min(share, rows.Length - 1)));
        }

        if (test.Count == 0 || test.Count == table.Count)
        {
            throw new ArgumentException($"a test fraction of {testFraction} of {table.Count} rows leaves {(test.Count == 0 ? "no test rows" : "no training rows")}.", nameof(testFraction));
        }

        var held = test.ToHashSet();
        return new TableParts(table.Select(Enumerable.Range(0, table.Count).Where(r => !held.Contains(r))), table.Select(test.Order()));
    }
}
