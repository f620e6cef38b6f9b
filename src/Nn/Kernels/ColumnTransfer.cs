using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nn.Kernels;

/// <summary>
/// The one loop nest behind im2col and its adjoint: for every row (c, u, v) of the columns matrix X̂, every sample n
/// and output row i, the OW entries X̂[(c·KH + u)·KW + v, n·P + i·OW + j] pair with the input positions
/// x[n, c, i·s + u − p, j·s + v − p]; entries whose position falls outside the image are padding. A transfer
/// (<see cref="Gather{T}"/> or <see cref="Scatter{T}"/>) holds the two spans and says what to do with each
/// stretch, so the index arithmetic is written once.
/// </summary>
internal static class ColumnTransfer
{
    /// <summary>What happens to one stretch of paired entries: image[at + k·stride] with columns[entry + k] for k &lt; count.</summary>
    internal interface ITransfer
    {
        /// <summary>Moves one stretch between image positions <paramref name="stride"/> apart and contiguous column entries.</summary>
        void Stretch(int at, int stride, int entry, int count);

        /// <summary>Handles <paramref name="count"/> column entries from <paramref name="entry"/> on that fall on padding.</summary>
        void Padding(int entry, int count);

        /// <summary>
        /// Moves <paramref name="lines"/> whole output rows at stride 1 with no padding: image[at + i·width + k] with
        /// columns[entry + i·length + k] for i &lt; lines and k &lt; length.
        /// </summary>
        void Lines(int at, int width, int entry, int length, int lines);
    }

    /// <summary>A convolution's sizes as plain integers, so a job holding them can live on the stack and be reached by pointer.</summary>
    internal readonly record struct Geometry(
        int Channels, int Height, int Width, int KernelHeight, int KernelWidth, int Stride, int Padding, int OutputHeight, int OutputWidth)
    {
        /// <summary>The geometry of a convolution from <paramref name="input"/> to <paramref name="output"/>.</summary>
        public static Geometry Of(Shape input, int kernelHeight, int kernelWidth, int stride, int padding, Shape output) =>
            new(input.Channels, input.Height, input.Width, kernelHeight, kernelWidth, stride, padding, output.Height, output.Width);

        /// <summary>C·H·W: one input sample.</summary>
        public int InputSize => Channels * Height * Width;

        /// <summary>C·KH·KW: the rows of X̂.</summary>
        public int Patch => Channels * KernelHeight * KernelWidth;

        /// <summary>OH·OW: the columns of X̂ per sample.</summary>
        public int Positions => OutputHeight * OutputWidth;
    }

    /// <summary>im2col: column entries = image values, 0 on padding.</summary>
    internal readonly ref struct Gather<T>(ReadOnlySpan<T> image, Span<T> columns) : ITransfer
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> image = image;
        private readonly Span<T> columns = columns;
        private readonly bool wide = Wide();

        public void Stretch(int at, int stride, int entry, int count)
        {
            if (stride == 1)
            {
                Copy(image.Slice(at, count), columns.Slice(entry, count), wide);
                return;
            }

            var source = image.Slice(at, ((count - 1) * stride) + 1);
            var target = columns.Slice(entry, count);
            for (var k = 0; k < target.Length; k++)
            {
                target[k] = source[k * stride];
            }
        }

        public void Padding(int entry, int count) => columns.Slice(entry, count).Clear();

