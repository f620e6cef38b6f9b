using System;

namespace Nn;

/// <summary>Which entries of θ are weights and which are biases, read from the architecture's layout.</summary>
internal static class ParameterRoles
{
    /// <summary>Whether θ entry <paramref name="index"/> lies in a layer's bias vector.</summary>
    public static bool IsBias(Architecture architecture, int index)
    {
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            var bias = architecture.BiasOffset(l);
            if (bias >= 0 && index >= bias && index < bias + architecture.Stack[l].BiasCount)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The number of weight runs <see cref="WeightRun"/> numbers: one per layer, or 1 without an architecture.</summary>
    public static int WeightRunCount(Architecture? architecture) => architecture?.Stack.Length ?? 1;

    /// <summary>
    /// Run <paramref name="run"/> of weight entries clipped to [from, to), as [Start, End) (empty when Start ≥ End):
    /// layer <paramref name="run"/>'s weights, or the whole range without an architecture.
    /// </summary>
    public static (int Start, int End) WeightRun(Architecture? architecture, int run, int from, int to)
    {
        if (architecture is null)
        {
            return (from, to);
        }

        var offset = architecture.WeightOffset(run);
        return (Math.Max(from, offset), Math.Min(to, offset + architecture.Stack[run].WeightCount));
    }
}
