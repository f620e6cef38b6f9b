using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Nn;
using Nn.Distributed;

// What data-parallel training costs on this machine (docs/distributed.md, "How it scales"). Run under mpiexec:
//   mpiexec.mpich -n 2 dotnet run -c Release --project bench/Nn.Distributed.Benchmarks -- [FASHION_MNIST_DIR] [EPOCHS] [BATCH] [phases]
// 1. The time of one MpiGroup.Sum (the bytes a sharded step moves) of 1 to 235,147 floats: latency α and bandwidth
//    β — of the shared-memory window when every rank is on this machine, of MPI's reduce-scatter + all-gather with
//    NN_MPI_SHARED_MEMORY=0 (the path across machines).
// 2. With Fashion-MNIST: Network B (784-256-128-10, Adam, batch BATCH (default 256), float, 1 thread per rank) for
//    EPOCHS epochs (default 2), reporting the median step time, the epoch time and the sum's share of a step. With one
//    rank the run is Trainer.Train in one process, the baseline of the speed-up; with several, each rank's step time
//    phase by phase (StepBreakdown), the time spent waiting in each sum apart from the time moving the data. With
//    "phases" a one-rank run goes through DistributedTrainer too (its sums are copies), to time its phases the same way.
// 3. The model's step time for 8 and 64 ranks from the measured α, β and one-rank step time.
// Rank 0 prints; numbers use the invariant culture.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
using var group = MpiGroup.Join();
var folder = args.Length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
var epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 256;
var phases = group.Size > 1 || (args.Length > 3 && args[3] == "phases");
void Say(string line)
{
    if (group.IsLeader)
    {
        Console.WriteLine(line);
    }
}

Say($"ranks {group.Size}; {Environment.ProcessorCount} CPUs; load {File.ReadAllText("/proc/loadavg").Trim()}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Say(Environment.GetEnvironmentVariable("NN_MPI_SHARED_MEMORY") == "0" ? "sums: MPI's collectives (NN_MPI_SHARED_MEMORY=0)" : "sums: shared memory when every rank is on this machine");
const int Parameters = 235_146;
var sizes = new[] { 1, 1024, 16_384, 65_536, Parameters + 1 };
var seconds = new Dictionary<int, double>();
foreach (var size in sizes)
{
    var values = new float[size];
    var rounds = size > 100_000 ? 50 : 200;
    for (var i = 0; i < 20; i++)
    {
        group.Sum(values.AsSpan());
    }

    // The median of 9 batches, each timed on rank 0 between two sums every rank takes part in.
    var batches = new double[9];
    for (var b = 0; b < batches.Length; b++)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            values.AsSpan().Clear();
            group.Sum(values.AsSpan());
        }

        batches[b] = clock.Elapsed.TotalSeconds / rounds;
    }

    Array.Sort(batches);
    seconds[size] = batches[batches.Length / 2];
    Say($"sum of {size,7} floats: {seconds[size] * 1e6,9:F1} µs");
}

var alpha = seconds[1];
// On two ranks the model below gives t = 2α + 4Pβ: each half moves half of the vector each way.
var beta = (seconds[Parameters + 1] - 2 * alpha) / (4.0 * (Parameters + 1));
Say($"latency α ≈ {alpha * 1e6:F1} µs; time per byte β ≈ {beta * 1e9:F3} ns ({1 / beta / 1e9:F2} GB/s) for a sum of θ and the cost ({(Parameters + 1) * 4 / 1e6:F2} MB)");

var images = Path.Combine(folder, "train-images-idx3-ubyte.gz");
if (!File.Exists(images))
{
    Say($"no Fashion-MNIST at {folder}: skipping the training measurement (apt-get install dataset-fashion-mnist).");
    return 0;
}

var train = IdxData.Load<float>(images, Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
var architecture = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax);
var network = Network.Create<float>(architecture, Initializer.He, 1);
var options = new TrainingOptions(epochs, batch, 1);
var steps = new List<double>();

