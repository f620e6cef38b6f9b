using System;

namespace Nn;

/// <summary>
/// A timed choice between running a repeated unit of a run's work split over its threads or on the calling thread
/// alone, where only the speed depends on the choice: <see cref="SplitChooser"/> for deferred SGD blocks,
/// <see cref="StepSplitChooser"/> for mini-batch steps. The run asks before each unit and reports the unit's time.
/// </summary>
internal interface ISplitDecision
{
    /// <summary>Whether the next unit is to be split over the threads.</summary>
    bool Next();

    /// <summary>Records how long the unit just run took (any clock, in ticks), in the mode <see cref="Next"/> gave for it.</summary>
    /// <param name="ticks">The unit's duration.</param>
    void Record(long ticks);
}

/// <summary>What the choosers share besides their interface.</summary>
internal static class SplitDecision
{
    /// <summary>
    /// The median of a few timings, the upper of the two middle ones for an even count; <paramref name="times"/> is left
    /// in its order, since the choosers overwrite it as a ring.
    /// </summary>
    public static long Median(ReadOnlySpan<long> times)
    {
        Span<long> sorted = stackalloc long[times.Length];
        times.CopyTo(sorted);
        sorted.Sort();
        return sorted[sorted.Length / 2];
    }
}
