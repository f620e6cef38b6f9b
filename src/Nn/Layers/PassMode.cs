using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// How one pass runs the layers that behave differently while training: batch normalisation (batch statistics
/// in training, running statistics at inference) and dropout (a random mask in training, the identity at
/// inference). It also carries the running statistics to read and, during a training step, the buffer the
/// updated ones go into — so the network's own state is never changed in place. Layers without such behaviour
/// ignore it; dense-only stacks never look at it.
/// </summary>
internal readonly ref struct PassMode<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private PassMode(bool training, ulong dropoutKey, ReadOnlySpan<T> statistics, Span<T> nextStatistics)
    {
        Training = training;
        DropoutKey = dropoutKey;
        Statistics = statistics;
        NextStatistics = nextStatistics;
    }

    /// <summary>Whether layers use batch statistics and dropout masks (true) or running statistics and the identity.</summary>
    public bool Training { get; }

    /// <summary>The key every dropout mask of this pass is hashed from (<see cref="DropoutLayer"/>).</summary>
    public ulong DropoutKey { get; }

    /// <summary>The running statistics (the network's state, or one layer's block of it); empty when not needed.</summary>
    public ReadOnlySpan<T> Statistics { get; }

    /// <summary>Where a training pass writes the updated running statistics; empty to leave them as they are.</summary>
    public Span<T> NextStatistics { get; }

    /// <summary>Inference: running statistics from <paramref name="statistics"/>, dropout as the identity.</summary>
    public static PassMode<T> Inference(ReadOnlySpan<T> statistics) => new(false, 0, statistics, Span<T>.Empty);

    /// <summary>
    /// The training objective as a pure function of θ: batch statistics, the dropout masks of key 0 (held fixed, so
    /// central differences and backpropagation see the same function), no running statistics updated. This is what
    /// <see cref="Backprop"/> and <see cref="GradientCheck"/> differentiate.
    /// </summary>
    public static PassMode<T> Objective => new(true, 0, ReadOnlySpan<T>.Empty, Span<T>.Empty);

    /// <summary>A training step: batch statistics, masks from <paramref name="dropoutKey"/>, r' written into <paramref name="nextStatistics"/>.</summary>
    public static PassMode<T> TrainingStep(ulong dropoutKey, ReadOnlySpan<T> statistics, Span<T> nextStatistics) =>
        new(true, dropoutKey, statistics, nextStatistics);

    /// <summary>
    /// The mode one layer sees: its block [<paramref name="offset"/>, + <paramref name="count"/>) of the statistics,
    /// and a key of its own (the pass key mixed with the layer index, so two dropout layers draw different masks).
    /// </summary>
    public PassMode<T> ForLayer(int layer, int offset, int count) => new(
        Training,
        DropoutMask.Mix(DropoutKey + ((ulong)(layer + 1) * 0xD1B54A32D192ED03UL)),
        Statistics.IsEmpty ? ReadOnlySpan<T>.Empty : Statistics.Slice(offset, count),
        NextStatistics.IsEmpty ? Span<T>.Empty : NextStatistics.Slice(offset, count));
}
