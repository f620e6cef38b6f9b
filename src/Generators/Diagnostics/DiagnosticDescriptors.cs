using Microsoft.CodeAnalysis;

namespace Nn.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the Nn generator reports, with ids NN0001…; each links to its section of docs/diagnostics.md
/// (in the package's docs folder for package users, see HelpLinks).
/// New ids are added to AnalyzerReleases.Unshipped.md. NN0007 (softmax only on the last layer) was retired before any
/// release, when the generated code learnt softmax on hidden layers; its id is not reused.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Nn.Generator";
    // Relative to the repository root; HelpLinks points them into the package's docs folder for package users.
    private const string HelpBase = HelpLinks.RepositoryPage + "#";

    /// <summary>NN0001: the declaring type, or a type containing it, lacks the partial modifier.</summary>
    public static readonly DiagnosticDescriptor TypeNotPartial = Error(
        "NN0001",
        "Network type must be partial",
        "'{0}' declares a network, so '{1}' must be partial for the generated code to join it");

    /// <summary>NN0002: no [Dense] layer on a [Network] type.</summary>
    public static readonly DiagnosticDescriptor NoLayers = Error(
        "NN0002",
        "Network has no layers",
        "'{0}' declares a network with no layers; add at least one [Dense(order, outputs, activation)] attribute");

    /// <summary>NN0003: an input size or layer output count below 1.</summary>
    public static readonly DiagnosticDescriptor SizeNotPositive = Error(
        "NN0003",
        "Size must be positive",
        "{0} of '{1}' must be at least 1, but is {2}");

    /// <summary>NN0004: the loss is not defined for the last layer's activation.</summary>
    public static readonly DiagnosticDescriptor UnsupportedPairing = Error(
        "NN0004",
        "Loss does not support the output activation",
        "Loss {0} of '{1}' is not defined for output activation {2}; use an output activation among {3}, or another loss");

    /// <summary>NN0005: two layers declared with the same order.</summary>
    public static readonly DiagnosticDescriptor DuplicateLayerOrder = Error(
        "NN0005",
        "Layer order declared twice",
        "'{0}' declares two layers with order {1} ({2} and {3}); give every layer its own order");

    /// <summary>NN0006: an element type other than float or double.</summary>
    public static readonly DiagnosticDescriptor UnsupportedElementType = Error(
        "NN0006",
        "Unsupported element type",
        "'{0}' declares element type '{1}', but a network's element type must be float or double");

    /// <summary>NN0008: an activation or loss value outside the enum's named members.</summary>
    public static readonly DiagnosticDescriptor UnknownKind = Error(
        "NN0008",
        "Unknown activation or loss",
        "{0} value {1} of '{2}' is not one of {3}");

    /// <summary>NN0009: an L2 λ that is negative, NaN or infinite.</summary>
    public static readonly DiagnosticDescriptor InvalidL2 = Error(
        "NN0009",
        "L2 λ must be finite and non-negative",
        "L2 λ of '{0}' must be finite and at least 0, but is {1}");

    /// <summary>NN0010: a size past the library's limits (Limits.MaxWidth, Limits.MaxParameterCount).</summary>
    public static readonly DiagnosticDescriptor TooManyParameters = Error(
        "NN0010",
        "Network too large",
        "'{0}' {1}, beyond the library's limits: at most 16777216 inputs or units a layer (Limits.MaxWidth) and 2147483591 parameters (Limits.MaxParameterCount)");

    /// <summary>NN0011: layer attributes ([Dense], [Conv2D], [MaxPool2D], [Dropout], [BatchNorm]) on a type without [Network].</summary>
    public static readonly DiagnosticDescriptor LayersWithoutNetwork = Error(
        "NN0011",
        "Layers declared without a network",
        "'{0}' declares {1} but no [Network(elementType, Inputs = …)] attribute, so no code is generated for them");

    /// <summary>NN0012: a convolution kernel larger than its zero-padded input.</summary>
    public static readonly DiagnosticDescriptor KernelDoesNotFit = Error(
        "NN0012",
        "Kernel larger than its padded input",
        "The {0} kernel of {1} of '{2}' does not fit its input {3} padded by {4} ({5})");

    /// <summary>NN0013: a pooling window larger than its input.</summary>
    public static readonly DiagnosticDescriptor WindowDoesNotFit = Error(
        "NN0013",
        "Pooling window does not fit",
        "The {0} window of {1} of '{2}' does not fit its input {3}");

    /// <summary>NN0014: a convolution or pooling layer whose input is a vector (no InputShape, or after a dense layer).</summary>
    public static readonly DiagnosticDescriptor NeedsImageInput = Error(
        "NN0014",
        "Spatial layer needs an image input",
        "{0} of '{1}' reads an image C×H×W, but its input is a vector of {2}; {3}");

    /// <summary>NN0015: InputShape is not { C, H, W }, or Inputs disagrees with C·H·W.</summary>
    public static readonly DiagnosticDescriptor InputShapeMismatch = Error(
        "NN0015",
        "Input shape does not match",
        "'{0}' {1}");

    /// <summary>NN0016: a layer kind or placement the runtime has but the generator does not write code for yet.</summary>
    public static readonly DiagnosticDescriptor NotSupportedYet = Error(
        "NN0016",
        "Not supported by the generator yet",
        "'{0}' declares {1}, which the generator does not support yet: {2}");

    /// <summary>NN0017: a negative convolution padding.</summary>
    public static readonly DiagnosticDescriptor NegativePadding = Error(
        "NN0017",
        "Padding must not be negative",
        "The padding of {0} of '{1}' must be at least 0, but is {2}");

    /// <summary>NN0018: a dropout rate outside [0, 1).</summary>
    public static readonly DiagnosticDescriptor InvalidDropoutRate = Error(
        "NN0018",
        "Dropout rate must be in [0, 1)",
        "The rate of {0} of '{1}' must be in [0, 1), but is {2}");

    /// <summary>NN0019: a name or method signature the generated code needs is taken (by the type, a project type, a type var in scope, or a member of the type or a base class).</summary>
    public static readonly DiagnosticDescriptor NameTaken = Error(
        "NN0019",
        "Name taken by the generated code",
        "'{0}' {1}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
}
