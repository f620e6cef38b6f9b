using System;
using System.Runtime.InteropServices;

namespace Nn.Distributed;

/// <summary>
/// The MPI-3 calls MPI.NET 1.4 does not declare (communicators split by node, shared-memory windows), for
/// <see cref="NodeSharedMemory"/> and <see cref="NodeSharedParameters"/>; msmpi.dll is answered with MPICH's library like
/// MPI.NET's own imports (<see cref="MpiLibrary"/>). Handles are ints in MPICH's ABI and MS-MPI's; MPI_Aint is
/// pointer-sized.
/// </summary>
internal static class Mpi3
{
    /// <summary>MPI_COMM_TYPE_SHARED.</summary>
    internal const int CommTypeShared = 1;

    /// <summary>MPI_INFO_NULL.</summary>
    internal const int InfoNull = 0x1c000000;

    /// <summary>MPI_MODE_NOCHECK.</summary>
    internal const int ModeNoCheck = 1024;

    /// <summary>MPI_SUCCESS.</summary>
    internal const int Success = 0;

    private const string Library = "msmpi.dll";

    /// <summary>Throws when an MPI call returned an error code.</summary>
    internal static void Check(int code, string call)
    {
        // MPI_COMM_WORLD's default handler aborts the job on an error, so this is reached only if a handler was changed.
        if (code != Success)
        {
            throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
        }
    }

    [DllImport(Library)]
    internal static extern int MPI_Comm_split_type(int comm, int splitType, int key, int info, out int newComm);

    [DllImport(Library)]
    internal static extern int MPI_Comm_size(int comm, out int size);

    [DllImport(Library)]
    internal static extern int MPI_Comm_free(ref int comm);

    [DllImport(Library)]
    internal static extern int MPI_Win_allocate_shared(IntPtr size, int displacementUnit, int info, int comm, out IntPtr baseAddress, out int window);

    [DllImport(Library)]
    internal static extern int MPI_Win_shared_query(int window, int rank, out IntPtr size, out int displacementUnit, out IntPtr baseAddress);

    [DllImport(Library)]
    internal static extern int MPI_Win_lock_all(int assertion, int window);

    [DllImport(Library)]
    internal static extern int MPI_Win_unlock_all(int window);

    [DllImport(Library)]
    internal static extern int MPI_Win_sync(int window);

    [DllImport(Library)]
    internal static extern int MPI_Win_free(ref int window);
}