// The ranks load the data at their own pace (two processes unpacking 26 MB of gzip into 188 MB of floats at once),
// and the first sum inside the run waits for the last of them: 20-170 ms on 2026-12-03, which a clock started before
// it would count in the first epoch. A sum is a barrier, so every rank starts its clocks with the data loaded
// everywhere, as MPI timings do.
group.Sum(new int[1].AsSpan());
var stepClock = Stopwatch.StartNew();
var epochClock = Stopwatch.StartNew();
var epochTimes = new List<double>();
var epochCosts = new List<EpochCost>();
var costClock = EpochCost.Now();
var progress = new Progress(() =>
{
    steps.Add(stepClock.Elapsed.TotalSeconds);
    stepClock.Restart();
});
void OnEpoch(TrainingState<float> state)
{
    epochTimes.Add(epochClock.Elapsed.TotalSeconds);
    epochClock.Restart();
    var now = EpochCost.Now();
    epochCosts.Add(now - costClock);
    costClock = now;
    stepClock.Restart();
}

var timeline = new StepTimeline();
if (phases)
{
    group.Timeline = timeline;
}

var result = !phases
    ? Trainer.Train(network, Loss.SoftmaxCrossEntropy, new Adam(0.001), train, options, null, progress, OnEpoch)
    : DistributedTrainer.Train(group, network, Loss.SoftmaxCrossEntropy, new Adam(0.001), train, options, null, progress, OnEpoch);

// The first epoch's first steps include JIT and page faults; the median of the last epoch's steps is the steady state.
var perEpoch = steps.Count / epochs;
var last = steps.Skip(steps.Count - perEpoch).OrderBy(s => s).ToArray();
var step = last[last.Length / 2];
group.Timeline = null;
Say($"Network B, batch {batch}, 1 thread per rank, {(phases ? "DistributedTrainer.Train" : "Trainer.Train in one process")}: {result.Message}");
Say($"epoch times (s): {string.Join(", ", epochTimes.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))}");
// A whole-vector Sum (reduce-scatter and all-gather) is what the model below prices; a sharded step through shared
// memory moves less (half the gradient, and θ' is read in place), which the breakdown's sum rows show.
Say($"median step {step * 1e3:F2} ms; a whole-vector sum of θ takes {seconds[Parameters + 1] * 1e3:F2} ms ({seconds[Parameters + 1] / step:P1} of it)");

// Between an epoch's last step and its end (the divergence probe's measuring, the moments' gather, the snapshot): the
// epoch's time less its steps' (a step's time runs from the report before it, so the epoch's start is in its first).
var outside = epochTimes.Select((time, e) => time - steps.Skip(e * perEpoch).Take(perEpoch).Sum());
Say($"outside the steps, per epoch (ms): {string.Join(", ", outside.Select(t => (t * 1e3).ToString("F1", CultureInfo.InvariantCulture)))}");
foreach (var line in EpochCost.Lines(group, epochCosts))
{
    Say(line);
}

if (phases)
{
    // The steady state (the last epoch), then the first epoch, whose steps carry the JIT's compiling and the first
    // touch of every buffer (page faults, expensive on a virtual machine).
    var recorded = timeline.Steps.Count;
    foreach (var line in StepBreakdown.Lines(group, timeline, Math.Max(0, recorded - perEpoch), perEpoch, $"the last {Math.Min(perEpoch, recorded)} steps"))
    {
        Say(line);
    }

    foreach (var line in StepBreakdown.Lines(group, timeline, 0, perEpoch, "the first epoch's steps"))
    {
        Say(line);
    }
}

if (group.Size == 1)
{
    return 0;
}

Say("model, per step: (compute + update)(1 rank) / N + reduce-scatter + all-gather ≈ 2 (N − 1) α + 2 (N − 1)/N · 4P β (MPICH's pairwise exchange and ring), P = 235,147;");
Say("with one rank's step time S₁ = N × this run's compute part, the expected speed-up is S₁ / (S₁/N + sum(N)):");
var compute = group.Size * (step - seconds[Parameters + 1]);
foreach (var n in new[] { 2, 8, 64 })
{
    var sum = (2.0 * (n - 1) * alpha) + (2.0 * (n - 1) / n * 4 * (Parameters + 1) * beta);
    Say($"  N = {n,2}: sum {sum * 1e3:F2} ms, step {(compute / n + sum) * 1e3:F2} ms, speed-up {compute / (compute / n + sum):F2}× (α, β of this machine's shared memory; a network's are larger)");
}

return 0;

/// <summary>Calls back at every reported batch.</summary>
internal sealed class Progress(Action onBatch) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => onBatch();
}
