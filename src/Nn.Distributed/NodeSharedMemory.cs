using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Nn.Kernels;
using static Nn.Distributed.Mpi3;

namespace Nn.Distributed;

/// <summary>
/// The sums of a job whose ranks all run on one machine, through an MPI-3 shared-memory window
/// (MPI_Win_allocate_shared): each rank writes its values into its own segment, one barrier later every rank reads
/// the others' segments directly, and the only copies are the ones the arithmetic needs. MPICH's collectives move
/// a message between two processes of one machine through small shared cells, copied in and out piece by piece,
/// at about 1 GB/s here; reading the segments runs at memory speed.
/// </summary>
/// <remarks>
/// Each operation writes one of two buffers of the segment, alternating, and synchronises once: write, MPI_Win_sync,
/// MPI_Barrier (or <see cref="NodeBarrier"/>, <see cref="BarrierSwitch"/>), MPI_Win_sync, read. A rank writes a buffer again only two operations later, after the barrier of the
/// operation between, which no rank enters before it has finished reading that buffer; so one barrier per operation
/// is enough. Every sum adds the ranks' values element by element in rank order (r = 0, 1, …, N − 1); a block summed
/// by one rank and copied, or a whole vector summed the same way by every rank, gives the same bits everywhere.
/// </remarks>
internal sealed class NodeSharedMemory : IDisposable
{
    /// <summary>The environment variable that, set to 0, keeps the MPI collectives even when every rank shares a machine.</summary>
    public const string Switch = "NN_MPI_SHARED_MEMORY";

    /// <summary>
    /// The environment variable that, set to "sleep", makes the sums wait in <see cref="NodeBarrier"/> rather than in
    /// MPICH's polling barrier; it takes effect only when every rank of the job sees it.
    /// </summary>
    public const string BarrierSwitch = "NN_MPI_BARRIER";

    private readonly int node;
    private readonly int rank;
    private readonly int size;
    /// <summary>The window's own barrier when <see cref="BarrierSwitch"/> asks for it, otherwise null (MPICH's barrier).</summary>
    private readonly NodeBarrier? barrier;
    private int window;
    private IntPtr[] segments = [];
    private long bytesPerBuffer;
    private int operation;

    /// <summary>The last θ and θ' made by <see cref="ShareParameters"/>, kept for the next run of the same size.</summary>
    private NodeSharedParameters? parameters;

    /// <summary>Where the steps' time goes, when they are timed (<see cref="MpiGroup.Timeline"/>), otherwise null.</summary>
    public StepTimeline? Timeline { get; set; }

    private NodeSharedMemory(int node, int rank, int size)
    {
        this.node = node;
        this.rank = rank;
        this.size = size;
        // Opt-in: on the shared 2-vCPU VM it shortened two-rank epochs at load average 10-15 and lengthened them at 7-9
        // (docs/distributed.md, "A barrier that sleeps"); not yet measured on a quiet machine.
        // The barrier's window is made collectively, so the ranks agree on the least wish.
        var wanted = Environment.GetEnvironmentVariable(BarrierSwitch) == "sleep" ? 1 : 0;
        var agreed = 0;
        unsafe
        {
            Check(MPI.Unsafe.MPI_Allreduce((IntPtr)(&wanted), (IntPtr)(&agreed), 1, MPI.Unsafe.MPI_INT, MPI.Unsafe.MPI_MIN, node), "MPI_Allreduce");
        }

        barrier = agreed == 1 ? NodeBarrier.Create(node, rank, size) : null;
    }

    /// <summary>
    /// The shared memory of the job's ranks when all of them run on this machine and <see cref="Switch"/> does not
    /// turn it off, otherwise null. Collective: every rank of MPI_COMM_WORLD calls it, and all get the same answer.
    /// <paramref name="ranksHere"/> is how many ranks, this one included, run on this rank's machine.
    /// </summary>
    public static NodeSharedMemory? TryJoin(int worldRank, int worldSize, out int ranksHere)
    {
        Check(MPI_Comm_split_type(MPI.Unsafe.MPI_COMM_WORLD, CommTypeShared, worldRank, InfoNull, out var node), "MPI_Comm_split_type");
        Check(MPI_Comm_size(node, out var nodeSize), "MPI_Comm_size");
        ranksHere = nodeSize;
        var wanted = Environment.GetEnvironmentVariable(Switch) != "0" && nodeSize == worldSize ? 1 : 0;

        // Every rank must take the same path (the window is made collectively), so the ranks agree on the least wish.
        var agreed = 0;
        unsafe
        {
            Check(MPI.Unsafe.MPI_Allreduce((IntPtr)(&wanted), (IntPtr)(&agreed), 1, MPI.Unsafe.MPI_INT, MPI.Unsafe.MPI_MIN, MPI.Unsafe.MPI_COMM_WORLD), "MPI_Allreduce");
        }

        if (agreed == 0 || worldSize == 1)
        {
            Check(MPI_Comm_free(ref node), "MPI_Comm_free");
            return null;
        }

        // The split's key is the world rank, so ranks keep their numbers: node rank r is world rank r.
        return new NodeSharedMemory(node, worldRank, worldSize);
    }

