using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The training samples a run judges divergence on when the training set is larger than
/// <see cref="TrainingOptions.DivergenceProbeSamples"/>: that many rows spread evenly over it, read where they lie.
/// A copy of them was 12.8 MB for Fashion-MNIST, written once per <see cref="Trainer.Train{T}"/> call by one thread
/// into freshly allocated memory, whose first touch is slow on a virtual machine; instead the probe gathers one
/// measuring group of rows at a time (<see cref="BatchGather{T}"/>, on the run's threads) into a window it owns and
/// reuses. A window is a <see cref="Dataset{T}"/> only so that <see cref="Evaluation.Measure{T}"/> can read it: the
/// probe refills its rows, so it must not be kept past the measuring call it is handed to.
/// </summary>
internal sealed class DivergenceProbe<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dataset<T> train;
    private readonly int[] rows;
    private readonly WorkerPool? pool;
    private Window? full;
    private Window? last;

    /// <param name="train">The training set.</param>
    /// <param name="rows">The rows of <paramref name="train"/> to measure, in order.</param>
    /// <param name="pool">The run's threads for the gathering, or null.</param>
    private DivergenceProbe(Dataset<T> train, int[] rows, WorkerPool? pool)
    {
        this.train = train;
        this.rows = rows;
        this.pool = pool;
    }

    /// <summary>How many samples the probe measures.</summary>
    public int Count => rows.Length;

    /// <summary>
    /// The probe of <paramref name="train"/> for rank <paramref name="rank"/> of <paramref name="ranks"/> (0 of 1 in one
    /// process): <see cref="TrainingOptions.DivergenceProbeSamples"/> rows spread evenly over the set, row
    /// ⌊i · n / samples⌋ for i = 0, 1, …, and of those the share <see cref="DataParallel.Share"/> gives the rank. Null
    /// when the whole set is the probe (<paramref name="exact"/>, or no more samples than that).
    /// </summary>
    public static DivergenceProbe<T>? Spread(Dataset<T> train, bool exact, int rank, int ranks, WorkerPool? pool)
    {
        var count = TrainingOptions.DivergenceProbeSamples;
        if (exact || train.Count <= count)
        {
            return null;
        }

        var (first, share) = DataParallel.Share(0, count, rank, ranks);
        var rows = new int[share];
        for (var i = 0; i < share; i++)
        {
            rows[i] = (int)((long)(first + i) * train.Count / count);
        }

        return new DivergenceProbe<T>(train, rows, pool);
    }

    /// <summary>
    /// The probe's samples from <paramref name="start"/> on, at most <paramref name="groupRows"/> of them, copied into a
    /// window of exactly that many rows (overwriting what the previous call returned).
    /// </summary>
    public Dataset<T> Group(int start, int groupRows)
    {
        var count = Math.Min(groupRows, rows.Length - start);
        var window = count == groupRows ? full ??= new Window(train, rows, count, pool) : last ??= new Window(train, rows, count, pool);
        if (window.Rows != count)
        {
            // The probe's groups are all full but the last, whose size does not change.
            throw new InvalidOperationException($"a probe window of {window.Rows} rows cannot hold a group of {count}.");
        }

        window.Load(start);
        return window.Data;
    }

    /// <summary>A data set of a fixed row count whose rows, targets and labels <see cref="Load"/> overwrites.</summary>
    private sealed class Window
    {
        private readonly int[] labels;
        private readonly BatchGather<T> gather;
        private readonly Dataset<T> train;
        private readonly int[] rows;

        public Window(Dataset<T> train, int[] rows, int count, WorkerPool? pool)
        {
            this.train = train;
            this.rows = rows;
            var inputs = new T[count * train.Inputs.Columns];
            var targets = new T[count * train.Targets.Columns];
            labels = new int[count];
            gather = new BatchGather<T>(train, rows, inputs, targets, pool);
            Data = new Dataset<T>(
                Matrix<T>.Own(count, train.Inputs.Columns, inputs),
                Matrix<T>.Own(count, train.Targets.Columns, targets),
                ImmutableCollectionsMarshal.AsImmutableArray(labels));
        }

        public int Rows => labels.Length;

        public Dataset<T> Data { get; }

        /// <summary>Copies the samples rows[start .. start + <see cref="Rows"/>) into the window.</summary>
        public void Load(int start)
        {
            gather.Gather(start, labels.Length);
            for (var i = 0; i < labels.Length; i++)
            {
                labels[i] = train.Labels[rows[start + i]];
            }
        }
    }
}
