using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The inference workspaces of the calling thread's last <see cref="Network.Forward{T}(Network{T}, Matrix{T})"/>
/// calls, lent to its next call with the same architecture instance. A LeNet-5 pass over 10,000 rows made 6.6 MB of
/// workspace per call (13 MB on two threads), large-object allocations that in a process with a large heap (F#
/// Interactive) set off a full collection every call or two in a loop of calls. Held
/// through weak references, so a kept workspace costs nothing once the collector wants the memory back; one per
/// thread and kind of call, so a program that tries many architectures keeps only its latest. Which workspace a pass
/// runs through never changes its bits: a pass's pieces give every row the bits of one whole pass
/// (<see cref="PiecewiseForward"/>), and a workspace is lent only on the kernel path it was made for.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal static class KeptWorkspaces<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static WeakReference<Workspace<T>>? single;

    [ThreadStatic]
    private static WeakReference<ParallelPieces<T>>? shares;

    // A call lends its workspace out until it returns it; a nested call on the same thread (from an activation of the
    // user's own that runs a network) then makes a fresh one rather than overwrite the outer call's.
    [ThreadStatic]
    private static bool singleLent;

    [ThreadStatic]
    private static bool sharesLent;

    /// <summary>A workspace of <paramref name="architecture"/> on the current kernel path holding at least <paramref name="capacity"/> rows, the kept one when it does.</summary>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="capacity">The rows a fresh workspace for the call would hold.</param>
    /// <returns>The workspace, to be given back with <see cref="Return(Workspace{T})"/>.</returns>
    public static Workspace<T> Rent(Architecture architecture, int capacity)
    {
        if (!singleLent && single is { } kept && kept.TryGetTarget(out var workspace)
            && ReferenceEquals(workspace.Architecture, architecture) && workspace.Team is null
            && workspace.Capacity >= capacity && workspace.Path == KernelSelection.Current)
        {
            singleLent = true;
            return workspace;
        }

        var made = new Workspace<T>(architecture, capacity);
        if (!singleLent)
        {
            singleLent = true;
            Keep(ref single, made);
        }

        return made;
    }

    /// <summary>Ends the loan of a workspace from <see cref="Rent(Architecture, int)"/>.</summary>
    /// <param name="workspace">The workspace rented.</param>
    public static void Return(Workspace<T> workspace)
    {
        if (single is { } kept && kept.TryGetTarget(out var current) && ReferenceEquals(current, workspace))
        {
            singleLent = false;
        }
    }

    /// <summary>
    /// Shares of <paramref name="rows"/> rows of <paramref name="architecture"/> over <paramref name="pool"/>: the kept
    /// ones when they take as many threads, with workspaces as large, as shares made for these rows would.
    /// </summary>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="rows">The rows of the call.</param>
    /// <param name="pool">The team the call has rented.</param>
    /// <returns>The shares, to be given back with <see cref="Return(ParallelPieces{T})"/>.</returns>
    public static ParallelPieces<T> Rent(Architecture architecture, int rows, WorkerPool pool)
    {
        if (!sharesLent && shares is { } kept && kept.TryGetTarget(out var pieces)
            && ReferenceEquals(pieces.Architecture, architecture) && pieces.Serves(rows, pool, KernelSelection.Current))
        {
            sharesLent = true;
            return pieces;
        }

        var made = new ParallelPieces<T>(architecture, rows, pool);
        if (!sharesLent)
        {
            sharesLent = true;
            Keep(ref shares, made);
        }

        return made;
    }

    /// <summary>Ends the loan of shares from <see cref="Rent(Architecture, int, WorkerPool)"/>.</summary>
    /// <param name="pieces">The shares rented.</param>
    public static void Return(ParallelPieces<T> pieces)
    {
        if (shares is { } kept && kept.TryGetTarget(out var current) && ReferenceEquals(current, pieces))
        {
            sharesLent = false;
        }
    }

    private static void Keep<TKept>(ref WeakReference<TKept>? slot, TKept value)
        where TKept : class
    {
        if (slot is null)
        {
            slot = new WeakReference<TKept>(value);
        }
        else
        {
            slot.SetTarget(value);
        }
    }
}
