using System;

namespace Nn.Kernels;

/// <summary>
/// Where a two-thread region of independent units (a batch's samples or slices, column panels, ranges of θ) cuts them between the calling thread
/// (part 0) and the worker (part 1), learned from how fast each side ran its part in earlier regions. On a virtual
/// machine one vCPU can run the same code 25–50% slower than the other for seconds at a time (a neighbour on its
/// host core), and an even cut then leaves the faster thread waiting for the slower at every region's end; a cut in
/// proportion to the measured speeds makes both finish together. The cut moves units between threads, never what a
/// unit computes, so results do not depend on it.
/// </summary>
/// <remarks>
/// Only the thread that runs the pool's regions reads and updates it, between regions (<see cref="WorkerPool.RunCut"/>).
/// A region moves the share towards the speeds it measured in proportion to its length, an eighth of the way for parts
/// of <see cref="ReferenceTime"/> and at most half of it, so the long regions, where waiting costs most, decide the cut
/// rather than the many short ones; and a measurement counts for at most a 20/80 share, so one part that the
/// operating system paused does not swing the cut.
/// </remarks>
internal sealed class TwoWayBalance
{
    /// <summary>The least share of the units either side is given.</summary>
    public const double Least = 0.2;

    /// <summary>How far the measurement of a region whose parts take <see cref="ReferenceTime"/> moves the share towards itself.</summary>
    public const double Step = 0.125;

    /// <summary>The mean part time at which a region moves the share by <see cref="Step"/>.</summary>
    public static readonly TimeSpan ReferenceTime = TimeSpan.FromMicroseconds(100);

    /// <summary>The most one region moves the share, as a fraction of the way to its measurement.</summary>
    public const double LargestStep = 0.5;

    private static readonly double ReferenceTicks = ReferenceTime.TotalSeconds * System.Diagnostics.Stopwatch.Frequency;

    /// <summary>The calling thread's share of a region's units; 0.5 until a region has been measured.</summary>
    public double Share { get; private set; } = 0.5;

    /// <summary>
    /// Whether <see cref="Learn"/> moves the share (the default); a benchmark turns it off, after <see cref="Even"/>, to
    /// time the even cut against the learned one in the same run.
    /// </summary>
    public bool Learning { get; set; } = true;

    /// <summary>Puts the share back to an even cut.</summary>
    public void Even() => Share = 0.5;

    /// <summary>
    /// The first unit of the worker's part of <paramref name="count"/>: the caller's share rounded, and at least one
    /// unit on each side when there are two or more.
    /// </summary>
    public int Cut(int count) => CutAt(count, Share);

    /// <summary>The first unit of the worker's part of <paramref name="count"/> for the caller's share <paramref name="share"/>.</summary>
    public static int CutAt(int count, double share) => count < 2 ? count : Math.Clamp((int)Math.Round(count * share), 1, count - 1);

    /// <summary>
    /// Learns from a region in which the caller ran the fraction <paramref name="callerShare"/> of the work in
    /// <paramref name="callerTicks"/> and the worker the rest in <paramref name="workerTicks"/> (<see cref="System.Diagnostics.Stopwatch"/> ticks); a side with no work or
    /// no time tells nothing and leaves the share as it is, as does any region while <see cref="Learning"/> is off.
    /// </summary>
    public void Learn(double callerShare, long callerTicks, long workerTicks)
    {
        if (!Learning || callerShare <= 0 || callerShare >= 1 || callerTicks <= 0 || workerTicks <= 0)
        {
            return;
        }

        double caller = callerShare / callerTicks, worker = (1 - callerShare) / workerTicks;
        var measured = Math.Clamp(caller / (caller + worker), Least, 1 - Least);
        var weight = Math.Min(LargestStep, Step * (callerTicks + workerTicks) / (2 * ReferenceTicks));
        Share += (measured - Share) * weight;
    }
}
