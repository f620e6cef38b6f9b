using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>
/// What the transform makes of one [Network] type: a valid <see cref="Model"/> to emit, or the
/// <see cref="Errors"/> it has and the <see cref="Stub"/> that keeps them the only errors (either may be null: a
/// declaration the compiler already rejects gets neither, and a type that is not partial cannot take a stub).
/// </summary>
internal sealed record NetworkDeclaration(NetworkModel? Model, NetworkStub? Stub, EquatableArray<DiagnosticInfo> Errors)
{
    public static readonly NetworkDeclaration Nothing = new(null, null, EquatableArray<DiagnosticInfo>.Empty);
}

/// <summary>
/// The public surface of a declaration with errors, as plain values: the generated members' names and signatures
/// with constants of 0 and methods that throw, so code that uses the type compiles and the NN diagnostic is the
/// build's one error instead of one "does not contain a definition" per use.
/// </summary>
/// <param name="Namespace">The declaring type's namespace, empty for the global one.</param>
/// <param name="Types">The declaring type and the types containing it, outermost first.</param>
/// <param name="DisplayName">The type's name for messages.</param>
/// <param name="HintName">The generated file's name, the same a valid declaration's code would get.</param>
/// <param name="ElementType">"float" or "double"; for an unsupported element type (NN0006), that type's full name, or "double" when no span can hold it.</param>
/// <param name="SupportsNetwork">Whether Network&lt;T&gt; accepts the element type, so the conversions can be declared.</param>
/// <param name="HasL2">Whether a nonzero L2 was declared, which adds the l2SampleCount parameter.</param>
/// <param name="LayerCount">How many [Dense] layers were declared, for the per-layer constants.</param>
/// <param name="FirstError">The first diagnostic's id, named by the stubs' exception message.</param>
/// <param name="NormalisationCount">How many [BatchNorm] layers were declared, for their constants.</param>
/// <param name="HasRegularisers">Whether [BatchNorm] or [Dropout] was declared, which changes the entry points (running statistics, training steps).</param>
internal sealed record NetworkStub(
    string Namespace,
    EquatableArray<TypeHeader> Types,
    string DisplayName,
    string HintName,
    string ElementType,
    bool SupportsNetwork,
    bool HasL2,
    int LayerCount,
    string FirstError,
    int NormalisationCount = 0,
    bool HasRegularisers = false);
