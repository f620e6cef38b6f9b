using System;
using System.Collections.Generic;
using System.Numerics;
using Nn.Kernels;

namespace Nn.Distributed;

/// <summary>
/// This process's place in an MPI job (MPI_COMM_WORLD) and the sums data-parallel training needs. Made once per
/// process by <see cref="Join"/>, before any training, and disposed at the end (MPI_Finalize).
/// </summary>
/// <remarks>
/// A sum is MPI_Reduce_scatter followed by MPI_Allgatherv, not MPI_Allreduce. The MPI standard only recommends
/// (MPI-4.0 §6.9.1, advice to implementors) that a reduction give the same result for the same arguments in the same
/// order; it does not promise that every rank of an all-reduce receives the same bits, and an implementation may
/// reduce different segments, or the same segment in a different order, on different ranks. The training loop needs
/// identical bits: every rank applies the update to its own copy of θ, and copies that differ by one rounding would
/// drift apart. Here each block of the sum (<see cref="DataParallel.Block"/>) is computed once, on one rank, and the
/// all-gather copies it, so the bits agree by construction on any MPI; and unlike a reduce to rank 0 and a broadcast
/// from it, every rank sends and receives (N − 1)/N of the vector in each direction at the same time
/// (docs/distributed.md). The sharded training step uses the two halves apart, with the update between them. When
/// every rank runs on this machine the same operations go through a shared-memory window instead
/// (<see cref="NodeSharedMemory"/>), with the same guarantee; NN_MPI_SHARED_MEMORY=0 keeps the collectives.
/// </remarks>
/// <example><code>
/// using var group = MpiGroup.Join();
/// var result = DistributedTrainer.Train(group, network, Loss.SoftmaxCrossEntropy, new Adam(0.005), train, options, test);
/// if (group.IsLeader) { ModelFile.Save(result.Network, "model.nnm"); }
/// </code></example>
public sealed class MpiGroup : IDataParallelGroup, IDisposable
{
    private readonly MPI.Environment environment;
    private float[] floats = [];
    private double[] doubles = [];
    private int[] ints = [];

    /// <summary>The block counts and starts of each vector length summed so far (a run sums a handful of lengths).</summary>
    private readonly Dictionary<int, (int[] Counts, int[] Starts)> blocks = [];

    /// <summary>How long <see cref="Abort"/> waits for the launcher to forward this rank's last output.</summary>
    private static readonly TimeSpan AbortGrace = TimeSpan.FromMilliseconds(300);

    /// <summary>MPI_IN_PLACE, (void*)−1 in MPICH's mpi.h and in MS-MPI's; MPI.NET does not name it.</summary>
    private static readonly IntPtr InPlace = new(-1);

    /// <summary>The ranks' shared memory when they all run on this machine (and NN_MPI_SHARED_MEMORY is not 0), otherwise null.</summary>
    private readonly NodeSharedMemory? shared;

    /// <summary>The ranks, this one included, on this rank's machine.</summary>
    private readonly int ranksHere;

    private StepTimeline? timeline;

    private MpiGroup(MPI.Environment environment)
    {
        this.environment = environment;
        Rank = MPI.Communicator.world.Rank;
        Size = MPI.Communicator.world.Size;
        shared = NodeSharedMemory.TryJoin(Rank, Size, out ranksHere);
    }

    /// <summary>
    /// Initialises MPI in this process and joins the job it was started in (by mpiexec), or a job of one process
    /// when started on its own. Call once per process.
    /// </summary>
    /// <returns>The group; dispose it to finalise MPI.</returns>
    /// <exception cref="DllNotFoundException">No MPI library with MPICH's ABI is installed.</exception>
    /// <exception cref="InvalidOperationException">MPI was already initialised in this process.</exception>
    public static MpiGroup Join()
    {
        MpiLibrary.Register();
        if (MPI.Environment.Initialized)
        {
            throw new InvalidOperationException("MPI is already initialised in this process; join the group once and share it.");
        }

        // Funneled: training threads (--threads) never call MPI; only the thread that joined does.
        var args = Array.Empty<string>();
        return new MpiGroup(new MPI.Environment(ref args, MPI.Threading.Funneled));
    }

    /// <summary>This process's rank r, 0 ≤ r &lt; <see cref="Size"/>.</summary>
    public int Rank { get; }

    /// <summary>The number of processes N in the job.</summary>
    public int Size { get; }

    /// <summary>Whether this is rank 0, the one that prints and writes files.</summary>
    public bool IsLeader => Rank == 0;

