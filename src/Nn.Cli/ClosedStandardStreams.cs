using System;
using System.IO;
using System.Linq;

namespace Nn.Cli;

/// <summary>
/// Recognises a standard stream that was closed when nn started (<c>nn eval m.nnm --test - &lt;&amp;-</c>,
/// <c>nn train &gt;&amp;-</c>). The .NET runtime makes its own internal pipe during start-up, and its two ends take
/// the lowest free descriptors. Standard input then reads a pipe only the runtime writes, so reading <c>-</c> would
/// wait for ever; standard output is the pipe's read end, where every write fails with a message that names nothing
/// ("Access to the path is denied"), or, with standard input closed too, its write end, where nn's output would go
/// into the runtime's own signal pipe. Linux shows the case: a descriptor the process inherited through exec cannot
/// be close-on-exec, and one the process opened itself (the runtime's pipe, or anything else that took the free
/// number) is. A leaked descriptor of the same pipe, which a careless parent may pass, does not make a live stream
/// look closed.
/// </summary>
internal static class ClosedStandardStreams
{
    /// <summary>Standard input's descriptor.</summary>
    public const int Input = 0;

    /// <summary>Standard output's descriptor.</summary>
    public const int Output = 1;

    private const string Descriptors = "/proc/self/fdinfo";

    /// <summary>O_CLOEXEC as the octal flags of /proc/self/fdinfo show it.</summary>
    private const int CloseOnExec = 0x80000;

    /// <summary>
    /// Whether <paramref name="descriptor"/> was closed when the process started: it is not open now, or it is
    /// close-on-exec, so this process opened it itself. False where that cannot be told (not Linux, no /proc).
    /// </summary>
    /// <param name="descriptor">0 for standard input, 1 for standard output.</param>
    public static bool WasClosedAtStart(int descriptor)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists(Descriptors))
        {
            return false;
        }

        try
        {
            var flags = File.ReadLines(Path.Combine(Descriptors, descriptor.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .FirstOrDefault(line => line.StartsWith("flags:", StringComparison.Ordinal));
            return flags is not null && (Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & CloseOnExec) != 0;
        }
        catch (FileNotFoundException)
        {
            // Not open at all: the next file nn opens would take the number and receive what is written there.
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }
}
