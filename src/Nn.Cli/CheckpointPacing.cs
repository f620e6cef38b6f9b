using System;
using System.Threading;

namespace Nn.Cli;

/// <summary>
/// How often <c>nn train --checkpoint</c> saves when <c>--checkpoint-every</c> is not given: after an epoch that ends
/// at least <see cref="MinimumGap"/> after the last save ended, and at least four times as long after it as that save
/// took; and, through <see cref="Flush"/> and <see cref="FlushBeforeExit"/>, the last epoch offered and not yet
/// saved, when the run ends however it ended and on Ctrl-C. So the file always ends up holding the run's last epoch, as a save after every epoch would,
/// without the run waiting for one save an epoch.
/// </summary>
/// <remarks>
/// A save writes the whole checkpoint, history included, and flushes it to disk: a few milliseconds, growing with the
/// epochs done. An epoch of a small network takes microseconds, so saving after each one made a 20,000-epoch run of
/// XOR take 237 s instead of 1; the factor of four keeps the saves of a very long history under a fifth of the run.
/// </remarks>
/// <typeparam name="TState">What is saved.</typeparam>
/// <param name="save">Saves a state.</param>
/// <param name="clock">The time since some fixed start (a stopwatch's elapsed time; tests give their own).</param>
internal sealed class CheckpointPacing<TState>(Action<TState> save, Func<TimeSpan> clock)
    where TState : class
{
    /// <summary>The least time between the end of one save and the next.</summary>
    public static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(1);

    // Offer runs on the training thread, Flush also on the Ctrl-C handler's.
    private readonly object gate = new();
    private TState? pending;
    private TimeSpan due = clock() + MinimumGap;

    /// <summary>The state after an epoch: saved now if a save is due, otherwise kept for a later one.</summary>
    public void Offer(TState state)
    {
        lock (gate)
        {
            pending = state;
            if (clock() >= due)
            {
                SavePending();
            }
        }
    }

    /// <summary>Saves the last state offered, unless it was saved already.</summary>
    public void Flush()
    {
        lock (gate)
        {
            if (pending is not null)
            {
                SavePending();
            }
        }
    }

    /// <summary>
    /// <see cref="Flush"/> for a process about to exit on Ctrl-C: the gate is not released, so the training thread
    /// waits at its next epoch instead of finishing epochs the file will not hold.
    /// </summary>
    public void FlushBeforeExit()
    {
        Monitor.Enter(gate);
        if (pending is not null)
        {
            SavePending();
        }
    }

    private void SavePending()
    {
        var started = clock();
        save(pending!);
        pending = null;
        var ended = clock();
        var took = ended - started;
        due = ended + (4 * took > MinimumGap ? 4 * took : MinimumGap);
    }
}
