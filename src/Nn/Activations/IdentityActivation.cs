using System;

namespace Nn;

/// <summary>σ(z) = z; the backward pass passes ∂C/∂a through unchanged.</summary>
internal sealed record IdentityActivation : Activation
{
    public override string Name => "identity";

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width) => z.CopyTo(a);

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width) =>
        gradientA.CopyTo(gradientZ);
}