    /// <summary>Replaces <paramref name="values"/> by the element-wise sum over the ranks, added in rank order on every rank.</summary>
    public void Sum<T>(Span<T> values)
        where T : unmanaged, INumberBase<T>
    {
        var buffer = Publish<T>(MemoryMarshal.AsBytes((ReadOnlySpan<T>)values), 0, values.Length);
        AddInRankOrder(buffer, 0, values);
    }

    /// <summary>
    /// This rank's block (at <paramref name="starts"/>[rank], <paramref name="counts"/>[rank] long) of the sum of every
    /// rank's <paramref name="weight"/> · values, into <paramref name="block"/>. A rank writes into its segment only the
    /// products the other ranks sum (their blocks), weighting them as it copies; its own block's products it makes
    /// in the sum itself, from <paramref name="values"/>, rounded as the others' were.
    /// </summary>
    public unsafe void SumBlock<T>(ReadOnlySpan<T> values, T weight, Span<T> block, int[] starts, int[] counts)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var buffer = Next<T>(values.Length);
        var segment = Segment<T>(rank, buffer);
        for (var r = 0; r < size; r++)
        {
            if (r != rank)
            {
                TensorKernels.Multiply(values.Slice(starts[r], counts[r]), weight, new Span<T>(segment + starts[r], counts[r]));
            }
        }

