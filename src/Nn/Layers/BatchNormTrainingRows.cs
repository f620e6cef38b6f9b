using System;
using System.Globalization;
using System.Linq;

namespace Nn;

/// <summary>How many rows a training batch must hold for batch normalisation of a vector to learn anything.</summary>
internal static class BatchNormTrainingRows
{
    /// <summary>
    /// Refuses training batches of fewer than 2 rows for an architecture that normalises a vector (one value per
    /// feature and row): one row is then normalised by its own mean, so the layer passes on only its shift β and no
    /// layer before it learns, while a run would end as if trained (PyTorch refuses such a batch too). That includes the
    /// last batch of an epoch, which holds one row when the sample count is one more than a multiple of the batch size.
    /// Over an image a feature has H·W values per row, so one row is enough.
    /// </summary>
    /// <param name="architecture">The network's layers.</param>
    /// <param name="batch">The rows per batch, at most <paramref name="samples"/>.</param>
    /// <param name="samples">The samples an epoch trains on.</param>
    /// <param name="name">The parameter to blame.</param>
    /// <param name="validationFraction">The fraction of the training data held out for validation, whose rows
    /// <paramref name="samples"/> does not count (named in the message, since the batch size asked for may be larger).</param>
    public static void Require(Architecture architecture, int batch, int samples, string name, double validationFraction = 0)
    {
        var last = samples % batch == 0 ? batch : samples % batch;
        if (Math.Min(batch, last) >= 2)
        {
            return;
        }

        var layer = architecture.Stack.Select((l, i) => (Layer: l, Index: i))
            .FirstOrDefault(p => p.Layer is BatchNormLayer norm && norm.InputShape.Height * norm.InputShape.Width < 2);
        if (layer.Layer is not BatchNormLayer)
        {
            return;
        }

        const string Why = "one row is normalised by its own mean, so the layer passes on only its shift β and no layer before it learns";
        var left = validationFraction > 0 ? $" left after holding out the validation fraction {validationFraction}" : string.Empty;
        var holds = samples < 2
            ? $"the epoch has {samples} training sample{left}"
            : batch < 2
            ? $"a batch holds {batch}"
            : $"{samples} training samples{left} in batches of {batch} leave a last batch of 1 row each epoch; a batch size of {BatchLeavingNoSingleRow(batch, samples)} would not";
        throw new ArgumentException(
            string.Create(
                CultureInfo.InvariantCulture,
                $"batch normalisation of a vector (layer {layer.Index}) needs at least 2 rows per batch, but {holds}: {Why}."),
            name);
    }

    /// <summary>The batch size nearest <paramref name="batch"/> (the larger first) whose batches of <paramref name="samples"/> all hold 2 rows or more.</summary>
    private static int BatchLeavingNoSingleRow(int batch, int samples)
    {
        for (var distance = 1; ; distance++)
        {
            foreach (var candidate in new[] { batch + distance, batch - distance })
            {
                if (candidate >= 2 && candidate <= samples && samples % candidate != 1)
                {
                    return candidate;
                }
            }
        }
    }
}
