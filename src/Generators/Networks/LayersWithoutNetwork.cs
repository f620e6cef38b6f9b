using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Nn.Generators.Diagnostics;
using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>
/// NN0011: a type that carries layer attributes ([Dense], [Conv2D], [MaxPool2D], [Dropout], [BatchNorm]) but no
/// [Network], which the generator would otherwise pass over in silence. Each layer attribute has its own pipeline;
/// only the one that finds the type's first layer attribute reports, so a type gets one diagnostic whatever kinds
/// it declares.
/// </summary>
internal static class LayersWithoutNetwork
{
    /// <summary>Every layer attribute, by metadata name, with the name a message gives it.</summary>
    public static readonly IReadOnlyList<(string MetadataName, string Shown)> LayerAttributes =
    [
        (DeclaredLayers.DenseAttributeName, "[Dense]"),
        (DeclaredLayers.Conv2DAttributeName, "[Conv2D]"),
        (DeclaredLayers.MaxPool2DAttributeName, "[MaxPool2D]"),
        (DeclaredLayers.DropoutAttributeName, "[Dropout]"),
        (DeclaredLayers.BatchNormAttributeName, "[BatchNorm]"),
    ];

    private static readonly SymbolDisplayFormat DisplayFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    /// <summary>
    /// NN0011 at the type's first layer attribute, when that attribute is of <paramref name="attributeName"/>'s kind
    /// and sits on this declaration of the type, and the type has no [Network]; otherwise nothing.
    /// </summary>
    public static EquatableArray<DiagnosticInfo> Find(GeneratorAttributeSyntaxContext context, string attributeName, CancellationToken cancellationToken)
    {
        var attributes = context.TargetSymbol.GetAttributes();
        if (attributes.Any(a => a.AttributeClass?.ToDisplayString() == NetworkModelBuilder.NetworkAttributeName))
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        var layers = attributes
            .Select(a => (Attribute: a, Shown: LayerAttributes.FirstOrDefault(l => l.MetadataName == a.AttributeClass?.ToDisplayString()).Shown))
            .Where(l => l.Shown is not null && l.Attribute.ApplicationSyntaxReference is not null)
            .ToList();
        var first = layers.FirstOrDefault();
        if (first.Attribute is null
            || first.Attribute.AttributeClass?.ToDisplayString() != attributeName
            || !context.TargetNode.Span.Contains(first.Attribute.ApplicationSyntaxReference!.Span)
            || first.Attribute.ApplicationSyntaxReference.SyntaxTree != context.TargetNode.SyntaxTree)
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        var location = LocationInfo.From(first.Attribute.ApplicationSyntaxReference.GetSyntax(cancellationToken));
        var count = layers.Count.ToString(CultureInfo.InvariantCulture);
        var what = $"{count} layer attribute{(layers.Count == 1 ? string.Empty : "s")} ({string.Join(", ", layers.Select(l => l.Shown).Distinct())})";
        return new EquatableArray<DiagnosticInfo>(
            [DiagnosticInfo.Create(DiagnosticDescriptors.LayersWithoutNetwork, location, context.TargetSymbol.ToDisplayString(DisplayFormat), what)]);
    }
}
