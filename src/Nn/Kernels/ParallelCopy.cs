using System;

namespace Nn.Kernels;

/// <summary>
/// Copies a vector on the threads of a <see cref="WorkerPool"/>, one contiguous range per thread (the ranges of
/// <see cref="RangeSplit"/>). A copy is a copy on any thread; what the split buys is the first touch. On a virtual
/// machine the first write to a page of freshly allocated memory costs the hypervisor's fault, some 13–18 µs a 4 KB
/// page on the AMD EPYC VM of docs/benchmarks.md (against 0.02 µs for a later write), and faults taken by two threads
/// run side by side. Every epoch's snapshot of a training run's θ and moments (2.8 MB for Network B with Adam) is
/// fresh memory, on one thread tens of milliseconds a call; into fresh memory each thread also has its range's pages
/// backed in one call (<see cref="FreshPages"/>) before it copies, which halves what each page costs there.
/// </summary>
internal static unsafe class ParallelCopy
{
    /// <summary>Vectors shorter than this are copied on the calling thread alone: 32 pages of floats, about what a hand-over costs.</summary>
    public const int MinimumParallelLength = 1 << 15;

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> (of the same length), split over
    /// <paramref name="pool"/> when there is one and the vector is long enough; with <paramref name="freshDestination"/>
    /// (memory not written since it was allocated) each range's pages are backed in one call first.
    /// </summary>
    public static void Copy<T>(ReadOnlySpan<T> source, Span<T> destination, WorkerPool? pool, bool freshDestination = false)
        where T : unmanaged
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"the destination holds {destination.Length} elements, the source {source.Length}.", nameof(destination));
        }

        fixed (T* from = source, to = destination)
        {
            var job = new CopyJob<T>(from, to, freshDestination);
            RangeSplit.Run(pool, source.Length, MinimumParallelLength, &CopyPart<T>, &job);
        }
    }

    /// <summary>A new array holding <paramref name="source"/>'s elements, its pages first written on <paramref name="pool"/>'s threads.</summary>
    public static T[] Clone<T>(ReadOnlySpan<T> source, WorkerPool? pool)
        where T : unmanaged
    {
        // Every element is written by the copy, so the runtime need not clear the array first.
        var copy = GC.AllocateUninitializedArray<T>(source.Length);
        Copy(source, copy, pool, freshDestination: true);
        return copy;
    }

    private static void CopyPart<T>(void* arguments, int part, int from, int to)
        where T : unmanaged
    {
        var job = (CopyJob<T>*)arguments;
        if (job->Fresh)
        {
            FreshPages.Populate(job->Destination + from, (long)(to - from) * sizeof(T));
        }

        new ReadOnlySpan<T>(job->Source + from, to - from).CopyTo(new Span<T>(job->Destination + from, to - from));
    }

    /// <summary>The arguments of <see cref="CopyPart{T}"/>, on the caller's stack: both vectors, pinned for the call, and whether the destination is fresh.</summary>
    private readonly struct CopyJob<T>(T* source, T* destination, bool fresh)
        where T : unmanaged
    {
        public T* Source { get; } = source;

        public T* Destination { get; } = destination;

        public bool Fresh { get; } = fresh;
    }
}
