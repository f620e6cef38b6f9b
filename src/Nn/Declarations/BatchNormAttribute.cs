using System;

namespace Nn;

/// <summary>
/// Declares batch normalisation (the runtime's <see cref="BatchNormLayer"/>) in a network declared with
/// <see cref="NetworkAttribute"/>. The generator does not write code for it yet, so a declaration with it gets
/// diagnostic NN0016 (see docs/diagnostics.md): the generated members take θ alone, while batch normalisation also
/// reads and updates running statistics kept beside θ (<see cref="Network{T}.State"/>). Build such a stack with
/// <see cref="Architecture.BatchNorm"/> and use the runtime (<see cref="Trainer"/>, <see cref="Network.Forward{T}(Network{T}, ReadOnlySpan{T})"/>).
/// </summary>
/// <example><code>
/// [BatchNorm(1)]   // NN0016: not supported by the generator yet
/// </code></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>Declares batch normalisation.</summary>
    /// <param name="order">The layer's place in the stack, shared with every other layer attribute.</param>
    public BatchNormAttribute(int order) => Order = order;

    /// <summary>The layer's place in the stack.</summary>
    public int Order { get; }
}
