using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>σ(z) = z; the backward pass passes ∂C/∂a through unchanged.</summary>
internal sealed record IdentityActivation : Activation
{
    public override string Name => "identity";

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width)
    {
        CheckForward(z, a, width);
        Forward(z, a);
    }

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        CheckBackward(z, a, gradientA, gradientZ, width);
        gradientA.CopyTo(gradientZ);
    }

    internal override unsafe SampleActivation<T> SampleSteps<T>() => new(&Forward<T>, &Backward<T>);

    private static void Forward<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T> => z.CopyTo(a);

    /// <summary>σ' = 1: the gradient in place is already ∂C/∂z.</summary>
    private static void Backward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
    }
}
