using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// A stride-1 convolution with a long receptive field (such as LeNet's second layer: 6 channels of 5×5 into 16
/// filters over 8×8 outputs) computed straight from the image with the filters as the vector lanes: z at an output
/// position is Σ_{c,u,v} x̃[c, i + u, j + v] · Kᵗ[c, u, v, ·], one broadcast input value times one vector of the
/// kernels transposed filter-last, so a block of <see cref="ColumnBlock"/> output columns shares each kernel vector.
/// ∂K[·, c, u, v] is Σ δᵗ[i, j, ·] · x̃[c, i + u, j + v] the same way round, with δ transposed filter-last per sample.
/// Neither needs im2col or the GEMM's packing, which for so few filters cost more than the products.
/// </summary>
/// <remarks>
/// The filters are padded with zero kernels to <see cref="Room"/> lanes, a whole number of vectors of every width;
/// sums of the padding are never stored into z nor reduced into ∂K. Every z entry is summed in the order c, u, v
/// with one fused multiply-add per weight and then the bias added; every ∂K lane is summed over the samples in order
/// and, within a sample, over the output positions in row order, so the results do not depend on the threads. The
/// input gradient (the full correlation of δ with the kernels) is summed the same way round, one vector of filter
/// products per input position from the δ vectors and the kernel vectors, then the lanes of each position added: a
/// sample's values depend on that sample alone. Vector paths only: the portable path keeps im2col and the GEMM. One
/// vector body for every width (<see cref="FilterLanesConvolutionLanes"/>).
/// </remarks>
internal static unsafe class FilterLanesConvolution
{
    /// <summary>The output columns whose sums one register block holds going forward (one vector of filters each).</summary>
    public const int ColumnBlock = 8;

    /// <summary>The kernel columns whose ∂K sums one register block holds for each of its two channels.</summary>
    public const int OffsetBlock = 5;

    /// <summary>The kernel columns whose products one sliding window of input-gradient sums takes per δ vector.</summary>
    public const int WindowWidth = 5;

    /// <summary>
    /// Whether a convolution of this geometry runs with the filters as lanes on this path: a vector path, stride 1,
    /// a receptive field too long for <see cref="DirectConvolution"/>, and output rows at least a column block wide.
    /// </summary>
    public static bool Suits(KernelPath path, ColumnTransfer.Geometry geometry) => path != KernelPath.Portable && Fits(geometry);

    /// <summary>Whether the geometry could run with the filters as lanes on some path (the scratch is laid out for it).</summary>
    public static bool Fits(ColumnTransfer.Geometry geometry) =>
        geometry.Stride == 1 && !DirectConvolution.Suits(geometry) && geometry.OutputWidth >= ColumnBlock;

    /// <summary>The filters padded with zero kernels to a whole number of the widest vector (16 floats).</summary>
    public static int Room(int filters) => (filters + DirectConvolution.LaneRoom - 1) / DirectConvolution.LaneRoom * DirectConvolution.LaneRoom;

    /// <summary>
    /// The values of Kᵗ (C·KH·KW rows of <see cref="Room"/> lanes) and the bias padded to <see cref="Room"/>, with room to
    /// start them on a cache line (<see cref="Aligned{T}"/>).
    /// </summary>
    public static int KernelsLength(ColumnTransfer.Geometry geometry, int filters) => checked((int)((((long)geometry.Patch + 1) * Room(filters)) + AlignmentRoom));

    /// <summary>
    /// A slice's work area: a sample's padded copy, then its filter-last z or δ and the slice's ∂K lanes starting on a
    /// cache line.
    /// </summary>
    public static int WorkLength(ColumnTransfer.Geometry geometry, int filters) =>
        checked((int)(DirectConvolution.SourceLength(geometry) + AlignmentRoom + (((long)geometry.Positions + geometry.Patch + RowLength(geometry)) * Room(filters))));

    /// <summary>
    /// The padded input positions of one row of input-gradient sums: the output width plus the kernel width rounded up
    /// to whole windows, less one (the last window's reach past the last δ column).
    /// </summary>
    public static int RowLength(ColumnTransfer.Geometry geometry) =>
        checked((int)(geometry.OutputWidth + (((long)geometry.KernelWidth + WindowWidth - 1) / WindowWidth * WindowWidth) - 1));

    /// <summary>
    /// The first cache line at or after <paramref name="at"/>: the vectors of Kᵗ, of the tile and of the ∂K lanes are
    /// then whole cache lines (a row of <see cref="Room"/> lanes is 64 bytes in float), and none of their loads and
    /// stores splits across two lines.
    /// </summary>
    public static T* Aligned<T>(T* at)
        where T : unmanaged => (T*)(((nint)at + (CacheLine - 1)) & ~(nint)(CacheLine - 1));

    private const int CacheLine = 64;

    /// <summary>The values a start may move by to reach a cache line (64 bytes of the smallest element, float).</summary>
    private const int AlignmentRoom = CacheLine / sizeof(float);

    /// <summary>
    /// Kᵗ[c, u, v, o] = K[o, c, u, v] into <paramref name="transposed"/> ((C·KH·KW + 1) · <see cref="Room"/> values),
    /// the lanes past O zero, followed by the bias in the first O of <see cref="Room"/> lanes (zero without a bias).
    /// </summary>
    public static void Prepare<T>(ReadOnlySpan<T> kernels, ReadOnlySpan<T> bias, int filters, int patch, Span<T> transposed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var room = Room(filters);
        transposed.Slice(0, (patch + 1) * room).Clear();
        for (var o = 0; o < filters; o++)
        {
            for (var q = 0; q < patch; q++)
            {
                transposed[(q * room) + o] = kernels[(o * patch) + q];
            }
        }

        bias.CopyTo(transposed.Slice(patch * room));
    }

