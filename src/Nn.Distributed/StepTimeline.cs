using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Nn.Distributed;

/// <summary>The parts of a data-parallel step a <see cref="StepTimeline"/> tells apart, on one rank.</summary>
internal enum TimedPhase
{
    /// <summary>Copying this rank's rows of the batch into the input buffers.</summary>
    Gather,

    /// <summary>The forward and backward pass of this rank's rows (and its predictions, and weighting the gradient).</summary>
    Propagate,

    /// <summary>In the reduce-scatter of the gradient, waiting for the other ranks to arrive.</summary>
    ReduceScatterWait,

    /// <summary>In the reduce-scatter of the gradient, moving and adding the values.</summary>
    ReduceScatter,

    /// <summary>The rule's update of this rank's block of θ and the moments.</summary>
    Update,

    /// <summary>In the all-gather of θ', waiting for the other ranks to arrive.</summary>
    AllGatherWait,

    /// <summary>In the all-gather of θ', copying the other ranks' blocks (through shared memory, θ' is read where it was written: only the cost and verdict are summed).</summary>
    AllGather,

    /// <summary>In the step's other sums (the cost and the verdict; the whole gradient for a rule that does not shard), waiting.</summary>
    SumWait,

    /// <summary>In the step's other sums, moving and adding.</summary>
    Sum,

    /// <summary>After a step's last sum until the next step starts: the step's bookkeeping, progress reports, an epoch's end and its sums.</summary>
    Loop,
}

/// <summary>
/// Where one rank's steps spend their time, phase by phase (<see cref="TimedPhase"/>), for the distributed benchmark:
/// the training loop marks its computing phases (<see cref="IDataParallelGroup.Reached"/>) and the group marks each
/// sum's waiting and moving. Each mark closes the interval since the one before into a phase. Waiting is the time a
/// rank spends in a sum's synchronisation before the last rank arrives (with MPI's collectives, in a barrier taken
/// just for the measurement): imbalance or jitter between the ranks, not the cost of moving the data. Beside the phases
/// each step records where the rank ran (<see cref="StepPlacement"/>), to tell a rank that computes slowly from one
/// that is kept off its CPU.
/// </summary>
internal sealed class StepTimeline
{
    /// <summary>How many phases a step is cut into.</summary>
    public static readonly int PhaseCount = Enum.GetValues<TimedPhase>().Length;

    private readonly List<double[]> steps = [];
    private readonly List<StepPlacement> placements = [];
    private int cpu = -1;
    private (long Preemptions, long PageFaults) usage;
    private double propagationStart = double.NaN;
    private double propagationOnCpu;
    private double[] current = new double[PhaseCount];
    private long last = Stopwatch.GetTimestamp();
    private bool started;
    private bool inStep;
    private TimedPhase wait = TimedPhase.Loop;
    private TimedPhase transfer = TimedPhase.Loop;

    /// <summary>The steps finished so far, each the seconds of every phase (indexed by <see cref="TimedPhase"/>).</summary>
    public IReadOnlyList<double[]> Steps => steps;

    /// <summary>Where each of <see cref="Steps"/> ran, in the same order.</summary>
    public IReadOnlyList<StepPlacement> Placements => placements;

    /// <summary>Closes the interval since the last mark into the phase that ends at <paramref name="phase"/>, the training loop's mark.</summary>
    public void Reached(StepPhase phase)
    {
        switch (phase)
        {
            case StepPhase.Started:
                // The loop's time since the last step belongs to that step, which is complete now (reading where this
                // rank runs is part of it: the first reading loads the library).
                var now = ThreadClock.Usage();
                var startCpu = ThreadClock.CurrentCpu();
                Close(TimedPhase.Loop);
                if (started)
                {
                    steps.Add(current);
                    placements.Add(new StepPlacement(cpu, propagationOnCpu, now.Preemptions - usage.Preemptions, now.PageFaults - usage.PageFaults));
                }

                current = new double[PhaseCount];
                started = true;
                inStep = true;
                (cpu, usage, propagationStart, propagationOnCpu) = (startCpu, now, double.NaN, 0);
                break;
            case StepPhase.Gathered:
                propagationStart = ThreadClock.OnCpuSeconds();
                Close(TimedPhase.Gather);
                break;
            case StepPhase.Propagated:
                // A rank with no rows of the batch reaches this mark without the one before: it propagated nothing.
                propagationOnCpu = double.IsNaN(propagationStart) ? 0 : ThreadClock.OnCpuSeconds() - propagationStart;
                Close(TimedPhase.Propagate);
                break;
            case StepPhase.Updated:
                Close(TimedPhase.Update);
                break;
            case StepPhase.Finished:
                // The step's last bookkeeping (the cost's L2 term, accepting θ') is the loop's, like what follows it.
                Close(TimedPhase.Loop);
                inStep = false;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(phase), phase, "not a step phase");
        }
    }

    /// <summary>
    /// A sum begins: the time since the last mark is counted as its moving (only a few instructions pass between a
    /// loop's mark and the call), and its waiting and moving go to <paramref name="waiting"/> and
    /// <paramref name="moving"/> — or to the loop's time when no step is under way.
    /// </summary>
    public void Enter(TimedPhase waiting, TimedPhase moving)
    {
        (wait, transfer) = inStep ? (waiting, moving) : (TimedPhase.Loop, TimedPhase.Loop);
        Close(transfer);
    }

    /// <summary>The sum under way has moved or added values since the last mark.</summary>
    public void Moved() => Close(transfer);

    /// <summary>The sum under way has waited for the other ranks since the last mark.</summary>
    public void Waited() => Close(wait);

    private void Close(TimedPhase phase)
    {
        var now = Stopwatch.GetTimestamp();
        current[(int)phase] += (double)(now - last) / Stopwatch.Frequency;
        last = now;
    }
}

/// <summary>Where one rank's step ran, beside its phases' wall-clock times (<see cref="StepTimeline.Placements"/>).</summary>
/// <param name="Cpu">The CPU the step started on (−1 where that cannot be read).</param>
/// <param name="PropagationOnCpu">
/// The processor time of the forward and backward pass, in seconds (NaN where that cannot be read): as long as the
/// phase's wall-clock time when the rank ran throughout, shorter by the time it was descheduled or interrupted.
/// </param>
/// <param name="Preemptions">How many times the rank was preempted during the step (involuntary context switches).</param>
/// <param name="PageFaults">How many page faults the rank took during the step.</param>
internal readonly record struct StepPlacement(int Cpu, double PropagationOnCpu, long Preemptions, long PageFaults);
