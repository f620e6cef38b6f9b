using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>The layer attributes the generator reads; the order argument of each puts it in one stack.</summary>
internal enum DeclaredKind
{
    Dense,
    Convolution,
    MaxPooling,
    Dropout,
    BatchNorm,
}

/// <summary>
/// One layer attribute as written, before any rule is checked: <see cref="Size"/> is a dense layer's outputs or a
/// convolution's filters; a pooling layer's window is <see cref="KernelHeight"/> = <see cref="KernelWidth"/> and its
/// stride 0 stands for "the window"; <see cref="Rate"/> is a dropout layer's p (0 for the other kinds).
/// </summary>
internal sealed record DeclaredLayer(
    DeclaredKind Kind,
    int Order,
    int Size,
    ActivationKind Activation,
    bool HasBias,
    int KernelHeight,
    int KernelWidth,
    int Stride,
    int Padding,
    LocationInfo? Location,
    double Rate = 0)
{
    /// <summary>The layer as messages name it, e.g. "the convolution with order 2".</summary>
    public string Name => $"the {KindName} with order {Invariant(Order)}";

    /// <summary>A short description for NN0005, e.g. "4 outputs" or "a 2x2 max-pooling".</summary>
    public string Description => Kind switch
    {
        DeclaredKind.Dense => Invariant(Size) + " outputs",
        DeclaredKind.Convolution => $"a convolution of {Invariant(Size)} filters",
        DeclaredKind.MaxPooling => $"a {Invariant(KernelHeight)}x{Invariant(KernelWidth)} max-pooling",
        DeclaredKind.Dropout => "a dropout",
        _ => "a batch normalisation",
    };

    public string KindName => Kind switch
    {
        DeclaredKind.Dense => "layer",
        DeclaredKind.Convolution => "convolution",
        DeclaredKind.MaxPooling => "pooling layer",
        DeclaredKind.Dropout => "dropout layer",
        _ => "batch normalisation",
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Reads the layer attributes of a type into <see cref="DeclaredLayer"/> values, skipping any the compiler already rejects.</summary>
internal static class DeclaredLayers
{
    public const string DenseAttributeName = "Nn.DenseAttribute";
    public const string Conv2DAttributeName = "Nn.Conv2DAttribute";
    public const string MaxPool2DAttributeName = "Nn.MaxPool2DAttribute";
    public const string DropoutAttributeName = "Nn.DropoutAttribute";
    public const string BatchNormAttributeName = "Nn.BatchNormAttribute";

    public static List<DeclaredLayer> Read(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var layers = new List<DeclaredLayer>();
        foreach (var attribute in type.GetAttributes())
        {
            var arguments = attribute.ConstructorArguments;
            if (arguments.Any(a => a.Kind == TypedConstantKind.Error || a.Value is null) || arguments.Length < 1 || arguments[0].Value is not int order)
            {
                continue;
            }

            var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
            var layer = attribute.AttributeClass?.ToDisplayString() switch
            {
                DenseAttributeName when arguments.Length == 3 => new DeclaredLayer(
                    DeclaredKind.Dense, order, (int)arguments[1].Value!, (ActivationKind)(int)arguments[2].Value!, Named(attribute, "HasBias", true), 0, 0, 0, 0, location),
                Conv2DAttributeName when arguments.Length is 4 or 5 => new DeclaredLayer(
                    DeclaredKind.Convolution,
                    order,
                    (int)arguments[1].Value!,
                    (ActivationKind)(int)arguments[arguments.Length - 1].Value!,
                    Named(attribute, "HasBias", true),
                    (int)arguments[2].Value!,
                    (int)arguments[arguments.Length - 2].Value!,
                    Named(attribute, "Stride", 1),
                    Named(attribute, "Padding", 0),
                    location),
                MaxPool2DAttributeName when arguments.Length == 2 => new DeclaredLayer(
                    DeclaredKind.MaxPooling, order, 0, ActivationKind.Identity, false, (int)arguments[1].Value!, (int)arguments[1].Value!, Named(attribute, "Stride", 0), 0, location),
                DropoutAttributeName when arguments.Length == 2 && arguments[1].Value is double rate =>
                    new DeclaredLayer(DeclaredKind.Dropout, order, 0, ActivationKind.Identity, false, 0, 0, 0, 0, location, rate),
                BatchNormAttributeName => new DeclaredLayer(DeclaredKind.BatchNorm, order, 0, ActivationKind.Identity, false, 0, 0, 0, 0, location),
                _ => null,
            };
            if (layer is not null)
            {
                layers.Add(layer);
            }
        }

        return layers;
    }

    public static T Named<T>(AttributeData attribute, string name, T fallback)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is T value)
            {
                return value;
            }
        }

        return fallback;
    }
}
