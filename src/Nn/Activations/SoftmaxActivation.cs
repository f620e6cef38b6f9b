using System;

namespace Nn;

/// <summary>
/// Softmax over each row: a_j = e^(z_j − m) / Σ_k e^(z_k − m) with m = max z, so no exponent overflows.
/// Its Jacobian is not diagonal; the backward pass is the vector–Jacobian product ∂C/∂z = a ⊙ (g − (g·a)).
/// </summary>
internal sealed record SoftmaxActivation : Activation
{
    public override string Name => "softmax";

    public override bool IsElementwise => false;

    public override void ForwardInto<T>(ReadOnlySpan<T> z, Span<T> a, int width)
    {
        for (var row = 0; row < z.Length; row += width)
        {
            var zRow = z.Slice(row, width);
            var aRow = a.Slice(row, width);
            var max = Kernels.TensorKernels.Max(zRow);
            Kernels.TensorKernels.Subtract(zRow, max, aRow);
            Kernels.TensorKernels.Exp(aRow, aRow);
            var sum = Kernels.TensorKernels.Sum<T>(aRow);
            Kernels.TensorKernels.Divide(aRow, sum, aRow);
        }
    }

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        for (var row = 0; row < a.Length; row += width)
        {
            var aRow = a.Slice(row, width);
            var gRow = gradientA.Slice(row, width);
            var projection = Kernels.TensorKernels.Dot(gRow, aRow);
            var outRow = gradientZ.Slice(row, width);
            for (var j = 0; j < width; j++)
            {
                outRow[j] = aRow[j] * (gRow[j] - projection);
            }
        }
    }
}
