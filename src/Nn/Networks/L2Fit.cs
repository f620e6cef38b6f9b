using System;
using System.Globalization;
using System.Numerics;

namespace Nn;

/// <summary>
/// Refuses an L2 coefficient λ that the network's numbers cannot carry: λ itself infinite in the element type, or the
/// term λ/(2n) Σ W² or its gradient (λ/n) W overflowing it on the weights the run starts from. Such a λ makes the
/// objective infinite before any step is taken, so a run would report "diverged" having never trained; a λ that only
/// grows the weights step by step (η λ/n above 2 in plain SGD, say) is a run that truly diverges, and is left to it.
/// </summary>
internal static class L2Fit
{
    /// <summary>
    /// Throws when λ = <paramref name="l2"/> is not 0 and the L2 term or its gradient is not finite on the weights of
    /// <paramref name="theta"/>, computed as <see cref="Propagation.L2Penalty{T}"/> and <see cref="Propagation.AddL2{T}"/>
    /// compute them (λ Σ W² first, then divided by 2n). The message names the largest λ these weights allow.
    /// </summary>
    /// <param name="architecture">The layers, for which parameters are weights.</param>
    /// <param name="theta">θ, finite.</param>
    /// <param name="l2">λ, at least 0 and finite.</param>
    /// <param name="count">n, the L2 term's divisor.</param>
    /// <param name="paramName">The parameter to name.</param>
    /// <exception cref="ArgumentOutOfRangeException">λ overflows the element type on these weights.</exception>
    public static void Ensure<T>(Architecture architecture, ReadOnlySpan<T> theta, double l2, int count, string paramName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (l2 == 0)
        {
            return;
        }

        var lambda = T.CreateChecked(l2);
        var sumOfSquares = 0.0;
        var largest = 0.0;
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            if (!architecture.Stack[l].WeightsDecay)
            {
                continue;
            }

            foreach (var w in theta.Slice(architecture.WeightOffset(l), architecture.Stack[l].WeightCount))
            {
                var value = Math.Abs(double.CreateChecked(w));
                sumOfSquares += value * value;
                largest = Math.Max(largest, value);
            }
        }

        var penalty = T.IsFinite(lambda) ? Propagation.L2Penalty(architecture, theta, lambda, count) : lambda;
        var gradient = lambda / T.CreateChecked(count) * T.CreateChecked(largest);
        if (T.IsFinite(lambda) && T.IsFinite(penalty) && T.IsFinite(gradient))
        {
            return;
        }

        // λ Σ W² and (λ/n) max |W| must stay below the type's largest number; 0.999 keeps the printed limit below it.
        var max = typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue;
        var limit = 0.999 * Math.Min(max, Math.Min(sumOfSquares > 0 ? max / sumOfSquares : max, largest > 0 ? max * count / largest : max));
        var type = ElementTypes.Name<T>();
        throw new ArgumentOutOfRangeException(
            paramName,
            string.Create(
                CultureInfo.InvariantCulture,
                $"{paramName} must be below {limit:G3} for these weights, but is {l2:G}: the L2 term λ/(2n) Σ W² or its gradient (λ/n) W would overflow {type}, the network's numbers (n = {count}), so the objective would be infinite before the first step; choose a smaller λ{(type == "float32" ? ", or train in float64" : string.Empty)}."));
    }
}
