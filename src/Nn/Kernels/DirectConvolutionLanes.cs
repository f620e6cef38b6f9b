using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The vector bodies of <see cref="DirectConvolution"/>, written once for every width (<see cref="Lanes128{T}"/>,
/// <see cref="Lanes256{T}"/>, <see cref="Lanes512{T}"/>), for output rows at least one vector wide. A block's filters past O repeat its first filter, and its kernel columns past KW repeat
/// its first column, so every block runs the same straight-line code; the sums of those repeats are never stored
/// (going forward) or never reduced (their lanes lie in the rounding-up of <see cref="DirectConvolution.LanesLength"/>).
/// </summary>
internal static unsafe class DirectConvolutionLanes
{
    /// <summary>
    /// z of one sample: per block of 3 filters, the output plane's vectors three at a time — a row's vectors from its
    /// start, the last one ending at the row's end (overlapping the one before when the width is not a whole number of
    /// vectors), rows after rows — the last group repeating the plane's last vector where it runs out. Overlapping and
    /// repeated vectors store the same sums again.
    /// </summary>
    public static void Forward<TLanes, TVector, T>(T* source, T* kernels, T* bias, int filters, in DirectConvolution.Plan shape, T* z)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = TLanes.Count, outWidth = shape.OutputWidth, positions = shape.OutputHeight * outWidth, patch = shape.Patch;
        var perRow = (outWidth + width - 1) / width;
        var vectors = shape.OutputHeight * perRow;
        for (var f = 0; f < filters; f += DirectConvolution.FilterBlock)
        {
            var count = Math.Min(DirectConvolution.FilterBlock, filters - f);
            T* k0 = kernels + (f * patch), k1 = count > 1 ? k0 + patch : k0, k2 = count > 2 ? k0 + (2 * patch) : k0;
            var b0 = TLanes.Broadcast(bias == null ? T.Zero : bias[f]);
            var b1 = TLanes.Broadcast(bias == null || count < 2 ? T.Zero : bias[f + 1]);
            var b2 = TLanes.Broadcast(bias == null || count < 3 ? T.Zero : bias[f + 2]);
            var output = z + (f * positions);
            for (var q = 0; q < vectors; q += 3)
            {
                var (in0, out0) = Position(q, perRow, width, outWidth, shape.SourceWidth);
                var (in1, out1) = Position(Math.Min(q + 1, vectors - 1), perRow, width, outWidth, shape.SourceWidth);
                var (in2, out2) = Position(Math.Min(q + 2, vectors - 1), perRow, width, outWidth, shape.SourceWidth);
                TVector s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default, s20 = default, s21 = default, s22 = default;
                for (var c = 0; c < shape.Channels; c++)
                {
                    for (var u = 0; u < shape.KernelHeight; u++)
                    {
                        var x = source + shape.At(c, u, 0);
                        var w = ((c * shape.KernelHeight) + u) * shape.KernelWidth;
                        for (var v = 0; v < shape.KernelWidth; v++)
                        {
                            var x0 = TLanes.Load(x + in0 + v);
                            var x1 = TLanes.Load(x + in1 + v);
                            var x2 = TLanes.Load(x + in2 + v);
                            var w0 = TLanes.Broadcast(k0[w + v]);
                            var w1 = TLanes.Broadcast(k1[w + v]);
                            var w2 = TLanes.Broadcast(k2[w + v]);
                            s00 = TLanes.FusedMultiplyAdd(w0, x0, s00);
                            s01 = TLanes.FusedMultiplyAdd(w0, x1, s01);
                            s02 = TLanes.FusedMultiplyAdd(w0, x2, s02);
                            s10 = TLanes.FusedMultiplyAdd(w1, x0, s10);
                            s11 = TLanes.FusedMultiplyAdd(w1, x1, s11);
                            s12 = TLanes.FusedMultiplyAdd(w1, x2, s12);
                            s20 = TLanes.FusedMultiplyAdd(w2, x0, s20);
                            s21 = TLanes.FusedMultiplyAdd(w2, x1, s21);
                            s22 = TLanes.FusedMultiplyAdd(w2, x2, s22);
                        }
                    }
                }

                Store<TLanes, TVector, T>(output, out0, out1, out2, TLanes.Add(s00, b0), TLanes.Add(s01, b0), TLanes.Add(s02, b0));
                if (count > 1)
                {
                    Store<TLanes, TVector, T>(output + positions, out0, out1, out2, TLanes.Add(s10, b1), TLanes.Add(s11, b1), TLanes.Add(s12, b1));
                }

                if (count > 2)
                {
                    Store<TLanes, TVector, T>(output + (2 * positions), out0, out1, out2, TLanes.Add(s20, b2), TLanes.Add(s21, b2), TLanes.Add(s22, b2));
                }
            }
        }
    }

    /// <summary>
    /// One sample's ∂K sums: per block of 3 filters, input channel, kernel row and 3 kernel columns, 9 vectors of sums
    /// along the output rows, whole vectors and then the last one overlapping, with the lanes the whole vectors
    /// already counted masked off δ.
    /// </summary>
    public static void Accumulate<TLanes, TVector, T>(T* source, T* delta, int filters, in DirectConvolution.Plan shape, T* lanes)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = TLanes.Count, outWidth = shape.OutputWidth, positions = shape.OutputHeight * outWidth;
        var tail = outWidth % width;
        var last = outWidth - width;
        var fresh = TLanes.LanesFrom(width - tail);
        var filterStride = shape.LaneOffset(1, 0, 0, 0);
        const int Room = DirectConvolution.LaneRoom;
        for (var f = 0; f < filters; f += DirectConvolution.FilterBlock)
        {
            var count = Math.Min(DirectConvolution.FilterBlock, filters - f);
            T* d0 = delta + (f * positions), d1 = count > 1 ? d0 + positions : d0, d2 = count > 2 ? d0 + (2 * positions) : d0;
            for (var c = 0; c < shape.Channels; c++)
            {
                for (var u = 0; u < shape.KernelHeight; u++)
                {
                    for (var v = 0; v < shape.KernelWidth; v += DirectConvolution.OffsetBlock)
                    {
                        int next = v + 1 < shape.KernelWidth ? 1 : 0, after = v + 2 < shape.KernelWidth ? 2 : 0;
                        var sums = lanes + shape.LaneOffset(f, c, u, v);
                        T* t0 = sums, t1 = sums + filterStride, t2 = sums + (2 * filterStride);
                        TVector s00 = TLanes.Load(t0), s01 = TLanes.Load(t0 + Room), s02 = TLanes.Load(t0 + (2 * Room));
                        TVector s10 = TLanes.Load(t1), s11 = TLanes.Load(t1 + Room), s12 = TLanes.Load(t1 + (2 * Room));
                        TVector s20 = TLanes.Load(t2), s21 = TLanes.Load(t2 + Room), s22 = TLanes.Load(t2 + (2 * Room));
                        for (var i = 0; i < shape.OutputHeight; i++)
                        {
                            var x = source + shape.At(c, i + u, v);
                            var row = i * outWidth;
                            for (var j = 0; j <= outWidth; j += width)
                            {
                                TVector e0, e1, e2;
                                var from = j;
                                if (j + width <= outWidth)
                                {
                                    e0 = TLanes.Load(d0 + row + j);
                                    e1 = TLanes.Load(d1 + row + j);
                                    e2 = TLanes.Load(d2 + row + j);
                                }
                                else if (tail != 0)
                                {
                                    from = last;
                                    e0 = TLanes.And(TLanes.Load(d0 + row + last), fresh);
                                    e1 = TLanes.And(TLanes.Load(d1 + row + last), fresh);
                                    e2 = TLanes.And(TLanes.Load(d2 + row + last), fresh);
                                }
                                else
                                {
                                    break;
                                }

                                var x0 = TLanes.Load(x + from);
                                var x1 = TLanes.Load(x + from + next);
                                var x2 = TLanes.Load(x + from + after);
                                s00 = TLanes.FusedMultiplyAdd(e0, x0, s00);
                                s01 = TLanes.FusedMultiplyAdd(e0, x1, s01);
                                s02 = TLanes.FusedMultiplyAdd(e0, x2, s02);
                                s10 = TLanes.FusedMultiplyAdd(e1, x0, s10);
                                s11 = TLanes.FusedMultiplyAdd(e1, x1, s11);
                                s12 = TLanes.FusedMultiplyAdd(e1, x2, s12);
                                s20 = TLanes.FusedMultiplyAdd(e2, x0, s20);
                                s21 = TLanes.FusedMultiplyAdd(e2, x1, s21);
                                s22 = TLanes.FusedMultiplyAdd(e2, x2, s22);
                            }
                        }

                        TLanes.Store(s00, t0);
                        TLanes.Store(s01, t0 + Room);
                        TLanes.Store(s02, t0 + (2 * Room));
                        TLanes.Store(s10, t1);
                        TLanes.Store(s11, t1 + Room);
                        TLanes.Store(s12, t1 + (2 * Room));
                        TLanes.Store(s20, t2);
                        TLanes.Store(s21, t2 + Room);
                        TLanes.Store(s22, t2 + (2 * Room));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Where vector <paramref name="q"/> of the output plane reads x̃ (row i, column j, before the kernel offset) and
    /// writes z: the row's vectors from its start, the last one ending at the row's end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Input, int Output) Position(int q, int perRow, int width, int outWidth, int sourceWidth)
    {
        var i = q / perRow;
        var j = Math.Min((q - (i * perRow)) * width, outWidth - width);
        return ((i * sourceWidth) + j, (i * outWidth) + j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TLanes, TVector, T>(T* plane, int at0, int at1, int at2, TVector v0, TVector v1, TVector v2)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TLanes.Store(v0, plane + at0);
        TLanes.Store(v1, plane + at1);
        TLanes.Store(v2, plane + at2);
    }
}
