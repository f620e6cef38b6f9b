using System;
using System.Collections.Immutable;
using System.Linq;
using System.Numerics;

namespace Nn;

/// <summary>An optimiser's state between steps: how many steps were taken and its moment vectors, laid out like θ.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Step">The number of steps taken so far, 0 to <see cref="MaxStep"/>.</param>
/// <param name="Moments">The moments (velocity for momentum; m and v for Adam), none of them null.</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="Step"/> is negative or above <see cref="MaxStep"/>.</exception>
/// <exception cref="ArgumentException"><paramref name="Moments"/> is a default array or holds a null vector.</exception>
public sealed record OptimizerState<T>(long Step, ImmutableArray<ParameterVector<T>> Moments)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// The most steps a state may count: 2⁵³, the largest count a double holds exactly, since the bias corrections
    /// (Adam's β^t) compute with it. A state beyond it, or below 0, would make a rule's first step infinite.
    /// </summary>
    public const long MaxStep = 1L << 53;

    private readonly long step = CheckedStep(Step);
    private readonly ImmutableArray<ParameterVector<T>> moments = CheckedMoments(Moments);

    /// <summary>The number of steps taken so far, 0 to <see cref="MaxStep"/>.</summary>
    public long Step { get => step; init => step = CheckedStep(value); }

    /// <summary>The moments (velocity for momentum; m and v for Adam), none of them null.</summary>
    public ImmutableArray<ParameterVector<T>> Moments { get => moments; init => moments = CheckedMoments(value); }

    /// <inheritdoc/>
    public bool Equals(OptimizerState<T>? other) =>
        other is not null && Step == other.Step && Moments.SequenceEqual(other.Moments);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Step, Moments.Length);

    private static long CheckedStep(long value) =>
        value is >= 0 and <= MaxStep
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Step), $"an optimiser state counts 0 to {MaxStep} steps, not {value}.");

    private static ImmutableArray<ParameterVector<T>> CheckedMoments(ImmutableArray<ParameterVector<T>> value) =>
        Guard.Complete(value, nameof(Moments), "an optimiser state's moments", "empty for plain SGD", "an optimiser state's moment");
}

/// <summary>The result of one optimiser step: the new state and the new parameters.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="State">state'.</param>
/// <param name="Parameters">θ'.</param>
public sealed record OptimizerStep<T>(OptimizerState<T> State, ParameterVector<T> Parameters)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The result of one optimiser step on a network: the new state and the network with the new parameters.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="State">state'.</param>
/// <param name="Network">The network with θ'.</param>
public sealed record NetworkStep<T>(OptimizerState<T> State, Network<T> Network)
    where T : unmanaged, IFloatingPointIeee754<T>;
