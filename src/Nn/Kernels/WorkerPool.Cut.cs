namespace Nn.Kernels;

/// <summary>
/// The pool's two-thread cut: a region whose units are independent can be cut where the two threads' measured speeds
/// put it rather than in halves, since one vCPU of a virtual machine can run the same code a quarter to a half slower
/// than the other for minutes, and an even cut then makes the faster thread wait at the end of every region.
/// </summary>
internal sealed partial class WorkerPool
{
    /// <summary>The ticks of the caller's part 0 in the last region it ran.</summary>
    private long callerPartTicks;

    /// <summary>The generation, part and ticks of the last part the first worker ran, written by that worker before it leaves the region.</summary>
    private int workerPartGeneration;
    private int workerPart;
    private long workerPartTicks;

    /// <summary>The caller's share of the current region's units when <see cref="RunCut"/> runs it; 0 in other regions.</summary>
    private double cutShare;

    /// <summary>
    /// Inside a region <see cref="RunCut"/> runs on two threads, the caller's share of its work (what <see cref="Start"/>
    /// cuts by); 0 in any other region. For a job that cuts several counts together rather than each on its own.
    /// </summary>
    public double CutShare => cutShare;

    /// <summary>Where a two-thread region of independent units cuts them between the caller and the worker (<see cref="SampleSplit"/>).</summary>
    public TwoWayBalance Balance { get; } = new();

    /// <summary>
    /// The time the caller took for part 0 of the last region and the time the first worker took for part 1 of it;
    /// false unless that region had two parts and each side ran one (the caller runs both when the worker comes late).
    /// Read it after <see cref="Run"/> returns, on the thread that called it; always false while <see cref="Alone"/>.
    /// </summary>
    public bool LastTwoParts(out long callerTicks, out long workerTicks)
    {
        callerTicks = callerPartTicks;
        workerTicks = workerPartTicks;
        return !Alone && parts == 2 && workers.Length > 0 && workerPartGeneration == generation && workerPart == 1;
    }

    /// <summary>
    /// Runs <paramref name="job"/> as <see cref="Run"/> does with <paramref name="parts"/> parts, except that on a pool of
    /// two threads the two parts are cut where <see cref="Balance"/> puts the cut, which the job reads through
    /// <see cref="Start"/>, and the balance then learns from the two parts' times. <paramref name="units"/> is the
    /// count the job cuts, for the share each side actually had; 0 when it cuts several counts (then the share is the
    /// balance's).
    /// </summary>
    public void RunCut(IPartitionedWork job, int parts, int units = 0)
    {
        if (parts != 2 || Threads != 2)
        {
            Run(job, parts);
            return;
        }

        var share = Balance.Share;
        cutShare = share;
        try
        {
            Run(job, 2);
        }
        finally
        {
            cutShare = 0;
        }

        if (LastTwoParts(out var callerTicks, out var workerTicks))
        {
            Balance.Learn(units >= 2 ? TwoWayBalance.CutAt(units, share) / (double)units : share, callerTicks, workerTicks);
        }
    }

    /// <summary>
    /// The first of <paramref name="units"/> that part <paramref name="part"/> of <paramref name="parts"/> takes: the
    /// balanced cut inside a region <see cref="RunCut"/> runs on two threads, <see cref="Partition.Start"/> in any other.
    /// Every part of a region reads the same cut, so the parts still cover every unit once.
    /// </summary>
    public int Start(int units, int part, int parts) =>
        cutShare > 0 && parts == 2 && part == 1 ? TwoWayBalance.CutAt(units, cutShare) : Partition.Start(units, part, parts);
}
