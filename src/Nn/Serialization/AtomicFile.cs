using System;
using System.IO;

namespace Nn;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content, never a half-written
/// file: the bytes go to a temporary file in the same directory, are flushed to the disk, and the temporary file is
/// then renamed over the target. If writing fails, the temporary file is deleted and the previous file is untouched.
/// </summary>
/// <remarks>
/// A symbolic link is written through: the file it points to is replaced and the link stays. Only a regular file is
/// ever replaced: a directory, a device, a FIFO or a socket at the path is refused (on Linux; other systems cannot
/// tell a device from a file), and so is a read-only file, which is left as it is.
/// </remarks>
/// <example><code>
/// AtomicFile.CheckWritable("model.nnm");          // before a long computation: fails now rather than at the end
/// AtomicFile.Write("model.nnm", stream => stream.Write(bytes));
/// </code></example>
public static class AtomicFile
{
    // Linux gives up after 40 links in one lookup (ELOOP); a cycle is refused at the same depth.
    private const int MaxLinks = 40;

    /// <summary>
    /// The full path of the file that <paramref name="path"/> names once every symbolic link in it is followed, in
    /// its directories and in its last name: two paths name the same file when their targets are equal. Nothing
    /// needs to exist.
    /// </summary>
    /// <param name="path">A file path, absolute or relative to the current directory.</param>
    /// <returns>The absolute path with no symbolic link left in it (up to the first part that does not exist).</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="IOException">The links form a cycle or a chain longer than 40.</exception>
    public static string ResolveTarget(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var links = 0;
        return Resolve(Path.GetFullPath(path), ref links, path);
    }

    /// <summary>
    /// Checks everything <see cref="Write"/> would check before writing, without writing: that the target's
    /// directory exists and that the target is missing or a regular file that may be written.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <returns>The file that would be replaced (<see cref="ResolveTarget"/>).</returns>
    /// <exception cref="ArgumentException">The path is empty or ends in a directory separator.</exception>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    /// <exception cref="IOException">The target is a directory, a device, a FIFO or a socket.</exception>
    /// <exception cref="UnauthorizedAccessException">The target is a read-only file.</exception>
    public static string CheckWritable(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Path.EndsInDirectorySeparator(path))
        {
            throw new ArgumentException($"path must name a file, but '{path}' ends in a directory separator.", nameof(path));
        }

        var target = ResolveTarget(path);
        var directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"path '{path}' names the root directory, not a file.", nameof(path));
        switch (FileKinds.Of(target))
        {
            case FileKind.Directory:
                throw new IOException($"cannot save '{path}': {Described(path, target)} is a directory.");
            case FileKind.Special:
                throw new IOException($"cannot save '{path}': {Described(path, target)} is a device, FIFO or socket, not a regular file.");
            case FileKind.Regular when File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly):
                throw new UnauthorizedAccessException($"cannot save '{path}': {Described(path, target)} is read-only.");
            case FileKind.Missing when !Directory.Exists(directory):
                throw new DirectoryNotFoundException($"cannot save '{path}': the directory '{directory}' does not exist.");
        }

        return target;
    }

    /// <summary>Replaces <paramref name="path"/> (or the file its symbolic link points to) with what <paramref name="write"/> writes, atomically.</summary>
    /// <param name="path">The target file; its directory must exist.</param>
    /// <param name="write">Writes the complete new content to the stream it is given.</param>
    /// <exception cref="ArgumentException">The path is empty or ends in a directory separator.</exception>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    /// <exception cref="IOException">The target is a directory, a device, a FIFO or a socket; nothing is written.</exception>
    /// <exception cref="UnauthorizedAccessException">The target is a read-only file; it is left as it is.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var target = CheckWritable(path);
        var directory = Path.GetDirectoryName(target)!;
        var temporary = Path.Combine(directory, $".{Shortened(Path.GetFileName(target))}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            // The new file keeps the permissions of the one it replaces, as an in-place write would.
            if (!OperatingSystem.IsWindows() && File.Exists(target))
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Walks <paramref name="full"/> from its root down, replacing each part that is a symbolic link by its resolved
    /// target. The walk stops at the first part that does not exist, since nothing below it can be a link: a path of
    /// tens of thousands of missing directories took a copy of the whole path for each of them (gigabytes for a
    /// 130 KB path), and the recursion one stack frame each.
    /// </summary>
    private static string Resolve(string full, ref int links, string original)
    {
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var parts = full[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        var resolved = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var candidate = Path.Combine(resolved, parts[i]);
            if (new FileInfo(candidate).LinkTarget is { } link)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"cannot resolve '{original}': too many levels of symbolic links.");
                }

                resolved = Resolve(Path.GetFullPath(link, resolved), ref links, original);
                continue;
            }

            if (!Path.Exists(candidate))
            {
                return Path.Combine([candidate, .. parts[(i + 1)..]]);
            }

            resolved = candidate;
        }

        return resolved;
    }

    /// <summary>
    /// At most the first 32 characters of <paramref name="name"/> (a surrogate pair kept whole), for the temporary
    /// file's name: that name adds 38 characters to it, and a target whose name was near the file system's limit
    /// (255 bytes on Linux) could be written to no temporary file, so a long run failed only when it saved.
    /// </summary>
    private static string Shortened(string name) =>
        name.Length <= 32 ? name : name[..(char.IsHighSurrogate(name[31]) ? 31 : 32)];

    private static string Described(string path, string target) =>
        target == Path.GetFullPath(path) ? $"'{path}'" : $"'{path}' (a link to '{target}')";
}
