using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// A stride-1 convolution with a short receptive field (C·KH·KW at most <see cref="LongestPatch"/>, such as a first
/// layer over one channel: LeNet's is 25) computed straight from the image, one sample at a time, without im2col.
/// With so few products per field, im2col and the GEMM's packing would move every input value 25 times for
/// about 2·O flops each; here each input vector is loaded once per weight and multiplied into the sums of a block of
/// filters held in registers, with the vectors along the output plane read as one run of OH·OW values.
/// </summary>
/// <remarks>
/// z[o, i, j] = Σ_{c,u,v} K[o, c, u, v] x̃[c, i + u, j + v] (+ b[o]), summed in the order c, u, v, as the GEMM sums
/// a column of X̂. ∂C/∂K[o, c, u, v] = Σ_{n,i,j} δ[n, o, i, j] x̃[n, c, i + u, j + v] is gathered in vector lanes
/// (one vector of sums per weight, sample after sample, in a buffer the caller owns), and the lanes are added in lane
/// order at the end of a slice of samples, so the sums do not depend on which thread ran the slice. x̃ is the input
/// itself without padding, else a zero-padded copy of one sample the caller provides room for.
/// The vector bodies read x̃ through its column-shifted copies (<see cref="ShiftedStart{T}"/>): copy (c, v) holds
/// x̃[c, y, j + v] in rows of OW, so the inputs of weight (c, u, v) over the whole output plane are the one run of
/// OH·OW values from row u of that copy, and every vector is full — a row of OW values no longer ends in a vector
/// overlapping the one before (LeNet's 24-wide rows filled 512-bit vectors three quarters full that way).
/// Bodies per path: scalar here (<see cref="KernelPath.Portable"/>), and one vector body for every width
/// (<see cref="DirectConvolutionLanes"/> over <see cref="Lanes128{T}"/>, <see cref="Lanes256{T}"/> or
/// <see cref="Lanes512{T}"/>); a path whose vector is longer than the output plane takes the next narrower body, and
/// a plane shorter than any vector the scalar one. A plane that is not a whole number of vectors ends with a vector
/// overlapping the one before, its overlap masked off δ in ∂K.
/// </remarks>
internal static unsafe class DirectConvolution
{
    /// <summary>The longest receptive field C·KH·KW computed directly; longer ones go through im2col and the GEMM.</summary>
    public const int LongestPatch = 32;

    /// <summary>The filters whose z one register block holds going forward (6 filters × 3 vectors of output, 18 accumulators; half as many on x64 without AVX-512, whose 16 vector registers would not hold them).</summary>
    public const int FilterBlock = 6;

    /// <summary>The filters whose ∂K sums one register block holds (3 filters × <see cref="WeightBlock"/> weights, 15 accumulators).</summary>
    public const int GradientFilterBlock = 3;

    /// <summary>The weights (c, u, v) of a filter, in K's order, whose ∂K sums one register block holds.</summary>
    public const int WeightBlock = 5;

    /// <summary>The room for one vector of sums per weight: the lanes of the widest vector of any element type.</summary>
    public const int LaneRoom = 16;

    /// <summary>Whether a convolution of this geometry runs directly (stride 1 and a short receptive field).</summary>
    public static bool Suits(ColumnTransfer.Geometry geometry) => geometry.Stride == 1 && geometry.Patch <= LongestPatch;

    /// <summary>The values of one sample's zero-padded copy x̃ (none without padding: the input is read in place).</summary>
    public static int SourceLength(ColumnTransfer.Geometry geometry) =>
        geometry.Padding == 0 ? 0 : checked((int)((long)geometry.Channels * PaddedHeight(geometry) * PaddedWidth(geometry)));

    /// <summary>The vector sums of ∂K: <see cref="LaneRoom"/> lanes per weight of the blocks (filters and weights rounded up to whole blocks).</summary>
    public static int LanesLength(ColumnTransfer.Geometry geometry, int filters) =>
        checked((int)((long)RoundUp(filters, GradientFilterBlock) * RoundUp(geometry.Patch, WeightBlock) * LaneRoom));

    /// <summary>
    /// The values of one sample's column-shifted copies (<see cref="ShiftedStart{T}"/>): C·KW copies of (H + 2p) rows of OW,
    /// each rounded up to whole cache lines, and room to start the first on a cache line.
    /// </summary>
    public static int ShiftedLength(ColumnTransfer.Geometry geometry) =>
        checked((int)(((long)geometry.Channels * geometry.KernelWidth * CopyLength(geometry)) + LaneRoom));

    /// <summary>
    /// Where the first column-shifted copy starts in <paramref name="room"/> (<see cref="ShiftedLength"/> values): on
    /// a cache line, so that with <see cref="CopyLength"/> a whole number of lines every copy does. Copy (c, v) holds
    /// x̃[c, y, j + v] at y·OW + j for every row y of x̃ and j &lt; OW, and starts (c·KW + v)·<see cref="CopyLength"/>
    /// after the first (<see cref="DirectConvolutionLanes.Shift{TLanes, TVector, T}"/> writes them).
    /// </summary>
    public static T* ShiftedStart<T>(T* room)
        where T : unmanaged => (T*)(((nint)room + (CacheLine - 1)) & ~(nint)(CacheLine - 1));

