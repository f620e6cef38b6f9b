using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The argument checks and the checked update that the code generated for a declared network
/// (<see cref="NetworkAttribute"/>) calls, with the runtime's messages. Inputs and targets are small, so they are
/// scanned on every call; θ is large, so it is scanned only when a result (an output a^L, a cost, or θ' of a step)
/// comes out non-finite. A non-finite θ is then reported by element and by which weight or bias that is, read
/// from the network's <see cref="Architecture"/>; finite arguments whose result overflowed are divergence.
/// </summary>
/// <example><code>
/// GeneratedChecks.CheckFinite(nameof(input), input, width: 64);   // throws, naming the first NaN or ±∞
/// </code></example>
public static class GeneratedChecks
{
    /// <summary>Whether <paramref name="path"/> is a vector one; on <see cref="KernelPath.Portable"/> only the scalar loops run.</summary>
    private static bool Vectorised(KernelPath path) => path != KernelPath.Portable && Vector.IsHardwareAccelerated;

    /// <summary>Throws unless a span has the length its declaration fixes.</summary>
    /// <param name="name">The argument's name, for the message.</param>
    /// <param name="expected">The length it must have (64 bits, so that rows × width cannot wrap around).</param>
    /// <param name="actual">The length it has.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void CheckLength(string name, long expected, int actual)
    {
        if (expected != actual)
        {
            throw new ArgumentException(FormattableString.Invariant($"{name} must have length {expected}, but has {actual}."), name);
        }
    }

