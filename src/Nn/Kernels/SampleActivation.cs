using System;

namespace Nn.Kernels;

/// <summary>
/// A layer's σ and σ' over one sample's values, for kernels that apply them to each sample as they finish it, while
/// its values are still in the core's cache (<see cref="ConvolutionPasses"/>). The kernels sit below the activations,
/// so the layer hands them down as pointers to static functions: nothing is captured and nothing allocated per call.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="forward">a = σ(z) over one sample (z, a), or null when the activation has none; the caller then applies σ itself.</param>
/// <param name="backward">∂C/∂z = ∂C/∂a ⊙ σ'(z) over one sample, in place in the gradient (z, a, gradient), or null likewise.</param>
internal readonly unsafe struct SampleActivation<T>(
    delegate*<ReadOnlySpan<T>, Span<T>, void> forward, delegate*<ReadOnlySpan<T>, ReadOnlySpan<T>, Span<T>, void> backward)
    where T : unmanaged
{
    /// <summary>a = σ(z) over one sample's values, or null.</summary>
    public readonly delegate*<ReadOnlySpan<T>, Span<T>, void> Forward = forward;

    /// <summary>∂C/∂z = ∂C/∂a ⊙ σ'(z) over one sample's values, written over ∂C/∂a, or null.</summary>
    public readonly delegate*<ReadOnlySpan<T>, ReadOnlySpan<T>, Span<T>, void> Backward = backward;

    /// <summary>Whether there is a <see cref="Forward"/> (callers outside unsafe code cannot compare the pointer).</summary>
    public bool HasForward => Forward != null;

    /// <summary>Whether there is a <see cref="Backward"/>.</summary>
    public bool HasBackward => Backward != null;
}
