using System;
using System.Threading;

namespace Nn.Kernels;

/// <summary>
/// Where every kernel turns a requested path into the one it runs, and, while a test has switched counting on,
/// how often each path was taken on the counting thread: the evidence that forcing <see cref="KernelPath.Portable"/>
/// reaches no vector body, read from the dispatch itself rather than from timings.
/// </summary>
internal static class KernelCensus
{
    /// <summary>How many threads are counting now; 0 (the normal case) costs one predictable branch per kernel call.</summary>
    private static int counting;

    [ThreadStatic]
    private static long[]? counts;

    /// <summary><paramref name="requested"/>, or the thread's current path for <see cref="KernelPath.Auto"/>; counted when this thread is counting.</summary>
    /// <param name="requested">A resolved path, or Auto.</param>
    /// <returns>The path to run.</returns>
    public static KernelPath Resolve(KernelPath requested)
    {
        var path = requested == KernelPath.Auto ? KernelSelection.Current : requested;
        if (Volatile.Read(ref counting) != 0 && counts is { } tally)
        {
            tally[(int)path]++;
        }

        return path;
    }

    /// <summary>Starts counting the paths the kernels on this thread take, from zero.</summary>
    /// <returns>The counts so far, by <see cref="KernelPath"/> value; counting stops when it is disposed.</returns>
    public static Tally Start()
    {
        counts = new long[5];
        Interlocked.Increment(ref counting);
        return new Tally(counts);
    }

    /// <summary>The counts of one thread's census.</summary>
    public sealed class Tally : IDisposable
    {
        private readonly long[] counts;
        private bool stopped;

        internal Tally(long[] counts) => this.counts = counts;

        /// <summary>How many kernel calls took <paramref name="path"/>.</summary>
        public long Of(KernelPath path) => counts[(int)path];

        public void Dispose()
        {
            if (!stopped)
            {
                stopped = true;
                KernelCensus.counts = null;
                Interlocked.Decrement(ref counting);
            }
        }
    }
}
