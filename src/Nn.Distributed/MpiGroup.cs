using System;

namespace Nn.Distributed;

/// <summary>
/// This process's place in an MPI job (MPI_COMM_WORLD) and the sums data-parallel training needs. Made once per
/// process by <see cref="Join"/>, before any training, and disposed at the end (MPI_Finalize).
/// </summary>
/// <remarks>
/// A sum is MPI_Reduce to rank 0 followed by MPI_Bcast from it, not MPI_Allreduce. The MPI standard only recommends
/// (MPI-4.0 §6.9.1, advice to implementors) that a reduction give the same result for the same arguments in the same
/// order; it does not promise that every rank of an all-reduce receives the same bits, and an implementation may
/// reduce different segments, or the same segment in a different order, on different ranks. The training loop needs
/// identical bits: every rank applies the update to its own copy of θ, and copies that differ by one rounding would
/// drift apart. With reduce + broadcast the sum is computed once, on rank 0, and copied, so the bits agree by
/// construction on any MPI; it costs a second latency and the broadcast's bandwidth (docs/distributed.md).
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

    private MpiGroup(MPI.Environment environment)
    {
        this.environment = environment;
        Rank = MPI.Communicator.world.Rank;
        Size = MPI.Communicator.world.Size;
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

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum over all ranks, the same bits everywhere.</summary>
    /// <param name="values">This rank's values; every rank passes the same length.</param>
    public void Sum(Span<float> values) => Sum(values, ref floats, MPI.Unsafe.MPI_FLOAT);

    /// <inheritdoc cref="Sum(Span{float})"/>
    public void Sum(Span<double> values) => Sum(values, ref doubles, MPI.Unsafe.MPI_DOUBLE);

    /// <inheritdoc cref="Sum(Span{float})"/>
    public void Sum(Span<int> values) => Sum(values, ref ints, MPI.Unsafe.MPI_INT);

    /// <summary>
    /// Ends the whole job now (MPI_Abort): every process of it stops and mpiexec exits with a non-zero code. For a
    /// failure on one rank, which the others, waiting in a sum, would otherwise wait for for ever.
    /// </summary>
    /// <param name="exitCode">The exit code asked of mpiexec.</param>
    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        MPI.Unsafe.MPI_Abort(MPI.Unsafe.MPI_COMM_WORLD, exitCode);
    }

    /// <summary>Finalises MPI (every rank must dispose its group for the job to end normally).</summary>
    public void Dispose() => environment.Dispose();

    private unsafe void Sum<T>(Span<T> values, ref T[] scratch, int datatype)
        where T : unmanaged
    {
        if (Size == 1 || values.IsEmpty)
        {
            return;
        }

        if (scratch.Length < values.Length)
        {
            scratch = new T[values.Length];
        }

        fixed (T* send = values)
        fixed (T* receive = scratch)
        {
            Check(MPI.Unsafe.MPI_Reduce((IntPtr)send, (IntPtr)receive, values.Length, datatype, MPI.Unsafe.MPI_SUM, 0, MPI.Unsafe.MPI_COMM_WORLD), "MPI_Reduce");
            if (IsLeader)
            {
                scratch.AsSpan(0, values.Length).CopyTo(values);
            }

            Check(MPI.Unsafe.MPI_Bcast((IntPtr)send, values.Length, datatype, 0, MPI.Unsafe.MPI_COMM_WORLD), "MPI_Bcast");
        }
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
