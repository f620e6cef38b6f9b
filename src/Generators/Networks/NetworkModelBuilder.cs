using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nn.Generators.Diagnostics;
using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>
/// The transform step: reads a [Network] type's attributes into a <see cref="NetworkModel"/>, checking every rule of
/// a declaration and collecting diagnostics at the offending attribute instead of throwing; a declaration with
/// errors gets a <see cref="NetworkStub"/> instead of a model.
/// </summary>
internal static class NetworkModelBuilder
{
    public const string NetworkAttributeName = "Nn.NetworkAttribute";

    /// <summary>Nn.Limits.MaxWidth: the widest input or layer (the generator cannot reference the library).</summary>
    public const int MaxWidth = 1 << 24;

    /// <summary>Nn.Limits.MaxParameterCount: θ is one array of at most Array.MaxLength elements.</summary>
    public const int MaxParameterCount = 0x7FFFFFC7;

    private static readonly SymbolDisplayFormat DisplayFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    private static readonly string ActivationNames = string.Join(", ", Enum.GetNames(typeof(ActivationKind)));
    private static readonly string LossNames = string.Join(", ", Enum.GetNames(typeof(LossKind)));

    public static NetworkDeclaration Build(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        var network = context.Attributes[0];
        var networkLocation = LocationInfo.From(network.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
        var name = type.ToDisplayString(DisplayFormat);
        var errors = new List<DiagnosticInfo>();

        // A declaration the compiler already rejects (missing argument, unknown type) gets no second complaint.
        if (network.ConstructorArguments.Length != 1
            || network.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
            || network.ConstructorArguments[0].Value is ITypeSymbol { TypeKind: TypeKind.Error })
        {
            return NetworkDeclaration.Nothing;
        }

        // [Network] on two parts of a partial type is the compiler's error CS0579; the first part alone writes the
        // type's code, since a second file of the same name would throw out of the generator.
        if (!IsFirstNetworkDeclaration(type, syntax))
        {
            return NetworkDeclaration.Nothing;
        }

        foreach (var declaration in syntax.AncestorsAndSelf().OfType<TypeDeclarationSyntax>())
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotPartial, networkLocation, name, declaration.Identifier.Text));
            }
        }

        var clash = NameClashes.Find(type, context.SemanticModel.Compilation);
        if (clash is not null)
        {
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameTaken, networkLocation, name, clash));
        }

        var elementType = network.ConstructorArguments[0].Value as ITypeSymbol;
        var isDouble = elementType?.SpecialType == SpecialType.System_Double;
        if (elementType?.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single))
        {
            errors.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedElementType, networkLocation, name, elementType?.ToDisplayString() ?? "null"));
        }

        var inputs = Named(network, "Inputs", 0);
        var loss = (LossKind)Named(network, "Loss", 0);
        var l2 = Named(network, "L2", 0.0);
        var image = ReadInputShape(network, name, networkLocation, ref inputs, errors);
        if (inputs < 1 && !network.NamedArguments.Any(a => a.Key == "InputShape"))
        {
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeNotPositive, networkLocation, "The input size", name, Invariant(inputs)));
        }

        if (!Enum.IsDefined(typeof(LossKind), loss))
        {
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownKind, networkLocation, "Loss", Invariant((int)loss), name, LossNames));
        }

        if (double.IsNaN(l2) || double.IsInfinity(l2) || l2 < 0)
        {
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidL2, networkLocation, name, l2.ToString("R", CultureInfo.InvariantCulture)));
        }

        var declared = DeclaredLayers.Read(type, cancellationToken);
        // Which methods the type gets, and so which of its own methods would be declared twice, depends on T, L2 and the regularisers.
        var surface = new MethodSurface(StubElementType(elementType), l2 != 0, declared.Any(l => l.Kind is DeclaredKind.BatchNorm or DeclaredKind.Dropout));
        if (clash is null && GeneratedMethods.FindClash(type, surface) is { } methodClash)
        {
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameTaken, networkLocation, name, methodClash));
        }

        if (declared.Count == 0)
        {
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, networkLocation, name));
            return Failed();
        }

        var seen = new Dictionary<int, DeclaredLayer>();
        foreach (var layer in declared)
        {
            if (seen.TryGetValue(layer.Order, out var first))
            {
                errors.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.DuplicateLayerOrder, layer.Location, name, Invariant(layer.Order), first.Description, layer.Description));
            }
            else
            {
                seen.Add(layer.Order, layer);
            }

            if (layer.Kind == DeclaredKind.Dense && layer.Size < 1)
            {
                errors.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.SizeNotPositive, layer.Location, "The output count of the layer with order " + Invariant(layer.Order), name, Invariant(layer.Size)));
            }

            StackShapes.CheckLayer(layer, name, errors);
            if (!Enum.IsDefined(typeof(ActivationKind), layer.Activation))
            {
                errors.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnknownKind, layer.Location, "Activation", Invariant((int)layer.Activation), name, ActivationNames));
            }
        }

        var ordered = declared.OrderBy(l => l.Order).ToList();
        var last = ordered[ordered.Count - 1];
        if (last.Kind != DeclaredKind.Dense && !errors.Any(e => e.Descriptor.Id == DiagnosticDescriptors.NotSupportedYet.Id))
        {
            errors.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.NotSupportedYet, last.Location, name, "a network that ends in " + last.Name, "end it with a [Dense] layer, which the cost reads"));
        }

        var output = last.Activation;
        if (Enum.IsDefined(typeof(LossKind), loss) && Enum.IsDefined(typeof(ActivationKind), output) && !Supports(loss, output))
        {
            var supported = string.Join(", ", Enum.GetValues(typeof(ActivationKind)).Cast<ActivationKind>().Where(a => Supports(loss, a)));
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedPairing, networkLocation, loss.ToString(), name, output.ToString(), supported));
        }

        if (errors.Count > 0)
        {
            return Failed();
        }

        var (spatial, denseInputs, regularisers, offset, stateOffset) = StackShapes.Walk(image, inputs, ordered, name, networkLocation, errors);
        if (errors.Count > 0)
        {
            return Failed();
        }

        var dense = ordered.Where(l => l.Kind == DeclaredKind.Dense).ToList();

        // The generated code builds the library's Architecture, so a size past the library's limits (Limits.MaxWidth,
        // Limits.MaxParameterCount) would compile and then fail in the type's static initialiser.
        var widest = dense.Select(l => l.Size).Concat(spatial.Select(l => l.OutputSize)).Concat(new[] { inputs, denseInputs }).Max();
        if (widest > MaxWidth)
        {
            var what = inputs == widest ? "has " + Invariant(inputs) + " inputs" : "has a layer of " + Invariant(widest) + " units";
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyParameters, networkLocation, name, what));
            return Failed();
        }

        // The dense layers and the regularisers among them, in order, each block of θ after the one before.
        var layers = new List<LayerModel>();
        long previous = denseInputs;
        foreach (var layer in ordered.SkipWhile(l => l.Kind != DeclaredKind.Dense))
        {
            if (layer.Kind != DeclaredKind.Dense)
            {
                var regulariser = RegulariserModel.Create(layer, spatial.Count + layers.Count, (int)previous, 1, offset, stateOffset);
                regularisers.Add(regulariser);
                offset += regulariser.ParameterCount;
                stateOffset += regulariser.StateCount;
                continue;
            }

            var weightOffset = offset;
            offset += previous * layer.Size;
            var biasOffset = layer.HasBias ? offset : -1;
            offset += layer.HasBias ? layer.Size : 0;
            layers.Add(new LayerModel((int)previous, layer.Size, layer.Activation, layer.HasBias, (int)Math.Min(weightOffset, int.MaxValue), (int)Math.Min(biasOffset, int.MaxValue)));
            previous = layer.Size;
        }

        if (offset > MaxParameterCount)
        {
            var count = offset >= StackShapes.Beyond ? "more than " + Invariant(MaxParameterCount) : Invariant(offset);
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyParameters, networkLocation, name, "has " + count + " parameters"));
            return Failed();
        }

        var model = new NetworkModel(
            DeclaringType.NamespaceOf(type),
            DeclaringType.Headers(syntax),
            name,
            DeclaringType.HintName(type),
            isDouble,
            inputs,
            loss,
            l2,
            new EquatableArray<LayerModel>(layers),
            (int)offset,
            new EquatableArray<int>(image ?? Array.Empty<int>()),
            new EquatableArray<SpatialLayerModel>(spatial),
            new EquatableArray<RegulariserModel>(regularisers),
            stateOffset);
        return new NetworkDeclaration(model, null, EquatableArray<DiagnosticInfo>.Empty);

        // The errors, and unless the type cannot take another partial declaration (NN0001) or stubs of its name
        // (NN0019), a stub of its members.
        NetworkDeclaration Failed()
        {
            var partial = !errors.Any(e => e.Descriptor.Id == DiagnosticDescriptors.TypeNotPartial.Id || e.Descriptor.Id == DiagnosticDescriptors.NameTaken.Id);
            var stub = partial
                ? new NetworkStub(
                    DeclaringType.NamespaceOf(type),
                    DeclaringType.Headers(syntax),
                    name,
                    DeclaringType.HintName(type),
                    StubElementType(elementType),
                    elementType?.SpecialType is SpecialType.System_Single or SpecialType.System_Double,
                    l2 != 0,
                    declared.Count(l => l.Kind == DeclaredKind.Dense),
                    errors[0].Descriptor.Id,
                    declared.Count(l => l.Kind == DeclaredKind.BatchNorm),
                    declared.Any(l => l.Kind is DeclaredKind.BatchNorm or DeclaredKind.Dropout))
                : null;
            return new NetworkDeclaration(null, stub, new EquatableArray<DiagnosticInfo>(errors));
        }
    }

    /// <summary>
    /// The element type the stubs are written with: float or double, an unsupported type as declared (so code using
    /// the type keeps compiling), and double for a type that cannot be a span's element (void, an open generic, a
    /// pointer, a ref struct, a static class), which would add errors of its own in the stubs.
    /// </summary>
    private static string StubElementType(ITypeSymbol? elementType) => elementType switch
    {
        { SpecialType: SpecialType.System_Single } => "float",
        { SpecialType: SpecialType.System_Double } => "double",
        null or { SpecialType: SpecialType.System_Void } or { IsRefLikeType: true } or { IsStatic: true } => "double",
        { TypeKind: TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Error } => "double",
        INamedTypeSymbol { IsUnboundGenericType: true } => "double",
        _ => elementType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
    };

    /// <summary>The same rule as the runtime's Loss.Supports.</summary>
    public static bool Supports(LossKind loss, ActivationKind output) => loss switch
    {
        LossKind.Quadratic => true,
        LossKind.BinaryCrossEntropy or LossKind.SoftmaxCrossEntropy => output is ActivationKind.Sigmoid or ActivationKind.Softmax,
        _ => false,
    };

    /// <summary>Whether the type's first [Network] attribute is on this declaration of it (a partial type has several).</summary>
    private static bool IsFirstNetworkDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration)
    {
        var first = type.GetAttributes().First(a => a.AttributeClass?.ToDisplayString() == NetworkAttributeName).ApplicationSyntaxReference;
        return first is null || (first.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(first.Span));
    }

    private static T Named<T>(AttributeData attribute, string name, T fallback) => DeclaredLayers.Named(attribute, name, fallback);

    /// <summary>
    /// InputShape = { C, H, W } if declared: three positive sizes whose product Inputs may leave out (it becomes
    /// C·H·W) or must equal; null for a vector input.
    /// </summary>
    private static int[]? ReadInputShape(AttributeData network, string name, LocationInfo? location, ref int inputs, List<DiagnosticInfo> errors)
    {
        var argument = network.NamedArguments.FirstOrDefault(a => a.Key == "InputShape").Value;
        if (argument.Kind != TypedConstantKind.Array || argument.IsNull)
        {
            return null;
        }

        var sizes = argument.Values.Select(v => v.Value is int size ? size : 0).ToArray();
        if (sizes.Length != 3)
        {
            errors.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InputShapeMismatch, location, name, $"declares InputShape with {Invariant(sizes.Length)} sizes, but an image input is new[] {{ C, H, W }}"));
            return null;
        }

        var names = new[] { "channel count", "height", "width" };
        for (var i = 0; i < 3; i++)
        {
            if (sizes[i] < 1)
            {
                errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeNotPositive, location, "The input " + names[i], name, Invariant(sizes[i])));
            }
        }

        if (sizes.Any(size => size < 1))
        {
            return null;
        }

        // In decimal: three sizes up to 2³¹ multiply past 2⁶⁴, and a long product could wrap round to a small one.
        var size = (decimal)sizes[0] * sizes[1] * sizes[2];
        if (inputs != 0 && inputs != size)
        {
            errors.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InputShapeMismatch,
                location,
                name,
                $"declares Inputs = {Invariant(inputs)}, but InputShape {Invariant(sizes[0])}x{Invariant(sizes[1])}x{Invariant(sizes[2])} holds {Invariant(size)} values; leave Inputs out or make it {Invariant(size)}"));
            return null;
        }

        if (size > MaxWidth)
        {
            errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyParameters, location, name, "has " + Invariant(size) + " inputs"));
            return null;
        }

        inputs = (int)size;
        return sizes;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);

}
