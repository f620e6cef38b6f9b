using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The vector bodies of <see cref="FilterLanesConvolution"/>, written once for every width (<see cref="Lanes128{T}"/>,
/// <see cref="Lanes256{T}"/>, <see cref="Lanes512{T}"/>): the padded filters are whole vectors of every width, taken a
/// vector (a group of filters) at a time.
/// </summary>
internal static unsafe partial class FilterLanesConvolutionLanes
{
    /// <summary>The input positions a block of δ columns reaches with a window of kernel columns: 8 + 5 − 1.</summary>
    private const int Reach = FilterLanesConvolution.ColumnBlock + FilterLanesConvolution.WindowWidth - 1;

    /// <summary>
    /// One sample's z filter-last into <paramref name="tile"/> (position-major, <paramref name="room"/> lanes per
    /// position): per group of filters and output row, blocks of 8 columns — the last block ending at the row's end,
    /// overlapping the one before when the width is not a multiple of 8, and storing the same sums again — each with
    /// one kernel vector per (c, u, v) times 8 broadcast inputs.
    /// </summary>
    public static void Forward<TLanes, TVector, T>(T* source, T* transposed, int room, in DirectConvolution.Plan shape, T* tile)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(TVector) != typeof(Vector512<T>))
        {
            ForwardPairs<TLanes, TVector, T>(source, transposed, room, shape, tile);
            return;
        }

        int outWidth = shape.OutputWidth, kernelWidth = shape.KernelWidth;
        var last = outWidth - FilterLanesConvolution.ColumnBlock;
        for (var g = 0; g < room; g += TLanes.Count)
        {
            var bias = TLanes.Load(transposed + (shape.Patch * room) + g);
            for (var i = 0; i < shape.OutputHeight; i++)
            {
                for (var j = 0; j < outWidth; j += FilterLanesConvolution.ColumnBlock)
                {
                    var from = Math.Min(j, last);
                    TVector s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                    for (var c = 0; c < shape.Channels; c++)
                    {
                        for (var u = 0; u < shape.KernelHeight; u++)
                        {
                            var x = source + shape.At(c, i + u, from);
                            var w = transposed + ((((c * shape.KernelHeight) + u) * kernelWidth) * room) + g;
                            for (var v = 0; v < kernelWidth; v++)
                            {
                                var k = TLanes.Load(w + (v * room));
                                var at = x + v;
                                s0 = TLanes.FusedMultiplyAdd(TLanes.Broadcast(at[0]), k, s0);
                                s1 = TLanes.FusedMultiplyAdd(TLanes.Broadcast(at[1]), k, s1);
                                s2 = TLanes.FusedMultiplyAdd(TLanes.Broadcast(at[2]), k, s2);
                                s3 = TLanes.FusedMultiplyAdd(TLanes.Broadcast(at[3]), k, s3);
                                s4 = TLanes.FusedMultiplyAdd(TLanes.Broadcast(at[4]), k, s4);
                                s5 = TLanes.FusedMultiplyAdd(TLanes.Broadcast(at[5]), k, s5);
                                s6 = TLanes.FusedMultiplyAdd(TLanes.Broadcast(at[6]), k, s6);
                                s7 = TLanes.FusedMultiplyAdd(TLanes.Broadcast(at[7]), k, s7);
                            }
                        }
                    }

                    var output = tile + (((i * outWidth) + from) * room) + g;
                    TLanes.Store(TLanes.Add(s0, bias), output);
                    TLanes.Store(TLanes.Add(s1, bias), output + room);
                    TLanes.Store(TLanes.Add(s2, bias), output + (2 * room));
                    TLanes.Store(TLanes.Add(s3, bias), output + (3 * room));
                    TLanes.Store(TLanes.Add(s4, bias), output + (4 * room));
                    TLanes.Store(TLanes.Add(s5, bias), output + (5 * room));
                    TLanes.Store(TLanes.Add(s6, bias), output + (6 * room));
                    TLanes.Store(TLanes.Add(s7, bias), output + (7 * room));
                }
            }
        }
    }

    /// <summary>
    /// One sample's input gradient ∂x[c, y, x] = Σ_{o,u,v} δ[o, y + p − u, x + p − v] K[o, c, u, v] from δ filter-last
    /// (<paramref name="delta"/>, position-major) and Kᵗ, written over the sample's C·H·W values of
    /// <paramref name="gradient"/>. Per channel and input row, the filter-lane sums of the row's padded positions gather
    /// in <paramref name="row"/>, per block of <see cref="FilterLanesConvolution.WindowWidth"/> kernel columns and group
    /// of filters: a block of <see cref="FilterLanesConvolution.ColumnBlock"/> δ columns reaches 12 positions, whose sums
    /// stay in registers over every kernel row with a δ row under the input row (<see cref="AddBlock"/>); the δ columns
    /// past the last whole block go through a sliding window (<see cref="AddWindow"/>). Only the useful products are
    /// taken (no zero padding of δ); kernel columns past the last of a block are zero vectors. Then each position's
    /// lanes are summed into its input gradient (<see cref="LaneSums"/>).
    /// </summary>
    public static void InputGradient<TLanes, TVector, T>(T* delta, T* transposed, int room, in DirectConvolution.Plan shape, ColumnTransfer.Geometry geometry, T* row, T* gradient)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outWidth = shape.OutputWidth, kernelHeight = shape.KernelHeight, kernelWidth = shape.KernelWidth;
        int height = geometry.Height, width = geometry.Width, padding = geometry.Padding;
        var rowLength = FilterLanesConvolution.RowLength(geometry) * room;
        var whole = outWidth / FilterLanesConvolution.ColumnBlock * FilterLanesConvolution.ColumnBlock;
        for (var c = 0; c < shape.Channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                var iy = y + padding;
                var rows = new KernelRows(Math.Max(0, iy - shape.OutputHeight + 1), Math.Min(kernelHeight - 1, iy), iy, outWidth * room, kernelWidth * room);
                // The first block of each group of filters starts its 12 sums from zero; the positions past them are
                // cleared by stores as wide as the loads that follow (a wide load of narrower stores still in flight
                // cannot be forwarded from them and waits for them to retire: Span.Clear cost more than the products).
                for (var at = Reach * room; at < rowLength; at += TLanes.Count)
                {
                    TLanes.Store(default, row + at);
                }

                for (var v = 0; v < kernelWidth; v += FilterLanesConvolution.WindowWidth)
                {
                    var columns = Math.Min(FilterLanesConvolution.WindowWidth, kernelWidth - v);
                    var w = transposed + ((((c * kernelHeight * kernelWidth) + v) * room));
                    for (var g = 0; g < room; g += TLanes.Count)
                    {
                        for (var j = 0; j < whole; j += FilterLanesConvolution.ColumnBlock)
                        {
                            AddBlock<TLanes, TVector, T>(delta + (j * room) + g, w + g, room, columns, rows, row + ((j + v) * room) + g, v == 0 && j == 0);
                        }

                        AddWindow<TLanes, TVector, T>(delta + (whole * room) + g, w + g, room, columns, rows, outWidth - whole, row + ((whole + v) * room) + g);
                    }
                }

                LaneSums.Store<TLanes, TVector, T>(row + (padding * room), room, width, gradient + (((c * height) + y) * width));
            }
        }
    }

    /// <summary>
    /// Adds the products of 8 δ columns (from <paramref name="delta"/>, row by row as <paramref name="rows"/> says) with
    /// up to 5 kernel columns into the sums of the 12 positions they reach, from <paramref name="sums"/> on: the 12 sums
    /// in registers over every kernel row, each δ vector loaded once for up to 5 fused multiply-adds. A
    /// <paramref name="fresh"/> block starts its sums from zero rather than from those stored.
    /// </summary>
    private static void AddBlock<TLanes, TVector, T>(T* delta, T* kernels, int room, int columns, in KernelRows rows, T* sums, bool fresh)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TVector s0 = fresh ? default : TLanes.Load(sums), s1 = fresh ? default : TLanes.Load(sums + room), s2 = fresh ? default : TLanes.Load(sums + (2 * room)), s3 = fresh ? default : TLanes.Load(sums + (3 * room));
        TVector s4 = fresh ? default : TLanes.Load(sums + (4 * room)), s5 = fresh ? default : TLanes.Load(sums + (5 * room)), s6 = fresh ? default : TLanes.Load(sums + (6 * room)), s7 = fresh ? default : TLanes.Load(sums + (7 * room));
        TVector s8 = fresh ? default : TLanes.Load(sums + (8 * room)), s9 = fresh ? default : TLanes.Load(sums + (9 * room)), s10 = fresh ? default : TLanes.Load(sums + (10 * room)), s11 = fresh ? default : TLanes.Load(sums + (11 * room));
        for (var u = rows.First; u <= rows.Last; u++)
        {
            LoadColumns<TLanes, TVector, T>(kernels + (u * rows.KernelStride), room, columns, out var k0, out var k1, out var k2, out var k3, out var k4);
            var e = delta + ((rows.Input - u) * rows.DeltaStride);
            var x = TLanes.Load(e);
            s0 = TLanes.FusedMultiplyAdd(x, k0, s0);
            s1 = TLanes.FusedMultiplyAdd(x, k1, s1);
            s2 = TLanes.FusedMultiplyAdd(x, k2, s2);
            s3 = TLanes.FusedMultiplyAdd(x, k3, s3);
            s4 = TLanes.FusedMultiplyAdd(x, k4, s4);
            x = TLanes.Load(e + room);
            s1 = TLanes.FusedMultiplyAdd(x, k0, s1);
            s2 = TLanes.FusedMultiplyAdd(x, k1, s2);
            s3 = TLanes.FusedMultiplyAdd(x, k2, s3);
            s4 = TLanes.FusedMultiplyAdd(x, k3, s4);
            s5 = TLanes.FusedMultiplyAdd(x, k4, s5);
            x = TLanes.Load(e + (2 * room));
            s2 = TLanes.FusedMultiplyAdd(x, k0, s2);
            s3 = TLanes.FusedMultiplyAdd(x, k1, s3);
            s4 = TLanes.FusedMultiplyAdd(x, k2, s4);
            s5 = TLanes.FusedMultiplyAdd(x, k3, s5);
            s6 = TLanes.FusedMultiplyAdd(x, k4, s6);
            x = TLanes.Load(e + (3 * room));
            s3 = TLanes.FusedMultiplyAdd(x, k0, s3);
            s4 = TLanes.FusedMultiplyAdd(x, k1, s4);
            s5 = TLanes.FusedMultiplyAdd(x, k2, s5);
            s6 = TLanes.FusedMultiplyAdd(x, k3, s6);
            s7 = TLanes.FusedMultiplyAdd(x, k4, s7);
            x = TLanes.Load(e + (4 * room));
            s4 = TLanes.FusedMultiplyAdd(x, k0, s4);
            s5 = TLanes.FusedMultiplyAdd(x, k1, s5);
            s6 = TLanes.FusedMultiplyAdd(x, k2, s6);
            s7 = TLanes.FusedMultiplyAdd(x, k3, s7);
            s8 = TLanes.FusedMultiplyAdd(x, k4, s8);
            x = TLanes.Load(e + (5 * room));
            s5 = TLanes.FusedMultiplyAdd(x, k0, s5);
            s6 = TLanes.FusedMultiplyAdd(x, k1, s6);
            s7 = TLanes.FusedMultiplyAdd(x, k2, s7);
            s8 = TLanes.FusedMultiplyAdd(x, k3, s8);
            s9 = TLanes.FusedMultiplyAdd(x, k4, s9);
            x = TLanes.Load(e + (6 * room));
            s6 = TLanes.FusedMultiplyAdd(x, k0, s6);
            s7 = TLanes.FusedMultiplyAdd(x, k1, s7);
            s8 = TLanes.FusedMultiplyAdd(x, k2, s8);
            s9 = TLanes.FusedMultiplyAdd(x, k3, s9);
            s10 = TLanes.FusedMultiplyAdd(x, k4, s10);
            x = TLanes.Load(e + (7 * room));
            s7 = TLanes.FusedMultiplyAdd(x, k0, s7);
            s8 = TLanes.FusedMultiplyAdd(x, k1, s8);
            s9 = TLanes.FusedMultiplyAdd(x, k2, s9);
            s10 = TLanes.FusedMultiplyAdd(x, k3, s10);
            s11 = TLanes.FusedMultiplyAdd(x, k4, s11);
        }

        TLanes.Store(s0, sums);
        TLanes.Store(s1, sums + room);
        TLanes.Store(s2, sums + (2 * room));
        TLanes.Store(s3, sums + (3 * room));
        TLanes.Store(s4, sums + (4 * room));
        TLanes.Store(s5, sums + (5 * room));
        TLanes.Store(s6, sums + (6 * room));
        TLanes.Store(s7, sums + (7 * room));
        TLanes.Store(s8, sums + (8 * room));
        TLanes.Store(s9, sums + (9 * room));
        TLanes.Store(s10, sums + (10 * room));
        TLanes.Store(s11, sums + (11 * room));
    }

    /// <summary>
    /// Adds the products of <paramref name="count"/> δ columns (fewer than a block) with up to 5 kernel columns into
    /// the sums of the positions they reach: per kernel row, a window of 5 position sums slides along the δ columns,
    /// taking one δ vector's 5 products and storing the position it leaves.
    /// </summary>
    private static void AddWindow<TLanes, TVector, T>(T* delta, T* kernels, int room, int columns, in KernelRows rows, int count, T* sums)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var u = rows.First; count > 0 && u <= rows.Last; u++)
        {
            LoadColumns<TLanes, TVector, T>(kernels + (u * rows.KernelStride), room, columns, out var k0, out var k1, out var k2, out var k3, out var k4);
            var e = delta + ((rows.Input - u) * rows.DeltaStride);
            var s = sums;
            TVector a0 = TLanes.Load(s), a1 = TLanes.Load(s + room), a2 = TLanes.Load(s + (2 * room)), a3 = TLanes.Load(s + (3 * room));
            for (var j = 0; j < count; j++)
            {
                var a4 = TLanes.Load(s + (4 * room));
                var x = TLanes.Load(e);
                TLanes.Store(TLanes.FusedMultiplyAdd(x, k0, a0), s);
                a0 = TLanes.FusedMultiplyAdd(x, k1, a1);
                a1 = TLanes.FusedMultiplyAdd(x, k2, a2);
                a2 = TLanes.FusedMultiplyAdd(x, k3, a3);
                a3 = TLanes.FusedMultiplyAdd(x, k4, a4);
                s += room;
                e += room;
            }

            TLanes.Store(a0, s);
            TLanes.Store(a1, s + room);
            TLanes.Store(a2, s + (2 * room));
            TLanes.Store(a3, s + (3 * room));
        }
    }

    /// <summary>The vectors of a block's kernel columns from <paramref name="at"/> on, zero past its <paramref name="columns"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadColumns<TLanes, TVector, T>(T* at, int room, int columns, out TVector k0, out TVector k1, out TVector k2, out TVector k3, out TVector k4)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        k0 = TLanes.Load(at);
        k1 = columns > 1 ? TLanes.Load(at + room) : default;
        k2 = columns > 2 ? TLanes.Load(at + (2 * room)) : default;
        k3 = columns > 3 ? TLanes.Load(at + (3 * room)) : default;
        k4 = columns > 4 ? TLanes.Load(at + (4 * room)) : default;
    }

    /// <summary>
    /// The kernel rows u = <see cref="First"/> … <see cref="Last"/> whose δ row (<see cref="Input"/> − u) exists under
    /// an input row, and the strides between kernel rows of Kᵗ and between δ rows of the filter-last tile.
    /// </summary>
    private readonly struct KernelRows(int first, int last, int input, int deltaStride, int kernelStride)
    {
        public readonly int First = first;
        public readonly int Last = last;
        public readonly int Input = input;
        public readonly int DeltaStride = deltaStride;
        public readonly int KernelStride = kernelStride;
    }
}
