using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The Vector256 bodies of <see cref="DirectConvolution"/> (the Vector256 and Vector512 paths), for output rows at
/// least one vector wide. A block's filters past O repeat its first filter, and its kernel columns past KW repeat
/// its first column, so every block runs the same straight-line code; the sums of those repeats are never stored
/// (going forward) or never reduced (their lanes lie in the rounding-up of <see cref="DirectConvolution.LanesLength"/>).
/// </summary>
internal static unsafe class DirectConvolution256
{
    /// <summary>z of one sample: per block of 3 filters and output row, 3 vectors of columns at a time, then one (the last overlapping the one before).</summary>
    public static void Forward<T>(T* source, T* kernels, T* bias, int filters, in DirectConvolution.Plan shape, T* z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector256<T>.Count, outWidth = shape.OutputWidth, positions = shape.OutputHeight * outWidth, patch = shape.Patch;
        for (var f = 0; f < filters; f += DirectConvolution.FilterBlock)
        {
            var count = Math.Min(DirectConvolution.FilterBlock, filters - f);
            T* k0 = kernels + (f * patch), k1 = count > 1 ? k0 + patch : k0, k2 = count > 2 ? k0 + (2 * patch) : k0;
            var b0 = bias == null ? T.Zero : bias[f];
            var b1 = bias == null || count < 2 ? T.Zero : bias[f + 1];
            var b2 = bias == null || count < 3 ? T.Zero : bias[f + 2];
            var output = z + (f * positions);
            for (var i = 0; i < shape.OutputHeight; i++)
            {
                var j = 0;
                for (; j + (3 * width) <= outWidth; j += 3 * width)
                {
                    Vector256<T> s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default, s20 = default, s21 = default, s22 = default;
                    for (var c = 0; c < shape.Channels; c++)
                    {
                        for (var u = 0; u < shape.KernelHeight; u++)
                        {
                            var x = source + shape.At(c, i + u, j);
                            var w = ((c * shape.KernelHeight) + u) * shape.KernelWidth;
                            for (var v = 0; v < shape.KernelWidth; v++)
                            {
                                var x0 = Vector256.Load(x + v);
                                var x1 = Vector256.Load(x + v + width);
                                var x2 = Vector256.Load(x + v + (2 * width));
                                var w0 = Vector256.Create(k0[w + v]);
                                var w1 = Vector256.Create(k1[w + v]);
                                var w2 = Vector256.Create(k2[w + v]);
                                s00 = Fma(w0, x0, s00);
                                s01 = Fma(w0, x1, s01);
                                s02 = Fma(w0, x2, s02);
                                s10 = Fma(w1, x0, s10);
                                s11 = Fma(w1, x1, s11);
                                s12 = Fma(w1, x2, s12);
                                s20 = Fma(w2, x0, s20);
                                s21 = Fma(w2, x1, s21);
                                s22 = Fma(w2, x2, s22);
                            }
                        }
                    }

                    var at = output + (i * outWidth) + j;
                    Store(at, width, s00 + Vector256.Create(b0), s01 + Vector256.Create(b0), s02 + Vector256.Create(b0));
                    if (count > 1)
                    {
                        Store(at + positions, width, s10 + Vector256.Create(b1), s11 + Vector256.Create(b1), s12 + Vector256.Create(b1));
                    }

                    if (count > 2)
                    {
                        Store(at + (2 * positions), width, s20 + Vector256.Create(b2), s21 + Vector256.Create(b2), s22 + Vector256.Create(b2));
                    }
                }

                for (; j < outWidth; j += width)
                {
                    // The last vector ends at the row's end, overlapping the one before: those columns get the same sums again.
                    var from = Math.Min(j, outWidth - width);
                    Vector256<T> s0 = default, s1 = default, s2 = default;
                    for (var c = 0; c < shape.Channels; c++)
                    {
                        for (var u = 0; u < shape.KernelHeight; u++)
                        {
                            var x = source + shape.At(c, i + u, from);
                            var w = ((c * shape.KernelHeight) + u) * shape.KernelWidth;
                            for (var v = 0; v < shape.KernelWidth; v++)
                            {
                                var x0 = Vector256.Load(x + v);
                                s0 = Fma(Vector256.Create(k0[w + v]), x0, s0);
                                s1 = Fma(Vector256.Create(k1[w + v]), x0, s1);
                                s2 = Fma(Vector256.Create(k2[w + v]), x0, s2);
                            }
                        }
                    }

                    var at = output + (i * outWidth) + from;
                    (s0 + Vector256.Create(b0)).Store(at);
                    if (count > 1)
                    {
                        (s1 + Vector256.Create(b1)).Store(at + positions);
                    }

                    if (count > 2)
                    {
                        (s2 + Vector256.Create(b2)).Store(at + (2 * positions));
                    }
                }
            }
        }
    }

