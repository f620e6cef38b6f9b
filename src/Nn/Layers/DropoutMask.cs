namespace Nn;

/// <summary>
/// Counter-based random numbers for dropout masks: the keep/drop decision of element i is a hash of (key, i), so a
/// mask needs no generator state of its own, is the same however a batch is split over threads, and is drawn again
/// exactly from the key alone — which is what makes training with dropout resumable bit for bit and lets a
/// gradient check hold the mask fixed.
/// </summary>
internal static class DropoutMask
{
    /// <summary>The SplitMix64 finaliser (Steele, Lea and Flood 2014): a bijection of 64-bit words with full avalanche.</summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 bits, for element <paramref name="index"/> of the mask of <paramref name="key"/>.</summary>
    public static double Uniform(ulong key, long index) =>
        (Mix(key + ((ulong)(index + 1) * 0x9E3779B97F4A7C15UL)) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The key of an epoch's masks: the training state's random state at the epoch's start, hashed.</summary>
    public static ulong Key(RandomState random) => Mix(random.S0 ^ Mix(random.S1 ^ Mix(random.S2 ^ Mix(random.S3))));

    /// <summary>The key of one training step: the run's key for the epoch mixed with the step number.</summary>
    public static ulong StepKey(ulong epochKey, long step) => Mix(epochKey ^ Mix((ulong)step));
}
