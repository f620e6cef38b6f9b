using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Nn.Kernels;

/// <summary>
/// The sums of the lanes of many vectors at once, for sums kept one vector per position (the filter lanes of
/// <see cref="FilterLanesConvolution.InputGradient{T}"/>): each position's vectors are added and folded to 128 bits by
/// adding halves, then the 128-bit vectors of 4 positions (2 in double) are added pairwise, twice (once), into one
/// vector of their 4 (2) sums — a few operations per position instead of a whole horizontal sum each, whose chain of
/// shuffles and adds cost more than the products it summed.
/// </summary>
internal static unsafe class LaneSums
{
    /// <summary>
    /// output[i] = the sum of the <paramref name="room"/> lanes from <paramref name="sums"/> + i · <paramref name="room"/>,
    /// for i &lt; <paramref name="count"/> (<paramref name="room"/> a whole number of vectors).
    /// </summary>
    public static void Store<TLanes, TVector, T>(T* sums, int room, int count, T* output)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var i = 0;
        if (typeof(TLanes) == typeof(Lanes512<float>) && Avx512F.IsSupported && room == Vector512<float>.Count)
        {
            for (; i + 4 <= count; i += 4)
            {
                FourSums((float*)sums + (i * room)).Store((float*)output + i);
            }
        }
        else if (Paired && Vector128<T>.Count == 4)
        {
            for (; i + 4 <= count; i += 4)
            {
                var at = sums + (i * room);
                var low = PairSums(Folded<TLanes, TVector, T>(at, room), Folded<TLanes, TVector, T>(at + room, room));
                var high = PairSums(Folded<TLanes, TVector, T>(at + (2 * room), room), Folded<TLanes, TVector, T>(at + (3 * room), room));
                PairSums(low, high).Store(output + i);
            }
        }
        else if (Paired)
        {
            for (; i + 2 <= count; i += 2)
            {
                var at = sums + (i * room);
                PairSums(Folded<TLanes, TVector, T>(at, room), Folded<TLanes, TVector, T>(at + room, room)).Store(output + i);
            }
        }

        // The positions past the last group, or all of them on a CPU without paired sums: each one's own lane sum.
        for (; i < count; i++)
        {
            output[i] = Vector128.Sum(Folded<TLanes, TVector, T>(sums + (i * room), room));
        }
    }

    /// <summary>
    /// The lane sums of the four 512-bit float vectors from <paramref name="at"/> on, by the additions <see cref="Store{TLanes, TVector, T}"/>
    /// makes on other paths, in the same order (so the same bits): 128-bit quarters exchanged across each pair of vectors
    /// so that one addition folds both to 256 bits, again across the two results to fold all four to 128 bits (one
    /// vector, a quarter per position), then neighbouring lanes and pairs of lanes added within each quarter — nine
    /// shuffles for four positions where folding each and pairing them took fourteen.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> FourSums(float* at)
    {
        Vector512<float> a = Vector512.Load(at), b = Vector512.Load(at + 16), c = Vector512.Load(at + 32), d = Vector512.Load(at + 48);

        // Quarters [a0 + a2, a1 + a3, b0 + b2, b1 + b3], then [(a0 + a2) + (a1 + a3), (b…), (c…), (d…)].
        var ab = Avx512F.Shuffle4x128(a, b, 0b01_00_01_00) + Avx512F.Shuffle4x128(a, b, 0b11_10_11_10);
        var cd = Avx512F.Shuffle4x128(c, d, 0b01_00_01_00) + Avx512F.Shuffle4x128(c, d, 0b11_10_11_10);
        var quarters = Avx512F.Shuffle4x128(ab, cd, 0b10_00_10_00) + Avx512F.Shuffle4x128(ab, cd, 0b11_01_11_01);

        // Within each quarter (l0 + l1) and (l2 + l3), then their sum, as two rounds of pairwise sums make it.
        var pairs = quarters + Avx512F.Permute4x32(quarters, 0b10_11_00_01);
        var totals = pairs + Avx512F.Permute4x32(pairs, 0b01_00_11_10);
        return Avx512F.PermuteVar16x32(totals, Vector512.Create(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).GetLower().GetLower();
    }

    /// <summary>Whether this CPU adds neighbouring lanes of two vectors in one instruction (x86 SSE3, ARM64).</summary>
    private static bool Paired => Sse3.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>The <paramref name="room"/> lanes from <paramref name="at"/> added a vector at a time, then folded to 128 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Folded<TLanes, TVector, T>(T* at, int room)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = TLanes.Load(at);
        for (var g = TLanes.Count; g < room; g += TLanes.Count)
        {
            sum = TLanes.Add(sum, TLanes.Load(at + g));
        }

        return TLanes.Fold(sum);
    }

    /// <summary>
    /// The sums of neighbouring lanes: those of <paramref name="x"/> in the lower half, of <paramref name="y"/> in the
    /// upper (x86 SSE3 or ARM64 only: see <see cref="Paired"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> PairSums<T>(Vector128<T> x, Vector128<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Sse3.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Sse3.HorizontalAdd(x.AsSingle(), y.AsSingle()).As<float, T>()
                : Sse3.HorizontalAdd(x.AsDouble(), y.AsDouble()).As<double, T>();
        }

        return typeof(T) == typeof(float)
            ? AdvSimd.Arm64.AddPairwise(x.AsSingle(), y.AsSingle()).As<float, T>()
            : AdvSimd.Arm64.AddPairwise(x.AsDouble(), y.AsDouble()).As<double, T>();
    }
}
