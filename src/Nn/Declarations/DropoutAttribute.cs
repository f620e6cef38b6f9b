using System;

namespace Nn;

/// <summary>
/// Declares a dropout layer (the runtime's <see cref="DropoutLayer"/>) in a network declared with
/// <see cref="NetworkAttribute"/>. The generator does not write code for it yet, so a declaration with it gets
/// diagnostic NN0016 (see docs/diagnostics.md): the generated members are functions of θ, x and y alone, while
/// dropout's training objective also depends on the masks the runtime draws each step. Train such a stack with
/// <see cref="Architecture.Dropout"/> and <see cref="Trainer"/>; dropout owns no parameters and is the identity at
/// inference, so the declaration without this attribute runs the trained network's inference from the same θ.
/// </summary>
/// <example><code>
/// [Dropout(1, 0.2)]   // NN0016: not supported by the generator yet
/// </code></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Declares dropout.</summary>
    /// <param name="order">The layer's place in the stack, shared with every other layer attribute.</param>
    /// <param name="rate">p, the probability of dropping a unit in training.</param>
    public DropoutAttribute(int order, double rate)
    {
        Order = order;
        Rate = rate;
    }

    /// <summary>The layer's place in the stack.</summary>
    public int Order { get; }

    /// <summary>p.</summary>
    public double Rate { get; }
}