        WaitForAll();
        AddInRankOrder(buffer, starts[rank], block, values.Slice(starts[rank], counts[rank]), weight);
    }

    /// <summary>Copies every other rank's block (at <paramref name="starts"/>, <paramref name="counts"/> long) of its values into the same place of this rank's.</summary>
    public unsafe void GatherBlocks<T>(Span<T> values, int[] starts, int[] counts)
        where T : unmanaged
    {
        var own = values.Slice(starts[rank], counts[rank]);
        var buffer = Publish<T>(MemoryMarshal.AsBytes((ReadOnlySpan<T>)own), starts[rank], values.Length);
        CopyOthersBlocks(buffer, values, starts, counts);
    }

    /// <summary>
    /// <see cref="GatherBlocks{T}(Span{T}, int[], int[])"/> and <see cref="Sum{T}(Span{T})"/> of
    /// <paramref name="totals"/> through one synchronisation: the totals are written after the values in the same buffer.
    /// </summary>
    public unsafe void GatherBlocks<T>(Span<T> values, int[] starts, int[] counts, Span<double> totals)
        where T : unmanaged
    {
        // The totals start on a cache line of their own, after the vector.
        var totalsAt = (((long)values.Length * sizeof(T)) + 63) & ~63L;
        var buffer = Next<byte>(checked((int)(totalsAt + ((long)totals.Length * sizeof(double)))));
        StreamingStores.Copy(MemoryMarshal.AsBytes((ReadOnlySpan<T>)values.Slice(starts[rank], counts[rank])), (byte*)(Segment<T>(rank, buffer) + starts[rank]));
        totals.CopyTo(new Span<double>((byte*)Segment<byte>(rank, buffer) + totalsAt, totals.Length));
        WaitForAll();
        CopyOthersBlocks(buffer, values, starts, counts);
        AddInRankOrder(buffer, totalsAt, totals);
    }

    /// <summary>
    /// θ and θ' of <paramref name="length"/> elements of <paramref name="elementSize"/> bytes in memory every rank reads,
    /// rank r's block (at <paramref name="starts"/>[r], <paramref name="counts"/>[r] long) in its own segment; or null
    /// when MPI did not lay the segments out one after another. Collective: every rank asks for the same sizes in the
    /// same order (one run after another), so all reuse or remake the windows together.
    /// </summary>
    public NodeSharedParameters? ShareParameters(int length, int elementSize, int[] starts, int[] counts)
    {
        if (parameters is { } kept && kept.Length == length && kept.ElementSize == elementSize)
        {
            return kept;
        }

        if (parameters is not null)
        {
            // No rank may still be reading the last run's θ when its memory goes.
            Check(MPI.Unsafe.MPI_Barrier(node), "MPI_Barrier");
            parameters.Dispose();
        }

        parameters = NodeSharedParameters.TryAllocate(this, node, rank, length, elementSize, starts, counts);
        return parameters;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        parameters?.Dispose();
        if (window != 0)
        {
            MPI_Win_unlock_all(window);
            MPI_Win_free(ref window);
        }

        barrier?.Dispose();
        var comm = node;
        MPI_Comm_free(ref comm);
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> into this rank's segment at element <paramref name="at"/> of the next buffer (a
    /// vector of <paramref name="length"/> elements fits), then waits until every rank has written its part.
    /// </summary>
    /// <returns>The buffer written, 0 or 1.</returns>
    private unsafe int Publish<T>(ReadOnlySpan<byte> bytes, int at, int length)
        where T : unmanaged
    {
        var buffer = Next<T>(length);
        StreamingStores.Copy(bytes, (byte*)Segment<T>(rank, buffer) + ((long)at * sizeof(T)));
        WaitForAll();
        return buffer;
    }

    /// <summary>The buffer (0 or 1) the next operation writes, large enough for a vector of <paramref name="length"/> elements.</summary>
    private unsafe int Next<T>(int length)
        where T : unmanaged
    {
        Reserve((long)length * sizeof(T));
        return operation++ & 1;
    }

    /// <summary>Makes this rank's writes visible to the others and waits until every rank has written its part.</summary>
    private void WaitForAll()
    {
        Timeline?.Moved();
        Check(MPI_Win_sync(window), "MPI_Win_sync");
        if (barrier is null)
        {
            Check(MPI.Unsafe.MPI_Barrier(node), "MPI_Barrier");
        }
        else
        {
            barrier.Wait();
        }

        Check(MPI_Win_sync(window), "MPI_Win_sync");
        Timeline?.Waited();
    }

    /// <summary>Copies every other rank's block of the buffer into the same place of <paramref name="values"/>.</summary>
    private unsafe void CopyOthersBlocks<T>(int buffer, Span<T> values, int[] starts, int[] counts)
        where T : unmanaged
    {
        for (var r = 0; r < size; r++)
        {
            if (r != rank)
            {
                new ReadOnlySpan<T>(Segment<T>(r, buffer) + starts[r], counts[r]).CopyTo(values.Slice(starts[r], counts[r]));
            }
        }
    }

    /// <summary>
    /// block[j] = Σ_r the j-th element from byte <paramref name="offset"/> of rank r's buffer, added in rank order (the
    /// first two ranks' terms in one pass).
    /// </summary>
    private unsafe void AddInRankOrder<T>(int buffer, long offset, Span<T> block)
        where T : unmanaged, INumberBase<T>
    {
        // A window is made for two ranks or more (TryJoin), so there are always the first two terms.
        var length = block.Length;
        ReadOnlySpan<T> Part(int owner) => new((byte*)Segment<byte>(owner, buffer) + offset, length);
        TensorKernels.Add(Part(0), Part(1), block);
        for (var r = 2; r < size; r++)
        {
            TensorKernels.Add(block, Part(r), block);
        }
    }

    /// <summary>
    /// block[j] = Σ_r t_r[j] in rank order, where t_r is rank r's weighted values at element <paramref name="start"/> of
    /// its buffer and this rank's own term is <paramref name="weight"/> · <paramref name="own"/>[j], made here: the
    /// product rounded before the sum (<see cref="TensorKernels.MultiplyAdd{T}"/>), as when the others wrote theirs, and
    /// added where its rank's term goes (a + b = b + a exactly, so t₀ + t₁ is the same bits whichever is made here).
    /// </summary>
    private unsafe void AddInRankOrder<T>(int buffer, int start, Span<T> block, ReadOnlySpan<T> own, T weight)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = block.Length;
        ReadOnlySpan<T> Part(int owner) => new(Segment<T>(owner, buffer) + start, length);
        if (rank < 2)
        {
            TensorKernels.MultiplyAdd(own, weight, Part(1 - rank), block);
        }
        else
        {
            TensorKernels.Add(Part(0), Part(1), block);
        }

        for (var r = 2; r < size; r++)
        {
            if (r == rank)
            {
                TensorKernels.MultiplyAdd(own, weight, block, block);
            }
            else
            {
                TensorKernels.Add(block, Part(r), block);
            }
        }
    }

    private unsafe T* Segment<T>(int owner, int buffer)
        where T : unmanaged =>
        (T*)((byte*)segments[owner] + (buffer * bytesPerBuffer));

    /// <summary>
    /// Makes each segment's two buffers hold at least <paramref name="bytes"/>. Collective, but every rank asks for
    /// the same sizes in the same order (the same sums of the same lengths), so all reach a new allocation together.
    /// </summary>
    private unsafe void Reserve(long bytes)
    {
        if (bytes <= bytesPerBuffer)
        {
            return;
        }

        if (window != 0)
        {
            // No rank may still be reading the last operation's buffer when the memory goes.
            Check(MPI.Unsafe.MPI_Barrier(node), "MPI_Barrier");
            Check(MPI_Win_unlock_all(window), "MPI_Win_unlock_all");
            Check(MPI_Win_free(ref window), "MPI_Win_free");
        }

        // Whole cache lines, so two buffers never share one.
        bytesPerBuffer = (Math.Max(bytes, 2048) + 63) & ~63L;
        Check(MPI_Win_allocate_shared((IntPtr)(2 * bytesPerBuffer), 1, InfoNull, node, out _, out window), "MPI_Win_allocate_shared");
        Check(MPI_Win_lock_all(ModeNoCheck, window), "MPI_Win_lock_all");
        segments = new IntPtr[size];
        for (var r = 0; r < size; r++)
        {
            Check(MPI_Win_shared_query(window, r, out _, out _, out segments[r]), "MPI_Win_shared_query");
        }

        operation = 0;
    }
}
