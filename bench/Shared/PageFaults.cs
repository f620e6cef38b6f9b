using System;
using System.Globalization;
using System.IO;

namespace Nn.Benchmarks;

/// <summary>
/// The process's minor page faults (first touches of fresh memory, which a virtual machine makes expensive), read from
/// Linux's /proc/self/stat. One source compiled into both bench/Nn.Benchmarks and bench/Nn.Distributed.Benchmarks.
/// </summary>
internal static class PageFaults
{
    /// <summary>The minor page faults so far (field 10 of /proc/self/stat), or null where there is no such file.</summary>
    public static long? Minor()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count the fields after its closing one.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[7], CultureInfo.InvariantCulture);
    }
}
