using System;
using System.Diagnostics;
using System.Linq;

namespace Nn.Cli;

/// <summary>
/// Tells a value Nn refused from a fault of Nn itself, when both arrive as an <see cref="ArgumentException"/>: Nn checks
/// every value it is given and throws one naming the value, but .NET throws one too when Nn's own code hands it a bad
/// argument (an index past a span, a negative capacity). The first is the user's to fix and a usage error; the second
/// would tell the user their command line was wrong when it was not, so it must reach the one-line fault report instead.
/// </summary>
internal static class Refusals
{
    /// <summary>
    /// Whether <paramref name="error"/> was thrown by a method of Nn (the library, this program, the ONNX exporter or
    /// the distributed trainer), directly or through the ThrowIf helpers .NET defines on the argument exception types
    /// themselves; false when it was thrown from anywhere inside .NET or another library.
    /// </summary>
    public static bool IsNnRefusal(ArgumentException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var frames = new StackTrace(error, false).GetFrames();
        var thrower = frames.Select(f => f.GetMethod()?.DeclaringType).FirstOrDefault(t => t is null || !typeof(ArgumentException).IsAssignableFrom(t));
        return thrower is not null && NnAssemblies.Contains(thrower.Assembly.GetName().Name);
    }

    // The ThrowIf helpers (ArgumentOutOfRangeException.ThrowIfNegative and the like) are static methods of the exception
    // types, so their frames are skipped above; System.ThrowHelper, which .NET's own collections and spans throw
    // through, is not one of them, so a bad index inside Nn stays a fault even when the span's method was inlined.
    // By name, so that asking loads nothing (Nn.Distributed would bring MPI.NET with it).
    private static readonly string[] NnAssemblies = ["Nn", "Nn.Cli", "Nn.Onnx", "Nn.Distributed"];
}
