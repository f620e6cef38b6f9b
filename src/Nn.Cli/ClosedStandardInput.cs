using System;
using System.IO;
using System.Linq;

namespace Nn.Cli;

/// <summary>
/// Recognises standard input that was closed when nn started (<c>nn eval m.nnm --test - &lt;&amp;-</c>). The .NET
/// runtime then makes its own internal pipe during start-up, which takes the free descriptor 0, and reading
/// <c>-</c> would wait for ever on a pipe only the runtime writes. Linux shows the case: this process itself holds
/// the write end of the pipe on descriptor 0, where a real pipe's writer is another process.
/// </summary>
internal static class ClosedStandardInput
{
    private const string Descriptors = "/proc/self/fd";

    /// <summary>Whether descriptor 0 is a pipe this process also writes; false where that cannot be told.</summary>
    public static bool IsOwnPipe()
    {
        if (!OperatingSystem.IsLinux() || LinkOf("0") is not { } input || !input.StartsWith("pipe:", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            return Directory.EnumerateFiles(Descriptors).Select(Path.GetFileName).Any(fd => fd is not null and not "0" && LinkOf(fd) == input && WritesOnly(fd));
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

    /// <summary>Whether a descriptor was opened write-only (O_WRONLY in the octal flags /proc/self/fdinfo shows).</summary>
    private static bool WritesOnly(string fd)
    {
        try
        {
            var flags = File.ReadLines(Path.Combine("/proc/self/fdinfo", fd)).FirstOrDefault(line => line.StartsWith("flags:", StringComparison.Ordinal));
            return flags is not null && (Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & 3) == 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }
}
