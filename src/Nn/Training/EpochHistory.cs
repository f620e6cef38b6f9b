using System;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Threading;

namespace Nn;

/// <summary>
/// A run's history as its states hold it: an immutable list of epoch records that a run extends by one record an
/// epoch in constant time (amortised), where an <see cref="ImmutableArray{T}"/> would copy every earlier record each
/// epoch and make a run of many short epochs quadratic in its length.
/// </summary>
/// <remarks>
/// Histories share one growing store. A history owns the store's slots below its count and never sees the others;
/// <see cref="Add"/> claims the slot at its count with one compare-and-exchange, so of two histories extended from
/// the same one (a run resumed twice from one checkpoint state) only the first writes into the store and the other
/// copies, and no record a history holds ever changes. <see cref="ToImmutableArray"/> builds the public array once.
/// </remarks>
internal sealed class EpochHistory
{
    private readonly Store store;
    private readonly int count;
    private ImmutableArray<EpochRecord> built;

    private EpochHistory(Store store, int count, ImmutableArray<EpochRecord> built)
    {
        this.store = store;
        this.count = count;
        this.built = built;
    }

    /// <summary>The history of a run before its first epoch.</summary>
    public static EpochHistory Empty { get; } = From(ImmutableArray<EpochRecord>.Empty);

    /// <summary>How many records it holds.</summary>
    public int Count => count;

    /// <summary>The last record, or null when it holds none.</summary>
    public EpochRecord? Last => count == 0 ? null : store.Records[count - 1];

    /// <summary>The records, oldest first.</summary>
    public ReadOnlySpan<EpochRecord> Records => store.Records.AsSpan(0, count);

    /// <summary>A history holding <paramref name="records"/> (complete: not default, no null record), without copying them.</summary>
    public static EpochHistory From(ImmutableArray<EpochRecord> records)
    {
        // The array is full as a store, so the first Add copies it and nothing ever writes into it.
        var array = ImmutableCollectionsMarshal.AsArray(records)!;
        return new EpochHistory(new Store(array, array.Length), array.Length, records);
    }

    /// <summary>This history with <paramref name="record"/> after its last record.</summary>
    public EpochHistory Add(EpochRecord record)
    {
        if (count < store.Records.Length && Interlocked.CompareExchange(ref store.Claimed, count + 1, count) == count)
        {
            // Written before the history that holds it exists; storing that history's reference publishes both.
            store.Records[count] = record;
            return new EpochHistory(store, count + 1, default);
        }

        var records = new EpochRecord[(int)Math.Min(Array.MaxLength, Math.Max(8L, 2L * count))];
        Array.Copy(store.Records, records, count);
        records[count] = record;
        return new EpochHistory(new Store(records, count + 1), count + 1, default);
    }

    /// <summary>The records as an array of their own, built on the first call.</summary>
    public ImmutableArray<EpochRecord> ToImmutableArray()
    {
        // One reference wide, so a reader sees either no array or a whole one; two threads may both build it.
        var array = built;
        if (array.IsDefault)
        {
            array = ImmutableArray.Create(store.Records, 0, count);
            built = array;
        }

        return array;
    }

    private sealed class Store(EpochRecord[] records, int claimed)
    {
        public readonly EpochRecord[] Records = records;

        // Slots below it belong to some history; the next Add on a history of exactly this count may take the next.
        public int Claimed = claimed;
    }
}
