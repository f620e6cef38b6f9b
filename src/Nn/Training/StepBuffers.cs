using System;
using System.Collections.Immutable;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The buffers a training run's steps work in: θ and a spare θ', the gradient, the optimiser moments and their
/// spares, the running statistics and their spare, the gathered batch and the costs of the last advance. A <see cref="TrainingRun{T}"/> owns them; its
/// <see cref="StepStrategy{T}"/> overwrites the spare θ', the spare moments, the gradient, the batch and the costs,
/// and swaps a spare in only when what it wrote is finite, so θ and the moments are always the last finite state.
/// </summary>
internal sealed class StepBuffers<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly BatchGather<T> gather;

    /// <param name="parameterCount">The length of θ.</param>
    /// <param name="stateCount">The length of the network's state (running statistics).</param>
    /// <param name="momentCount">How many moment vectors the rule keeps.</param>
    /// <param name="momentBlock">
    /// The elements of θ whose moments the buffers keep: all of them, or in a sharded data-parallel run the rank's block
    /// (<see cref="DataParallelSteps{T}.MomentBlock"/>), the only elements whose moments its steps update.
    /// </param>
    /// <param name="batchRows">The most samples one advance gathers.</param>
    /// <param name="costCount">The most steps one advance takes.</param>
    /// <param name="train">The training data.</param>
    /// <param name="order">The epoch's order of sample indices (the run shuffles it in place).</param>
    /// <param name="pool">The run's threads, or null.</param>
    /// <param name="mirror">The workspace's copy of x for the second thread, or null.</param>
    public StepBuffers(int parameterCount, int stateCount, int momentCount, (int Start, int Count) momentBlock, int batchRows, int costCount, Dataset<T> train, int[] order, WorkerPool? pool, InputMirror<T>? mirror = null)
    {
        // Every step writes all of these, so their pages are backed now, in one call each, rather than by a fault a page
        // in the first steps (FreshPages: about half the price of those faults on a virtual machine).
        Theta = FreshPages.Backed<T>(parameterCount);
        NextTheta = FreshPages.Backed<T>(parameterCount);
        Gradient = FreshPages.Backed<T>(parameterCount);
        Statistics = new T[stateCount];
        NextStatistics = new T[stateCount];
        Moments = new T[momentCount][];
        NextMoments = new T[momentCount][];
        for (var i = 0; i < momentCount; i++)
        {
            Moments[i] = FreshPages.Backed<T>(momentBlock.Count);
            NextMoments[i] = FreshPages.Backed<T>(momentBlock.Count);
        }

        MomentStart = momentBlock.Start;

        Inputs = FreshPages.Backed<T>(batchRows * train.Inputs.Columns);
        Targets = new T[batchRows * train.Targets.Columns];
        Costs = new double[costCount];
        Predictions = new int[batchRows];
        gather = new BatchGather<T>(train, order, Inputs, Targets, pool, mirror);
    }

    /// <summary>θ, the last finite parameters.</summary>
    public T[] Theta { get; private set; }

    /// <summary>The spare that receives θ'.</summary>
    public T[] NextTheta { get; private set; }

    /// <summary>∇θ C of the last batch.</summary>
    public T[] Gradient { get; }

    /// <summary>The running statistics (the network's state) that go with <see cref="Theta"/>.</summary>
    public T[] Statistics { get; private set; }

    /// <summary>The spare a training step writes the updated running statistics into.</summary>
    public T[] NextStatistics { get; private set; }

    /// <summary>The key of this epoch's dropout masks (<see cref="DropoutMask.StepKey"/> mixes in each step's number).</summary>
    public ulong DropoutKey { get; set; }

    /// <summary>A training step's pass mode: batch statistics, the step's dropout masks, running statistics into the spare.</summary>
    public PassMode<T> TrainingStep(long step) => PassMode<T>.TrainingStep(DropoutMask.StepKey(DropoutKey, step), Statistics, NextStatistics);

    /// <summary>The element of θ that element 0 of each moment buffer stands for (0 unless the buffers keep a block).</summary>
    public int MomentStart { get; }

    /// <summary>The optimiser's moments that go with <see cref="Theta"/>, of the elements from <see cref="MomentStart"/> on.</summary>
    public T[][] Moments { get; private set; }

    /// <summary>The spares that receive the moments after a step.</summary>
    public T[][] NextMoments { get; private set; }

    /// <summary>The gathered batch's x, rows × inputs.</summary>
    public T[] Inputs { get; }

    /// <summary>The gathered batch's y, rows × outputs.</summary>
    public T[] Targets { get; }

    /// <summary>The cost of each step of the last advance, in order.</summary>
    public double[] Costs { get; }

    /// <summary>
    /// The class each sample of the last advance was predicted as (the index of its largest output), from the
    /// forward pass its step made with θ before the step; the run's running training accuracy counts them.
    /// </summary>
    public int[] Predictions { get; }

    /// <summary>Writes the predicted class of each of the workspace's first <paramref name="rows"/> outputs into <see cref="Predictions"/> from <paramref name="at"/> on.</summary>
    public void Predict(Workspace<T> workspace, int rows, int at)
    {
        var classes = workspace.Architecture.OutputSize;
        var output = workspace.Output(rows);
        for (var i = 0; i < rows; i++)
        {
            Predictions[at + i] = Kernels.TensorKernels.IndexOfMax(output.Slice(i * classes, classes));
        }
    }

    /// <summary>Copies the samples order[start .. start + rows) into <see cref="Inputs"/> and <see cref="Targets"/>, split over the run's threads unless <paramref name="split"/> is false.</summary>
    public void Gather(int start, int rows, bool split = true) => gather.Gather(start, rows, split);

    /// <summary>
    /// Loads <see cref="Moments"/> from <paramref name="moments"/> (whole vectors; the buffers take the elements from
    /// <see cref="MomentStart"/> on), copying on <paramref name="pool"/>'s threads, or on this one when it is null.
    /// </summary>
    public void LoadMoments(ImmutableArray<ParameterVector<T>> moments, WorkerPool? pool)
    {
        for (var i = 0; i < Moments.Length; i++)
        {
            if (moments[i].IsZeros)
            {
                // A fresh run's moments: reading them would fault in every page of an array no one has written.
                Moments[i].AsSpan().Clear();
            }
            else
            {
                ParallelCopy.Copy(moments[i].AsSpan().Slice(MomentStart, Moments[i].Length), Moments[i], pool);
            }
        }
    }

    /// <summary>Makes θ' (in <see cref="NextTheta"/>) the new θ.</summary>
    public void AcceptTheta() => (Theta, NextTheta) = (NextTheta, Theta);

    /// <summary>Makes the moments in <see cref="NextMoments"/> the new moments.</summary>
    public void AcceptMoments() => (Moments, NextMoments) = (NextMoments, Moments);

    /// <summary>Makes the running statistics in <see cref="NextStatistics"/> the new ones.</summary>
    public void AcceptStatistics() => (Statistics, NextStatistics) = (NextStatistics, Statistics);

    /// <summary>
    /// Accepts step <paramref name="step"/>'s θ', moments and running statistics, and on the steps
    /// <see cref="SubnormalFlush"/> is due sets the subnormal entries of θ and the moments to zero.
    /// </summary>
    public void AcceptStep(long step)
    {
        AcceptTheta();
        AcceptMoments();
        AcceptStatistics();
        if (SubnormalFlush.IsDue(step))
        {
            SubnormalFlush.Flush(Theta, Moments);
        }
    }
}
