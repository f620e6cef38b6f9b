using System;

namespace Nn;

/// <summary>
/// The state of a xoshiro256** pseudo-random generator as an immutable value, so randomness is always explicit:
/// a function takes a state and returns the next one, and a checkpoint can store exactly where a run was.
/// </summary>
/// <param name="S0">State word 0.</param>
/// <param name="S1">State word 1.</param>
/// <param name="S2">State word 2.</param>
/// <param name="S3">State word 3.</param>
/// <example><code>
/// var (value, next) = RandomState.FromSeed(42).NextDouble();
/// </code></example>
public readonly record struct RandomState(ulong S0, ulong S1, ulong S2, ulong S3)
{
    /// <summary>The state a seed leads to, expanded with SplitMix64 so nearby seeds give unrelated streams.</summary>
    /// <param name="seed">Any 64-bit seed.</param>
    /// <returns>The initial state.</returns>
    public static RandomState FromSeed(ulong seed)
    {
        var x = seed;
        return new RandomState(SplitMix(ref x), SplitMix(ref x), SplitMix(ref x), SplitMix(ref x));
    }

    /// <summary>The next 64 random bits and the state after them.</summary>
    /// <returns>The value and the next state.</returns>
    public RandomDraw<ulong> NextUInt64()
    {
        var generator = new RandomGenerator(this);
        var value = generator.NextUInt64();
        return new RandomDraw<ulong>(value, generator.State);
    }

    /// <summary>A uniform double in [0, 1) and the state after it.</summary>
    /// <returns>The value and the next state.</returns>
    public RandomDraw<double> NextDouble()
    {
        var generator = new RandomGenerator(this);
        var value = generator.NextDouble();
        return new RandomDraw<double>(value, generator.State);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>A random value and the generator state after drawing it.</summary>
/// <typeparam name="TValue">The value's type.</typeparam>
/// <param name="Value">The value drawn.</param>
/// <param name="Next">The state to draw the next value from.</param>
public readonly record struct RandomDraw<TValue>(TValue Value, RandomState Next)
{
    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(RandomDraw<>), PrintMembers);
}

/// <summary>
/// A mutable xoshiro256** generator for use inside one function: it starts from a <see cref="RandomState"/>,
/// draws many numbers without allocating, and hands its final <see cref="State"/> back as a value.
/// </summary>
internal struct RandomGenerator
{
    private ulong s0;
    private ulong s1;
    private ulong s2;
    private ulong s3;

    public RandomGenerator(RandomState state)
    {
        (s0, s1, s2, s3) = (state.S0, state.S1, state.S2, state.S3);
        if ((s0 | s1 | s2 | s3) == 0)
        {
            // The all-zero state is a fixed point of xoshiro; nudge it so a default value still produces numbers.
            s0 = 0x9E3779B97F4A7C15UL;
        }
    }

    public readonly RandomState State => new(s0, s1, s2, s3);

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound), without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        var m = (UInt128)NextUInt64() * (ulong)bound;
        var low = (ulong)m;
        if (low < (ulong)bound)
        {
            var threshold = (0UL - (ulong)bound) % (ulong)bound;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * (ulong)bound;
                low = (ulong)m;
            }
        }

        return (int)(m >> 64);
    }

    /// <summary>A standard normal sample by the Box–Muller transform.</summary>
    public double NextGaussian()
    {
        double u1;
        do
        {
            u1 = NextDouble();
        }
        while (u1 <= double.Epsilon);
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle of a buffer the caller owns.</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
