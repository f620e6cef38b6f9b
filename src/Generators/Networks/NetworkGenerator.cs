using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nn.Generators.Diagnostics;

namespace Nn.Generators.Networks;

/// <summary>
/// The pipeline: find every type carrying [Network], build its model (or its diagnostics), and emit one source
/// file of straight-line forward and backward code per valid declaration, or of throwing stubs per declaration
/// with errors (so the NN diagnostic is the build's only error about it).
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

        /// <summary>The stubs of declarations with errors.</summary>
        public const string Stubs = nameof(Stubs);

        /// <summary>Types with layer attributes ([Dense], [Conv2D], …), checked for a missing [Network].</summary>
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

        // Help links point into the package's docs folder when build/Nn.props says where it is (see HelpLinks).
        var helpPage = context.AnalyzerConfigOptionsProvider.Select(static (options, _) => HelpLinks.Page(options.GlobalOptions));

        context.RegisterSourceOutput(declarations.Combine(helpPage), static (spc, pair) =>
        {
            foreach (var error in pair.Left.Errors)
            {
                spc.ReportDiagnostic(error.ToDiagnostic(pair.Right));
            }
        });

        var models = declarations
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Models);

        context.RegisterSourceOutput(models, static (spc, model) => spc.AddSource(model.HintName, NetworkEmitter.Emit(model)));

        var stubs = declarations
            .Where(static result => result.Stub is not null)
            .Select(static (result, _) => result.Stub!)
            .WithTrackingName(TrackingNames.Stubs);

        context.RegisterSourceOutput(stubs, static (spc, stub) => spc.AddSource(stub.HintName, NetworkStubEmitter.Emit(stub)));

        // One pipeline per layer attribute, since ForAttributeWithMetadataName finds one attribute; only the pipeline of
        // a type's first layer attribute reports it (see LayersWithoutNetwork).
        foreach (var (metadataName, _) in LayersWithoutNetwork.LayerAttributes)
        {
            var layersWithoutNetwork = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    metadataName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    (syntax, cancellationToken) => LayersWithoutNetwork.Find(syntax, metadataName, cancellationToken))
                .WithTrackingName(TrackingNames.LayersWithoutNetwork);

            context.RegisterSourceOutput(layersWithoutNetwork.Combine(helpPage), static (spc, pair) =>
            {
                foreach (var error in pair.Left)
                {
                    spc.ReportDiagnostic(error.ToDiagnostic(pair.Right));
                }
            });
        }
    }
}
