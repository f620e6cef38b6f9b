using System;
using Nn.Kernels;
using static Nn.Distributed.Mpi3;

namespace Nn.Distributed;

/// <summary>
/// θ and θ' of the sharded step in two MPI-3 shared-memory windows of the job's ranks on this machine
/// (<see cref="ISharedParameters"/>): in each window rank r's segment is its block of the vector, and the segments lie
/// one after another (MPI_Win_allocate_shared's default, contiguous across ranks), so every rank reads the whole vector
/// from the first segment on and the step needs no all-gather of θ'. Made and kept by <see cref="NodeSharedMemory"/>.
/// </summary>
internal sealed class NodeSharedParameters : ISharedParameters, IDisposable
{
    private readonly NodeSharedMemory sums;
    private int first;
    private int second;

    private NodeSharedParameters(NodeSharedMemory sums, int length, int elementSize, int first, IntPtr firstStart, int second, IntPtr secondStart)
    {
        this.sums = sums;
        Length = length;
        ElementSize = elementSize;
        this.first = first;
        this.second = second;
        (Current, Next) = (firstStart, secondStart);
    }

    /// <summary>The vector's length P.</summary>
    public int Length { get; }

    /// <summary>The bytes of one element.</summary>
    public int ElementSize { get; }

    /// <inheritdoc/>
    public IntPtr Current { get; private set; }

    /// <summary>The first of the vector's elements of θ', of which each rank writes its block.</summary>
    private IntPtr Next { get; set; }

    /// <summary>
    /// The two windows, or null when MPI did not lay the ranks' segments out one after another (every rank gets the same
    /// answer). Collective over <paramref name="node"/>, the communicator of every rank of the job.
    /// </summary>
    public static unsafe NodeSharedParameters? TryAllocate(NodeSharedMemory sums, int node, int rank, int length, int elementSize, int[] starts, int[] counts)
    {
        var (first, firstStart, firstWhole) = Allocate(node, rank, elementSize, starts, counts);
        var (second, secondStart, secondWhole) = Allocate(node, rank, elementSize, starts, counts);

        // The layout is the window's, the same for every rank; agreeing on it anyway costs one sum, once.
        var whole = firstWhole && secondWhole ? 1 : 0;
        var agreed = 0;
        Check(MPI.Unsafe.MPI_Allreduce((IntPtr)(&whole), (IntPtr)(&agreed), 1, MPI.Unsafe.MPI_INT, MPI.Unsafe.MPI_MIN, node), "MPI_Allreduce");
        var parameters = new NodeSharedParameters(sums, length, elementSize, first, firstStart, second, secondStart);
        if (agreed == 1)
        {
            return parameters;
        }

        parameters.Dispose();
        return null;
    }

    /// <inheritdoc/>
    public unsafe void Publish(ReadOnlySpan<byte> block, long offset, Span<double> totals)
    {
        sums.Timeline?.Enter(TimedPhase.AllGatherWait, TimedPhase.AllGather);
        StreamingStores.Copy(block, (byte*)Next + offset);
        Synchronise();
        sums.Sum(totals);
        Synchronise();
        sums.Timeline?.Moved();
    }

    /// <inheritdoc/>
    public void Accept() => (Current, Next) = (Next, Current);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var window in new[] { first, second })
        {
            var freed = window;
            MPI_Win_unlock_all(freed);
            MPI_Win_free(ref freed);
        }

        (first, second) = (0, 0);
    }

    /// <summary>
    /// One window: this rank's segment of its block's bytes, where the vector starts (the first non-empty block's
    /// segment: an empty segment's address may be anything), and whether every rank's segment lies at its block.
    /// </summary>
    private static (int Window, IntPtr Start, bool Whole) Allocate(int node, int rank, int elementSize, int[] starts, int[] counts)
    {
        Check(MPI_Win_allocate_shared((IntPtr)((long)counts[rank] * elementSize), elementSize, InfoNull, node, out _, out var window), "MPI_Win_allocate_shared");
        Check(MPI_Win_lock_all(ModeNoCheck, window), "MPI_Win_lock_all");
        var start = IntPtr.Zero;
        var whole = true;
        for (var r = 0; r < counts.Length; r++)
        {
            if (counts[r] == 0)
            {
                continue;
            }

            Check(MPI_Win_shared_query(window, r, out _, out _, out var segment), "MPI_Win_shared_query");
            var offset = (nint)starts[r] * elementSize;
            (start, whole) = start == IntPtr.Zero ? (segment - offset, whole) : (start, whole && segment == start + offset);
        }

        return (window, start, whole);
    }

    /// <summary>Makes this rank's stores to either window visible to the others (and theirs to this rank).</summary>
    private void Synchronise()
    {
        Check(MPI_Win_sync(first), "MPI_Win_sync");
        Check(MPI_Win_sync(second), "MPI_Win_sync");
    }
}
