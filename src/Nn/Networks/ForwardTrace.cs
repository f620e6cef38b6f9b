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
/// <exception cref="System.ArgumentException"><paramref name="Z"/> or <paramref name="A"/> is a default array or holds a null matrix.</exception>
public sealed record ForwardTrace<T>(ImmutableArray<Matrix<T>> Z, ImmutableArray<Matrix<T>> A)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // Checked here and in C#'s with, as TrainingState is: a trace of default arrays threw NullReferenceException when
    // printed and InvalidOperationException where it was read.
    private readonly ImmutableArray<Matrix<T>> z = CheckedZ(Z);
    private readonly ImmutableArray<Matrix<T>> a = CheckedA(A);

    /// <summary>z^1 … z^L, one matrix per layer, rows = samples.</summary>
    public ImmutableArray<Matrix<T>> Z { get => z; init => z = CheckedZ(value); }

    /// <summary>a^0 … a^L.</summary>
    public ImmutableArray<Matrix<T>> A { get => a; init => a = CheckedA(value); }

    /// <summary>The network's output a^L.</summary>
    public Matrix<T> Output => A[^1];

    private static ImmutableArray<Matrix<T>> CheckedZ(ImmutableArray<Matrix<T>> value) =>
        Guard.Complete(value, nameof(Z), "a forward trace's weighted inputs", "one matrix per layer", "weighted input");

    private static ImmutableArray<Matrix<T>> CheckedA(ImmutableArray<Matrix<T>> value) =>
        Guard.Complete(value, nameof(A), "a forward trace's activations", "the input, then one matrix per layer", "activation");
}