    /// <summary>The values of one column-shifted copy: (H + 2p)·OW rounded up to whole cache lines, so each copy starts on one.</summary>
    public static int CopyLength(ColumnTransfer.Geometry geometry) => checked((int)RoundUp((long)PaddedHeight(geometry) * geometry.OutputWidth, LaneRoom));

    /// <summary>
    /// x̃ of one sample: the sample itself without padding, else its copy zero-padded by p into <paramref name="room"/>
    /// (<see cref="SourceLength"/> values).
    /// </summary>
    public static T* Source<T>(T* sample, ColumnTransfer.Geometry geometry, T* room)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (geometry.Padding == 0)
        {
            return sample;
        }

        int height = geometry.Height, width = geometry.Width, p = geometry.Padding, paddedWidth = PaddedWidth(geometry);
        var plane = PaddedHeight(geometry) * paddedWidth;
        new Span<T>(room, geometry.Channels * plane).Clear();
        for (var c = 0; c < geometry.Channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                new ReadOnlySpan<T>(sample + (((c * height) + y) * width), width).CopyTo(new Span<T>(room + (c * plane) + ((y + p) * paddedWidth) + p, width));
            }
        }

        return room;
    }

    /// <summary>
    /// One sample's z[o, i, j] = Σ_{c,u,v} K[o, c, u, v] x̃[c, i + u, j + v] + b[o] (no bias when <paramref name="bias"/>
    /// is null), or with <paramref name="rectify"/> a = max(z, 0) in its place, as the ReLU would make it from z.
    /// Overwrites the sample's O·OH·OW values of <paramref name="z"/>, and on a vector path <paramref name="room"/>
    /// (<see cref="ShiftedLength"/> values) with x̃'s column-shifted copies.
    /// </summary>
    public static void Forward<T>(KernelPath path, T* source, T* kernels, T* bias, int filters, ColumnTransfer.Geometry geometry, T* z, T* room, bool rectify)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new Plan(geometry);
        switch (path)
        {
            case KernelPath.Vector512 when geometry.Positions >= Vector512<T>.Count:
                DirectConvolutionLanes.Forward<Lanes512<T>, Vector512<T>, T>(source, room, kernels, bias, filters, shape, z, rectify);
                break;
            case KernelPath.Vector512 or KernelPath.Vector256 when geometry.Positions >= Vector256<T>.Count:
                DirectConvolutionLanes.Forward<Lanes256<T>, Vector256<T>, T>(source, room, kernels, bias, filters, shape, z, rectify);
                break;
            case KernelPath.Vector128 when geometry.Positions >= Vector128<T>.Count:
                DirectConvolutionLanes.Forward<Lanes128<T>, Vector128<T>, T>(source, room, kernels, bias, filters, shape, z, rectify);
                break;
            default:
                ForwardPortable(source, kernels, bias, filters, shape, z);
                if (rectify)
                {
                    var outputs = new Span<T>(z, filters * geometry.Positions);
                    TensorKernels.Max(outputs, T.Zero, outputs);
                }

                break;
        }
    }

    /// <summary>
    /// Adds one sample's ∂K[o, c, u, v] = Σ_{i,j} δ[o, i, j] x̃[c, i + u, j + v] into the vector sums
    /// <paramref name="lanes"/> (<see cref="LanesLength"/> values, cleared by the caller before the first sample).
    /// Overwrites <paramref name="room"/> (<see cref="ShiftedLength"/> values) on a vector path, as <see cref="Forward{T}"/>.
    /// </summary>
    public static void Accumulate<T>(KernelPath path, T* source, T* delta, int filters, ColumnTransfer.Geometry geometry, T* lanes, T* room)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new Plan(geometry);
        switch (path)
        {
            case KernelPath.Vector512 when geometry.Positions >= Vector512<T>.Count:
                DirectConvolutionLanes.Accumulate<Lanes512<T>, Vector512<T>, T>(source, room, delta, filters, shape, lanes);
                break;
            case KernelPath.Vector512 or KernelPath.Vector256 when geometry.Positions >= Vector256<T>.Count:
                DirectConvolutionLanes.Accumulate<Lanes256<T>, Vector256<T>, T>(source, room, delta, filters, shape, lanes);
                break;
            case KernelPath.Vector128 when geometry.Positions >= Vector128<T>.Count:
                DirectConvolutionLanes.Accumulate<Lanes128<T>, Vector128<T>, T>(source, room, delta, filters, shape, lanes);
                break;
            default:
                AccumulatePortable(source, delta, filters, shape, lanes);
                break;
        }
    }

    /// <summary>
    /// ∂K[o, c, u, v] = the sum of its lanes in lane order, for the O·C·KH·KW weights (row-major, as K), written into
    /// <paramref name="kernelGradient"/>. Lanes beyond a path's vector width are still 0 and add nothing.
    /// </summary>
    public static void Reduce<T>(T* lanes, int filters, ColumnTransfer.Geometry geometry, T* kernelGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int patch = geometry.Patch, room = RoundUp(patch, WeightBlock);
        for (var o = 0; o < filters; o++)
        {
            for (var t = 0; t < patch; t++)
            {
                var sums = lanes + (((o * room) + t) * LaneRoom);
                var total = T.Zero;
                for (var k = 0; k < LaneRoom; k++)
                {
                    total += sums[k];
                }

                kernelGradient[(o * patch) + t] = total;
            }
        }
    }

    private const int CacheLine = 64;

    private static int PaddedHeight(ColumnTransfer.Geometry geometry) => checked(geometry.Height + (2 * geometry.Padding));

    private static int PaddedWidth(ColumnTransfer.Geometry geometry) => checked(geometry.Width + (2 * geometry.Padding));

    private static int RoundUp(int value, int multiple) => checked((int)RoundUp((long)value, multiple));

    private static long RoundUp(long value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static void ForwardPortable<T>(T* source, T* kernels, T* bias, int filters, in Plan shape, T* z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var o = 0; o < filters; o++)
        {
            var k = kernels + (o * shape.Patch);
            var b = bias == null ? T.Zero : bias[o];
            for (var i = 0; i < shape.OutputHeight; i++)
            {
                for (var j = 0; j < shape.OutputWidth; j++)
                {
                    var sum = T.Zero;
                    for (var c = 0; c < shape.Channels; c++)
                    {
                        for (var u = 0; u < shape.KernelHeight; u++)
                        {
                            var x = source + shape.At(c, i + u, j);
                            var w = k + (((c * shape.KernelHeight) + u) * shape.KernelWidth);
                            for (var v = 0; v < shape.KernelWidth; v++)
                            {
                                sum = T.FusedMultiplyAdd(w[v], x[v], sum);
                            }
                        }
                    }

                    z[(((o * shape.OutputHeight) + i) * shape.OutputWidth) + j] = sum + b;
                }
            }
        }
    }

    private static void AccumulatePortable<T>(T* source, T* delta, int filters, in Plan shape, T* lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var positions = shape.OutputHeight * shape.OutputWidth;
        for (var o = 0; o < filters; o++)
        {
            for (var c = 0; c < shape.Channels; c++)
            {
                for (var u = 0; u < shape.KernelHeight; u++)
                {
                    for (var v = 0; v < shape.KernelWidth; v++)
                    {
                        var sum = lanes + shape.LaneOffset(o, (((c * shape.KernelHeight) + u) * shape.KernelWidth) + v);
                        for (var i = 0; i < shape.OutputHeight; i++)
                        {
                            var d = delta + (o * positions) + (i * shape.OutputWidth);
                            var x = source + shape.At(c, i + u, v);
                            for (var j = 0; j < shape.OutputWidth; j++)
                            {
                                *sum = T.FusedMultiplyAdd(d[j], x[j], *sum);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The sizes the bodies read, as plain integers: x̃'s planes (padded), the kernel and the output.</summary>
    internal readonly struct Plan(ColumnTransfer.Geometry geometry)
    {
        public readonly int Channels = geometry.Channels;
        public readonly int KernelHeight = geometry.KernelHeight;
        public readonly int KernelWidth = geometry.KernelWidth;
        public readonly int OutputHeight = geometry.OutputHeight;
        public readonly int OutputWidth = geometry.OutputWidth;
        public readonly int SourceHeight = PaddedHeight(geometry);
        public readonly int SourceWidth = PaddedWidth(geometry);
        public readonly int SourcePlane = PaddedHeight(geometry) * PaddedWidth(geometry);
        public readonly int Patch = geometry.Patch;
        public readonly int PatchRoom = RoundUp(geometry.Patch, WeightBlock);
        public readonly int CopyLength = DirectConvolution.CopyLength(geometry);

        /// <summary>The offset of x̃[c, y, x] in the sample's source.</summary>
        public int At(int c, int y, int x) => (c * SourcePlane) + (y * SourceWidth) + x;

        /// <summary>The offset of the vector of sums of ∂K[o, t], t = (c·KH + u)·KW + v (t up to C·KH·KW rounded to whole blocks).</summary>
        public int LaneOffset(int o, int t) => ((o * PatchRoom) + t) * LaneRoom;

        /// <summary>The offset of the run of x̃[c, i + u, j + v] over the output plane in the column-shifted copies (<see cref="ShiftedStart{T}"/>).</summary>
        public int ShiftedAt(int c, int u, int v) => ((((c * KernelWidth) + v) * CopyLength) + (u * OutputWidth));
    }
}
