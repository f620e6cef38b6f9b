using System;
using System.Numerics;
using System.Runtime.CompilerServices;

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
internal static unsafe partial class DirectConvolutionLanes
{
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
