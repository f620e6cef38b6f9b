using System;
using System.Numerics;

namespace Nn;

/// <summary>
/// Sets subnormal entries of θ and of the rule's moments to zero every <see cref="Interval"/> steps. Weights that no
/// sample moves (the pixels that are blank in every image) only decay — under L2, or through Adam's moments once their
/// gradient is zero — and pass through the subnormal range on the way to zero; there they stay for thousands of
/// steps (v shrinks by β₂ = 0.999 per step), and on many Intel cores every arithmetic operation that reads or makes a
/// subnormal takes a microcode assist a hundred times slower than a normal one (a Fashion-MNIST run's epochs slowed
/// from 1.0 s to 4.9 s). A value below 2⁻¹²⁶ (float) contributes nothing a training run can see, so it is set to zero
/// on a schedule fixed by the step number: runs stay reproducible and resume bit for bit. Adam's (and AdamW's) update
/// kernel also flushes m, v and θ' element by element as it writes them (<see cref="Kernels.ScalarKernels.FlushSubnormal{T}"/>),
/// so under those rules this pass finds nothing; it stays for the other rules.
/// </summary>
internal static class SubnormalFlush
{
    /// <summary>Steps between flushes: rare enough that the pass costs nothing measurable, often enough that a subnormal lives briefly.</summary>
    public const int Interval = 64;

    /// <summary>Whether step <paramref name="step"/> (1-based) ends with a flush.</summary>
    public static bool IsDue(long step) => step % Interval == 0;

    /// <summary>Sets every subnormal entry of <paramref name="values"/> to zero and returns how many there were.</summary>
    /// <remarks>
    /// The test is on the bits (<see cref="IFloatingPointIeee754{TSelf}"/>'s IsSubnormal), so the pass itself does no
    /// arithmetic on a subnormal.
    /// </remarks>
    public static int Flush<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var flushed = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (T.IsSubnormal(values[i]))
            {
                values[i] = T.Zero;
                flushed++;
            }
        }

        return flushed;
    }

    /// <summary>Flushes θ and every moment vector (the length of θ, or of the block a rank keeps the moments of).</summary>
    public static int Flush<T>(T[] theta, T[][] moments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(moments);
        var flushed = Flush(theta.AsSpan());
        foreach (var moment in moments)
        {
            flushed += Flush(moment.AsSpan());
        }

        return flushed;
    }
}
