using System;
using System.Globalization;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The buffers one forward/backward pass writes: z^l, a^l and δ^l of every layer for up to
/// <see cref="Capacity"/> rows, and the scratch each layer kind asks for (<see cref="Buffers"/>; empty for dense
/// layers). A workspace belongs to the function (or training run) that made it and never
/// escapes to callers; reusing it is what makes a steady-state training step allocation-free.
/// </summary>
internal sealed class Workspace<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public Workspace(Architecture architecture, int capacity, GemmTeam<T>? team = null)
    {
        Architecture = architecture;
        Capacity = capacity;
        Team = team;
        RowPasses = team is null ? null : new DenseRowPasses<T>(team.Pool);
        StepRegions = team is null || !architecture.IsDense ? null : new DenseStepRegions<T>(team.Pool, this);
        Mirror = StepRegions is null || team!.Pool.Threads != 2 ? null : new InputMirror<T>(capacity * architecture.InputSize);
        var layers = architecture.Stack;
        Z = new T[layers.Length][];
        A = new T[layers.Length][];
        Delta = new T[layers.Length][];
        Buffers = new LayerBuffers<T>[layers.Length];
        for (var l = 0; l < layers.Length; l++)
        {
            var size = Limits.Elements("capacity", capacity, layers[l].OutputShape.Size, $"a batch of {capacity} rows through layer {l}'s {layers[l].OutputShape.Size} outputs");
            Z[l] = new T[size];
            A[l] = new T[size];
            Delta[l] = new T[size];
            Buffers[l] = new LayerBuffers<T>(
                NewArray<T>(Scratch(capacity, l, layers[l].ScratchLength(capacity))), NewArray<int>(Scratch(capacity, l, layers[l].IndexLength(capacity))), Path, team);
        }
    }

    public Architecture Architecture { get; }

    public int Capacity { get; }

    /// <summary>The micro-kernels the matrix products use: the path in use where the workspace is made (the training run's, else the process's default).</summary>
    public KernelPath Path { get; } = KernelSelection.Current;

    /// <summary>The threads the matrix products are split over, or null for the calling thread alone.</summary>
    public GemmTeam<T>? Team { get; }

    /// <summary>The element-wise passes between a dense layer's products, split over the team's threads; null without a team.</summary>
    public DenseRowPasses<T>? RowPasses { get; }

    /// <summary>A dense network's forward and backward passes in two regions over the team's threads; null without a team or for other stacks.</summary>
    public DenseStepRegions<T>? StepRegions { get; }

    /// <summary>The second thread's copy of a training run's gathered batch (dense stacks on two threads), or null.</summary>
    public InputMirror<T>? Mirror { get; }

    /// <summary>z^l per layer, rows × outputs.</summary>
    public T[][] Z { get; }

    /// <summary>a^l per layer, rows × outputs.</summary>
    public T[][] A { get; }

    /// <summary>δ^l per layer, rows × outputs; also the scratch for ∂C/∂a^l before σ's backward pass.</summary>
    public T[][] Delta { get; }

    /// <summary>Per layer, the scratch its passes may overwrite.</summary>
    public LayerBuffers<T>[] Buffers { get; }

    /// <summary>The output activations of the last forward pass over <paramref name="rows"/> rows.</summary>
    public ReadOnlySpan<T> Output(int rows) => A[^1].AsSpan(0, rows * Architecture.OutputSize);

    private static TElement[] NewArray<TElement>(int length) => length == 0 ? [] : new TElement[length];

    /// <summary>A layer's scratch for the batch, or an exception naming the batch and the layer when one array cannot hold it.</summary>
    private static int Scratch(int capacity, int layer, long length)
    {
        if (length > Limits.MaxElements)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"a batch of {capacity} rows through layer {layer} needs {length} values of scratch, more than Limits.MaxElements = {Limits.MaxElements}; ask for a smaller batch."),
                nameof(capacity));
        }

        return (int)length;
    }
}
