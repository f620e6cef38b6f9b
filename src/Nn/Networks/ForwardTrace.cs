using System.Collections.Immutable;
using System.Numerics;

namespace Nn;

/// <summary>
/// Everything a forward pass computed for a batch: the weighted inputs z^l and activations a^l of every layer.
/// <see cref="A"/>[0] is the input x (a^0), so A has one more entry than <see cref="Z"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Z">z^1 … z^L, one matrix per layer, rows = samples.</param>
/// <param name="A">a^0 … a^L.</param>
public sealed record ForwardTrace<T>(ImmutableArray<Matrix<T>> Z, ImmutableArray<Matrix<T>> A)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The network's output a^L.</summary>
    public Matrix<T> Output => A[^1];
}
