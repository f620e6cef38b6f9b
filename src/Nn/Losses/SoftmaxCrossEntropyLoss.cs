using System;

namespace Nn;

/// <summary>
/// Cross-entropy C = −Σ_k t_k ln a_k. With a softmax output it is computed from the logits as
/// (Σ_k t_k)·logsumexp(z) − Σ_k t_k z_k, and δ^L = (Σ_k t_k)·a − t, which is a − t for one-hot or soft targets.
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
                var total = T.Zero;
                for (var k = 0; k < width; k++)
                {
                    total += T.Exp(zRow[k] - max);
                }

                var logSumExp = max + T.Log(total);
                sum += (Kernels.TensorKernels.Sum(tRow) * logSumExp) - Kernels.TensorKernels.Dot(tRow, zRow);
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
