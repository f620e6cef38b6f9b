using System;
using System.Collections.Immutable;
using System.Linq;
using System.Numerics;

namespace Nn;

/// <summary>An optimiser's state between steps: how many steps were taken and its moment vectors, laid out like θ.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Step">The number of steps taken so far.</param>
/// <param name="Moments">The moments (velocity for momentum; m and v for Adam).</param>
public sealed record OptimizerState<T>(long Step, ImmutableArray<ParameterVector<T>> Moments)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public bool Equals(OptimizerState<T>? other) =>
        other is not null && Step == other.Step && Moments.SequenceEqual(other.Moments);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Step, Moments.Length);
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
