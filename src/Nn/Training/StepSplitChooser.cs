namespace Nn;

/// <summary>
/// Decides, step by step, whether a run's mini-batch steps are split over its team of threads or run on the calling
/// thread alone (the same bits either way). Two vCPUs of a virtual machine can behave as one core for minutes: on the
/// Zen 1 VM of docs/benchmarks.md every two-thread workload ran 0.92–0.99× as fast as one thread in such a stretch
/// while the same steps ran 1.79× at other times. Unlike <see cref="SplitChooser"/>, which times both modes alike, a
/// trial here is short, because a step alone costs nearly twice a split one where splitting pays: every step run
/// whole in the current mode is timed (the median of the last <see cref="Recent"/> decides), and once those are timed,
/// then every <see cref="Interval"/> steps, <see cref="TrialSteps"/> steps run the other way. The mode changes when the trial's
/// median says so by <see cref="SplitMargin"/>, and a trial that changed it is checked by another as soon as the new
/// mode's <see cref="Recent"/> steps are timed: three steps the host slowed or sped could otherwise send a run alone for
/// a whole interval (Network B's whole epoch is 469 steps). Mutable: one per run, used by the run's calling thread only.
/// </summary>
internal sealed class StepSplitChooser : ISplitDecision
{
    /// <summary>Steps run the other way in a trial.</summary>
    public const int TrialSteps = 3;

    /// <summary>Steps from the start of one trial to the start of the next; the first trial starts once <see cref="Recent"/> steps are timed.</summary>
    public const int Interval = 512;

    /// <summary>The steps of the current mode whose median stands for it.</summary>
    public const int Recent = 15;

    /// <summary>How much faster splitting must be to be kept or chosen, as in <see cref="SplitChooser.SplitMargin"/>.</summary>
    public const double SplitMargin = SplitChooser.SplitMargin;

    private readonly long[] recent = new long[Recent];
    private readonly long[] trial = new long[TrialSteps];
    private int recorded;
    private int sinceTrial;
    private int inTrial = -1;
    private bool confirming;

    /// <summary>Whether the steps run split now, outside a trial.</summary>
    public bool Splitting { get; private set; } = true;

    /// <summary>Trials finished so far.</summary>
    public int Trials { get; private set; }

    /// <summary>How many of the finished trials changed the mode.</summary>
    public int Changes { get; private set; }

    /// <summary>Whether the next step is to be split over the threads.</summary>
    public bool Next() => inTrial >= 0 ? !Splitting : Splitting;

    /// <summary>
    /// Records how long the step just run took (any clock, in ticks), in the mode <see cref="Next"/> gave for it. A
    /// step not run whole in that mode (a short last batch, a failed step) is not recorded.
    /// </summary>
    /// <param name="ticks">The step's duration.</param>
    public void Record(long ticks)
    {
        if (inTrial >= 0)
        {
            trial[inTrial++] = ticks;
            if (inTrial == TrialSteps)
            {
                Decide();
            }

            return;
        }

        recent[recorded++ % Recent] = ticks;
        sinceTrial++;
        if (recorded >= Recent && (Trials == 0 || confirming || sinceTrial >= Interval - TrialSteps))
        {
            inTrial = 0;
        }
    }

    private void Decide()
    {
        var current = SplitDecision.Median(recent);
        var other = SplitDecision.Median(trial);
        var (split, alone) = Splitting ? (current, other) : (other, current);
        var keepSplitting = split < SplitMargin * alone;
        Trials++;
        confirming = keepSplitting != Splitting;
        if (confirming)
        {
            Changes++;
            Splitting = keepSplitting;
            recorded = 0;
        }

        inTrial = -1;
        sinceTrial = 0;
    }
}
