using System;

namespace Nn;

/// <summary>
/// Declares batch normalisation (the runtime's <see cref="BatchNormLayer"/>) in a network declared with
/// <see cref="NetworkAttribute"/>. The generator does not write code for it yet: its running statistics are state
/// beside θ that the generated span members have no place for, so a declaration with it gets diagnostic NN0016 (see
/// docs/diagnostics.md). Build such a stack with <see cref="Architecture.BatchNorm"/> instead.
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
