using Microsoft.CodeAnalysis;

namespace Nn.Generators.Helpers;

/// <summary>A diagnostic as an equatable value: its descriptor, where it points and its message arguments.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor, location, new EquatableArray<string>(arguments));

    /// <summary>The diagnostic, its help link pointing into <paramref name="helpPage"/> (see HelpLinks).</summary>
    public Diagnostic ToDiagnostic(string helpPage) =>
        Diagnostic.Create(Diagnostics.HelpLinks.WithPage(Descriptor, helpPage), Location?.ToLocation(), Arguments.AsSpan().ToArray());
}
