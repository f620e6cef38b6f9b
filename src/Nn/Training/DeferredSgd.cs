using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// Per-sample SGD (batch 1, no L2) over a block of consecutive samples with the first layer's updates deferred
/// to the block's end. Every sample still sees the network as updated by all the samples before it: only the
/// arithmetic is regrouped, so the networks it produces equal the one-sample-at-a-time loop's up to rounding.
/// </summary>
/// <remarks>
/// <para>
/// Why: a per-sample step on a wide first layer (784 × 100 in the classic tutorial network) is bound by memory
/// traffic, because it reads W¹ for the forward pass and reads and writes it again for the update, while doing
/// only two flops per weight. The updates W¹ receives inside a block are rank-one, W¹ₙ = W¹₀ + Σ_{i&lt;n} uᵢ xᵢᵀ
/// with uᵢ = −η δ¹ᵢ, and the samples' inputs are known in advance, so
/// </para>
/// <para>
/// z¹ₙ = W¹ₙ xₙ + b¹ₙ = (X W¹₀ᵀ)[n] + Σ_{i&lt;n} (X Xᵀ)[i, n] uᵢ + b¹ₙ,
/// </para>
/// <para>
/// where X W¹₀ᵀ and the Gram matrix X Xᵀ are two matrix products computed once per block by the packed GEMM
/// kernels, and at the block's end W¹ receives all its updates at once as W¹₀ + Uᵀ X, a third product. The first
/// layer's weights are never needed for backpropagation (no δ is propagated to the input), so the sequential
/// part touches only the small layers above it, which are updated in place sample by sample.
/// </para>
/// <para>
/// θ is only read; θ' is written into the caller's spare buffer. If anything in the block becomes NaN or
/// infinite the method says so and the caller replays the block one sample at a time from θ, which finds the
/// exact failing sample and keeps the last finite network.
/// </para>
/// </remarks>
internal sealed unsafe class DeferredSgd<T> : IDeferredSampleLoop
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Architecture architecture;
    private readonly Loss loss;
    private readonly T learningRate;
    private readonly T[] firstProducts;
    private readonly T[] gram;
    private readonly T[] updates;
    private readonly bool loopStaysOnItsThread;
    private DeferredSgdRegions<T>? regions;
    private LoopArguments pending;

    /// <summary>The first layer's final update (a read and a write of every weight) is split over threads from this many weights on.</summary>
    private const int MinimumParallelUpdate = 1 << 15;

    /// <summary>Buffers for blocks of up to <paramref name="blockSize"/> samples.</summary>
    public DeferredSgd(Architecture architecture, Loss loss, T learningRate, int blockSize)
    {
        this.architecture = architecture;
        this.loss = loss;
        this.learningRate = learningRate;
        BlockSize = blockSize;
        var hidden = architecture.Layers[0].Outputs;
        firstProducts = new T[Limits.Elements(nameof(blockSize), blockSize, hidden, "a block of samples through the first layer")];
        gram = new T[Limits.Elements(nameof(blockSize), blockSize, blockSize, "a block's Gram matrix")];
        updates = new T[firstProducts.Length];

        // The loop may run inside a region only where none of its one-sample products would open a region of its own
        // (a pool runs one region at a time): one-row products of the layers above the first stay on their thread
        // below GemmTeam's threshold on every path (row-wise passes of one row never split).
        loopStaysOnItsThread = true;
        for (var l = 1; l < architecture.Layers.Length; l++)
        {
            loopStaysOnItsThread &= architecture.Layers[l].WeightCount < GemmTeam<T>.MinimumParallelWork;
        }
    }

    /// <summary>The most samples one call takes.</summary>
    public int BlockSize { get; }

    /// <summary>
    /// Whether a block of <paramref name="count"/> samples has the first-layer work to use more than one thread at all
    /// (<see cref="DeferredSgdRegions{T}.MinimumParallelWork"/>); a smaller block runs wholly on the calling thread.
    /// </summary>
    public bool CanSplit(int count) => DeferredSgdRegions<T>.WorthSplitting(count, architecture.Layers[0].Inputs, architecture.Layers[0].Outputs);

    /// <summary>
    /// The block size the training loop uses for <paramref name="architecture"/>, or 0 where deferring does not
    /// pay: a first layer small enough to stay in the nearest cache is cheaper to update in place.
    /// </summary>
    public static int BlockSizeFor(Architecture architecture)
    {
        var first = architecture.Layers[0];
        return first.WeightCount >= 4096 && first.Inputs >= 32 ? 32 : 0;
    }

    /// <summary>
    /// Runs <paramref name="count"/> per-sample SGD steps on the rows of <paramref name="x"/> and
    /// <paramref name="y"/> in order, from θ = <paramref name="theta"/> into <paramref name="next"/>, and writes
    /// each sample's cost and predicted class (before its own update) into <paramref name="costs"/> and
    /// <paramref name="predictions"/>. <paramref name="scratch"/> holds
    /// at least the first layer's weight count. Returns false, with <paramref name="next"/> unusable, when a
    /// cost or a parameter became NaN or infinite. With <paramref name="useThreads"/> false, or a block too small to
    /// <see cref="CanSplit"/>, the block runs on the calling thread alone, with the same bits.
    /// </summary>
    public bool TryRun(
        ReadOnlySpan<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, int count, Span<T> next, Span<double> costs, Span<int> predictions, Workspace<T> workspace, Span<T> scratch, bool useThreads = true)
    {
        var first = architecture.Layers[0];
        int inputs = first.Inputs, hidden = first.Outputs;
        var firstWeights = architecture.WeightOffset(0);
        var blockInputs = x.Slice(0, count * inputs);

        // Everything but W¹ is updated in place in θ' sample by sample, so it starts as a copy of θ.
        theta.Slice(0, firstWeights).CopyTo(next);
        theta.Slice(firstWeights + first.WeightCount).CopyTo(next.Slice(firstWeights + first.WeightCount));

        var products = firstProducts.AsSpan(0, count * hidden);
        var dots = gram.AsSpan(0, count * count);
        var team = useThreads && CanSplit(count) ? workspace.Team : null;
        var split = RegionsFor(team?.Pool, count, inputs, hidden);
        var firstLayer = theta.Slice(firstWeights, first.WeightCount);
        var blockUpdates = updates.AsSpan(0, count * hidden);
        var sum = scratch.Slice(0, first.WeightCount);
        var nextFirst = next.Slice(firstWeights, first.WeightCount);
        if (split is not null && loopStaysOnItsThread)
        {
            // The loop as a part of the second region, the other thread computing the Gram matrix's later rows beside
            // it; then W¹ = W¹₀ + Uᵀ X, all of the block's first-layer updates in one product, in the same region.
            split.Products(workspace.Path, blockInputs, count, inputs, firstLayer, hidden, products, dots, overlapped: true);
            fixed (T* py = y, pn = next)
            fixed (double* pc = costs)
            fixed (int* pp = predictions)
            {
                pending = new LoopArguments(count, py, y.Length, pn, next.Length, pc, pp, workspace);
                try
                {
                    return split.SamplesAndUpdate(this, workspace.Path, blockInputs, count, inputs, hidden, dots, blockUpdates, sum, firstLayer, nextFirst);
                }
                finally
                {
                    pending = default;
                }
            }
        }

        if (split is not null)
        {
            split.Products(workspace.Path, blockInputs, count, inputs, firstLayer, hidden, products, dots, overlapped: false);
        }
        else
        {
            DenseKernels.MultiplyByTranspose(blockInputs, count, inputs, firstLayer, hidden, products, workspace.Path, team);
            DenseKernels.MultiplyByTranspose(blockInputs, count, inputs, blockInputs, count, dots, workspace.Path, team);
        }

        if (!Samples(count, y, next, costs, predictions, workspace, null))
        {
            return false;
        }

        // W¹ = W¹₀ + Uᵀ X: all of the block's first-layer updates in one product.
        if (split is not null)
        {
            return split.Update(workspace.Path, blockUpdates, blockInputs, count, inputs, hidden, sum, firstLayer, nextFirst);
        }

        DenseKernels.TransposeProduct(blockUpdates, count, hidden, blockInputs, inputs, sum, false, workspace.Path, team);
        return AddUpdates(sum, firstLayer, nextFirst, team?.Pool);
    }

    bool IDeferredSampleLoop.Run()
    {
        var block = pending;
        return Samples(
            block.Count,
            new ReadOnlySpan<T>(block.Targets, block.TargetsLength),
            new Span<T>(block.Next, block.NextLength),
            new Span<double>(block.Costs, block.Count),
            new Span<int>(block.Predictions, block.Count),
            block.Workspace!,
            regions);
    }

    /// <summary>
    /// The block's samples in order, from the first layer's products and the Gram matrix (read by rows: sample n reads
    /// xₙ · xᵢ for i &lt; n), waiting on <paramref name="gramRows"/> for each row where another thread computes them.
    /// </summary>
    private bool Samples(int count, ReadOnlySpan<T> y, Span<T> next, Span<double> costs, Span<int> predictions, Workspace<T> workspace, DeferredSgdRegions<T>? gramRows)
    {
        var layers = architecture.Layers;
        var first = layers[0];
        int hidden = first.Outputs, last = layers.Length - 1, outputs = architecture.OutputSize;
        var products = firstProducts.AsSpan(0, count * hidden);
        var dots = gram.AsSpan(0, count * count);
        var finite = true;
        for (var n = 0; n < count; n++)
        {
            if (n > 0)
            {
                gramRows?.AwaitGramRows(n + 1);
            }

            // z¹ₙ = (X W¹₀ᵀ)[n] + Σ_{i<n} (xₙ · xᵢ) uᵢ + b¹: the first layer as the earlier samples of the block left it.
            var z = workspace.Z[0].AsSpan(0, hidden);
            products.Slice(n * hidden, hidden).CopyTo(z);
            VectorKernels.MultiplyAddRows(dots.Slice(n * count, n), updates.AsSpan(0, n * hidden), hidden, z, workspace.Path);

            if (first.HasBias)
            {
                VectorKernels.MultiplyAdd(T.One, next.Slice(architecture.BiasOffset(0), hidden), z);
            }

            first.Activation.ForwardInto<T>(z, workspace.A[0].AsSpan(0, hidden), hidden);
            for (var l = 1; l <= last; l++)
            {
                Propagation.ForwardLayer<T>(architecture, next, l, workspace.A[l - 1].AsSpan(0, layers[l].Inputs), 1, workspace);
            }

            predictions[n] = Kernels.TensorKernels.IndexOfMax(workspace.Output(1));
            var cost = Propagation.SampleCostAndOutputDelta(architecture, loss, y.Slice(n * outputs, outputs), workspace);
            costs[n] = double.CreateChecked(cost);
            if (!T.IsFinite(cost))
            {
                return false;
            }

            // The layers above the first are updated in place, sample by sample.
            for (var l = last; l > 0; l--)
            {
                finite &= Propagation.SgdLayerStep<T>(architecture, l, next, workspace.A[l - 1].AsSpan(0, layers[l].Inputs), learningRate, workspace, next);
            }

            // The first layer's update is only recorded (uₙ = −η δ¹ₙ); its bias is small and updated now.
            var delta = workspace.Delta[0].AsSpan(0, hidden);
            VectorKernels.Multiply(-learningRate, delta, updates.AsSpan(n * hidden, hidden));
            if (first.HasBias)
            {
                var bias = next.Slice(architecture.BiasOffset(0), hidden);
                finite &= VectorKernels.MultiplyAddFinite(-learningRate, delta, bias, bias);
            }

            if (!finite)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The block's parallel regions on <paramref name="pool"/>, or null where the block stays with the per-product split (or on one thread).</summary>
    private DeferredSgdRegions<T>? RegionsFor(WorkerPool? pool, int count, int inputs, int hidden)
    {
        if (pool is null)
        {
            return null;
        }

        // Made at the first block of a run and kept: the run's pool does not change.
        if (regions?.Pool != pool)
        {
            regions = new DeferredSgdRegions<T>(pool);
        }

        return regions.Applies(count, inputs, hidden) ? regions : null;
    }

    /// <summary>next = theta + sum, split over <paramref name="pool"/>'s threads when it is long enough; whether every element is finite.</summary>
    private static bool AddUpdates(ReadOnlySpan<T> sum, ReadOnlySpan<T> theta, Span<T> next, WorkerPool? pool)
    {
        var finite = stackalloc bool[Limits.MaxThreads];
        fixed (T* s = sum, t = theta, n = next)
        {
            var job = new UpdateJob(s, t, n, finite);
            var parts = RangeSplit.Run(pool, sum.Length, MinimumParallelUpdate, &UpdatePart, &job);
            var all = true;
            for (var part = 0; part < parts; part++)
            {
                all &= finite[part];
            }

            return all;
        }
    }

    private static void UpdatePart(void* arguments, int part, int from, int to)
    {
        var job = (UpdateJob*)arguments;
        job->Finite[part] = VectorKernels.MultiplyAddFinite(
            T.One, new ReadOnlySpan<T>(job->Sum + from, to - from), new ReadOnlySpan<T>(job->Theta + from, to - from), new Span<T>(job->Next + from, to - from));
    }

    /// <summary>The arguments of <see cref="UpdatePart"/>, on the caller's stack: W¹'s sum of updates, W¹₀, W¹' and each part's finiteness.</summary>
    private readonly struct UpdateJob(T* sum, T* theta, T* next, bool* finite)
    {
        public T* Sum { get; } = sum;

        public T* Theta { get; } = theta;

        public T* Next { get; } = next;

        public bool* Finite { get; } = finite;
    }

    /// <summary>The arguments of the block whose loop <see cref="IDeferredSampleLoop.Run"/> runs: pinned by <see cref="TryRun"/> for the call.</summary>
    private readonly struct LoopArguments(int count, T* targets, int targetsLength, T* next, int nextLength, double* costs, int* predictions, Workspace<T> workspace)
    {
        public int Count { get; } = count;

        public T* Targets { get; } = targets;

        public int TargetsLength { get; } = targetsLength;

        public T* Next { get; } = next;

        public int NextLength { get; } = nextLength;

        public double* Costs { get; } = costs;

        public int* Predictions { get; } = predictions;

        public Workspace<T>? Workspace { get; } = workspace;
    }
}
