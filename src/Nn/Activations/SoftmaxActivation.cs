using System;
using System.Numerics;
using Nn.Kernels;

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
        CheckForward(z, a, width);
        for (var row = 0; row < z.Length; row += width)
        {
            ForwardRow(z.Slice(row, width), a.Slice(row, width));
        }
    }

    public override void BackwardInto<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> gradientA, Span<T> gradientZ, int width)
    {
        CheckBackward(z, a, gradientA, gradientZ, width);
        for (var row = 0; row < a.Length; row += width)
        {
            BackwardRow(a.Slice(row, width), gradientA.Slice(row, width), gradientZ.Slice(row, width));
        }
    }

    /// <summary>A sample is one row: its whole output is what the softmax normalises.</summary>
    internal override unsafe SampleActivation<T> SampleSteps<T>() => new(&ForwardRow<T>, &BackwardRowInPlace<T>);

    private static void ForwardRow<T>(ReadOnlySpan<T> zRow, Span<T> aRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var max = TensorKernels.Max(zRow);
        TensorKernels.Subtract(zRow, max, aRow);
        TensorKernels.Exp(aRow, aRow);
        var sum = TensorKernels.Sum<T>(aRow);
        TensorKernels.Divide(aRow, sum, aRow);
    }

    private static void BackwardRowInPlace<T>(ReadOnlySpan<T> zRow, ReadOnlySpan<T> aRow, Span<T> gradientRow)
        where T : unmanaged, IFloatingPointIeee754<T> => BackwardRow<T>(aRow, gradientRow, gradientRow);

    /// <summary>
    /// One row's a ⊙ (g − g·a); the dot product is taken before any element is written, so g and the result may be
    /// the same span.
    /// </summary>
    private static void BackwardRow<T>(ReadOnlySpan<T> aRow, ReadOnlySpan<T> gRow, Span<T> outRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var projection = TensorKernels.Dot(gRow, aRow);
        for (var j = 0; j < aRow.Length; j++)
        {
            outRow[j] = aRow[j] * (gRow[j] - projection);
        }
    }
}
