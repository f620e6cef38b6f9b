using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Nn.Cli;

/// <summary>A file named on the command line: the option (or argument) that named it and the path typed.</summary>
/// <param name="Option">The option as typed, e.g. "--save", or an argument's name.</param>
/// <param name="Path">The path, or null when the option was not given.</param>
internal sealed record NamedPath(string Option, string? Path);

/// <summary>An output to write at the end of a command: the option that named it, its path and how to write it.</summary>
/// <param name="Option">The option, e.g. "--plot".</param>
/// <param name="Path">Where to write.</param>
/// <param name="Write">Writes the file (atomically) and returns the line that reports it, which may name the path as typed.</param>
internal sealed record Output(string Option, string Path, Func<string> Write);

/// <summary>
/// The checks every command that writes files makes before it starts work, and the way it writes them at the end:
/// a long run must not end in "cannot write", and a run must never overwrite one of its own inputs or outputs.
/// </summary>
internal static class OutputPaths
{
    /// <summary>
    /// Refuses, before any work, each output that could not be written at the end (exit 2 naming the option: empty or
    /// '-', missing or unwritable directory, a directory or device at the path; exit 3 for a read-only file) and any two
    /// files that are the same file once symbolic links are followed, unless the pair is in <paramref name="allowed"/>.
    /// </summary>
    /// <param name="outputs">The files the command will write.</param>
    /// <param name="inputs">The files it reads; none may be an output.</param>
    /// <param name="allowed">(output, input) option pairs that may name the same file.</param>
    public static void Validate(IEnumerable<NamedPath> outputs, IEnumerable<NamedPath> inputs, params (string Output, string Input)[] allowed)
    {
        var given = outputs.Where(o => o.Path is not null).ToList();
        var targets = given.Select(o => (o.Option, Target: Check(o.Option, o.Path!))).ToList();
        for (var i = 0; i < targets.Count; i++)
        {
            for (var j = i + 1; j < targets.Count; j++)
            {
                if (targets[i].Target == targets[j].Target)
                {
                    throw new UsageException($"{targets[i].Option} and {targets[j].Option} name the same file ({Same(given[i].Path!, given[j].Path!)}); give each output its own file.");
                }
            }
        }

        foreach (var input in inputs.Where(input => input.Path is not null and not "-"))
        {
            var source = Resolve(input.Path!);
            foreach (var (option, target) in targets.Where(t => !allowed.Contains((t.Option, input.Option))))
            {
                if (target == source)
                {
                    throw new UsageException($"{option} and {input.Option} name the same file ({Same(given.First(o => o.Option == option).Path!, input.Path!)}); writing {option} would destroy the input.");
                }
            }
        }
    }

    /// <summary>
    /// Writes every output even when one fails, reports each in one line (<see cref="Printable.Line"/>), and returns 0 or, when any failed (now or earlier, as
    /// listed in <paramref name="failed"/>), the file exit code 3 after naming the ones that failed. Each write holds
    /// <see cref="Interruption.Gate"/>, so Ctrl-C waits for it.
    /// </summary>
    public static int WriteAll(IEnumerable<Output> outputs, List<string> failed)
    {
        foreach (var output in outputs)
        {
            try
            {
                // The line names the path as typed, and a file name may hold a line break.
                Console.WriteLine(Printable.Line(Interruption.Uninterrupted(output.Write)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                Cli.Error($"{output.Option}: could not write {output.Path}: {e.Message}");
                failed.Add($"{output.Option} {output.Path}");
            }
        }

        if (failed.Count == 0)
        {
            return ExitCodes.Success;
        }

        Cli.Error($"not written: {string.Join(", ", failed)}; every other output was written.");
        return ExitCodes.BadInput;
    }

    /// <summary>
    /// A write repeated during a run (a checkpoint every N epochs) that holds <see cref="Interruption.Gate"/> and, if it
    /// fails, says so once, adds the output to <paramref name="failed"/> and is skipped from then on: losing the
    /// checkpoints must not lose the run, whose model and plot are still written at the end.
    /// </summary>
    public static Action<T> Periodic<T>(string option, string path, Action<T> write, List<string> failed) => value =>
    {
        var entry = $"{option} {path}";
        if (failed.Contains(entry))
        {
            return;
        }

        try
        {
            Interruption.Uninterrupted(() => write(value));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Cli.Error($"{option}: could not write {path}: {e.Message} Training goes on without it.");
            failed.Add(entry);
        }
    };

    private static string Check(string option, string path)
    {
        if (path.Length == 0)
        {
            throw new UsageException($"{option} must name a file, but is empty.");
        }

        // '-' is standard input for --data and standard output for predict --out; every output checked here is a
        // binary file or would interleave with the run's own printing, so '-' would only make a file named '-'.
        if (path == "-")
        {
            throw new UsageException($"{option} must name a file, but is '-': it writes a file, not standard output; give a file name (./- for a file named '-').");
        }

        // The parser gives an option its next word even when that word is an option: `--save --exact-train-metrics`
        // wrote the model to a file of that name and left the option it was meant to be unapplied, without a word.
        if (path.StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException(
                $"{option} must name a file, but is '{path}', which reads as an option: a file name is missing after {option}; give one (./{path} for a file named so).");
        }

        string target;
        try
        {
            target = AtomicFile.CheckWritable(path);
        }
        catch (UnauthorizedAccessException e)
        {
            // A read-only file is the user's to protect: a file problem, not a command-line one.
            throw new UnauthorizedAccessException($"{option}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            throw new UsageException($"{option}: {(e is ArgumentException argument ? Guard.BareMessage(argument) : e.Message)}");
        }

        RequireWritableDirectory(option, path, target);
        return target;
    }

    /// <summary>
    /// Creates and deletes a file in <paramref name="target"/>'s directory: permissions, a read-only mount or a full
    /// quota all show up here, and so does a name longer than the file system takes, since the probe's name is as
    /// many bytes long as the target's (a 300-byte --save was refused only once the run had trained).
    /// </summary>
    private static void RequireWritableDirectory(string option, string path, string target)
    {
        var directory = Path.GetDirectoryName(target)!;
        var bytes = Encoding.UTF8.GetByteCount(Path.GetFileName(target));
        var name = $".nn-probe-{Guid.NewGuid():N}";
        try
        {
            using var probe = new FileStream(
                Path.Combine(directory, name.PadRight(Math.Max(name.Length, bytes), '-')), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (PathTooLongException)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture, $"{option}: cannot save '{path}': its name of {bytes} bytes, or its whole path, is longer than the file system allows; give a shorter one."));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot save '{path}': no file can be created in the directory '{directory}' ({e.GetType().Name}).");
        }
    }

    private static string Same(string first, string second) => first == second ? first : $"{first} and {second} are one file";

    private static string Resolve(string path)
    {
        try
        {
            return AtomicFile.ResolveTarget(path);
        }
        catch (IOException)
        {
            // A link cycle cannot be an output's target either, so it cannot clash.
            return Path.GetFullPath(path);
        }
    }
}
