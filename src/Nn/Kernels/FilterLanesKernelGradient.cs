using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nn.Kernels;

/// <summary>
/// The kernel gradient of <see cref="FilterLanesConvolution"/>, written once for every width (<see cref="Lanes128{T}"/>,
/// <see cref="Lanes256{T}"/>, <see cref="Lanes512{T}"/>): ∂K[o, c, u, v] = Σ_{i,j} δ[o, i, j] x̃[c, i + u, j + v] with
/// the filters as the vector lanes, δ filter-last per position.
/// </summary>
internal static unsafe class FilterLanesKernelGradient
{
    /// <summary>The δ columns one step of a row takes when its block of kernel columns is whole.</summary>
    private const int Columns = 4;

    /// <summary>
    /// Adds one sample's ∂K sums into <paramref name="lanes"/> (row (c, u, v), <paramref name="room"/> lanes each):
    /// per group of filters, pair of channels, kernel row and block of 5 kernel columns, 10 vectors of sums over the
    /// output positions. A whole block of kernel columns takes 4 δ columns at a time (<see cref="AddFour{TLanes, TVector, T}"/>:
    /// each of the 8 broadcast inputs they reach per channel feeds up to 4 of the 40 fused multiply-adds, 24 loads where
    /// one position at a time took 44); the rest one position at a time, its δ vector times 10 broadcast inputs. Each sum
    /// still takes its products in the order of the positions, so the bits are those of one position at a time. A pair
    /// past the last channel repeats its first channel and a block past the last kernel column repeats the block's first
    /// column: those sums start from the same stored values and add the same products, so storing them again writes the
    /// same values.
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
                        var quads = v4 == 4 ? outWidth / Columns * Columns : 0;
                        T* a = lanes + ((((c * kernelHeight) + u) * kernelWidth) + v) * room + g;
                        T* b = lanes + ((((other * kernelHeight) + u) * kernelWidth) + v) * room + g;
                        TVector a0 = TLanes.Load(a), a1 = TLanes.Load(a + (v1 * room)), a2 = TLanes.Load(a + (v2 * room)), a3 = TLanes.Load(a + (v3 * room)), a4 = TLanes.Load(a + (v4 * room));
                        TVector b0 = TLanes.Load(b), b1 = TLanes.Load(b + (v1 * room)), b2 = TLanes.Load(b + (v2 * room)), b3 = TLanes.Load(b + (v3 * room)), b4 = TLanes.Load(b + (v4 * room));
                        for (var i = 0; i < shape.OutputHeight; i++)
                        {
                            var xa = source + shape.At(c, i + u, v);
                            var xb = source + shape.At(other, i + u, v);
                            var d = delta + (i * outWidth * room) + g;
                            var j = 0;
                            for (; j < quads; j += Columns)
                            {
                                var e = d + (j * room);
                                TVector e0 = TLanes.Load(e), e1 = TLanes.Load(e + room), e2 = TLanes.Load(e + (2 * room)), e3 = TLanes.Load(e + (3 * room));
                                (a0, a1, a2, a3, a4) = AddFour<TLanes, TVector, T>(a0, a1, a2, a3, a4, e0, e1, e2, e3, xa + j);
                                (b0, b1, b2, b3, b4) = AddFour<TLanes, TVector, T>(b0, b1, b2, b3, b4, e0, e1, e2, e3, xb + j);
                            }

                            for (; j < outWidth; j++)
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

    /// <summary>
    /// δ columns j … j + 3 (<paramref name="e0"/> … <paramref name="e3"/>) of a whole block of 5 kernel columns, for one
    /// channel: sum v takes δ[j + k] · x̃[j + k + v] for k = 0 … 3 in that order, from the 8 inputs x̃[j … j + 7] of the
    /// channel's row (<paramref name="x"/> at column j), each broadcast once and feeding the sums it reaches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector, TVector, TVector, TVector, TVector) AddFour<TLanes, TVector, T>(
        TVector s0, TVector s1, TVector s2, TVector s3, TVector s4, TVector e0, TVector e1, TVector e2, TVector e3, T* x)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var input = TLanes.Broadcast(x[0]);
        s0 = TLanes.FusedMultiplyAdd(e0, input, s0);
        input = TLanes.Broadcast(x[1]);
        s1 = TLanes.FusedMultiplyAdd(e0, input, s1);
        s0 = TLanes.FusedMultiplyAdd(e1, input, s0);
        input = TLanes.Broadcast(x[2]);
        s2 = TLanes.FusedMultiplyAdd(e0, input, s2);
        s1 = TLanes.FusedMultiplyAdd(e1, input, s1);
        s0 = TLanes.FusedMultiplyAdd(e2, input, s0);
        input = TLanes.Broadcast(x[3]);
        s3 = TLanes.FusedMultiplyAdd(e0, input, s3);
        s2 = TLanes.FusedMultiplyAdd(e1, input, s2);
        s1 = TLanes.FusedMultiplyAdd(e2, input, s1);
        s0 = TLanes.FusedMultiplyAdd(e3, input, s0);
        input = TLanes.Broadcast(x[4]);
        s4 = TLanes.FusedMultiplyAdd(e0, input, s4);
        s3 = TLanes.FusedMultiplyAdd(e1, input, s3);
        s2 = TLanes.FusedMultiplyAdd(e2, input, s2);
        s1 = TLanes.FusedMultiplyAdd(e3, input, s1);
        input = TLanes.Broadcast(x[5]);
        s4 = TLanes.FusedMultiplyAdd(e1, input, s4);
        s3 = TLanes.FusedMultiplyAdd(e2, input, s3);
        s2 = TLanes.FusedMultiplyAdd(e3, input, s2);
        input = TLanes.Broadcast(x[6]);
        s4 = TLanes.FusedMultiplyAdd(e2, input, s4);
        s3 = TLanes.FusedMultiplyAdd(e3, input, s3);
        input = TLanes.Broadcast(x[7]);
        s4 = TLanes.FusedMultiplyAdd(e3, input, s4);
        return (s0, s1, s2, s3, s4);
    }
}
