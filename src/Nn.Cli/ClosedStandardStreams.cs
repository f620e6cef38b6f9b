using System;
using System.IO;
using System.Linq;

namespace Nn.Cli;

/// <summary>
/// Recognises a standard stream that was closed when nn started (<c>nn eval m.nnm --test - &lt;&amp;-</c>,
/// <c>nn train &gt;&amp;-</c>). The .NET runtime makes its own internal pipe during start-up, and the pipe's two
/// ends take the lowest free descriptors. Standard input then reads a pipe only the runtime writes, so reading
/// <c>-</c> would wait for ever; standard output is the pipe's read end, where every write fails with a message that
/// names nothing ("Access to the path is denied"), or, with standard input closed too, its write end, where nn's
/// output would go into the runtime's own signal pipe. Linux shows the case: this process itself holds the pipe's
/// other end, where a real pipe's other end belongs to another process.
/// </summary>
internal static class ClosedStandardStreams
{
    /// <summary>Standard input's descriptor.</summary>
    public const int Input = 0;

    /// <summary>Standard output's descriptor.</summary>
    public const int Output = 1;

    private const string Descriptors = "/proc/self/fd";

    /// <summary>
    /// Whether <paramref name="descriptor"/> is one end of a pipe whose other end this process also holds; false
    /// where that cannot be told (not Linux, or /proc unreadable).
    /// </summary>
    /// <param name="descriptor">0 for standard input, 1 for standard output.</param>
    public static bool IsOwnPipe(int descriptor)
    {
        var name = descriptor.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!OperatingSystem.IsLinux() || LinkOf(name) is not { } pipe || !pipe.StartsWith("pipe:", StringComparison.Ordinal) || AccessOf(name) is not { } access)
        {
            return false;
        }

        try
        {
            // The runtime's console streams hold duplicates of the descriptor, with its access; the other end has the other.
            return Directory.EnumerateFiles(Descriptors).Select(Path.GetFileName)
                .Any(fd => fd is not null && fd != name && LinkOf(fd) == pipe && AccessOf(fd) is { } other && other != access);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>What a descriptor points at ("pipe:[1234]"), or null when it closed meanwhile or cannot be read.</summary>
    private static string? LinkOf(string fd)
    {
        try
        {
            return new FileInfo(Path.Combine(Descriptors, fd)).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// How a descriptor was opened: the access mode (0 read, 1 write, 2 both) in the octal flags /proc/self/fdinfo
    /// shows; null when it cannot be read.
    /// </summary>
    private static int? AccessOf(string fd)
    {
        try
        {
            var flags = File.ReadLines(Path.Combine("/proc/self/fdinfo", fd)).FirstOrDefault(line => line.StartsWith("flags:", StringComparison.Ordinal));
            return flags is null ? null : Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & 3;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
