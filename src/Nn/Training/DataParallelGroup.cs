using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Nn;

/// <summary>
/// The ranks of a data-parallel run as the training loop sees them: which rank this process is, how many there are,
/// and a sum over all of them. Nn.Distributed implements it over MPI; the core library stays free of any transport.
/// Every sum must leave the same bits on every rank, because each rank then applies the same update to its own copy
/// of θ and the copies must never drift apart.
/// </summary>
internal interface IDataParallelGroup
{
    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="Size"/>; rank 0 is the one that writes files and prints.</summary>
    int Rank { get; }

    /// <summary>The number of ranks N.</summary>
    int Size { get; }

    /// <summary>
    /// How many of the ranks, this one included, run on this machine and so share its processors (1 by default, for
    /// groups that do not know): a rank's team of threads takes its share of them (<see cref="TrainingRun{T}"/>).
    /// </summary>
    int RanksOnThisMachine => 1;

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum of every rank's values (the same bits everywhere).</summary>
    void Sum(Span<float> values);

    /// <inheritdoc cref="Sum(Span{float})"/>
    void Sum(Span<double> values);

    /// <inheritdoc cref="Sum(Span{float})"/>
    void Sum(Span<int> values);

    /// <summary>
    /// Sums every rank's <paramref name="weight"/> · <paramref name="values"/> element by element (each rank its own
    /// weight) and writes this rank's block of the sum (<see cref="DataParallel.Block"/> of values.Length) into
    /// <paramref name="block"/>: a reduce-scatter, in which each element of the sum is computed on one rank only. The
    /// weighting is a separate rounding of each product before the sum, so a group may apply it wherever it passes
    /// over the values anyway (the shared memory of one machine, while copying them in). The default goes through
    /// <see cref="Sum(Span{float})"/> (correct for any group, but it moves the whole vector both ways).
    /// </summary>
    /// <param name="values">This rank's values; every rank passes the same length. May be overwritten.</param>
    /// <param name="weight">This rank's weight.</param>
    /// <param name="block">Receives this rank's block of the sum; as long as the block.</param>
    void SumBlock(Span<float> values, float weight, Span<float> block)
    {
        Kernels.TensorKernels.Multiply<float>(values, weight, values);
        Sum(values);
        var (start, count) = DataParallel.Block(values.Length, Rank, Size);
        values.Slice(start, count).CopyTo(block);
    }

    /// <inheritdoc cref="SumBlock(Span{float}, float, Span{float})"/>
    void SumBlock(Span<double> values, double weight, Span<double> block)
    {
        Kernels.TensorKernels.Multiply<double>(values, weight, values);
        Sum(values);
        var (start, count) = DataParallel.Block(values.Length, Rank, Size);
        values.Slice(start, count).CopyTo(block);
    }

    /// <summary>
    /// Copies each rank's block (<see cref="DataParallel.Block"/> of values.Length) of <paramref name="values"/> into
    /// the same place on every other rank (an all-gather), so afterwards every rank holds the same bits. The default
    /// clears the other blocks and sums the bit patterns as integers, which is exact (one term per element is not zero).
    /// </summary>
    /// <param name="values">This rank's block is read, the others' blocks are overwritten; the same length on every rank.</param>
    void GatherBlocks(Span<float> values) => DataParallel.GatherBitsBySum(this, MemoryMarshal.Cast<float, int>(values), values.Length, 1);

    /// <inheritdoc cref="GatherBlocks(Span{float})"/>
    void GatherBlocks(Span<double> values) => DataParallel.GatherBitsBySum(this, MemoryMarshal.Cast<double, int>(values), values.Length, 2);

    /// <summary>
    /// <see cref="GatherBlocks(Span{float})"/> of <paramref name="values"/> and <see cref="Sum(Span{double})"/> of
    /// <paramref name="totals"/> together, so that a group can make them one exchange (the shared memory of one
    /// machine: one synchronisation instead of two). The default takes them one after the other.
    /// </summary>
    /// <param name="values">This rank's block is read, the others' blocks are overwritten; the same length on every rank.</param>
    /// <param name="totals">This rank's totals, replaced by their sum over the ranks (the same bits everywhere).</param>
    void GatherBlocks(Span<float> values, Span<double> totals)
    {
        GatherBlocks(values);
        Sum(totals);
    }

    /// <inheritdoc cref="GatherBlocks(Span{float}, Span{double})"/>
    void GatherBlocks(Span<double> values, Span<double> totals)
    {
        GatherBlocks(values);
        Sum(totals);
    }

    /// <summary>
    /// θ and θ' of <paramref name="length"/> elements of <paramref name="elementSize"/> bytes where every rank reads
    /// them and each writes its block in place, for the sharded step; null (the default) where the ranks share no
    /// memory. Collective: every rank asks at the same point, for the same sizes.
    /// </summary>
    ISharedParameters? ShareParameters(int length, int elementSize) => null;

