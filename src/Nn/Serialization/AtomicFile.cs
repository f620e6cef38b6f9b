using System;
using System.IO;

namespace Nn;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content, never a half-written
/// file: the bytes go to a temporary file in the same directory, are flushed to the disk, and the temporary file is
/// then renamed over the target. If writing fails, the temporary file is deleted and the previous file is untouched.
/// </summary>
/// <example><code>
/// AtomicFile.Write("model.nnm", stream => stream.Write(bytes));
/// </code></example>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes, atomically.</summary>
    /// <param name="path">The target file; its directory must exist.</param>
    /// <param name="write">Writes the complete new content to the stream it is given.</param>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"path '{path}' has no directory.", nameof(path));
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"cannot save '{path}': the directory '{directory}' does not exist.");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
