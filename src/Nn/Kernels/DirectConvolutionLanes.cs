using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The vector bodies of <see cref="DirectConvolution"/>, written once for every width (<see cref="Lanes128{T}"/>,
/// <see cref="Lanes256{T}"/>, <see cref="Lanes512{T}"/>), for output planes at least one vector long. Both read x̃
/// through its column-shifted copies (<see cref="DirectConvolution.ShiftedStart{T}"/>), where the inputs of one weight over the
/// whole output plane are one run of OH·OW values, so the plane is a run of whole vectors (and at most one overlapping
/// the one before at its end) rather than rows each ending in a part-new vector. A block's filters past O repeat its
/// first filter, and its weights past C·KH·KW repeat its first weight, so every block runs the same straight-line code;
/// the sums of those repeats are never stored (going forward) or never reduced (their lanes lie in the rounding-up of
/// <see cref="DirectConvolution.LanesLength"/>).
/// </summary>
internal static unsafe class DirectConvolutionLanes
{
    /// <summary>
    /// z of one sample: per block of 6 filters, the output plane's vectors three at a time, the last one ending at the
    /// plane's end (overlapping the one before when OH·OW is not a whole number of vectors) and the last group
    /// repeating it where it runs out; the 18 sums in registers over every weight (c, u, v) in K's order, each input
    /// vector loaded once per weight for the 6 filters. Overlapping and repeated vectors store the same sums again.
    /// </summary>
    public static void Forward<TLanes, TVector, T>(T* source, T* room, T* kernels, T* bias, int filters, in DirectConvolution.Plan shape, T* z)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shifted = Shift<TLanes, TVector, T>(source, shape, room);
        int width = TLanes.Count, positions = shape.OutputHeight * shape.OutputWidth, patch = shape.Patch, last = positions - width;
        var vectors = (positions + width - 1) / width;
        var runs = stackalloc int[DirectConvolution.LongestPatch];
        Runs(shape, runs);

        // The block's weights filter-innermost (weight w of filter f + j at 6w + j), so that one pointer walks them.
        var packed = stackalloc T[DirectConvolution.LongestPatch * DirectConvolution.FilterBlock];
        for (var f = 0; f < filters; f += DirectConvolution.FilterBlock)
        {
            var count = Math.Min(DirectConvolution.FilterBlock, filters - f);
            for (var j = 0; j < DirectConvolution.FilterBlock; j++)
            {
                var k = kernels + ((f + (j < count ? j : 0)) * patch);
                for (var w = 0; w < patch; w++)
                {
                    packed[(w * DirectConvolution.FilterBlock) + j] = k[w];
                }
            }

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

                Store<TLanes, TVector, T>(output, at0, at1, at2, s00, s01, s02, FilterBias(bias, f, 0, count));
                if (count > 1)
                {
                    Store<TLanes, TVector, T>(output + positions, at0, at1, at2, s10, s11, s12, FilterBias(bias, f, 1, count));
                }

                if (count > 2)
                {
                    Store<TLanes, TVector, T>(output + (2 * positions), at0, at1, at2, s20, s21, s22, FilterBias(bias, f, 2, count));
                }

                if (count > 3)
                {
                    Store<TLanes, TVector, T>(output + (3 * positions), at0, at1, at2, s30, s31, s32, FilterBias(bias, f, 3, count));
                }

                if (count > 4)
                {
                    Store<TLanes, TVector, T>(output + (4 * positions), at0, at1, at2, s40, s41, s42, FilterBias(bias, f, 4, count));
                }

                if (count > 5)
                {
                    Store<TLanes, TVector, T>(output + (5 * positions), at0, at1, at2, s50, s51, s52, FilterBias(bias, f, 5, count));
                }
            }
        }
    }

    /// <summary>
    /// One sample's ∂K sums: per block of 3 filters and 5 weights (in K's order), 15 vectors of sums over the output
    /// plane's whole vectors and then, when OH·OW is not a whole number of vectors, the last one overlapping, with the
    /// lanes the whole vectors already counted masked off δ. Each δ vector feeds 5 fused multiply-adds and each input
    /// vector 3.
    /// </summary>
    public static void Accumulate<TLanes, TVector, T>(T* source, T* room, T* delta, int filters, in DirectConvolution.Plan shape, T* lanes)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shifted = Shift<TLanes, TVector, T>(source, shape, room);
        int width = TLanes.Count, positions = shape.OutputHeight * shape.OutputWidth, patch = shape.Patch;
        var tail = positions % width;
        var whole = positions - tail;
        var fresh = TLanes.LanesFrom(width - tail);
        var filterStride = shape.LaneOffset(1, 0);
        const int Room = DirectConvolution.LaneRoom;

        // The weights past C·KH·KW (to a whole block) repeat the first.
        var runs = stackalloc int[shape.PatchRoom];
        Runs(shape, runs);
        for (var t = patch; t < shape.PatchRoom; t++)
        {
            runs[t] = runs[0];
        }

        for (var f = 0; f < filters; f += DirectConvolution.GradientFilterBlock)
        {
            var count = Math.Min(DirectConvolution.GradientFilterBlock, filters - f);
            var d0 = delta + (f * positions);
            T* d1 = Repeat(d0, 1, count, positions), d2 = Repeat(d0, 2, count, positions);
            for (var t = 0; t < patch; t += DirectConvolution.WeightBlock)
            {
                T* x0 = shifted + runs[t], x1 = shifted + runs[t + 1], x2 = shifted + runs[t + 2], x3 = shifted + runs[t + 3], x4 = shifted + runs[t + 4];
                T* t0 = lanes + shape.LaneOffset(f, t), t1 = t0 + filterStride, t2 = t0 + (2 * filterStride);
                TVector s00 = TLanes.Load(t0), s01 = TLanes.Load(t0 + Room), s02 = TLanes.Load(t0 + (2 * Room)), s03 = TLanes.Load(t0 + (3 * Room)), s04 = TLanes.Load(t0 + (4 * Room));
                TVector s10 = TLanes.Load(t1), s11 = TLanes.Load(t1 + Room), s12 = TLanes.Load(t1 + (2 * Room)), s13 = TLanes.Load(t1 + (3 * Room)), s14 = TLanes.Load(t1 + (4 * Room));
                TVector s20 = TLanes.Load(t2), s21 = TLanes.Load(t2 + Room), s22 = TLanes.Load(t2 + (2 * Room)), s23 = TLanes.Load(t2 + (3 * Room)), s24 = TLanes.Load(t2 + (4 * Room));
                for (var p = 0; p <= whole; p += width)
                {
                    TVector e0, e1, e2;
                    var at = p;
                    if (p < whole)
                    {
                        e0 = TLanes.Load(d0 + p);
                        e1 = TLanes.Load(d1 + p);
                        e2 = TLanes.Load(d2 + p);
                    }
                    else if (tail != 0)
                    {
                        at = positions - width;
                        e0 = TLanes.And(TLanes.Load(d0 + at), fresh);
                        e1 = TLanes.And(TLanes.Load(d1 + at), fresh);
                        e2 = TLanes.And(TLanes.Load(d2 + at), fresh);
                    }
                    else
                    {
                        break;
                    }

                    var x = TLanes.Load(x0 + at);
                    s00 = TLanes.FusedMultiplyAdd(e0, x, s00);
                    s10 = TLanes.FusedMultiplyAdd(e1, x, s10);
                    s20 = TLanes.FusedMultiplyAdd(e2, x, s20);
                    x = TLanes.Load(x1 + at);
                    s01 = TLanes.FusedMultiplyAdd(e0, x, s01);
                    s11 = TLanes.FusedMultiplyAdd(e1, x, s11);
                    s21 = TLanes.FusedMultiplyAdd(e2, x, s21);
                    x = TLanes.Load(x2 + at);
                    s02 = TLanes.FusedMultiplyAdd(e0, x, s02);
                    s12 = TLanes.FusedMultiplyAdd(e1, x, s12);
                    s22 = TLanes.FusedMultiplyAdd(e2, x, s22);
                    x = TLanes.Load(x3 + at);
                    s03 = TLanes.FusedMultiplyAdd(e0, x, s03);
                    s13 = TLanes.FusedMultiplyAdd(e1, x, s13);
                    s23 = TLanes.FusedMultiplyAdd(e2, x, s23);
                    x = TLanes.Load(x4 + at);
                    s04 = TLanes.FusedMultiplyAdd(e0, x, s04);
                    s14 = TLanes.FusedMultiplyAdd(e1, x, s14);
                    s24 = TLanes.FusedMultiplyAdd(e2, x, s24);
                }

                StoreSums<TLanes, TVector, T>(t0, s00, s01, s02, s03, s04);
                StoreSums<TLanes, TVector, T>(t1, s10, s11, s12, s13, s14);
                StoreSums<TLanes, TVector, T>(t2, s20, s21, s22, s23, s24);
            }
        }
    }

    /// <summary>
    /// x̃'s column-shifted copies (<see cref="DirectConvolution.ShiftedStart{T}"/>) written into <paramref name="room"/>:
    /// each row of OW values by vectors, the last ending at the row's end (overlapping the one before), or value by
    /// value when OW is narrower than a vector. Returns where the first copy starts.
    /// </summary>
    public static T* Shift<TLanes, TVector, T>(T* source, in DirectConvolution.Plan shape, T* room)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shifted = DirectConvolution.ShiftedStart(room);
        int width = TLanes.Count, outputWidth = shape.OutputWidth, last = outputWidth - width;
        for (var c = 0; c < shape.Channels; c++)
        {
            for (var v = 0; v < shape.KernelWidth; v++)
            {
                var to = shifted + shape.ShiftedAt(c, 0, v);
                var from = source + shape.At(c, 0, v);
                for (var y = 0; y < shape.SourceHeight; y++, to += outputWidth, from += shape.SourceWidth)
                {
                    if (last < 0)
                    {
                        new ReadOnlySpan<T>(from, outputWidth).CopyTo(new Span<T>(to, outputWidth));
                        continue;
                    }

                    for (var j = 0; j < last; j += width)
                    {
                        TLanes.Store(TLanes.Load(from + j), to + j);
                    }

                    TLanes.Store(TLanes.Load(from + last), to + last);
                }
            }
        }

        return shifted;
    }

    /// <summary>Where the run of each weight's inputs (c, u, v), in K's order, starts in the column-shifted copies.</summary>
    private static void Runs(in DirectConvolution.Plan shape, int* runs)
    {
        for (int c = 0, t = 0; c < shape.Channels; c++)
        {
            for (var u = 0; u < shape.KernelHeight; u++)
            {
                for (var v = 0; v < shape.KernelWidth; v++, t++)
                {
                    runs[t] = shape.ShiftedAt(c, u, v);
                }
            }
        }
    }

    /// <summary>Row <paramref name="k"/> of a block starting at <paramref name="first"/>, or the block's first row when the block has fewer than k + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T* Repeat<T>(T* first, int k, int count, int stride)
        where T : unmanaged => count > k ? first + (k * stride) : first;

    /// <summary>The bias of filter f + k of a block, broadcast (0 without a bias or past the block's filters).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FilterBias<T>(T* bias, int f, int k, int count)
        where T : unmanaged, IFloatingPointIeee754<T> => bias == null || k >= count ? T.Zero : bias[f + k];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TLanes, TVector, T>(T* plane, int at0, int at1, int at2, TVector v0, TVector v1, TVector v2, T bias)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var b = TLanes.Broadcast(bias);
        TLanes.Store(TLanes.Add(v0, b), plane + at0);
        TLanes.Store(TLanes.Add(v1, b), plane + at1);
        TLanes.Store(TLanes.Add(v2, b), plane + at2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSums<TLanes, TVector, T>(T* sums, TVector s0, TVector s1, TVector s2, TVector s3, TVector s4)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Room = DirectConvolution.LaneRoom;
        TLanes.Store(s0, sums);
        TLanes.Store(s1, sums + Room);
        TLanes.Store(s2, sums + (2 * Room));
        TLanes.Store(s3, sums + (3 * Room));
        TLanes.Store(s4, sums + (4 * Room));
    }
}
