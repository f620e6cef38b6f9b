using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>
/// The pipeline: find every type carrying [Network], build its model (or its diagnostics), and emit one source
/// file of straight-line forward and backward code per valid declaration.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Names of the tracked pipeline steps, for caching tests.</summary>
    public static class TrackingNames
    {
        /// <summary>The transform of each [Network] type into a model with its diagnostics.</summary>
        public const string Declarations = nameof(Declarations);

        /// <summary>The valid models that reach the emitter.</summary>
        public const string Models = nameof(Models);

        /// <summary>Types with [Dense] layers, checked for a missing [Network].</summary>
        public const string LayersWithoutNetwork = nameof(LayersWithoutNetwork);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var declarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkModelBuilder.NetworkAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                NetworkModelBuilder.Build)
            .WithTrackingName(TrackingNames.Declarations);

        context.RegisterSourceOutput(declarations, static (spc, result) =>
        {
            foreach (var error in result.Errors)
            {
                spc.ReportDiagnostic(error.ToDiagnostic());
            }
        });

        var models = declarations
            .Where(static result => result.Value is not null)
            .Select(static (result, _) => result.Value!)
            .WithTrackingName(TrackingNames.Models);

        context.RegisterSourceOutput(models, static (spc, model) => spc.AddSource(model.HintName, NetworkEmitter.Emit(model)));

        var layersWithoutNetwork = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkModelBuilder.DenseAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                NetworkModelBuilder.FindLayersWithoutNetwork)
            .WithTrackingName(TrackingNames.LayersWithoutNetwork);

        context.RegisterSourceOutput(layersWithoutNetwork, static (spc, errors) =>
        {
            foreach (var error in errors)
            {
                spc.ReportDiagnostic(error.ToDiagnostic());
            }
        });
    }
}