    /// <summary>
    /// One sample's z[o, i, j] = Σ_{c,u,v} K[o, c, u, v] x̃[c, i + u, j + v] + b[o] from Kᵗ and the padded bias
    /// (<see cref="Prepare{T}"/>), through <paramref name="tile"/> (positions × <see cref="Room"/> values), into the
    /// sample's O·OH·OW values of <paramref name="z"/>.
    /// </summary>
    public static void Forward<T>(KernelPath path, T* source, T* transposed, int filters, ColumnTransfer.Geometry geometry, T* tile, T* z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new DirectConvolution.Plan(geometry);
        var room = Room(filters);
        switch (path)
        {
            case KernelPath.Vector512:
                FilterLanesConvolutionLanes.Forward<Lanes512<T>, Vector512<T>, T>(source, transposed, room, shape, tile);
                break;
            case KernelPath.Vector256:
                FilterLanesConvolutionLanes.Forward<Lanes256<T>, Vector256<T>, T>(source, transposed, room, shape, tile);
                break;
            default:
                FilterLanesConvolutionLanes.Forward<Lanes128<T>, Vector128<T>, T>(source, transposed, room, shape, tile);
                break;
        }

        Transpose(path, tile, geometry.Positions, filters, room, z, geometry.Positions);
    }

    /// <summary>
    /// Adds one sample's ∂K[o, c, u, v] = Σ_{i,j} δ[o, i, j] x̃[c, i + u, j + v] into the filter-last sums
    /// <paramref name="lanes"/> (C·KH·KW × <see cref="Room"/> values, cleared by the caller before a slice's first
    /// sample), with the sample's δ transposed filter-last through <paramref name="tile"/>.
    /// </summary>
    public static void Accumulate<T>(KernelPath path, T* source, T* delta, int filters, ColumnTransfer.Geometry geometry, T* tile, T* lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new DirectConvolution.Plan(geometry);
        var room = Room(filters);
        Transpose(path, delta, filters, geometry.Positions, geometry.Positions, tile, room);
        switch (path)
        {
            case KernelPath.Vector512:
                FilterLanesKernelGradient.Accumulate<Lanes512<T>, Vector512<T>, T>(source, tile, room, shape, lanes);
                break;
            case KernelPath.Vector256:
                FilterLanesKernelGradient.Accumulate<Lanes256<T>, Vector256<T>, T>(source, tile, room, shape, lanes);
                break;
            default:
                FilterLanesKernelGradient.Accumulate<Lanes128<T>, Vector128<T>, T>(source, tile, room, shape, lanes);
                break;
        }
    }

    /// <summary>
    /// One sample's input gradient ∂x[c, y, x] = Σ_{o,u,v} δ[o, y + p − u, x + p − v] K[o, c, u, v] (the full
    /// correlation of δ with the kernels, cropped by the padding) from its δ filter-last in <paramref name="tile"/> (as
    /// <see cref="Accumulate{T}"/> leaves it, lanes past O zero) and Kᵗ (<see cref="Prepare{T}"/>), through the row of
    /// sums <paramref name="row"/> (<see cref="RowLength"/> × <see cref="Room"/> values), over the sample's C·H·W values
    /// of <paramref name="gradient"/>.
    /// </summary>
    public static void InputGradient<T>(KernelPath path, T* tile, T* transposed, int filters, ColumnTransfer.Geometry geometry, T* row, T* gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new DirectConvolution.Plan(geometry);
        var room = Room(filters);
        switch (path)
        {
            case KernelPath.Vector512:
                FilterLanesConvolutionLanes.InputGradient<Lanes512<T>, Vector512<T>, T>(tile, transposed, room, shape, geometry, row, gradient);
                break;
            case KernelPath.Vector256:
                FilterLanesConvolutionLanes.InputGradient<Lanes256<T>, Vector256<T>, T>(tile, transposed, room, shape, geometry, row, gradient);
                break;
            default:
                FilterLanesConvolutionLanes.InputGradient<Lanes128<T>, Vector128<T>, T>(tile, transposed, room, shape, geometry, row, gradient);
                break;
        }
    }

    /// <summary>∂K[o, c, u, v] = the filter-last sums' lane o of row (c, u, v), written row-major as K.</summary>
    public static void Reduce<T>(T* lanes, int filters, int patch, T* kernelGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var room = Room(filters);
        for (var o = 0; o < filters; o++)
        {
            for (var q = 0; q < patch; q++)
            {
                kernelGradient[(o * patch) + q] = lanes[(q * room) + o];
            }
        }
    }

    /// <summary>
    /// destination[p · destinationStride + r] = source[r · sourceStride + p] for r &lt; rows, p &lt; count: by register
    /// transposes where <see cref="BlockTranspose"/> applies, else one value at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose<T>(KernelPath path, T* source, int rows, int count, int sourceStride, T* destination, int destinationStride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (BlockTranspose.Applies<T>(path, rows))
        {
            BlockTranspose.Copy(ref *source, sourceStride, rows, count, ref *destination, destinationStride);
            return;
        }

        for (var r = 0; r < rows; r++)
        {
            for (var p = 0; p < count; p++)
            {
                destination[(p * destinationStride) + r] = source[(r * sourceStride) + p];
            }
        }
    }
}
