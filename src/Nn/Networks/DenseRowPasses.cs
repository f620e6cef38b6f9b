using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The element-wise passes between a dense step's matrix products, split over the threads of a
/// <see cref="WorkerPool"/>: z^l += b^l and a^l = σ(z^l) after the forward product, and after the backward product
/// ∂C/∂b^l += Σ_rows δ^l with δ^(l−1) = (δ^l W^l) ⊙ σ'(z^(l−1)); and σ' between the layers of any stack. Left on the calling thread, these passes are what
/// the second thread waits through between two products. Owned by one <see cref="Workspace{T}"/>; allocates nothing.
/// </summary>
/// <remarks>
/// Each element gets exactly the operations of the unsplit pass, so the results are bit for bit those of one thread:
/// the bias gradient is split by columns (each column still sums its rows in order), the activations by rows, and
/// for an element-wise σ every part but the last starts at a multiple of <see cref="Alignment"/> elements and holds
/// at least that many, so the vector loops cover the same elements as in one pass over the whole batch (the softmax
/// works row by row, so any split of its rows will do).
/// </remarks>
internal sealed unsafe class DenseRowPasses<T> : IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Parts of an element-wise σ start at multiples of this many elements, as <see cref="RangeSplit"/>'s ranges do.</summary>
    private const int Alignment = RangeSplit.Alignment;

    /// <summary>
    /// Passes over fewer elements than this run on the calling thread alone: handing out a region costs about a
    /// microsecond, and the other core then reads rows the calling thread wrote, so passes of 4–8 µs got slower on two
    /// threads (`b-profile`, 8–11 µs).
    /// </summary>
    private const int MinimumParallelElements = 1 << 15;

    /// <summary>Softmax rows cost several calls each, so fewer rows than this (rather than elements) stay on one thread.</summary>
    private const int MinimumParallelSoftmaxRows = 64;

    private readonly WorkerPool pool;
    private Activation activation = Activation.Identity;
    private bool backward;
    private int rows;
    private int width;
    private int unitRows;
    private T* bias;
    private int biasLength;
    private T* z;
    private T* a;
    private T* delta;
    private T* biasGradient;
    private int biasGradientLength;
    private T* gradientZ;
    private int activationWidth;

    public DenseRowPasses(WorkerPool pool) => this.pool = pool;

    /// <summary>z += b on every row (b empty for none), then a = σ(z): a dense layer's forward pass after Z = X Wᵀ.</summary>
    /// <param name="activation">σ.</param>
    /// <param name="bias">b, length <paramref name="width"/>, or empty.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="width">The layer's outputs.</param>
    /// <param name="z">Z, rows × width; the bias is added in place.</param>
    /// <param name="a">Destination for A, rows × width.</param>
    public void BiasAndActivation(Activation activation, ReadOnlySpan<T> bias, int rows, int width, Span<T> z, Span<T> a)
    {
        var units = Units(activation, rows, width, out var unitRows);
        if (units < 2)
        {
            AddBiasAndActivate(activation, bias, width, z.Slice(0, rows * width), a.Slice(0, rows * width));
            return;
        }

        fixed (T* pb = bias, pz = z, pa = a)
        {
            Publish(activation, false, rows, width, unitRows);
            this.bias = pb;
            biasLength = bias.Length;
            this.z = pz;
            this.a = pa;
            try
            {
                pool.Run(this, Math.Min(pool.Threads, units));
            }
            finally
            {
                // Also after a part threw: the arrays are pinned only inside this block.
                Clear();
            }
        }
    }

    /// <summary>
    /// The passes after a dense layer's backward products: ∂C/∂b += Σ_rows δ (columns of δ, rows × <paramref name="width"/>;
    /// nothing when <paramref name="biasGradient"/> is empty), and ∂C/∂z = ∂C/∂a ⊙ σ'(z) of the layer below
    /// (rows × <paramref name="belowWidth"/>, in place in <paramref name="gradientZ"/>; nothing when it is empty).
    /// </summary>
    /// <param name="delta">δ of this layer, rows × width.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="width">This layer's outputs.</param>
    /// <param name="biasGradient">∂C/∂b of this layer, added to; or empty.</param>
    /// <param name="below">σ of the layer below.</param>
    /// <param name="belowWidth">The outputs of the layer below.</param>
    /// <param name="zBelow">z of the layer below, rows × belowWidth.</param>
    /// <param name="aBelow">a of the layer below, rows × belowWidth.</param>
    /// <param name="gradientZ">∂C/∂a of the layer below on entry, ∂C/∂z on return; or empty.</param>
    public void BiasGradientAndActivationBackward(
        ReadOnlySpan<T> delta, int rows, int width, Span<T> biasGradient, Activation below, int belowWidth, ReadOnlySpan<T> zBelow, ReadOnlySpan<T> aBelow, Span<T> gradientZ)
    {
        var unitRows = 1;
        var activationUnits = gradientZ.IsEmpty ? 0 : Units(below, rows, belowWidth, out unitRows);
        var sumsParallel = !biasGradient.IsEmpty && (long)rows * width >= MinimumParallelElements;
        var parts = Math.Min(pool.Threads, Math.Max(activationUnits, sumsParallel ? width : 0));
        if (parts < 2)
        {
            if (!biasGradient.IsEmpty)
            {
                DenseKernels.AddColumnSumsInto<T>(delta.Slice(0, rows * width), rows, biasGradient.Slice(0, width));
            }

            if (!gradientZ.IsEmpty)
            {
                var length = rows * belowWidth;
                below.BackwardInto<T>(zBelow.Slice(0, length), aBelow.Slice(0, length), gradientZ.Slice(0, length), gradientZ.Slice(0, length), belowWidth);
            }

            return;
        }

        fixed (T* pd = delta, pg = biasGradient, pz = zBelow, pa = aBelow, pdz = gradientZ)
        {
            Publish(below, true, rows, width, unitRows);
            this.delta = pd;
            this.biasGradient = pg;
            biasGradientLength = biasGradient.IsEmpty ? 0 : width;
            z = pz;
            a = pa;
            this.gradientZ = pdz;
            activationWidth = gradientZ.IsEmpty ? 0 : belowWidth;
            try
            {
                pool.Run(this, parts);
            }
            finally
            {
                // Also after a part threw: the arrays are pinned only inside this block.
                Clear();
            }
        }
    }

    /// <summary>
    /// ∂C/∂z = ∂C/∂a ⊙ σ'(z) in place over <paramref name="rows"/> × <paramref name="width"/>: the pass between any two
    /// layers of a stack (a convolution's or pooling layer's output as well as a dense one's), split by rows like the
    /// dense step's.
    /// </summary>
    /// <param name="activation">σ of the layer whose output this is.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="width">The layer's output size per sample.</param>
    /// <param name="z">z of the layer, rows × width.</param>
    /// <param name="a">a of the layer, rows × width.</param>
    /// <param name="gradient">∂C/∂a on entry, ∂C/∂z on return.</param>
    public void ActivationBackward(Activation activation, int rows, int width, ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> gradient) =>
        BiasGradientAndActivationBackward(ReadOnlySpan<T>.Empty, rows, 0, Span<T>.Empty, activation, width, z, a, gradient);

    void IPartitionedWork.Execute(int part, int parts)
    {
        if (!backward)
        {
            var (first, last) = RowRange(part, parts);
            var length = (last - first) * width;
            var offset = first * width;
            AddBiasAndActivate(activation, new ReadOnlySpan<T>(bias, biasLength), width, new Span<T>(z + offset, length), new Span<T>(a + offset, length));
            return;
        }

        if (biasGradientLength > 0)
        {
            var from = Partition.Start(width, part, parts);
            var to = Partition.Start(width, part + 1, parts);
            DenseKernels.AddColumnSumsInto(new ReadOnlySpan<T>(delta, rows * width), rows, width, from, new Span<T>(biasGradient + from, to - from));
        }

        if (activationWidth > 0)
        {
            var (first, last) = RowRange(part, parts);
            var length = (last - first) * activationWidth;
            var offset = first * activationWidth;
            var gradient = new Span<T>(gradientZ + offset, length);
            activation.BackwardInto<T>(new ReadOnlySpan<T>(z + offset, length), new ReadOnlySpan<T>(a + offset, length), gradient, gradient, activationWidth);
        }
    }

    /// <summary>The unsplit forward pass over whole rows: the bias row by row, then σ over all of them at once.</summary>
    private static void AddBiasAndActivate(Activation activation, ReadOnlySpan<T> bias, int width, Span<T> z, Span<T> a)
    {
        if (!bias.IsEmpty)
        {
            DenseKernels.AddRowVectorInto(bias, z.Length / width, z);
        }

        activation.ForwardInto<T>(z, a, width);
    }

    /// <summary>
    /// How many units of <paramref name="unitRows"/> rows σ's pass over <paramref name="rows"/> × <paramref name="width"/>
    /// may be split into (0 when it is too small to split): for an element-wise σ a unit is the fewest rows whose
    /// elements are a multiple of <see cref="Alignment"/>.
    /// </summary>
    private static int Units(Activation activation, int rows, int width, out int unitRows)
    {
        if (!activation.IsElementwise)
        {
            unitRows = 1;
            return rows >= MinimumParallelSoftmaxRows ? rows : 0;
        }

        // Alignment is a power of two, so its greatest common divisor with width is width's lowest set bit, at most Alignment.
        unitRows = Alignment / Math.Min(width & -width, Alignment);
        return (long)rows * width >= MinimumParallelElements ? rows / unitRows : 0;
    }

    /// <summary>Rows [first, last) of part <paramref name="part"/>: whole units, the remainder rows with the last part.</summary>
    private (int First, int Last) RowRange(int part, int parts)
    {
        var units = rows / unitRows;
        var first = Partition.Start(units, part, parts) * unitRows;
        var last = part == parts - 1 ? rows : Partition.Start(units, part + 1, parts) * unitRows;
        return (first, last);
    }

    private void Publish(Activation activation, bool backward, int rows, int width, int unitRows)
    {
        this.activation = activation;
        this.backward = backward;
        this.rows = rows;
        this.width = width;
        this.unitRows = Math.Max(unitRows, 1);
    }

    private void Clear()
    {
        bias = z = a = delta = biasGradient = gradientZ = null;
        biasLength = biasGradientLength = activationWidth = 0;
    }
}
