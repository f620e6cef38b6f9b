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
    private static Shelf<Workspace<T>>? single;

    [ThreadStatic]
    private static Shelf<ParallelPieces<T>>? shares;

    /// <summary>A workspace of <paramref name="architecture"/> on the current kernel path holding at least <paramref name="capacity"/> rows, the kept one when it does.</summary>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="capacity">The rows a fresh workspace for the call would hold.</param>
    /// <returns>The workspace, to be given back with <see cref="Return(Workspace{T})"/>.</returns>
    public static Workspace<T> Rent(Architecture architecture, int capacity) =>
        (single ??= new()).Rent(
            (architecture, capacity),
            static (workspace, call) => ReferenceEquals(workspace.Architecture, call.architecture) && workspace.Team is null
                && workspace.Capacity >= call.capacity && workspace.Path == KernelSelection.Current,
            static call => new Workspace<T>(call.architecture, call.capacity));

    /// <summary>Ends the loan of a workspace from <see cref="Rent(Architecture, int)"/>.</summary>
    /// <param name="workspace">The workspace rented.</param>
    public static void Return(Workspace<T> workspace) => single?.Return(workspace);

    /// <summary>
    /// Shares of <paramref name="rows"/> rows of <paramref name="architecture"/> over <paramref name="pool"/>: the kept
    /// ones when they take as many threads, with workspaces as large, as shares made for these rows would.
    /// </summary>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="rows">The rows of the call.</param>
    /// <param name="pool">The team the call has rented.</param>
    /// <returns>The shares, to be given back with <see cref="Return(ParallelPieces{T})"/>.</returns>
    public static ParallelPieces<T> Rent(Architecture architecture, int rows, WorkerPool pool) =>
        (shares ??= new()).Rent(
            (architecture, rows, pool),
            static (pieces, call) => ReferenceEquals(pieces.Architecture, call.architecture) && pieces.Serves(call.rows, call.pool, KernelSelection.Current),
            static call => new ParallelPieces<T>(call.architecture, call.rows, call.pool));

    /// <summary>Ends the loan of shares from <see cref="Rent(Architecture, int, WorkerPool)"/>.</summary>
    /// <param name="pieces">The shares rented.</param>
    public static void Return(ParallelPieces<T> pieces) => shares?.Return(pieces);

    /// <summary>
    /// One thread's kept buffers of one kind, weakly held, and whether a call has them on loan: a nested call on the
    /// same thread (from an activation of the user's own that runs a network) then makes fresh ones rather than
    /// overwrite the outer call's.
    /// </summary>
    private sealed class Shelf<TKept>
        where TKept : class
    {
        private readonly WeakReference<TKept?> kept = new(null);
        private bool lent;

        /// <summary>The kept buffers when <paramref name="fits"/> says they serve <paramref name="call"/>, else new ones from <paramref name="make"/>, kept in their place unless a loan is out.</summary>
        public TKept Rent<TCall>(TCall call, Func<TKept, TCall, bool> fits, Func<TCall, TKept> make)
        {
            if (!lent && kept.TryGetTarget(out var held) && held is not null && fits(held, call))
            {
                lent = true;
                return held;
            }

            var made = make(call);
            if (!lent)
            {
                lent = true;
                kept.SetTarget(made);
            }

            return made;
        }

        /// <summary>Ends the loan of <paramref name="buffers"/> when they are the kept ones (fresh ones from a nested call are simply dropped).</summary>
        public void Return(TKept buffers)
        {
            if (kept.TryGetTarget(out var held) && ReferenceEquals(held, buffers))
            {
                lent = false;
            }
        }
    }
}
