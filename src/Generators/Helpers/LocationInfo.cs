using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Nn.Generators.Helpers;

/// <summary>
/// Where a diagnostic points, as plain values (a <see cref="Location"/> holds a syntax tree, which would keep the
/// pipeline from caching).
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(SyntaxNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var location = node.GetLocation();
        return new LocationInfo(location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan, location.GetLineSpan().Span);
    }
}
