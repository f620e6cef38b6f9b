using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The vector bodies of <see cref="FilterLanesConvolution"/>, written once for every width (<see cref="Lanes128{T}"/>,
/// <see cref="Lanes256{T}"/>, <see cref="Lanes512{T}"/>): the padded filters are whole vectors of every width, taken a
/// vector (a group of filters) at a time.
/// </summary>
internal static unsafe class FilterLanesConvolutionLanes
{
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
    /// Adds one sample's ∂K sums into <paramref name="lanes"/> (row (c, u, v), <paramref name="room"/> lanes each):
    /// per group of filters, pair of channels, kernel row and block of 5 kernel columns, 10 vectors of sums over the
    /// output positions, each position's δ vector times 10 broadcast inputs. A pair past the last channel repeats its
    /// first channel and a block past the last kernel column repeats the block's first column: those sums start from
    /// the same stored values and add the same products, so storing them again writes the same values.
    /// </summary>
    public static void Accumulate<TLanes, TVector, T>(T* source, T* delta, int room, in DirectConvolution.Plan shape, T* lanes)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outWidth = shape.OutputWidth, kernelHeight = shape.KernelHeight, kernelWidth = shape.KernelWidth;
        for (var g = 0; g < room; g += TLanes.Count)
        {
            for (var c = 0; c < shape.Channels; c += 2)
            {
                var other = Math.Min(c + 1, shape.Channels - 1);
                for (var u = 0; u < kernelHeight; u++)
                {
                    for (var v = 0; v < kernelWidth; v += FilterLanesConvolution.OffsetBlock)
                    {
                        int v1 = v + 1 < kernelWidth ? 1 : 0, v2 = v + 2 < kernelWidth ? 2 : 0, v3 = v + 3 < kernelWidth ? 3 : 0, v4 = v + 4 < kernelWidth ? 4 : 0;
                        T* a = lanes + ((((c * kernelHeight) + u) * kernelWidth) + v) * room + g;
                        T* b = lanes + ((((other * kernelHeight) + u) * kernelWidth) + v) * room + g;
                        TVector a0 = TLanes.Load(a), a1 = TLanes.Load(a + (v1 * room)), a2 = TLanes.Load(a + (v2 * room)), a3 = TLanes.Load(a + (v3 * room)), a4 = TLanes.Load(a + (v4 * room));
                        TVector b0 = TLanes.Load(b), b1 = TLanes.Load(b + (v1 * room)), b2 = TLanes.Load(b + (v2 * room)), b3 = TLanes.Load(b + (v3 * room)), b4 = TLanes.Load(b + (v4 * room));
                        for (var i = 0; i < shape.OutputHeight; i++)
                        {
                            var xa = source + shape.At(c, i + u, v);
                            var xb = source + shape.At(other, i + u, v);
                            var d = delta + (i * outWidth * room) + g;
                            for (var j = 0; j < outWidth; j++)
                            {
                                var e = TLanes.Load(d + (j * room));
                                a0 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xa[j]), a0);
                                a1 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xa[j + v1]), a1);
                                a2 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xa[j + v2]), a2);
                                a3 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xa[j + v3]), a3);
                                a4 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xa[j + v4]), a4);
                                b0 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xb[j]), b0);
                                b1 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xb[j + v1]), b1);
                                b2 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xb[j + v2]), b2);
                                b3 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xb[j + v3]), b3);
                                b4 = TLanes.FusedMultiplyAdd(e, TLanes.Broadcast(xb[j + v4]), b4);
                            }
                        }

                        TLanes.Store(b4, b + (v4 * room));
                        TLanes.Store(b3, b + (v3 * room));
                        TLanes.Store(b2, b + (v2 * room));
                        TLanes.Store(b1, b + (v1 * room));
                        TLanes.Store(b0, b);
                        TLanes.Store(a4, a + (v4 * room));
                        TLanes.Store(a3, a + (v3 * room));
                        TLanes.Store(a2, a + (v2 * room));
                        TLanes.Store(a1, a + (v1 * room));
                        TLanes.Store(a0, a);
                    }
                }
            }
        }
    }
}
