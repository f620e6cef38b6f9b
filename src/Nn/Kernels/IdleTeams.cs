using System;
using System.Collections.Generic;

namespace Nn.Kernels;

/// <summary>
/// Teams of worker threads kept between calls, so that a training run or a threaded forward pass takes a team whose
/// threads already exist instead of starting new ones: on the AMD EPYC VM of docs/benchmarks.md starting a two-thread
/// <see cref="WorkerPool"/> took 0.6–2.4 ms, against a one-epoch <c>Trainer.Train</c> of Network A of about 60 ms and a
/// forward pass over 10,000 rows of about 25 ms on two threads. A team is lent to one caller at a time; an idle team's
/// workers park on their semaphores a few milliseconds after its last region (<see cref="WorkerPool.HotTime"/>), so a
/// kept team uses no processor time. At most <see cref="KeptPerSize"/> idle teams of each size are kept; a team
/// returned beyond that is stopped.
/// </summary>
internal static class IdleTeams
{
    /// <summary>The idle teams kept of each thread count: enough for a run and a forward pass side by side.</summary>
    public const int KeptPerSize = 2;

    // Keyed by threads asked for and workers started: teams of one size differ in workers when made for processes
    // that may use different numbers of processors (a rank sharing its machine takes its share: TrainingRun).
    private static readonly Dictionary<(int Threads, int Workers), Stack<WorkerPool>> Idle = [];

    /// <summary>
    /// The teams lent out now. A team given back twice would otherwise be kept twice and lent to two callers at once,
    /// whose regions would run each other's parts through pointers that only the other call has pinned.
    /// </summary>
    private static readonly HashSet<WorkerPool> Lent = [];

    private static readonly object Gate = new();

    /// <summary>
    /// A team of <paramref name="threads"/> threads (the caller's included, and no more than the processors this process
    /// may use) for the caller's sole use until it is <see cref="Return"/>ed.
    /// </summary>
    /// <param name="threads">At least 1.</param>
    /// <returns>An idle team of that size, or a new one.</returns>
    public static WorkerPool Rent(int threads) => Rent(threads, Environment.ProcessorCount);

    /// <summary>
    /// A team of <paramref name="threads"/> threads for a caller that may use <paramref name="processors"/> processors,
    /// so at most that many threads, caller included (<see cref="WorkerPool.WorkersFor"/>), until it is <see cref="Return"/>ed.
    /// </summary>
    /// <param name="threads">At least 1.</param>
    /// <param name="processors">At least 1.</param>
    /// <returns>An idle team of that size and as many workers, or a new one.</returns>
    public static WorkerPool Rent(int threads, int processors)
    {
        lock (Gate)
        {
            if (Idle.TryGetValue((threads, WorkerPool.WorkersFor(threads, processors)), out var kept) && kept.Count > 0)
            {
                var idle = kept.Pop();
                Lent.Add(idle);
                return idle;
            }
        }

        // Started outside the lock: starting its threads takes a millisecond or two.
        var team = new WorkerPool(threads, processors: processors);
        lock (Gate)
        {
            Lent.Add(team);
        }

        return team;
    }

    /// <summary>Gives back a team from <see cref="Rent(int, int)"/>, which the caller must not use after; stopped when enough of its size are kept.</summary>
    /// <param name="team">The team, not used again by the caller.</param>
    /// <exception cref="InvalidOperationException">The team is not lent out: it was given back already, or never rented.</exception>
    public static void Return(WorkerPool team)
    {
        lock (Gate)
        {
            if (!Lent.Remove(team))
            {
                throw new InvalidOperationException("the team is not lent out: it was given back already, or never rented; kept twice, it would be lent to two callers at once.");
            }

            if (!team.IsDisposed)
            {
                if (!Idle.TryGetValue((team.Threads, team.Workers), out var kept))
                {
                    kept = new Stack<WorkerPool>(KeptPerSize);
                    Idle[(team.Threads, team.Workers)] = kept;
                }

                if (kept.Count < KeptPerSize)
                {
                    kept.Push(team);
                    return;
                }
            }
        }

        team.Dispose();
    }

    /// <summary>How many idle teams of <paramref name="threads"/> threads are kept now (for tests).</summary>
    internal static int Count(int threads)
    {
        lock (Gate)
        {
            return Idle.TryGetValue((threads, WorkerPool.WorkersFor(threads, Environment.ProcessorCount)), out var kept) ? kept.Count : 0;
        }
    }
}