    /// <summary>
    /// Where this rank's steps spend their time, when set (by the distributed benchmark; null otherwise, and then
    /// nothing is timed). Settable rather than fixed at <see cref="Join"/> because the benchmark times the training
    /// run only, not its own warm-up sums; with MPI's collectives every sum then takes a barrier first, to tell waiting
    /// from moving.
    /// </summary>
    internal StepTimeline? Timeline
    {
        get => timeline;
        set
        {
            timeline = value;
            if (shared is not null)
            {
                shared.Timeline = value;
            }
        }
    }

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum over all ranks, the same bits everywhere.</summary>
    /// <param name="values">This rank's values; every rank passes the same length.</param>
    public void Sum(Span<float> values)
    {
        timeline?.Enter(TimedPhase.SumWait, TimedPhase.Sum);
        if (shared is null)
        {
            Sum(values, ref floats, MPI.Unsafe.MPI_FLOAT);
        }
        else
        {
            shared.Sum(values);
        }

        timeline?.Moved();
    }

    /// <inheritdoc cref="Sum(Span{float})"/>
    public void Sum(Span<double> values)
    {
        timeline?.Enter(TimedPhase.SumWait, TimedPhase.Sum);
        if (shared is null)
        {
            Sum(values, ref doubles, MPI.Unsafe.MPI_DOUBLE);
        }
        else
        {
            shared.Sum(values);
        }

        timeline?.Moved();
    }

    /// <inheritdoc cref="Sum(Span{float})"/>
    public void Sum(Span<int> values)
    {
        timeline?.Enter(TimedPhase.SumWait, TimedPhase.Sum);
        if (shared is null)
        {
            Sum(values, ref ints, MPI.Unsafe.MPI_INT);
        }
        else
        {
            shared.Sum(values);
        }

        timeline?.Moved();
    }

    /// <summary>
    /// Ends the whole job now (MPI_Abort): every process of it stops and mpiexec exits with a non-zero code. For a
    /// failure on one rank, which the others, waiting in a sum, would otherwise wait for for ever.
    /// </summary>
    /// <param name="exitCode">The exit code asked of mpiexec.</param>
    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();

