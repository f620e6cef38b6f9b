using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Nn.Distributed;

/// <summary>
/// Points MPI.NET at the MPI library of this machine. MPI.NET imports Microsoft MPI's msmpi.dll; on Linux that
/// import is answered with MPICH's libmpich.so.12, which shares MS-MPI's handle values (MPI_COMM_WORLD, MPI_FLOAT,
/// MPI_SUM are the same integers), so MPI.NET's calls mean the same there. Open MPI uses pointer handles and does
/// not work. NN_MPI_LIBRARY names another library with MPICH's ABI (Intel MPI, Cray MPICH) when it is set.
/// </summary>
internal static class MpiLibrary
{
    /// <summary>The library loaded for msmpi.dll on Linux unless NN_MPI_LIBRARY says otherwise.</summary>
    public const string Mpich = "libmpich.so.12";

    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>Installs the mapping once per process, before MPI.NET makes its first call.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (registered || OperatingSystem.IsWindows())
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(MPI.Environment).Assembly, Resolve);

            // NodeSharedMemory's own imports of the MPI-3 calls MPI.NET does not declare.
            NativeLibrary.SetDllImportResolver(typeof(MpiLibrary).Assembly, Resolve);
            registered = true;
        }
    }

    /// <summary>The library name the resolver loads, for messages.</summary>
    public static string Name => Environment.GetEnvironmentVariable("NN_MPI_LIBRARY") is { Length: > 0 } chosen ? chosen : Mpich;

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase))
        {
            return IntPtr.Zero;
        }

        if (NativeLibrary.TryLoad(Name, assembly, searchPath, out var handle))
        {
            return handle;
        }

        throw new DllNotFoundException(
            $"MPI library {Name} not found: install MPICH (Debian and Ubuntu: apt-get install mpich) and start the program with mpiexec.mpich, or set NN_MPI_LIBRARY to a library with MPICH's ABI.");
    }
}
