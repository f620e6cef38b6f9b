using System;
using System.CommandLine;

namespace Nn.Cli.Commands;

/// <summary>
/// <c>nn train --init</c>: the scheme a new run's first weights are drawn by. Refusals speak of the option as typed,
/// with the number in the place the help names it (STD, EPS), rather than of the library's parameter names.
/// </summary>
internal static class InitOption
{
    private const string Schemes = "he, xavier, normal-inputs, normal-outputs, normal:STD or uniform:EPS";

    public static Option<string?> Create() => new("--init")
    {
        Description = $"Weight initialisation: {Schemes} (default: he for relu, xavier otherwise).",
    };

    /// <summary>The scheme <paramref name="text"/> names; an unknown name or a number the scheme refuses is a usage error (exit 2).</summary>
    public static Initializer Parse(string text)
    {
        try
        {
            return Initializer.Parse(text);
        }
        catch (ArgumentException refused) when (Refusals.IsNnRefusal(refused))
        {
            throw refused.ParamName switch
            {
                "standardDeviation" => new UsageException($"--init {text}: {Cli.Renamed(refused, "STD")}"),
                "epsilon" => new UsageException($"--init {text}: {Cli.Renamed(refused, "EPS")}"),
                _ => new UsageException($"--init must be {Schemes}, but is '{text}'."),
            };
        }
    }
}
