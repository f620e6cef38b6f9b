using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Nn;

/// <summary>What kind of file system entry a path names, after following symbolic links.</summary>
internal enum FileKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file: the only kind a save may replace.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A character or block device, a FIFO or a socket: renaming a file over it would destroy it.</summary>
    Special,
}

/// <summary>Reads the kind of a path from the operating system.</summary>
internal static partial class FileKinds
{
    // S_IFMT and S_IFREG of <sys/stat.h>, the same on every Linux architecture.
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;

    // statx(2) fills a struct whose layout is the same on every Linux architecture (unlike struct stat), so one
    // buffer and one offset serve all of them: stx_mode is the u16 at byte 28 of the 256-byte struct.
    private const int AtCurrentDirectory = -100;
    private const uint TypeField = 0x1;
    private const int StatxSize = 256;
    private const int ModeOffset = 28;

    /// <summary>
    /// The kind of <paramref name="path"/>. .NET reports devices and FIFOs as ordinary files, so on Linux the mode is
    /// read with statx(2); elsewhere anything that is neither missing nor a directory counts as regular.
    /// </summary>
    public static FileKind Of(string path)
    {
        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }

        if (!File.Exists(path))
        {
            return FileKind.Missing;
        }

        return OperatingSystem.IsLinux() && Mode(path) is { } mode && (mode & TypeMask) != RegularType ? FileKind.Special : FileKind.Regular;
    }

    private static int? Mode(string path)
    {
        var buffer = new byte[StatxSize];
        try
        {
            return Statx(AtCurrentDirectory, path, 0, TypeField, buffer) == 0 ? BitConverter.ToUInt16(buffer, ModeOffset) : null;
        }
        catch (EntryPointNotFoundException)
        {
            // A C library older than glibc 2.28 has no statx; the kind then cannot be told apart, as on other systems.
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);
}
