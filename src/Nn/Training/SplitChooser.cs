namespace Nn;

/// <summary>
/// Decides, block by block, whether a run's repeated unit of work (a deferred SGD block) is split over the run's
/// threads or stays on the calling thread, by timing both. The result of the work must not depend on the choice — only
/// its speed may — so the choice can follow the machine: on the 2-vCPU AMD EPYC VM of docs/benchmarks.md a Network A
/// block ran 1.6× faster on two threads while the hypervisor kept the vCPUs close and 0.9× as fast when it placed them
/// far apart, and the placement changed within a minute. A trial runs <see cref="TrialBlocks"/> blocks split, then as
/// many alone, each run's first block discarded (it pays for moving the data between the cores, which steady work in
/// one mode does not); splitting is chosen when its median is shorter than <see cref="SplitMargin"/> times the median
/// alone, and the chosen mode runs <see cref="ChosenBlocks"/> blocks before a new trial begins. Mutable: one per run,
/// used by the run's calling thread only.
/// </summary>
internal sealed class SplitChooser : ISplitDecision
{
    /// <summary>Blocks of each mode in a trial, the first of each discarded.</summary>
    public const int TrialBlocks = 6;

    /// <summary>Blocks run in the chosen mode between two trials.</summary>
    public const int ChosenBlocks = 116;

    /// <summary>
    /// How much faster splitting must be to be chosen: where the two modes are within a few percent, medians of a few
    /// blocks pick either by chance (in one far-regime run of <c>scaling</c> 19 of 45 trials chose splitting, which
    /// ran 0.92× as fast), and alone spares the other core and the traffic between the cores.
    /// </summary>
    public const double SplitMargin = 0.97;

    private readonly long[] splitTimes = new long[TrialBlocks - 1];
    private readonly long[] aloneTimes = new long[TrialBlocks - 1];

    // Blocks recorded since the current trial began: [0, TrialBlocks) split, [TrialBlocks, 2·TrialBlocks) alone,
    // then ChosenBlocks in the chosen mode.
    private int position;
    private bool chosen = true;

    /// <summary>Trials finished so far.</summary>
    public int Trials { get; private set; }

    /// <summary>How many of the finished trials chose to split.</summary>
    public int SplitTrials { get; private set; }

    /// <summary>Whether the next block is to be split over the threads.</summary>
    public bool Next() => position < TrialBlocks || (position >= 2 * TrialBlocks && chosen);

    /// <summary>
    /// Records how long the block just run took (any clock, in ticks), in the mode <see cref="Next"/> gave for it. A
    /// block that was not run whole in that mode (a short last block, a block replayed after a failure) is not
    /// recorded.
    /// </summary>
    /// <param name="ticks">The block's duration.</param>
    public void Record(long ticks)
    {
        if (position is > 0 and < TrialBlocks)
        {
            splitTimes[position - 1] = ticks;
        }
        else if (position is > TrialBlocks and < 2 * TrialBlocks)
        {
            aloneTimes[position - TrialBlocks - 1] = ticks;
        }

        position++;
        if (position == 2 * TrialBlocks)
        {
            chosen = SplitDecision.Median(splitTimes) < SplitMargin * SplitDecision.Median(aloneTimes);
            Trials++;
            SplitTrials += chosen ? 1 : 0;
        }
        else if (position == 2 * TrialBlocks + ChosenBlocks)
        {
            position = 0;
        }
    }
}
