using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>
/// Where the generated code goes: the declaring type's namespace, the headers of it and the types it is nested in
/// (reopened as partial declarations), and the name of the file.
/// </summary>
internal static class DeclaringType
{
    public static string NamespaceOf(INamedTypeSymbol type) =>
        type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();

    public static EquatableArray<TypeHeader> Headers(TypeDeclarationSyntax syntax) =>
        new(syntax.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Reverse().Select(Header));

    private static TypeHeader Header(TypeDeclarationSyntax declaration)
    {
        var keyword = declaration is RecordDeclarationSyntax record && !record.ClassOrStructKeyword.IsKind(SyntaxKind.None)
            ? "record " + record.ClassOrStructKeyword.Text
            : declaration.Keyword.Text;
        var parameters = declaration.TypeParameterList is null
            ? string.Empty
            : "<" + string.Join(", ", declaration.TypeParameterList.Parameters.Select(p => p.Identifier.Text)) + ">";
        return new TypeHeader(keyword, declaration.Identifier.Text + parameters);
    }

    /// <summary>
    /// The file name of a type's code: its namespace and metadata names, so a generic type's arity is spelled as no
    /// identifier can be ("Net`1"), and Net&lt;T&gt;, Net and a type named Net_T_ get three files; an identifier
    /// character that is not a letter, digit or '_' (a connecting or combining mark) becomes its code ("_x203F").
    /// </summary>
    public static string HintName(INamedTypeSymbol type)
    {
        var names = new List<string>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            names.Insert(0, current.MetadataName);
        }

        if (!type.ContainingNamespace.IsGlobalNamespace)
        {
            names.Insert(0, type.ContainingNamespace.ToDisplayString());
        }

        var safe = string.Concat(string.Join(".", names).Select(c =>
            char.IsLetterOrDigit(c) || c is '_' or '.' or '`' ? c.ToString() : "_x" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)));
        return safe + ".Network.g.cs";
    }
}