    /// <summary>
    /// Tells the group that this rank's step has reached <paramref name="phase"/>. The sums mark themselves, so with
    /// these marks a group that times a step (the distributed benchmark's breakdown) can tell this rank's computing
    /// from its communicating and its waiting for the others; the default ignores them.
    /// </summary>
    /// <param name="phase">The point of the step just reached.</param>
    void Reached(StepPhase phase)
    {
    }
}

/// <summary>The points of a data-parallel step between which a rank computes; the sums in between mark themselves.</summary>
internal enum StepPhase
{
    /// <summary>The step begins; what ran since the last step finished (progress reports, an epoch's end) was the loop's.</summary>
    Started,

    /// <summary>This rank's rows of the batch are copied into the input buffers.</summary>
    Gathered,

    /// <summary>The forward and backward pass of this rank's rows are done; its weighted gradient and cost are ready to sum.</summary>
    Propagated,

    /// <summary>The rule has updated this rank's block of θ and the moments (or, for a rule that does not shard, all of θ).</summary>
    Updated,

    /// <summary>The step is over: every sum of it is done and θ' accepted or refused.</summary>
    Finished,
}

/// <summary>
/// The data-parallel rules the training loop follows (SPEC.md, data parallelism): which rows of a batch a rank
/// takes, and how the ranks' partial gradients become the batch-mean gradient every rank applies.
/// </summary>
internal static class DataParallel
{
    /// <summary>
    /// The rows of a <paramref name="rows"/>-row batch starting at <paramref name="start"/> that rank
    /// <paramref name="rank"/> of <paramref name="ranks"/> takes: the contiguous block [start + ⌊r·B/N⌋, start + ⌊(r+1)·B/N⌋),
    /// so the blocks cover the batch in order, differ in size by at most one, and depend on nothing but (B, N, r).
    /// </summary>
    public static (int Start, int Rows) Share(int start, int rows, int rank, int ranks)
    {
        var first = Kernels.Partition.Start(rows, rank, ranks);
        return (start + first, Kernels.Partition.Start(rows, rank + 1, ranks) - first);
    }

    /// <summary>
    /// Elements per unit of <see cref="Block"/>: a whole number of Vector512 registers of either element type, so an
    /// update of one block runs the same vector loops on its elements as an update of the whole vector (the
    /// alignment <see cref="ParallelUpdate{T}"/> splits by, for the same reason).
    /// </summary>
    public const int BlockAlignment = 64;

    /// <summary>
    /// The block of a <paramref name="length"/>-element vector that rank <paramref name="rank"/> of
    /// <paramref name="ranks"/> sums and updates in a sharded step: the vector cut into whole units of
    /// <see cref="BlockAlignment"/> elements, split as evenly as <see cref="Share"/> splits rows, the last block
    /// ending at <paramref name="length"/>. The blocks cover the vector in rank order; a block may be empty.
    /// </summary>
    public static (int Start, int Count) Block(int length, int rank, int ranks)
    {
        var units = (length + BlockAlignment - 1) / BlockAlignment;
        var first = Math.Min(length, Kernels.Partition.Start(units, rank, ranks) * BlockAlignment);
        var end = Math.Min(length, Kernels.Partition.Start(units, rank + 1, ranks) * BlockAlignment);
        return (first, end - first);
    }

    /// <summary>
    /// <see cref="IDataParallelGroup.GatherBlocks(Span{float})"/> from sums alone: every rank clears all but its own
    /// block of the bit patterns and the integer sum then holds each block's bits exactly (x + 0 = x in integers,
    /// the sign of a negative zero included, which a float sum would lose).
    /// </summary>
    /// <param name="group">The ranks.</param>
    /// <param name="bits">The values' bit patterns, <paramref name="intsPerValue"/> integers per value.</param>
    /// <param name="length">The number of values.</param>
    /// <param name="intsPerValue">1 for float, 2 for double.</param>
    internal static void GatherBitsBySum(IDataParallelGroup group, Span<int> bits, int length, int intsPerValue)
    {
        var (start, count) = Block(length, group.Rank, group.Size);
        bits[..(start * intsPerValue)].Clear();
        bits[((start + count) * intsPerValue)..].Clear();
        group.Sum(bits);
    }

    /// <summary>
    /// Turns this rank's batch-mean gradient and cost over its <paramref name="localRows"/> rows (computed without the
    /// L2 term) into the whole batch's, the same on every rank: both are weighted by localRows/B and summed over the
    /// ranks, and then the L2 term λ/(2n) Σ W² with gradient (λ/n) W is added once, from θ, which every rank holds
    /// alike. The result equals the one-process batch gradient up to the order of the sums.
    /// </summary>
    /// <param name="group">The ranks.</param>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="theta">θ, the same on every rank.</param>
    /// <param name="summed">
    /// The gradient in its first P entries and one more entry for the cost, so that both travel in one sum (a sum's
    /// time on a small job is mostly its latency). Overwritten with the batch's gradient and cost.
    /// </param>
    /// <param name="localRows">This rank's rows of the batch.</param>
    /// <param name="rows">The batch's rows B.</param>
    /// <param name="l2">λ of the L2 term.</param>
    /// <param name="l2Count">n, the L2 term's divisor.</param>
    /// <returns>The batch's cost, the L2 term included.</returns>
    public static double Combine<T>(
        IDataParallelGroup group, Architecture architecture, ReadOnlySpan<T> theta, Span<T> summed, int localRows, int rows, double l2, int l2Count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // A rank with no rows (a last batch smaller than N) contributes zeros.
        if (localRows == 0)
        {
            summed.Clear();
        }
        else
        {
            Kernels.TensorKernels.Multiply(summed, T.CreateChecked((double)localRows / rows), summed);
        }

        SumOf(group, summed);
        var gradient = summed[..^1];
        var cost = double.CreateChecked(summed[^1]);
        return l2 == 0 ? cost : cost + double.CreateChecked(Propagation.AddL2(architecture, theta, T.CreateChecked(l2), l2Count, gradient));
    }