        // MPICH's launcher forwards each rank's output through pipes and, on an abort, kills the ranks and exits; what
        // this rank has just written may not have been forwarded by then (seen: the message lost in about one job in
        // ten on a busy machine). A moment's pause on the way out lets it through.
        System.Threading.Thread.Sleep(AbortGrace);
        MPI.Unsafe.MPI_Abort(MPI.Unsafe.MPI_COMM_WORLD, exitCode);
    }

    /// <summary>Finalises MPI (every rank must dispose its group for the job to end normally).</summary>
    public void Dispose()
    {
        shared?.Dispose();
        environment.Dispose();
    }

    // The sharded step's reduce-scatter and all-gather (DataParallelSteps) are the training loop's business, not
    // part of this class's public surface.
    void IDataParallelGroup.SumBlock(Span<float> values, float weight, Span<float> block) => SumBlock(values, weight, block, MPI.Unsafe.MPI_FLOAT);

    void IDataParallelGroup.SumBlock(Span<double> values, double weight, Span<double> block) => SumBlock(values, weight, block, MPI.Unsafe.MPI_DOUBLE);

    void IDataParallelGroup.GatherBlocks(Span<float> values) => GatherBlocks(values, MPI.Unsafe.MPI_FLOAT);

    void IDataParallelGroup.GatherBlocks(Span<double> values) => GatherBlocks(values, MPI.Unsafe.MPI_DOUBLE);

    void IDataParallelGroup.GatherBlocks(Span<float> values, Span<double> totals) => GatherBlocks(values, totals, MPI.Unsafe.MPI_FLOAT);

    void IDataParallelGroup.GatherBlocks(Span<double> values, Span<double> totals) => GatherBlocks(values, totals, MPI.Unsafe.MPI_DOUBLE);

    void IDataParallelGroup.Reached(StepPhase phase) => timeline?.Reached(phase);

    /// <inheritdoc/>
    int IDataParallelGroup.RanksOnThisMachine => ranksHere;

    ISharedParameters? IDataParallelGroup.ShareParameters(int length, int elementSize)
    {
        if (shared is null)
        {
            return null;
        }

        var (counts, starts) = Blocks(length);
        return shared.ShareParameters(length, elementSize, starts, counts);
    }

    private unsafe void Sum<T>(Span<T> values, ref T[] scratch, int datatype)
        where T : unmanaged, INumberBase<T>
    {
        if (Size == 1 || values.IsEmpty)
        {
            return;
        }

        // A reduce-scatter and an all-gather: rank r sums block r alone, and the all-gather copies each block
        // everywhere, so the bits agree by construction as with a reduce and a broadcast, but every rank sends and
        // receives (N − 1)/N of the vector once in each direction at the same time instead of rank 0 doing it all.
        var (counts, starts) = Blocks(values.Length);
        if (scratch.Length < counts[Rank])
        {
            scratch = new T[values.Length];
        }

        fixed (T* all = values)
        fixed (T* block = scratch)
        {
            WaitForAll();
            Check(MPI.Unsafe.MPI_Reduce_scatter((IntPtr)all, (IntPtr)block, counts, datatype, MPI.Unsafe.MPI_SUM, MPI.Unsafe.MPI_COMM_WORLD), "MPI_Reduce_scatter");
            Check(MPI.Unsafe.MPI_Allgatherv((IntPtr)block, counts[Rank], datatype, (IntPtr)all, counts, starts, datatype, MPI.Unsafe.MPI_COMM_WORLD), "MPI_Allgatherv");
        }
    }

    private unsafe void SumBlock<T>(Span<T> values, T weight, Span<T> block, int datatype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (counts, starts) = Blocks(values.Length);
        if (block.Length != counts[Rank])
        {
            throw new ArgumentException($"rank {Rank}'s block of {values.Length} values holds {counts[Rank]}, not {block.Length}.", nameof(block));
        }

        timeline?.Enter(TimedPhase.ReduceScatterWait, TimedPhase.ReduceScatter);
        if (shared is not null)
        {
            shared.SumBlock(values, weight, block, starts, counts);
        }
        else
        {
            TensorKernels.Multiply(values, weight, values);
            fixed (T* all = values)
            fixed (T* own = block)
            {
                WaitForAll();
                Check(MPI.Unsafe.MPI_Reduce_scatter((IntPtr)all, (IntPtr)own, counts, datatype, MPI.Unsafe.MPI_SUM, MPI.Unsafe.MPI_COMM_WORLD), "MPI_Reduce_scatter");
            }
        }

        timeline?.Moved();
    }

    private unsafe void GatherBlocks<T>(Span<T> values, int datatype)
        where T : unmanaged
    {
        if (Size == 1 || values.IsEmpty)
        {
            return;
        }

        var (counts, starts) = Blocks(values.Length);
        timeline?.Enter(TimedPhase.AllGatherWait, TimedPhase.AllGather);
        if (shared is not null)
        {
            shared.GatherBlocks(values, starts, counts);
        }
        else
        {
            fixed (T* all = values)
            {
                WaitForAll();
                Check(MPI.Unsafe.MPI_Allgatherv(InPlace, 0, datatype, (IntPtr)all, counts, starts, datatype, MPI.Unsafe.MPI_COMM_WORLD), "MPI_Allgatherv");
            }
        }

        timeline?.Moved();
    }

    /// <summary>
    /// An all-gather and a sum of a few totals: through shared memory in one exchange (one synchronisation instead of
    /// two), through MPI's collectives one after the other.
    /// </summary>
    private void GatherBlocks<T>(Span<T> values, Span<double> totals, int datatype)
        where T : unmanaged
    {
        if (shared is null || values.IsEmpty)
        {
            GatherBlocks(values, datatype);
            Sum(totals);
            return;
        }

        var (counts, starts) = Blocks(values.Length);
        timeline?.Enter(TimedPhase.AllGatherWait, TimedPhase.AllGather);
        shared.GatherBlocks(values, starts, counts, totals);
        timeline?.Moved();
    }

    /// <summary>
    /// When steps are timed, a barrier before one of MPI's collectives, so that the time a rank waits for the last one
    /// to arrive is measured apart from the collective's own (which would otherwise hide it in its first message). What
    /// the sum did before it (weighting the gradient) is its moving, not its waiting.
    /// </summary>
    private void WaitForAll()
    {
        if (timeline is not null)
        {
            timeline.Moved();
            Check(MPI.Unsafe.MPI_Barrier(MPI.Unsafe.MPI_COMM_WORLD), "MPI_Barrier");
            timeline.Waited();
        }
    }

    /// <summary>Every rank's block of a vector of <paramref name="length"/> values (<see cref="DataParallel.Block"/>), as MPI's count and displacement arrays.</summary>
    private (int[] Counts, int[] Starts) Blocks(int length)
    {
        if (!blocks.TryGetValue(length, out var cut))
        {
            cut = (new int[Size], new int[Size]);
            for (var r = 0; r < Size; r++)
            {
                (cut.Starts[r], cut.Counts[r]) = DataParallel.Block(length, r, Size);
            }

            blocks.Add(length, cut);
        }

        return cut;
    }

    private static void Check(int code, string call)
    {
        // MPI_COMM_WORLD's default handler aborts the job on an error, so this is reached only if a handler was changed.
        if (code != MPI.Unsafe.MPI_SUCCESS)
        {
            throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
        }
    }
}
