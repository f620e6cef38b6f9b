using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The optimiser's step over θ split into one contiguous range per thread of a <see cref="WorkerPool"/> (on two threads
/// cut where the pool's <see cref="TwoWayBalance"/> puts it), for rules
/// whose update is element by element (<see cref="Optimizer.UpdatesByRange"/>). On a batch step the update reads and
/// writes every parameter and moment once, a memory-bound pass as long as a few of the step's products; left on one
/// thread it would cap what a second thread can gain. Each element gets exactly the operations of the unsplit update,
/// so θ' is bit for bit the same for every thread count. Owned by a training run; allocates nothing per step.
/// </summary>
internal sealed class ParallelUpdate<T> : IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Ranges start at multiples of this many elements (a whole number of Vector512 registers of either element type),
    /// so every range but the last is covered by the vector loops alone, like the same elements in an unsplit pass.
    /// </summary>
    private const int Alignment = 64;

    /// <summary>Vectors shorter than this are updated on the calling thread alone: the hand-over would cost more than it saves.</summary>
    private const int MinimumParallelLength = 1 << 15;

    private readonly WorkerPool pool;
    private readonly bool[] finite;
    private Optimizer? optimizer;
    private UpdateStep step;
    private T[] theta = [];
    private T[] gradient = [];
    private T[][] moments = [];
    private T[][] nextMoments = [];
    private T[] next = [];

    public ParallelUpdate(WorkerPool pool)
    {
        this.pool = pool;
        finite = new bool[pool.Threads];
    }

    /// <summary>
    /// The same as <see cref="Optimizer.UpdateInto{T}"/> (θ' into <paramref name="next"/>, the moments after the
    /// step into <paramref name="nextMoments"/>), split over the pool when the rule and the length allow.
    /// </summary>
    /// <returns>Whether every element of θ' is finite.</returns>
    public bool UpdateInto(Optimizer rule, UpdateStep step, T[] theta, T[] gradient, T[][] moments, T[][] nextMoments, T[] next)
    {
        if (!rule.UpdatesByRange || theta.Length < MinimumParallelLength || pool.Threads == 1)
        {
            return rule.UpdateInto<T>(step, theta, gradient, moments, nextMoments, next);
        }

        optimizer = rule;
        this.step = step;
        this.theta = theta;
        this.gradient = gradient;
        this.moments = moments;
        this.nextMoments = nextMoments;
        this.next = next;
        try
        {
            pool.RunCut(this, pool.Threads);
        }
        finally
        {
            optimizer = null;
            this.theta = this.gradient = this.next = [];
            this.moments = this.nextMoments = [];
        }

        var all = true;
        foreach (var part in finite)
        {
            all &= part;
        }

        return all;
    }

    void IPartitionedWork.Execute(int part, int parts)
    {
        var blocks = (theta.Length + Alignment - 1) / Alignment;
        var from = Math.Min(theta.Length, pool.Start(blocks, part, parts) * Alignment);
        var to = Math.Min(theta.Length, pool.Start(blocks, part + 1, parts) * Alignment);
        finite[part] = optimizer!.UpdateRangeInto<T>(step, from, to, theta, gradient, moments, nextMoments, next);
    }
}
