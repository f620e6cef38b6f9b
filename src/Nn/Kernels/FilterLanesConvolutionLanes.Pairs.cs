using System;
using System.Numerics;

namespace Nn.Kernels;

/// <summary>The forward pass of <see cref="FilterLanesConvolutionLanes"/> two groups of filters at a time.</summary>
internal static unsafe partial class FilterLanesConvolutionLanes
{
    /// <summary>
    /// <see cref="Forward"/> two groups of filters at a time on the 128- and 256-bit paths, where the room of 16 lanes
    /// is always an even number of vectors: per pair of groups and output row, blocks of <see cref="PairColumns"/> columns — the last ending at the row's end —
    /// each with two kernel vectors per (c, u, v) times 4 broadcast inputs, so each broadcast feeds two fused
    /// multiply-adds (a broadcast from memory costs as much as a product on a core whose vectors are split in halves).
    /// Each sum takes its products in the order c, u, v as before, so the bits do not change.
    /// </summary>
    private static void ForwardPairs<TLanes, TVector, T>(T* source, T* transposed, int room, in DirectConvolution.Plan shape, T* tile)
        where TLanes : struct, IVectorLanes<TVector, T>
        where TVector : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outWidth = shape.OutputWidth, kernelWidth = shape.KernelWidth, count = TLanes.Count;
        var last = outWidth - PairColumns;
        for (var g = 0; g < room; g += 2 * count)
        {
            var bias = TLanes.Load(transposed + (shape.Patch * room) + g);
            var otherBias = TLanes.Load(transposed + (shape.Patch * room) + g + count);
            for (var i = 0; i < shape.OutputHeight; i++)
            {
                for (var j = 0; j < outWidth; j += PairColumns)
                {
                    var from = Math.Min(j, last);
                    TVector s0 = default, s1 = default, s2 = default, s3 = default, t0 = default, t1 = default, t2 = default, t3 = default;
                    for (var c = 0; c < shape.Channels; c++)
                    {
                        for (var u = 0; u < shape.KernelHeight; u++)
                        {
                            var x = source + shape.At(c, i + u, from);
                            var w = transposed + ((((c * shape.KernelHeight) + u) * kernelWidth) * room) + g;
                            for (var v = 0; v < kernelWidth; v++)
                            {
                                var k = TLanes.Load(w + (v * room));
                                var l = TLanes.Load(w + (v * room) + count);
                                var at = x + v;
                                var input = TLanes.Broadcast(at[0]);
                                s0 = TLanes.FusedMultiplyAdd(input, k, s0);
                                t0 = TLanes.FusedMultiplyAdd(input, l, t0);
                                input = TLanes.Broadcast(at[1]);
                                s1 = TLanes.FusedMultiplyAdd(input, k, s1);
                                t1 = TLanes.FusedMultiplyAdd(input, l, t1);
                                input = TLanes.Broadcast(at[2]);
                                s2 = TLanes.FusedMultiplyAdd(input, k, s2);
                                t2 = TLanes.FusedMultiplyAdd(input, l, t2);
                                input = TLanes.Broadcast(at[3]);
                                s3 = TLanes.FusedMultiplyAdd(input, k, s3);
                                t3 = TLanes.FusedMultiplyAdd(input, l, t3);
                            }
                        }
                    }

                    var output = tile + (((i * outWidth) + from) * room) + g;
                    TLanes.Store(TLanes.Add(s0, bias), output);
                    TLanes.Store(TLanes.Add(t0, otherBias), output + count);
                    TLanes.Store(TLanes.Add(s1, bias), output + room);
                    TLanes.Store(TLanes.Add(t1, otherBias), output + room + count);
                    TLanes.Store(TLanes.Add(s2, bias), output + (2 * room));
                    TLanes.Store(TLanes.Add(t2, otherBias), output + (2 * room) + count);
                    TLanes.Store(TLanes.Add(s3, bias), output + (3 * room));
                    TLanes.Store(TLanes.Add(t3, otherBias), output + (3 * room) + count);
                }
            }
        }
    }

    /// <summary>The output columns of one block of <see cref="ForwardPairs"/>, for each of its two groups of filters.</summary>
    private const int PairColumns = 4;
}
