using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;

namespace Nn;

/// <summary>A data set split into a training part and a test part.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Train">The samples to train on.</param>
/// <param name="Test">The held-out samples.</param>
/// <exception cref="ArgumentNullException"><paramref name="Train"/> or <paramref name="Test"/> is null.</exception>
public sealed record DatasetSplit<T>(Dataset<T> Train, Dataset<T> Test)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // Checked here and in C#'s with, as TrainingState is: a split without a part failed only where the part was read.
    private readonly Dataset<T> train = Train ?? throw new ArgumentNullException(nameof(Train));
    private readonly Dataset<T> test = Test ?? throw new ArgumentNullException(nameof(Test));

    /// <summary>The samples to train on.</summary>
    public Dataset<T> Train { get => train; init => train = value ?? throw new ArgumentNullException(nameof(Train)); }

    /// <summary>The held-out samples.</summary>
    public Dataset<T> Test { get => test; init => test = value ?? throw new ArgumentNullException(nameof(Test)); }
}

/// <summary>Holding out a seeded fraction of a data set, class by class when its targets are classes.</summary>
public static partial class Dataset
{
    /// <summary>
    /// A seeded split that holds out round(<paramref name="fraction"/> · n) samples (at least 1, at most n − 1).
    /// When the targets are classes (every row one-hot: one shared "on" value at its label, one shared "off" value
    /// elsewhere, as <see cref="FromLabels{T}"/> makes them) the split is stratified: each class gives
    /// round(fraction · its count) samples, the rounding shared out by largest remainder so the total is exact and
    /// each part keeps the classes' proportions, and no class is held out whole while another has samples to spare. Other targets (regression) are split by one seeded shuffle.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="data">The samples, at least 2.</param>
    /// <param name="fraction">The share to hold out, in (0, 1).</param>
    /// <param name="seed">The shuffle's seed: the same seed and data give the same split.</param>
    /// <returns>The kept samples as <see cref="DatasetSplit{T}.Train"/>, the held-out ones as <see cref="DatasetSplit{T}.Test"/>, both in the original order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> has fewer than 2 samples.</exception>
    /// <example><code>
    /// var (train, validation) = Dataset.HoldOut(data, 0.1, seed: 1);
    /// </code></example>
    public static DatasetSplit<T> HoldOut<T>(Dataset<T> data, double fraction, ulong seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(fraction > 0 && fraction < 1))
        {
            // The value is in the message, in the invariant culture; the (name, value, message) overload would append it again in the thread's.
            throw new ArgumentOutOfRangeException(nameof(fraction), string.Create(CultureInfo.InvariantCulture, $"fraction must be in (0, 1), but is {fraction}."));
        }

        if (data.Count < 2)
        {
            throw new ArgumentException($"holding out part of a data set needs at least 2 samples, but it has {data.Count}.", nameof(data));
        }

        var heldOutCount = HeldOutCount(data.Count, fraction);
        var random = new RandomGenerator(RandomState.FromSeed(seed));
        var heldOut = new bool[data.Count];
        var groups = HasClassTargets(data) ? ByClass(data) : [Enumerable(data.Count)];
        var quotas = Quotas(groups, heldOutCount, data.Count);
        for (var g = 0; g < groups.Length; g++)
        {
            random.Shuffle(groups[g]);
            for (var i = 0; i < quotas[g]; i++)
            {
                heldOut[groups[g][i]] = true;
            }
        }

        var train = new List<int>(data.Count - heldOutCount);
        var test = new List<int>(heldOutCount);
        for (var i = 0; i < data.Count; i++)
        {
            (heldOut[i] ? test : train).Add(i);
        }

        return new DatasetSplit<T>(data.Select(train.ToArray()), data.Select(test.ToArray()));
    }

    /// <summary>
    /// How many of <paramref name="count"/> samples (at least 2) <see cref="HoldOut{T}"/> holds out for
    /// <paramref name="fraction"/>: the rounded share, at least 1 and leaving at least 1.
    /// </summary>
    internal static int HeldOutCount(int count, double fraction) => Math.Clamp(RoundedShare(count, fraction), 1, count - 1);

    /// <summary>
    /// round(<paramref name="fraction"/> · <paramref name="count"/>), halves away from zero: the share
    /// <see cref="HeldOutCount"/> holds out before it keeps at least 1 sample on each side.
    /// </summary>
    internal static int RoundedShare(int count, double fraction) => (int)Math.Round(fraction * count, MidpointRounding.AwayFromZero);

    /// <summary>
    /// How many samples each group gives: its share of <paramref name="total"/> rounded down, then one more to the
    /// groups with the largest remainders (the lower index first on a tie) until the shares add up to the total,
    /// passing over a group whose last sample that would take while another group has more than one left.
    /// </summary>
    private static int[] Quotas(int[][] groups, int total, int count)
    {
        var quotas = new int[groups.Length];
        var remainders = new double[groups.Length];
        var given = 0;
        for (var g = 0; g < groups.Length; g++)
        {
            var exact = (double)total * groups[g].Length / count;
            quotas[g] = (int)Math.Floor(exact);
            remainders[g] = exact - quotas[g];
            given += quotas[g];
        }

        for (; given < total; given++)
        {
            // A group's last sample goes only when every group is down to its last: a class held out whole would
            // be one the run never trains on.
            var best = Largest(groups, quotas, remainders, keep: 1);
            if (best < 0)
            {
                best = Largest(groups, quotas, remainders, keep: 0);
            }

            quotas[best]++;
            remainders[best] = -1;
        }

        return quotas;
    }

    /// <summary>The group with the largest remainder (the lower index on a tie) that has more than <paramref name="keep"/> samples left after its quota, or −1.</summary>
    private static int Largest(int[][] groups, int[] quotas, double[] remainders, int keep)
    {
        var best = -1;
        for (var g = 0; g < groups.Length; g++)
        {
            if (quotas[g] < groups[g].Length - keep && (best < 0 || remainders[g] > remainders[best]))
            {
                best = g;
            }
        }

        return best;
    }

    /// <summary>The sample indices of each class, classes in label order, samples in the original order (empty classes left out).</summary>
    private static int[][] ByClass<T>(Dataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var members = new List<int>[data.ClassCount];
        for (var i = 0; i < data.Count; i++)
        {
            (members[data.Labels[i]] ??= []).Add(i);
        }

        var groups = new List<int[]>();
        foreach (var member in members)
        {
            if (member is not null)
            {
                groups.Add(member.ToArray());
            }
        }

        return groups.ToArray();
    }

    private static int[] Enumerable(int count)
    {
        var indices = new int[count];
        for (var i = 0; i < count; i++)
        {
            indices[i] = i;
        }

        return indices;
    }

    /// <summary>Whether every target row is one-hot: at least two columns, one shared value at the label, another shared value elsewhere.</summary>
    private static bool HasClassTargets<T>(Dataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (data.ClassCount < 2)
        {
            return false;
        }

        var on = data.Targets[0, data.Labels[0]];
        var off = data.Targets[0, data.Labels[0] == 0 ? 1 : 0];
        if (on == off)
        {
            return false;
        }

        for (var i = 0; i < data.Count; i++)
        {
            var row = data.Targets.Row(i);
            for (var c = 0; c < row.Length; c++)
            {
                if (row[c] != (c == data.Labels[i] ? on : off))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
