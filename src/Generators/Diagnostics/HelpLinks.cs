using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Nn.Generators.Diagnostics;

/// <summary>
/// Where a diagnostic's help link points. The Nn package ships docs/diagnostics.md and a build/Nn.props that tells
/// the compiler where the package's docs folder is (the MSBuild property NnDocumentation), so a package user's link
/// opens the page in their own package cache; without the property (the repository's own projects) the link stays
/// relative to the repository root, where the same page is.
/// </summary>
internal static class HelpLinks
{
    /// <summary>The MSBuild property build/Nn.props sets, as the compiler passes it to generators.</summary>
    public const string DocumentationProperty = "build_property.NnDocumentation";

    /// <summary>The repository-relative page, used when the package's docs folder is unknown.</summary>
    public const string RepositoryPage = "docs/diagnostics.md";

    /// <summary>The page the links point into: a file URI into the package's docs folder, or the repository path.</summary>
    public static string Page(AnalyzerConfigOptions options)
    {
        if (!options.TryGetValue(DocumentationProperty, out var folder) || string.IsNullOrWhiteSpace(folder))
        {
            return RepositoryPage;
        }

        var path = folder.Trim().Replace('\\', '/').TrimEnd('/') + "/diagnostics.md";
        return Uri.TryCreate(path, UriKind.Absolute, out var uri) && uri.IsFile ? uri.AbsoluteUri : RepositoryPage;
    }

    /// <summary>The diagnostic with its help link pointing at its section of <paramref name="page"/>.</summary>
    public static DiagnosticDescriptor WithPage(DiagnosticDescriptor descriptor, string page) =>
        page == RepositoryPage
            ? descriptor
            : new DiagnosticDescriptor(
                descriptor.Id,
                descriptor.Title,
                descriptor.MessageFormat,
                descriptor.Category,
                descriptor.DefaultSeverity,
                descriptor.IsEnabledByDefault,
                descriptor.Description,
                page + "#" + descriptor.Id.ToLowerInvariant(),
                [.. descriptor.CustomTags]);
}