        public void Lines(int at, int width, int entry, int length, int lines)
        {
            ref var from = ref MemoryMarshal.GetReference(image.Slice(at, ((lines - 1) * width) + length));
            ref var to = ref MemoryMarshal.GetReference(columns.Slice(entry, lines * length));
            for (var i = 0; i < lines; i++)
            {
                Copy(ref Unsafe.Add(ref from, i * width), ref Unsafe.Add(ref to, i * length), length, wide);
            }
        }
    }

    /// <summary>col2im: image values += column entries; padding entries are dropped (the crop by p).</summary>
    internal readonly ref struct Scatter<T>(ReadOnlySpan<T> columns, Span<T> image) : ITransfer
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> columns = columns;
        private readonly Span<T> image = image;
        private readonly bool wide = Wide();

        public void Stretch(int at, int stride, int entry, int count)
        {
            var source = columns.Slice(entry, count);
            if (stride == 1)
            {
                Add(source, image.Slice(at, count), wide);
                return;
            }

            var spaced = image.Slice(at, ((count - 1) * stride) + 1);
            for (var k = 0; k < source.Length; k++)
            {
                spaced[k * stride] += source[k];
            }
        }

        public void Padding(int entry, int count)
        {
        }

        public void Lines(int at, int width, int entry, int length, int lines)
        {
            ref var from = ref MemoryMarshal.GetReference(columns.Slice(entry, lines * length));
            ref var to = ref MemoryMarshal.GetReference(image.Slice(at, ((lines - 1) * width) + length));
            for (var i = 0; i < lines; i++)
            {
                Add(ref Unsafe.Add(ref from, i * length), ref Unsafe.Add(ref to, i * width), length, wide);
            }
        }
    }

    /// <summary>
    /// Walks every (c, u, v, n, i) of a convolution over samples <paramref name="first"/> … <paramref name="last"/> − 1
    /// of a batch of <paramref name="rows"/> and hands the transfer each in-image stretch of an output row's OW
    /// entries, and the padding on either side of it.
    /// </summary>
    public static void Run<TTransfer>(scoped ref TTransfer transfer, int rows, int first, int last, Geometry geometry)
        where TTransfer : ITransfer, allows ref struct
    {
        int height = geometry.Height, width = geometry.Width, size = geometry.Channels * height * width;
        int outHeight = geometry.OutputHeight, outWidth = geometry.OutputWidth, stride = geometry.Stride, padding = geometry.Padding;
        var positions = outHeight * outWidth;
        var fields = rows * positions;
        var row = 0;
        for (var c = 0; c < geometry.Channels; c++)
        {
            for (var u = 0; u < geometry.KernelHeight; u++)
            {
                for (var v = 0; v < geometry.KernelWidth; v++, row++)
                {
                    // The output columns j whose input column j·s + v − p lies inside the image: [from, to).
                    var from = Math.Min(outWidth, CeilingDivide(Math.Max(0, padding - v), stride));
                    var to = Math.Max(from, Math.Min(outWidth, CeilingDivide(width + padding - v, stride)));
                    var xFrom = (from * stride) + v - padding;
                    var entry = (row * fields) + (first * positions);
                    if (stride == 1 && padding == 0)
                    {
                        // Every output row lies inside the image: a sample's OH rows in one call, without the checks below.
                        for (var n = first; n < last; n++, entry += positions)
                        {
                            transfer.Lines((n * size) + (((c * height) + u) * width) + v, width, entry, outWidth, outHeight);
                        }

                        continue;
                    }

                    for (var n = first; n < last; n++)
                    {
                        var plane = (n * size) + (c * height * width);
                        for (var i = 0; i < outHeight; i++, entry += outWidth)
                        {
                            var y = (i * stride) + u - padding;
                            if ((uint)y >= (uint)height)
                            {
                                transfer.Padding(entry, outWidth);
                                continue;
                            }

                            if (from > 0)
                            {
                                transfer.Padding(entry, from);
                            }

                            if (to > from)
                            {
                                transfer.Stretch(plane + (y * width) + xFrom, stride, entry + from, to - from);
                            }

                            if (to < outWidth)
                            {
                                transfer.Padding(entry + to, outWidth - to);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Whether the kernel path in use takes the 256-bit copies and sums below (a Vector256 or Vector512 path).</summary>
    private static bool Wide() => KernelCensus.Resolve(KernelPath.Auto) is KernelPath.Vector256 or KernelPath.Vector512 && Vector256.IsHardwareAccelerated;

    /// <summary>⌈a / b⌉ for a ≥ 0 and b ≥ 1.</summary>
    private static int CeilingDivide(int a, int b) => (a + b - 1) / b;

    /// <summary>
    /// target = source for one short stretch (OW values: 24 and 8 in LeNet), by whole vectors with an overlapping
    /// last one, where a library copy's call would cost more than the copy.
    /// </summary>
    private static void Copy<T>(ReadOnlySpan<T> source, Span<T> target, bool wide)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Copy(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(target.Slice(0, source.Length)), source.Length, wide);

    /// <summary>target += source for one short stretch.</summary>
    private static void Add<T>(ReadOnlySpan<T> source, Span<T> target, bool wide)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Add(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(target.Slice(0, source.Length)), source.Length, wide);

    /// <summary>The copy of <paramref name="length"/> values between references whose bounds the caller checked.</summary>
    private static void Copy<T>(ref T from, ref T to, int length, bool wide)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = Vector256<T>.Count;
        if (!wide || length < width)
        {
            for (var k = 0; k < length; k++)
            {
                Unsafe.Add(ref to, k) = Unsafe.Add(ref from, k);
            }

            return;
        }

        var last = (nuint)(length - width);
        for (nuint k = 0; k < last; k += (nuint)width)
        {
            Vector256.LoadUnsafe(ref from, k).StoreUnsafe(ref to, k);
        }

        Vector256.LoadUnsafe(ref from, last).StoreUnsafe(ref to, last);
    }

    /// <summary>to += from over <paramref name="length"/> values whose bounds the caller checked: whole vectors, then the remainder one by one.</summary>
    private static void Add<T>(ref T from, ref T to, int length, bool wide)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var k = 0;
        if (wide)
        {
            for (; k + Vector256<T>.Count <= length; k += Vector256<T>.Count)
            {
                (Vector256.LoadUnsafe(ref to, (nuint)k) + Vector256.LoadUnsafe(ref from, (nuint)k)).StoreUnsafe(ref to, (nuint)k);
            }
        }

        for (; k < length; k++)
        {
            Unsafe.Add(ref to, k) += Unsafe.Add(ref from, k);
        }
    }
}
