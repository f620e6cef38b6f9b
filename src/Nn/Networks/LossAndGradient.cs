using System.Numerics;

namespace Nn;

/// <summary>The cost C at θ and its gradient ∇θ C, laid out like θ.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Loss">The (batch-mean) cost, including any L2 term.</param>
/// <param name="Gradient">∂C/∂θ in the parameter layout of the network's architecture.</param>
public sealed record LossAndGradient<T>(T Loss, ParameterVector<T> Gradient)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(LossAndGradient<>), PrintMembers);
}
