namespace Nn.Generators.Helpers;

/// <summary>
/// A pipeline value with the diagnostics found while making it. <see cref="Value"/> is null when an error makes
/// generating code for the declaration pointless; errors travel as values, never as exceptions.
/// </summary>
internal sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Errors)
    where T : class;
