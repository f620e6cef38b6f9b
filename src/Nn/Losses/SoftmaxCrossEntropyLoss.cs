using System;

namespace Nn;

/// <summary>
/// Cross-entropy C = −Σ_k t_k ln a_k. With a softmax output it is computed from the logits as
/// ((Σ_k t_k)·max z − Σ_k t_k z_k) + (Σ_k t_k)·ln(1 + s), where s = Σ_k e^(z_k − max z) less the 1 of one maximum is
/// summed without that 1, so a confidently right row costs its tiny tail, about s, instead of rounding to 0. Its
/// δ^L = (Σ_k t_k)·a − t, which is a − t for one-hot or soft targets.
/// </summary>
internal sealed record SoftmaxCrossEntropyLoss : Loss
{
    public override string Name => "softmax-cross-entropy";

    public override bool Supports(Activation output) => output == Activation.Softmax || output == Activation.Sigmoid;

    public override T SumOfCosts<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output)
    {
        CheckBatch(z, a, target, width, output);
        var sum = T.Zero;
        if (output == Activation.Softmax)
        {
            for (var row = 0; row < z.Length; row += width)
            {
                var zRow = z.Slice(row, width);
                var tRow = target.Slice(row, width);
                var max = Kernels.TensorKernels.Max(zRow);
                var mass = Kernels.TensorKernels.Sum(tRow);
                var tail = Kernels.StableScalars.LogOnePlus(OthersThanOneMaximum(zRow, max));
                sum += ((mass * max) - Kernels.TensorKernels.Dot(tRow, zRow)) + (mass * tail);
            }

            return sum;
        }

        var floor = ProbabilityFloor<T>();
        for (var i = 0; i < a.Length; i++)
        {
            sum -= target[i] * T.Log(T.Max(a[i], floor));
        }

        return sum;
    }

    /// <summary>
    /// Σ_k e^(z_k − max z) less the 1 of one maximum, so ln of the whole sum is ln(1 + this) without rounding away a
    /// confident row's tail: the terms below the maximum summed in order, then the other maxima's 1s, an exact whole
    /// number. The generated code (LossEmitter) sums it the same way.
    /// </summary>
    private static T OthersThanOneMaximum<T>(ReadOnlySpan<T> zRow, T max)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var below = T.Zero;
        var maxima = -T.One;
        foreach (var z in zRow)
        {
            if (z < max)
            {
                below += T.Exp(z - max);
            }
            else
            {
                maxima += T.One;
            }
        }

        return below + maxima;
    }

    public override void OutputDeltaInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> target, int width, Activation output, Span<T> delta)
    {
        CheckBatch(z, a, target, width, output, delta);
        if (output == Activation.Softmax)
        {
            for (var row = 0; row < a.Length; row += width)
            {
                var tRow = target.Slice(row, width);
                var mass = Kernels.TensorKernels.Sum(tRow);
                for (var k = 0; k < width; k++)
                {
                    delta[row + k] = (mass * a[row + k]) - tRow[k];
                }
            }

            return;
        }

        var floor = ProbabilityFloor<T>();
        for (var i = 0; i < a.Length; i++)
        {
            delta[i] = -target[i] / T.Max(a[i], floor);
        }

        ChainThroughActivation(z, a, width, output, delta);
    }
}
