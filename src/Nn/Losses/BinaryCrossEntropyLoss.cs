using System;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// Multi-label cross-entropy summed over the K outputs, C = −Σ_k [y_k ln a_k + (1−y_k) ln(1−a_k)].
/// With a sigmoid output it is computed from the logits as Σ_k [softplus(z_k) − y_k z_k], which never takes
/// the log of 0, and δ^L simplifies to a − y.
/// </summary>
internal sealed record BinaryCrossEntropyLoss : Loss
{
    public override string Name => "binary-cross-entropy";

    public override bool Supports(Activation output) => output == Activation.Sigmoid || output == Activation.Softmax;

    public override T SumOfCosts<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output)
    {
        CheckBatch(z, a, target, width, output);
        var sum = T.Zero;
        if (output == Activation.Sigmoid)
        {
            for (var i = 0; i < z.Length; i++)
            {
                // softplus(z) − y z as (max(z, 0) − y z) + ln(1 + e^(−|z|)): the bracket is exactly 0 for a right
                // answer of either sign (z < 0 with y = 0, z > 0 with y = 1), so the tail's digits survive.
                sum += (T.Max(z[i], T.Zero) - (target[i] * z[i])) + StableScalars.LogOnePlus(T.Exp(-T.Abs(z[i])));
            }

            return sum;
        }

        var floor = ProbabilityFloor<T>();
        for (var i = 0; i < a.Length; i++)
        {
            var p = T.Clamp(a[i], floor, T.One - floor);
            sum -= (target[i] * T.Log(p)) + ((T.One - target[i]) * T.Log(T.One - p));
        }

        return sum;
    }

    public override void OutputDeltaInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output, Span<T> delta)
    {
        CheckBatch(z, a, target, width, output, delta);
        if (output == Activation.Sigmoid)
        {
            // ∂C/∂a = (a − y) / (a(1 − a)) and σ' = a(1 − a) cancel exactly.
            for (var i = 0; i < a.Length; i++)
            {
                delta[i] = a[i] - target[i];
            }

            return;
        }

        var floor = ProbabilityFloor<T>();
        for (var i = 0; i < a.Length; i++)
        {
            var p = T.Clamp(a[i], floor, T.One - floor);
            delta[i] = (p - target[i]) / (p * (T.One - p));
        }

        ChainThroughActivation(z, a, width, output, delta);
    }
}
