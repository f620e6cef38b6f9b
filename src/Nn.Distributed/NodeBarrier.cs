using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using static Nn.Distributed.Mpi3;

namespace Nn.Distributed;

/// <summary>
/// The barrier of the sums through shared memory (<see cref="NodeSharedMemory"/>): a counter and a generation in
/// shared memory. A rank that arrives before the others spins for up to <see cref="SpinTime"/>, then sleeps in the
/// kernel on the generation (a futex on Linux), so that its CPU is free for whatever keeps the others from arriving; it
/// sleeps at once when another rank last arrived on the same CPU, which that rank then needs.
/// </summary>
/// <remarks>
/// MPICH's barrier polls until every rank has arrived. When a rank is kept off its CPU (another process, the runtime's
/// compiler, two ranks placed on one CPU) the ranks that arrived first poll on theirs, so a wait lasts until the
/// scheduler takes a CPU from a poller: a time slice, milliseconds. Balanced ranks arrive within microseconds of each
/// other and never sleep. The generation's futex is shared between processes (the window is a shared mapping), and
/// every sleep has a time limit, so a rank killed while the others sleep leaves them to MPI's launcher, which ends the
/// job, as in an MPI call.
/// </remarks>
internal sealed unsafe class NodeBarrier : IDisposable
{
    /// <summary>
    /// How long a rank that arrived early spins before it sleeps: several times what waking a sleeper costs (a futex
    /// wake-up of a thread on the other, idle vCPU took 75 µs, median of 1000, on the 2-vCPU AMD Zen 5 VM), so that the
    /// short waits of balanced ranks never pay it.
    /// </summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMicroseconds(250);

    private const int FutexWait = 0;
    private const int FutexWake = 1;

    // The counter, the generation, the count of sleepers and the ranks' CPUs on cache lines of their own.
    private const int ArrivedAt = 0;
    private const int GenerationAt = 64;
    private const int SleepersAt = 128;
    private const int CpusAt = 192;

    private static readonly long SpinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);

    /// <summary>The futex system call's number on this machine, or −1 where there is none to call.</summary>
    private static readonly int FutexCall = !OperatingSystem.IsLinux() ? -1
        : RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64 ? 202
        : RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? 98
        : -1;

    private readonly int rank;
    private readonly int size;
    private readonly int* cpus;
    private readonly int* arrived;
    private readonly int* generation;
    private readonly int* sleepers;
    private int window;

    private NodeBarrier(int rank, int size, int window, byte* start)
    {
        this.rank = rank;
        this.size = size;
        this.window = window;
        cpus = (int*)(start + CpusAt);
        arrived = (int*)(start + ArrivedAt);
        generation = (int*)(start + GenerationAt);
        sleepers = (int*)(start + SleepersAt);
    }

    /// <summary>The barrier of the ranks of <paramref name="node"/>. Collective: every rank of the communicator calls it.</summary>
    public static NodeBarrier Create(int node, int rank, int size)
    {
        var bytes = CpusAt + (size * sizeof(int));
        Check(MPI_Win_allocate_shared(rank == 0 ? bytes : 0, 1, InfoNull, node, out _, out var window), "MPI_Win_allocate_shared");
        Check(MPI_Win_lock_all(ModeNoCheck, window), "MPI_Win_lock_all");
        Check(MPI_Win_shared_query(window, 0, out _, out _, out var start), "MPI_Win_shared_query");
        if (rank == 0)
        {
            new Span<byte>((void*)start, CpusAt).Clear();
            new Span<int>((byte*)start + CpusAt, size).Fill(-1);
        }

        Check(MPI_Win_sync(window), "MPI_Win_sync");
        Check(MPI.Unsafe.MPI_Barrier(node), "MPI_Barrier");
        Check(MPI_Win_sync(window), "MPI_Win_sync");
        return new NodeBarrier(rank, size, window, (byte*)start);
    }

    /// <summary>Returns when every rank has called it as often as this one.</summary>
    public void Wait()
    {
        var now = Volatile.Read(ref *generation);
        var cpu = ThreadClock.CurrentCpu();
        Volatile.Write(ref cpus[rank], cpu);

        // Interlocked operations are full fences: what a rank wrote before it arrived is seen by every rank after it.
        if (Interlocked.Increment(ref *arrived) == size)
        {
            Volatile.Write(ref *arrived, 0);
            Interlocked.Increment(ref *generation);

            // A sleeper counts itself before it checks the generation, and this rank moved the generation before it
            // reads the count (both full fences): one of the two sees the other.
            if (Volatile.Read(ref *sleepers) != 0)
            {
                Futex(generation, FutexWake, int.MaxValue);
            }

            return;
        }

        // A rank that last arrived on this CPU cannot arrive while this one spins here: it waits for this CPU.
        var shared = false;
        for (var r = 0; r < size; r++)
        {
            shared |= r != rank && cpu >= 0 && Volatile.Read(ref cpus[r]) == cpu;
        }

        var start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref *generation) == now)
        {
            if (shared || Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                Sleep(now);
                return;
            }

            Thread.SpinWait(8);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (window != 0)
        {
            MPI_Win_unlock_all(window);
            MPI_Win_free(ref window);
        }
    }

    /// <summary>Sleeps until the generation moves on from <paramref name="now"/>.</summary>
    private void Sleep(int now)
    {
        Interlocked.Increment(ref *sleepers);
        while (Volatile.Read(ref *generation) == now)
        {
            if (!Futex(generation, FutexWait, now))
            {
                // No futex here (not Linux on x64 or ARM64): give the CPU away for a moment instead.
                Thread.Sleep(0);
            }
        }

        Interlocked.Decrement(ref *sleepers);
    }

    /// <summary>
    /// FUTEX_WAIT (sleeps while *<paramref name="word"/> = <paramref name="value"/>, at most 50 ms) or FUTEX_WAKE (wakes
    /// up to <paramref name="value"/> sleepers), shared between processes. False where there is no futex to call.
    /// </summary>
    private static bool Futex(int* word, int operation, int value)
    {
        if (FutexCall < 0)
        {
            return false;
        }

        // struct timespec: seconds and nanoseconds, both 64-bit on 64-bit Linux. A wait ends by itself after 50 ms.
        var limit = stackalloc long[2] { 0, 50_000_000 };
        syscall(FutexCall, word, operation, value, operation == FutexWait ? limit : null);
        return true;
    }

    [DllImport("libc")]
    private static extern long syscall(long number, int* word, int operation, int value, long* timeout);
}
