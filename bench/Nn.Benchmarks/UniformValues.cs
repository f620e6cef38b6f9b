using System;

namespace Nn.Benchmarks;

/// <summary>Operands for the shape probes: their speed does not depend on the values, only on their count.</summary>
internal static class UniformValues
{
    /// <summary><paramref name="length"/> floats drawn uniformly from [0, 1) by <paramref name="random"/>.</summary>
    public static float[] Draw(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        return values;
    }
}
