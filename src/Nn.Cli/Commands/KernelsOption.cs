using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.Linq;
using System.Reflection;
using Nn.Kernels;

namespace Nn.Cli.Commands;

/// <summary>
/// <c>nn train --kernels auto|portable|vector128|vector256|vector512</c>: which kernel path the run's code takes, and
/// the line <c>nn --version</c> and <c>nn info</c> print about the path in use.
/// </summary>
internal static class KernelsOption
{
    public static Option<string> Create() => new("--kernels")
    {
        Description = "The kernel code every step runs: auto (the fastest this CPU supports, or NN_KERNELS), portable (scalar code, the reference), "
            + "vector128 (ARM64 NEON, x86 SSE with FMA), vector256 (AVX2) or vector512 (AVX-512). A path this CPU cannot run is refused.",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>The path <c>--kernels</c> names; a name that is no path, or a path this CPU cannot run, is a usage error (exit 2).</summary>
    public static KernelPath Parse(ParseResult parse, Option<string> option)
    {
        _ = Default();
        var name = parse.GetValue(option);
        if (!KernelSelection.TryParse(name, out var path))
        {
            throw new UsageException($"--kernels must be auto, portable, vector128, vector256 or vector512, but is '{name}'.");
        }

        try
        {
            // Resolving refuses a path the CPU cannot run, in the library's words; Auto stays Auto (the run's default).
            _ = KernelSelection.Resolve(path);
            return path;
        }
        catch (NotSupportedException refused)
        {
            throw new UsageException($"--kernels {name}: {refused.Message}");
        }
    }

    /// <summary>The process's default path; an NN_KERNELS naming no path, or one this CPU cannot run, is a usage error (exit 2).</summary>
    public static KernelPath Default()
    {
        try
        {
            return KernelSelection.Default;
        }
        catch (NotSupportedException refused)
        {
            throw new UsageException(refused.Message);
        }
    }

    /// <summary>"kernels     Vector512 (the best this CPU runs; …)": the path a command runs when not told otherwise.</summary>
    public static string Describe()
    {
        var path = Default();
        var source = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(KernelSelection.EnvironmentVariable))
            ? "the best this CPU runs"
            : $"set by {KernelSelection.EnvironmentVariable}";
        return $"kernels     {path} ({source}; this CPU runs {string.Join(", ", KernelSelection.Supported())}; nn train --kernels chooses)";
    }

    /// <summary>The <c>--version</c> action: the program's version, then the kernel path it runs.</summary>
    public sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var assembly = typeof(KernelsOption).Assembly;
            var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";
            Console.WriteLine(version.Split('+').First());
            try
            {
                Console.WriteLine(Describe());
                return ExitCodes.Success;
            }
            catch (UsageException refused)
            {
                // NN_KERNELS's value is in the message, and an environment variable may hold a line break.
                Cli.Error(refused.Message);
                return ExitCodes.Usage;
            }
        }
    }
}
