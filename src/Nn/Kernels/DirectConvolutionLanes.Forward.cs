using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Nn.Kernels;

/// <summary>The forward body of <see cref="DirectConvolutionLanes"/>.</summary>
internal static unsafe partial class DirectConvolutionLanes
{
    /// <summary>
    /// Whether the JIT has 32 vector registers (x64 with AVX-512, or ARM64) for the 18 sums, 3 inputs and a weight of a
    /// block of 6 filters; x64 without AVX-512 has 16 and takes blocks of 3 filters (9 sums), which spill nothing.
    /// </summary>
    private static bool WideRegisterFile => !X86Base.IsSupported || Avx512F.IsSupported;

    /// <summary>
    /// z of one sample: per block of 6 filters (3 on a CPU with 16 vector registers), the output plane's vectors three
    /// at a time, the last one ending at the plane's end (overlapping the one before when OH·OW is not a whole number
    /// of vectors) and the last group repeating it where it runs out; the sums in registers over every weight
    /// (c, u, v) in K's order, each input vector loaded once per weight for the block's filters, whose weights are
    /// packed filter-innermost so that one pointer walks them. Overlapping and repeated vectors store the same sums
    /// again. With <paramref name="rectify"/> each vector stored is max(z, 0), the ReLU's a, so a fused pass needs no
    /// pass of its own over the plane.
    /// </summary>
    public static void Forward<TLanes, TVector, T>(T* source, T* room, T* kernels, T* bias, int filters, in DirectConvolution.Plan shape, T* z, bool rectify)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shifted = Shift<TLanes, TVector, T>(source, shape, room);
        var patch = shape.Patch;
        var runs = stackalloc int[DirectConvolution.LongestPatch];
        Runs(shape, runs);
        var block = WideRegisterFile ? DirectConvolution.FilterBlock : DirectConvolution.FilterBlock / 2;
        var packed = stackalloc T[DirectConvolution.LongestPatch * DirectConvolution.FilterBlock];
        for (var f = 0; f < filters; f += block)
        {
            var count = Math.Min(block, filters - f);

            // Weight w of filter f + j at block·w + j; a block's filters past O repeat its first.
            for (var j = 0; j < block; j++)
            {
                var k = kernels + ((f + (j < count ? j : 0)) * patch);
                for (var w = 0; w < patch; w++)
                {
                    packed[(w * block) + j] = k[w];
                }
            }

            if (block == DirectConvolution.FilterBlock)
            {
                SixFilters<TLanes, TVector, T>(shifted, runs, packed, bias, f, count, shape, z, rectify);
            }
            else
            {
                ThreeFilters<TLanes, TVector, T>(shifted, runs, packed, bias, f, count, shape, z, rectify);
            }
        }
    }

    /// <summary>z of a block of 6 filters (<paramref name="count"/> of them real) from their packed weights: 18 sums per group of 3 vectors.</summary>
    private static void SixFilters<TLanes, TVector, T>(T* shifted, int* runs, T* packed, T* bias, int f, int count, in DirectConvolution.Plan shape, T* z, bool rectify)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = TLanes.Count, positions = shape.OutputHeight * shape.OutputWidth, patch = shape.Patch, last = positions - width;
        var vectors = (positions + width - 1) / width;
        var output = z + (f * positions);
        for (var q = 0; q < vectors; q += 3)
        {
            int at0 = Math.Min(q * width, last), at1 = Math.Min((q + 1) * width, last), at2 = Math.Min((q + 2) * width, last);
            TVector s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default;
            TVector s20 = default, s21 = default, s22 = default, s30 = default, s31 = default, s32 = default;
            TVector s40 = default, s41 = default, s42 = default, s50 = default, s51 = default, s52 = default;
            var weights = packed;
            for (var w = 0; w < patch; w++, weights += DirectConvolution.FilterBlock)
            {
                var x = shifted + runs[w];
                var x0 = TLanes.Load(x + at0);
                var x1 = TLanes.Load(x + at1);
                var x2 = TLanes.Load(x + at2);
                var weight = TLanes.Broadcast(weights[0]);
                s00 = TLanes.FusedMultiplyAdd(weight, x0, s00);
                s01 = TLanes.FusedMultiplyAdd(weight, x1, s01);
                s02 = TLanes.FusedMultiplyAdd(weight, x2, s02);
                weight = TLanes.Broadcast(weights[1]);
                s10 = TLanes.FusedMultiplyAdd(weight, x0, s10);
                s11 = TLanes.FusedMultiplyAdd(weight, x1, s11);
                s12 = TLanes.FusedMultiplyAdd(weight, x2, s12);
                weight = TLanes.Broadcast(weights[2]);
                s20 = TLanes.FusedMultiplyAdd(weight, x0, s20);
                s21 = TLanes.FusedMultiplyAdd(weight, x1, s21);
                s22 = TLanes.FusedMultiplyAdd(weight, x2, s22);
                weight = TLanes.Broadcast(weights[3]);
                s30 = TLanes.FusedMultiplyAdd(weight, x0, s30);
                s31 = TLanes.FusedMultiplyAdd(weight, x1, s31);
                s32 = TLanes.FusedMultiplyAdd(weight, x2, s32);
                weight = TLanes.Broadcast(weights[4]);
                s40 = TLanes.FusedMultiplyAdd(weight, x0, s40);
                s41 = TLanes.FusedMultiplyAdd(weight, x1, s41);
                s42 = TLanes.FusedMultiplyAdd(weight, x2, s42);
                weight = TLanes.Broadcast(weights[5]);
                s50 = TLanes.FusedMultiplyAdd(weight, x0, s50);
                s51 = TLanes.FusedMultiplyAdd(weight, x1, s51);
                s52 = TLanes.FusedMultiplyAdd(weight, x2, s52);
            }

            Store<TLanes, TVector, T>(output, at0, at1, at2, s00, s01, s02, FilterBias(bias, f, 0, count), rectify);
            if (count > 1)
            {
                Store<TLanes, TVector, T>(output + positions, at0, at1, at2, s10, s11, s12, FilterBias(bias, f, 1, count), rectify);
            }

            if (count > 2)
            {
                Store<TLanes, TVector, T>(output + (2 * positions), at0, at1, at2, s20, s21, s22, FilterBias(bias, f, 2, count), rectify);
            }

            if (count > 3)
            {
                Store<TLanes, TVector, T>(output + (3 * positions), at0, at1, at2, s30, s31, s32, FilterBias(bias, f, 3, count), rectify);
            }

            if (count > 4)
            {
                Store<TLanes, TVector, T>(output + (4 * positions), at0, at1, at2, s40, s41, s42, FilterBias(bias, f, 4, count), rectify);
            }

            if (count > 5)
            {
                Store<TLanes, TVector, T>(output + (5 * positions), at0, at1, at2, s50, s51, s52, FilterBias(bias, f, 5, count), rectify);
            }
        }
    }

    /// <summary>z of a block of 3 filters (<paramref name="count"/> of them real) from their packed weights: 9 sums per group of 3 vectors.</summary>
    private static void ThreeFilters<TLanes, TVector, T>(T* shifted, int* runs, T* packed, T* bias, int f, int count, in DirectConvolution.Plan shape, T* z, bool rectify)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = TLanes.Count, positions = shape.OutputHeight * shape.OutputWidth, patch = shape.Patch, last = positions - width;
        var vectors = (positions + width - 1) / width;
        var output = z + (f * positions);
        for (var q = 0; q < vectors; q += 3)
        {
            int at0 = Math.Min(q * width, last), at1 = Math.Min((q + 1) * width, last), at2 = Math.Min((q + 2) * width, last);
            TVector s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default, s20 = default, s21 = default, s22 = default;
            var weights = packed;
            for (var w = 0; w < patch; w++, weights += 3)
            {
                var x = shifted + runs[w];
                var x0 = TLanes.Load(x + at0);
                var x1 = TLanes.Load(x + at1);
                var x2 = TLanes.Load(x + at2);
                var weight = TLanes.Broadcast(weights[0]);
                s00 = TLanes.FusedMultiplyAdd(weight, x0, s00);
                s01 = TLanes.FusedMultiplyAdd(weight, x1, s01);
                s02 = TLanes.FusedMultiplyAdd(weight, x2, s02);
                weight = TLanes.Broadcast(weights[1]);
                s10 = TLanes.FusedMultiplyAdd(weight, x0, s10);
                s11 = TLanes.FusedMultiplyAdd(weight, x1, s11);
                s12 = TLanes.FusedMultiplyAdd(weight, x2, s12);
                weight = TLanes.Broadcast(weights[2]);
                s20 = TLanes.FusedMultiplyAdd(weight, x0, s20);
                s21 = TLanes.FusedMultiplyAdd(weight, x1, s21);
                s22 = TLanes.FusedMultiplyAdd(weight, x2, s22);
            }

            Store<TLanes, TVector, T>(output, at0, at1, at2, s00, s01, s02, FilterBias(bias, f, 0, count), rectify);
            if (count > 1)
            {
                Store<TLanes, TVector, T>(output + positions, at0, at1, at2, s10, s11, s12, FilterBias(bias, f, 1, count), rectify);
            }

            if (count > 2)
            {
                Store<TLanes, TVector, T>(output + (2 * positions), at0, at1, at2, s20, s21, s22, FilterBias(bias, f, 2, count), rectify);
            }
        }
    }

    /// <summary>The bias of filter f + k of a block, broadcast (0 without a bias or past the block's filters).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FilterBias<T>(T* bias, int f, int k, int count)
        where T : unmanaged, IFloatingPointIeee754<T> => bias == null || k >= count ? T.Zero : bias[f + k];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TLanes, TVector, T>(T* plane, int at0, int at1, int at2, TVector v0, TVector v1, TVector v2, T bias, bool rectify)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var b = TLanes.Broadcast(bias);
        TVector z0 = TLanes.Add(v0, b), z1 = TLanes.Add(v1, b), z2 = TLanes.Add(v2, b);
        if (rectify)
        {
            var zero = TLanes.Broadcast(T.Zero);
            (z0, z1, z2) = (TLanes.Max(z0, zero), TLanes.Max(z1, zero), TLanes.Max(z2, zero));
        }

        TLanes.Store(z0, plane + at0);
        TLanes.Store(z1, plane + at1);
        TLanes.Store(z2, plane + at2);
    }
}