    /// <summary>Sums a span of float or double over the group.</summary>
    public static void SumOf<T>(IDataParallelGroup group, Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            group.Sum(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values));
        }
        else if (typeof(T) == typeof(double))
        {
            group.Sum(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(values));
        }
        else
        {
            throw new NotSupportedException($"data-parallel training sums float or double, not {typeof(T).Name}.");
        }
    }

    /// <summary>
    /// <see cref="IDataParallelGroup.SumBlock(Span{float}, float, Span{float})"/> for float or double: this rank's
    /// block of the sum of every rank's <paramref name="weight"/> · <paramref name="values"/> into <paramref name="block"/>.
    /// </summary>
    public static void SumBlockOf<T>(IDataParallelGroup group, Span<T> values, T weight, Span<T> block)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            group.SumBlock(MemoryMarshal.Cast<T, float>(values), float.CreateChecked(weight), MemoryMarshal.Cast<T, float>(block));
        }
        else if (typeof(T) == typeof(double))
        {
            group.SumBlock(MemoryMarshal.Cast<T, double>(values), double.CreateChecked(weight), MemoryMarshal.Cast<T, double>(block));
        }
        else
        {
            throw new NotSupportedException($"data-parallel training sums float or double, not {typeof(T).Name}.");
        }
    }

    /// <summary><see cref="IDataParallelGroup.GatherBlocks(Span{float}, Span{double})"/> for float or double.</summary>
    public static void GatherBlocksOf<T>(IDataParallelGroup group, Span<T> values, Span<double> totals)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            group.GatherBlocks(MemoryMarshal.Cast<T, float>(values), totals);
        }
        else if (typeof(T) == typeof(double))
        {
            group.GatherBlocks(MemoryMarshal.Cast<T, double>(values), totals);
        }
        else
        {
            throw new NotSupportedException($"data-parallel training gathers float or double, not {typeof(T).Name}.");
        }
    }

    /// <summary><see cref="IDataParallelGroup.GatherBlocks(Span{float})"/> for float or double.</summary>
    public static void GatherBlocksOf<T>(IDataParallelGroup group, Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            group.GatherBlocks(MemoryMarshal.Cast<T, float>(values));
        }
        else if (typeof(T) == typeof(double))
        {
            group.GatherBlocks(MemoryMarshal.Cast<T, double>(values));
        }
        else
        {
            throw new NotSupportedException($"data-parallel training gathers float or double, not {typeof(T).Name}.");
        }
    }

    /// <summary>
    /// The L2 term's gradient (λ/n) W added to elements <paramref name="from"/> … <paramref name="to"/> − 1 of
    /// <paramref name="gradient"/> only: on those elements exactly what <see cref="Propagation.AddL2"/> adds (the same
    /// element-wise multiply-add), for a rank that holds only its block of the summed gradient.
    /// </summary>
    public static void AddL2<T>(Architecture architecture, ReadOnlySpan<T> theta, T lambda, int count, Span<T> gradient, int from, int to)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scale = lambda / T.CreateChecked(count);
        for (var l = 0; l < architecture.Stack.Length; l++)
        {
            if (!architecture.Stack[l].WeightsDecay)
            {
                continue;
            }

            var first = Math.Max(from, architecture.WeightOffset(l));
            var end = Math.Min(to, architecture.WeightOffset(l) + architecture.Stack[l].WeightCount);
            if (first < end)
            {
                var g = gradient[first..end];
                Kernels.TensorKernels.MultiplyAdd(theta[first..end], scale, g, g);
            }
        }
    }

    /// <summary>Whether any rank asks for the run to stop, agreed by all so every rank stops at the same epoch boundary.</summary>
    public static bool AnyRank(IDataParallelGroup? group, bool asked)
    {
        if (group is null)
        {
            return asked;
        }

        Span<int> votes = [asked ? 1 : 0];
        group.Sum(votes);
        return votes[0] > 0;
    }

    /// <summary>The rows of <paramref name="data"/> rank <paramref name="rank"/> of <paramref name="ranks"/> measures at an epoch's end.</summary>
    public static Dataset<T> Shard<T>(Dataset<T> data, int rank, int ranks)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (first, count) = Share(0, data.Count, rank, ranks);
        var indices = new int[count];
        for (var i = 0; i < count; i++)
        {
            indices[i] = first + i;
        }

        return data.Select(indices);
    }
}
