using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nn;

/// <summary>
/// A second copy of a training run's gathered batch, written by the pool's second thread while the first gathers the
/// original, so that each thread's share of the first product and of the first layer's weight gradient reads x from
/// lines its own core wrote. Where the two vCPUs sit far apart, x's rows gathered by one thread and read by the other
/// cross between the cores twice a step, and the next gather must take them back. The copy holds the same values, so
/// which copy a part reads never changes a bit.
/// </summary>
internal sealed class InputMirror<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[]? source;
    private int length;

    /// <param name="capacity">The most elements a gathered batch holds.</param>
    public InputMirror(int capacity) => Copy = new T[capacity];

    /// <summary>The copy's buffer; only <see cref="Mark"/>ed contents may be read through <see cref="For"/>.</summary>
    public T[] Copy { get; }

    /// <summary>Says that <see cref="Copy"/> now holds the first <paramref name="count"/> elements of <paramref name="original"/>, or nothing when null.</summary>
    public void Mark(T[]? original, int count)
    {
        source = original;
        length = original is null ? 0 : count;
    }

    /// <summary>The copy of <paramref name="x"/> when the copy holds it (x starts where the marked original starts and is no longer), else an empty span.</summary>
    public ReadOnlySpan<T> For(ReadOnlySpan<T> x)
    {
        if (source is null || x.Length > length || x.IsEmpty
            || !Unsafe.AreSame(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetArrayDataReference(source)))
        {
            return default;
        }

        return Copy.AsSpan(0, x.Length);
    }
}

/// <summary>Whether training runs gather the second copy; only the benchmarks turn it off, to time both ways in one run.</summary>
internal static class InputMirrors
{
    /// <summary>True unless a benchmark has turned the copy off; the results are the same bits either way.</summary>
    public static bool Enabled { get; set; } = true;
}
