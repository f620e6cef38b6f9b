using System;
using System.Numerics;

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

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum of every rank's values (the same bits everywhere).</summary>
    void Sum(Span<float> values);

    /// <inheritdoc cref="Sum(Span{float})"/>
    void Sum(Span<double> values);

    /// <inheritdoc cref="Sum(Span{float})"/>
    void Sum(Span<int> values);
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