    /// <summary>Throws unless a count is at least 1.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">The count.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is below 1.</exception>
    public static void CheckPositive(string name, int value)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, FormattableString.Invariant($"{name} must be at least 1, but is {value}."));
        }
    }

    /// <summary>Throws unless η is positive and finite.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="learningRate">η.</param>
    /// <exception cref="ArgumentOutOfRangeException">η is zero, negative, NaN or +∞.</exception>
    public static void CheckLearningRate<T>(T learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(learningRate > T.Zero) || T.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, FormattableString.Invariant($"learningRate must be a positive finite number, but is {learningRate}."));
        }
    }

    /// <summary>Scans inputs or targets (vectorised) and throws at the first NaN or ±∞, naming its index and, in a batch, its row and column.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The argument's name.</param>
    /// <param name="values">One sample, or rows × <paramref name="width"/> values, row-major.</param>
    /// <param name="width">The length of one sample; a span of another length is named as a batch.</param>
    /// <exception cref="ArgumentException">A value is NaN or ±∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is less than 1 (a non-finite value in a batch of it was an uncaught division by zero).</exception>
    public static void CheckFinite<T>(string name, ReadOnlySpan<T> values, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckPositive(nameof(width), width);
        if (VectorKernels.AllFinite(values))
        {
            return;
        }

        var i = FirstNonFinite(values);
        var where = values.Length == width ? string.Empty : FormattableString.Invariant($" (row {i / width}, column {i % width})");
        throw new ArgumentException(FormattableString.Invariant($"{name} must hold finite numbers, but element {i}{where} is {values[i]}."), name);
    }

    /// <summary>
    /// Checks running statistics (a network's state) as the runtime's network constructor does: the length, every
    /// value finite, and each batch normalisation's variances not negative.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="statistics">The statistics, laid out as <see cref="Network{T}.State"/>.</param>
    /// <param name="architecture">The architecture they belong to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> is null.</exception>
    /// <exception cref="ArgumentException">The length is not <see cref="Architecture.StateCount"/>, a value is NaN or ±∞, or a variance is negative.</exception>
    public static void CheckStatistics<T>(ReadOnlySpan<T> statistics, Architecture architecture)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(architecture);
        CheckLength(nameof(statistics), architecture.StateCount, statistics.Length);
        // A network without batch normalisation has no statistics: an empty span is one sample of nothing to scan, not a width of 0.
        CheckFinite(nameof(statistics), statistics, Math.Max(statistics.Length, 1));
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            var layer = architecture.Stack[l];
            if (layer.StateCount != 0 && layer.InvalidState(statistics.Slice(architecture.StateOffset(l), layer.StateCount)) is { } problem)
            {
                throw new ArgumentException(FormattableString.Invariant($"statistics must be valid running statistics, but layer {l} has {problem}."), nameof(statistics));
            }
        }
    }

    /// <summary>Returns a cost unchanged after checking it: θ is scanned only when the cost is not finite, and named if it is the cause.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">θ.</param>
    /// <param name="cost">The cost computed from θ.</param>
    /// <param name="architecture">The layout of θ, to name a bad element.</param>
    /// <returns><paramref name="cost"/>; a non-finite cost from finite θ (overflow) is returned too, as the runtime's backprop returns it.</returns>
    /// <exception cref="ArgumentException">The cost is not finite because θ holds NaN or ±∞.</exception>
    public static T CheckCost<T>(ReadOnlySpan<T> parameters, T cost, Architecture architecture)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(cost))
        {
            CheckParameters(parameters, architecture);
        }

        return cost;
    }

    /// <summary>Checks written outputs a^L: θ is scanned only when one is not finite, and named if it is the cause.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">θ.</param>
    /// <param name="outputs">The outputs computed from θ.</param>
    /// <param name="architecture">The layout of θ.</param>
    /// <exception cref="ArgumentException">An output is not finite because θ holds NaN or ±∞.</exception>
    public static void CheckOutputs<T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> outputs, Architecture architecture)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!VectorKernels.AllFinite(outputs))
        {
            CheckParameters(parameters, architecture);
        }
    }

    /// <summary>Scans θ and throws at its first NaN or ±∞, naming the element and which weight or bias it is.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">θ.</param>
    /// <param name="architecture">The layout of θ.</param>
    /// <exception cref="ArgumentException">θ holds NaN or ±∞.</exception>
    public static void CheckParameters<T>(ReadOnlySpan<T> parameters, Architecture architecture)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (VectorKernels.AllFinite(parameters))
        {
            return;
        }

        throw NonFiniteParameters(parameters, architecture);
    }

    /// <summary>
    /// θ ← θ − η g, in place, checking θ' and θ as they stream through: v − v is +0 (no bits set) in a finite lane and
    /// NaN otherwise, and OR-ing it into a register costs no extra pass over θ and no branch per block (a branch
    /// per block measured a third slower than TensorPrimitives.MultiplyAdd on 39,760 floats). A non-finite θ' is
    /// reported after the whole update, since the caller owns the buffer and no copy is kept.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">θ; overwritten with θ'.</param>
    /// <param name="gradient">g, at least as long as θ.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="architecture">The layout of θ, to name a bad element.</param>
    /// <exception cref="ArgumentException">θ' is not finite: for <c>parameters</c> if θ already held NaN or ±∞, else for
    /// <c>learningRate</c> (divergence). The buffer then holds θ' as computed.</exception>
    public static void UpdateChecked<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T learningRate, Architecture architecture)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradient.Length < parameters.Length)
        {
            throw new ArgumentException(FormattableString.Invariant($"gradient must hold at least {parameters.Length} values, but holds {gradient.Length}."), nameof(gradient));
        }

        var step = -learningRate;
        ref var theta = ref MemoryMarshal.GetReference(parameters);
        ref var g = ref MemoryMarshal.GetReference(gradient);
        var k = 0;
        var finite = true;
        var wasFinite = true;
        var path = KernelCensus.Resolve(KernelPath.Auto);
        if (Vector<T>.Count > Vector128<T>.Count && path == KernelPath.Vector128)
        {
            (k, finite, wasFinite) = GeneratedKernelBodies.Update<Lanes128<T>, Vector128<T>, T>(parameters, gradient, step);
        }
        else if (Vectorised(path) && parameters.Length >= Vector<T>.Count)
        {
            (k, finite, wasFinite) = GeneratedKernelBodies.Update<LanesVector<T>, Vector<T>, T>(parameters, gradient, step);
        }

        for (; k < parameters.Length; k++)
        {
            var old = Unsafe.Add(ref theta, k);
            var next = old + (step * Unsafe.Add(ref g, k));
            Unsafe.Add(ref theta, k) = next;
            finite &= T.IsFinite(next);
            wasFinite &= T.IsFinite(old);
        }

        if (!finite)
        {
            throw NonFiniteStep(parameters, gradient, learningRate, wasFinite, architecture);
        }
    }

    /// <summary>The index of the first NaN or ±∞ in a span known to hold one.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The values.</param>
    /// <returns>The index, or values.Length if all are finite.</returns>
    public static int FirstNonFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var i = 0;
        while (i < values.Length && T.IsFinite(values[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Which weight or bias element <paramref name="index"/> of θ is, counting layers from 1: W^l[j, k] (output j, input k) of a dense layer, W^l[o, c, u, v] of a convolution's kernels, or b^l[j].</summary>
    /// <param name="architecture">The layout of θ.</param>
    /// <param name="index">An index into θ.</param>
    /// <returns>The name, or "no parameter" outside θ.</returns>
    public static string ParameterName(Architecture architecture, int index)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            var layer = architecture.Stack[l];
            var weights = architecture.WeightOffset(l);
            if (index >= weights && index < weights + layer.WeightCount)
            {
                return FormattableString.Invariant($"W^{l + 1}[{WeightIndex(layer, index - weights)}]");
            }

            var bias = architecture.BiasOffset(l);
            if (layer.HasBias && index >= bias && index < bias + layer.BiasCount)
            {
                return FormattableString.Invariant($"b^{l + 1}[{index - bias}]");
            }
        }

        return "no parameter";
    }

    private static string WeightIndex(Layer layer, int i)
    {
        if (layer is Conv2DLayer conv)
        {
            var kernel = conv.KernelHeight * conv.KernelWidth;
            var perFilter = conv.InputShape.Channels * kernel;
            return FormattableString.Invariant($"{i / perFilter}, {i % perFilter / kernel}, {i % kernel / conv.KernelWidth}, {i % conv.KernelWidth}");
        }

        var inputs = layer.InputShape.Size;
        return FormattableString.Invariant($"{i / inputs}, {i % inputs}");
    }

    private static ArgumentException NonFiniteParameters<T>(ReadOnlySpan<T> parameters, Architecture architecture)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var i = FirstNonFinite(parameters);
        return new ArgumentException(FormattableString.Invariant($"parameters must hold finite numbers, but element {i} ({ParameterName(architecture, i)}) is {parameters[i]}."), "parameters");
    }

    // Where θ_i was NaN or ±∞, θ'_i = θ_i + (−η g_i) is too, so the first non-finite θ'_i names the bad parameter
    // when θ was not all finite.
    private static ArgumentException NonFiniteStep<T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> gradient, T learningRate, bool wasFinite, Architecture architecture)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!wasFinite)
        {
            return NonFiniteParameters(parameters, architecture);
        }

        var i = FirstNonFinite(parameters);
        return new ArgumentException(
            FormattableString.Invariant($"the step diverged: element {i} ({ParameterName(architecture, i)}) of θ' = θ − η ∇θ C is {parameters[i]} (∂C/∂θ = {gradient[i]}, η = {learningRate}); the buffer holds θ' as computed."),
            nameof(learningRate));
    }
}