    /// <summary>
    /// One sample's ∂K sums: per block of 3 filters, input channel, kernel row and 3 kernel columns, 9 vectors of sums
    /// along the output rows, whole vectors and then the last one overlapping, with the lanes the whole vectors
    /// already counted masked off δ.
    /// </summary>
    public static void Accumulate<T>(T* source, T* delta, int filters, in DirectConvolution.Plan shape, T* lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector256<T>.Count, outWidth = shape.OutputWidth, positions = shape.OutputHeight * outWidth;
        var tail = outWidth % width;
        var last = outWidth - width;
        var fresh = Vector256.GreaterThanOrEqual(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(width - tail)));
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
                        Vector256<T> s00 = Vector256.Load(t0), s01 = Vector256.Load(t0 + Room), s02 = Vector256.Load(t0 + (2 * Room));
                        Vector256<T> s10 = Vector256.Load(t1), s11 = Vector256.Load(t1 + Room), s12 = Vector256.Load(t1 + (2 * Room));
                        Vector256<T> s20 = Vector256.Load(t2), s21 = Vector256.Load(t2 + Room), s22 = Vector256.Load(t2 + (2 * Room));
                        for (var i = 0; i < shape.OutputHeight; i++)
                        {
                            var x = source + shape.At(c, i + u, v);
                            var row = i * outWidth;
                            for (var j = 0; j <= outWidth; j += width)
                            {
                                Vector256<T> e0, e1, e2;
                                var from = j;
                                if (j + width <= outWidth)
                                {
                                    e0 = Vector256.Load(d0 + row + j);
                                    e1 = Vector256.Load(d1 + row + j);
                                    e2 = Vector256.Load(d2 + row + j);
                                }
                                else if (tail != 0)
                                {
                                    from = last;
                                    e0 = Vector256.Load(d0 + row + last) & fresh;
                                    e1 = Vector256.Load(d1 + row + last) & fresh;
                                    e2 = Vector256.Load(d2 + row + last) & fresh;
                                }
                                else
                                {
                                    break;
                                }

                                var x0 = Vector256.Load(x + from);
                                var x1 = Vector256.Load(x + from + next);
                                var x2 = Vector256.Load(x + from + after);
                                s00 = Fma(e0, x0, s00);
                                s01 = Fma(e0, x1, s01);
                                s02 = Fma(e0, x2, s02);
                                s10 = Fma(e1, x0, s10);
                                s11 = Fma(e1, x1, s11);
                                s12 = Fma(e1, x2, s12);
                                s20 = Fma(e2, x0, s20);
                                s21 = Fma(e2, x1, s21);
                                s22 = Fma(e2, x2, s22);
                            }
                        }

                        s00.Store(t0);
                        s01.Store(t0 + Room);
                        s02.Store(t0 + (2 * Room));
                        s10.Store(t1);
                        s11.Store(t1 + Room);
                        s12.Store(t1 + (2 * Room));
                        s20.Store(t2);
                        s21.Store(t2 + Room);
                        s22.Store(t2 + (2 * Room));
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T* at, int width, Vector256<T> v0, Vector256<T> v1, Vector256<T> v2)
        where T : unmanaged
    {
        v0.Store(at);
        v1.Store(at + width);
        v2.Store(at + (2 * width));
    }

    /// <summary>x·y + acc with one rounding (float or double lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> acc)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        }

        return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
    }
}
